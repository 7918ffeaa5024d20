//! Measures the console from the outside, the way a user's terminal sees it: the real
//! `catalyst-tui` binary runs in a pseudo-terminal through the end-to-end harness
//! (`tests/e2e_support`), and the figures come from the bytes it writes and from `/proc`.
//!
//! Modes:
//! - `first-frame` (P7): milliseconds from spawning the process to the first non-empty
//!   screen, and to `--until TEXT` appearing; `--runs N` times, reported as min, median,
//!   p90 and max.
//! - `idle` (P1): once the screen shows `--until TEXT` and has been silent for
//!   `--settle-ms`, watches a window of `--secs` seconds and reports the CPU time the
//!   process used (utime+stime from `/proc/PID/stat`, in ms and as % of one core), its
//!   voluntary and involuntary context switches (summed over `/proc/PID/task/*/status`;
//!   threads that end inside the window take their counts with them) and the bytes it wrote
//!   to the terminal. An idle console should show ~0 bytes and next to no wake-ups.
//! - `bytes`: after the same settling, sends `--keys` (the harness's key syntax, e.g.
//!   `"j j <enter> <esc>"`), waits for the output to be silent again and reports the
//!   bytes written and when the last of them came.
//! - `open`: after the same settling, `--runs` times: sends `--keys` and times until
//!   `--expect TEXT` is on screen (a view opened and its data shown), then sends `--back`
//!   and waits for the ready text again; reports min, median, p90 and max, and the
//!   process's peak resident memory (`VmHWM`) at the end.
//!
//! Usage (release figures are the ones that matter; Cargo builds no binary for an example,
//! so build both):
//!
//! ```text
//! cargo build --release --bin catalyst-tui --example measure_console
//! target/release/examples/measure_console first-frame --runs 10 --until digital-channels
//! target/release/examples/measure_console idle --secs 60 --until digital-channels
//! target/release/examples/measure_console bytes --until digital-channels --keys "j j <enter>"
//! target/release/examples/measure_console open --until digital-channels --keys "T" \
//!     --expect "Failed" --back "<esc>" --runs 10 -- --scale 1000x4x25
//! ```
//!
//! Common options: `--bin PATH` (default: `catalyst-tui` beside the example's directory),
//! `--cols`/`--rows` (80x24), `--env KEY=VALUE` (repeatable, e.g. `--env NO_COLOR=1`),
//! and `-- ARGS...` passed to `catalyst-tui` (default: none, the console on its sandbox).
//! Prints a small plain-text table; exits non-zero if the console never shows the text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/e2e_support/mod.rs"]
mod e2e_support;
#[path = "support/proc_stats.rs"]
mod proc_stats;

use proc_stats::{clock_ticks_per_second, cpu_ticks, ms};

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use e2e_support::{Signal, Term};

#[derive(Debug, Parser)]
#[command(about = "Measure catalyst-tui in a pseudo-terminal")]
struct Cli {
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Debug, Subcommand)]
enum Mode {
    /// P7: time to the first non-empty screen and to a given text.
    FirstFrame {
        #[command(flatten)]
        common: Common,
        /// How many times to start the console.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// P1: CPU, context switches and bytes written while idle.
    Idle {
        #[command(flatten)]
        common: Common,
        /// Length of the idle window, in seconds.
        #[arg(long, default_value_t = 60)]
        secs: u64,
    },
    /// Bytes written in answer to some keys.
    Bytes {
        #[command(flatten)]
        common: Common,
        /// Keys to send, in the harness's syntax.
        #[arg(long)]
        keys: String,
    },
    /// Time from keys to a text on screen (a view opened with its data), repeated.
    Open {
        #[command(flatten)]
        common: Common,
        /// Keys that open the view, in the harness's syntax.
        #[arg(long)]
        keys: String,
        /// Text that shows the view is open with its data.
        #[arg(long)]
        expect: String,
        /// Keys that go back to where the ready text shows.
        #[arg(long, default_value = "<esc>")]
        back: String,
        /// How many times to open the view.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
}

#[derive(Debug, Args)]
struct Common {
    /// The catalyst-tui binary.
    #[arg(long)]
    bin: Option<PathBuf>,
    #[arg(long, default_value_t = 80)]
    cols: u16,
    #[arg(long, default_value_t = 24)]
    rows: u16,
    /// Text that shows the console is ready (e.g. an organization's name).
    #[arg(long)]
    until: Option<String>,
    /// Extra environment for the console, KEY=VALUE.
    #[arg(long = "env", value_parser = parse_env)]
    env: Vec<(String, String)>,
    /// Silence that counts as "settled", in ms.
    #[arg(long, default_value_t = 1000)]
    settle_ms: u64,
    /// How long to wait for the console to be ready, in seconds.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Arguments for catalyst-tui.
    #[arg(last = true)]
    args: Vec<String>,
}

fn parse_env(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("{s:?} is not KEY=VALUE"))
}

impl Common {
    fn spawn(&self) -> Term {
        let bin = self.bin.clone().unwrap_or_else(e2e_support::binary_path);
        if !bin.exists() {
            eprintln!(
                "{} does not exist: build it (cargo build --release --bin catalyst-tui) or pass --bin",
                bin.display()
            );
            std::process::exit(2);
        }
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        Term::spawn_program(&bin, &args, &env, self.cols, self.rows)
    }

    fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    /// Spawns, waits for the ready text (or any output) and for the screen to settle.
    fn spawn_settled(&self) -> Term {
        let term = self.spawn();
        let ready = match &self.until {
            Some(text) => term.wait_for(text.as_str(), self.timeout()),
            None => term.wait_for(non_empty, self.timeout()),
        };
        ready
            .and_then(|()| term.wait_quiet(Duration::from_millis(self.settle_ms), self.timeout()))
            .unwrap_or_else(|e| fail(&e));
        term
    }
}

fn non_empty(screen: &vt100::Screen) -> bool {
    screen.contents().chars().any(|c| !c.is_whitespace())
}

fn fail(message: &str) -> ! {
    eprintln!("measure_console: {message}");
    std::process::exit(1);
}

fn quit(term: &Term) {
    term.signal(Signal::Term);
    if term.wait_exit(Duration::from_secs(5)).is_none() {
        eprintln!("note: the console did not exit within 5 s of SIGTERM");
    }
}

fn main() {
    match Cli::parse().mode {
        Mode::FirstFrame { common, runs } => first_frame(&common, runs.max(1)),
        Mode::Idle { common, secs } => idle(&common, Duration::from_secs(secs)),
        Mode::Bytes { common, keys } => bytes(&common, &keys),
        Mode::Open {
            common,
            keys,
            expect,
            back,
            runs,
        } => open(&common, &keys, &expect, &back, runs.max(1)),
    }
}

fn first_frame(common: &Common, runs: usize) {
    let mut first = Vec::new();
    let mut until = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let term = common.spawn();
        let at = term
            .wait_for_at(non_empty, common.timeout())
            .unwrap_or_else(|e| fail(&e));
        first.push(ms(at - started));
        if let Some(text) = &common.until {
            let at = term
                .wait_for_at(text.as_str(), common.timeout())
                .unwrap_or_else(|e| fail(&e));
            until.push(ms(at - started));
        }
        quit(&term);
    }
    println!(
        "first-frame: {runs} runs at {}x{}",
        common.cols, common.rows
    );
    println!(
        "{:<28} {:>8} {:>8} {:>8} {:>8}",
        "ms from spawn", "min", "median", "p90", "max"
    );
    row("first non-empty screen", &mut first);
    if let Some(text) = &common.until {
        row(&format!("{text:?} shown"), &mut until);
    }
}

fn row(label: &str, values: &mut [f64]) {
    values.sort_by(f64::total_cmp);
    let rank =
        |p: f64| values[((p * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1];
    println!(
        "{:<28} {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
        label,
        values[0],
        rank(0.5),
        rank(0.9),
        values[values.len() - 1]
    );
}

fn idle(common: &Common, window: Duration) {
    let term = common.spawn_settled();
    let pid = term.pid();
    let tick_ms = 1000.0 / clock_ticks_per_second();
    let (cpu0, cs0, bytes0, t0) = (
        cpu_ticks(pid),
        switches(pid),
        term.bytes_read(),
        Instant::now(),
    );
    std::thread::sleep(window);
    let (cpu1, cs1, bytes1, elapsed) = (
        cpu_ticks(pid),
        switches(pid),
        term.bytes_read(),
        t0.elapsed(),
    );
    let threads = std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, Iterator::count);
    quit(&term);

    let cpu_ms = cpu1.saturating_sub(cpu0) as f64 * tick_ms;
    let secs = elapsed.as_secs_f64();
    let voluntary = cs1.0.saturating_sub(cs0.0);
    let involuntary = cs1.1.saturating_sub(cs0.1);
    println!("idle: {secs:.1} s window after the screen settled, {threads} threads");
    println!("{:<34} {:>12}", "metric", "value");
    println!("{:<34} {:>12.0}", "CPU time (utime+stime), ms", cpu_ms);
    println!(
        "{:<34} {:>12.3}",
        "CPU, % of one core",
        cpu_ms / (secs * 10.0)
    );
    println!("{:<34} {:>12}", "voluntary context switches", voluntary);
    println!("{:<34} {:>12}", "involuntary context switches", involuntary);
    println!(
        "{:<34} {:>12.2}",
        "context switches per second",
        (voluntary + involuntary) as f64 / secs
    );
    println!(
        "{:<34} {:>12}",
        "bytes written to the terminal",
        bytes1 - bytes0
    );
}

fn bytes(common: &Common, keys: &str) {
    let term = common.spawn_settled();
    let before = term.bytes_read();
    let sent = Instant::now();
    term.send(keys);
    term.wait_quiet(Duration::from_millis(common.settle_ms), common.timeout())
        .unwrap_or_else(|e| fail(&e));
    let written = term.bytes_read() - before;
    // Zero when nothing came (the last output is from before the keys).
    let last = term.last_output_at().saturating_duration_since(sent);
    quit(&term);
    println!("bytes: keys {keys:?} at {}x{}", common.cols, common.rows);
    println!("{:<34} {:>12}", "metric", "value");
    println!("{:<34} {:>12}", "bytes written", written);
    println!("{:<34} {:>12.1}", "last byte after sending, ms", ms(last));
}

fn open(common: &Common, keys: &str, expect: &str, back: &str, runs: usize) {
    let term = common.spawn_settled();
    let ready = common.until.clone().unwrap_or_default();
    let mut times = Vec::new();
    for _ in 0..runs {
        let sent = Instant::now();
        term.send(keys);
        let at = term
            .wait_for_at(expect, common.timeout())
            .unwrap_or_else(|e| fail(&e));
        times.push(ms(at.saturating_duration_since(sent)));
        term.send(back);
        term.wait_for(
            |s: &vt100::Screen| !s.contents().contains(expect) && s.contents().contains(&ready),
            common.timeout(),
        )
        .unwrap_or_else(|e| fail(&e));
        term.wait_quiet(Duration::from_millis(common.settle_ms), common.timeout())
            .unwrap_or_else(|e| fail(&e));
    }
    let hwm = peak_rss_kib(term.pid());
    quit(&term);
    println!(
        "open: keys {keys:?} until {expect:?}, {runs} runs at {}x{}",
        common.cols, common.rows
    );
    println!(
        "{:<28} {:>8} {:>8} {:>8} {:>8}",
        "ms from the keys", "min", "median", "p90", "max"
    );
    row("shown", &mut times);
    println!(
        "peak resident memory (VmHWM): {:.1} MiB",
        hwm as f64 / 1024.0
    );
}

/// The peak resident set of `pid` in KiB (`VmHWM` of `/proc/PID/status`).
fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// (voluntary, involuntary) context switches summed over the process's threads.
fn switches(pid: u32) -> (u64, u64) {
    let mut total = (0, 0);
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return total;
    };
    for task in tasks.flatten() {
        let status = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
        for line in status.lines() {
            let value = |l: &str| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<u64>().ok())
            };
            if line.starts_with("voluntary_ctxt_switches:") {
                total.0 += value(line).unwrap_or(0);
            } else if line.starts_with("nonvoluntary_ctxt_switches:") {
                total.1 += value(line).unwrap_or(0);
            }
        }
    }
    total
}
