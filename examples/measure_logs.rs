//! Measures the console under a log flood, the way a user's terminal sees it (QUALITY P5,
//! P2 under load, P8): the real `catalyst-tui` binary runs in a pseudo-terminal through the
//! end-to-end harness (`tests/e2e_support`) with its embedded sandbox flooding operation
//! `op-flood` (`--flood-log RATE --open operation/op-flood`), and the figures come from the
//! bytes it writes and from `/proc`.
//!
//! It waits until the log viewer follows the flood and its buffer is full (the header shows
//! `--log-lines` lines, 100,000 by default), then reports:
//! - **memory** (P8): the process's RSS once the buffer is full, at the end, and its peak
//!   (`VmRSS`, `VmHWM` of `/proc/PID/status`; the embedded sandbox is in the same process);
//! - **throughput** over `--secs` seconds: lines a second the viewer received (from the line
//!   numbers `#N` the flood's lines start with, newest on screen, timed by the output that
//!   showed them), frames a second (synchronized-output begin marks `CSI ? 2026 h`), bytes a
//!   second written to the terminal (mean and the largest one-second sample), and CPU;
//! - **key latency** (P2 under load): `--presses` times, `f` (pause) and the time until
//!   `PAUSED` is on screen, then `f` again (follow) until `FOLLOWING` is; presses are spread
//!   irregularly so they land at every phase of the frame pacing. p50, p99, max.
//!
//! Usage (release figures are the ones that matter; Cargo builds no binary for an example,
//! so build both):
//!
//! ```text
//! cargo build --release --bin catalyst-tui --example measure_logs
//! target/release/examples/measure_logs                          # 120x40, 50,000 lines/s
//! target/release/examples/measure_logs --cols 80 --rows 24
//! target/release/examples/measure_logs -- --scale 100x4x25      # P8: 10,000 Applications
//! ```
//!
//! Options: `--rate N` (lines a second, default 50000), `--secs N` (throughput window,
//! default 10), `--presses N` (default 20), `--log-lines N` (buffer size, passed on),
//! `--bin PATH` (default: `catalyst-tui` beside the example's directory), `--cols`/`--rows`
//! (120x40), `--timeout N` (seconds to wait for each step), and `-- ARGS...` passed to
//! `catalyst-tui` after the flood's own flags. `--open operation/op-flood` loads the home
//! view underneath the log (every level of a deep link loads), so with `--scale 100x4x25`
//! the sandbox holds 10,000 Applications and the console its Organizations' roll-ups.
//! Prints a small plain-text table; exits non-zero if the console never shows the flood.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/e2e_support/mod.rs"]
mod e2e_support;
#[path = "support/proc_stats.rs"]
mod proc_stats;

use proc_stats::{clock_ticks_per_second, cpu_ticks, ms};

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;
use e2e_support::{Signal, Term};

#[derive(Debug, Parser)]
#[command(about = "Measure catalyst-tui following a log flood in a pseudo-terminal")]
struct Cli {
    /// The catalyst-tui binary.
    #[arg(long)]
    bin: Option<PathBuf>,
    #[arg(long, default_value_t = 120)]
    cols: u16,
    #[arg(long, default_value_t = 40)]
    rows: u16,
    /// Lines a second the sandbox offers.
    #[arg(long, default_value_t = 50_000)]
    rate: u32,
    /// Length of the throughput window, in seconds.
    #[arg(long, default_value_t = 10)]
    secs: u64,
    /// Pause/follow presses for the key latency.
    #[arg(long, default_value_t = 20)]
    presses: usize,
    /// Lines the log buffer holds (passed to catalyst-tui).
    #[arg(long, default_value_t = 100_000)]
    log_lines: u64,
    /// How long to wait for each step, in seconds.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// More arguments for catalyst-tui.
    #[arg(last = true)]
    args: Vec<String>,
}

fn fail(message: &str) -> ! {
    eprintln!("measure_logs: {message}");
    std::process::exit(1);
}

fn main() {
    let cli = Cli::parse();
    let bin = cli.bin.clone().unwrap_or_else(e2e_support::binary_path);
    if !bin.exists() {
        eprintln!(
            "{} does not exist: build it (cargo build --release --bin catalyst-tui) or pass --bin",
            bin.display()
        );
        std::process::exit(2);
    }
    let rate = cli.rate.to_string();
    let log_lines = cli.log_lines.to_string();
    let mut args = vec![
        "--flood-log",
        rate.as_str(),
        "--open",
        "operation/op-flood",
        "--log-lines",
        log_lines.as_str(),
    ];
    args.extend(cli.args.iter().map(String::as_str));
    let timeout = Duration::from_secs(cli.timeout);
    let started = Instant::now();
    let term = Term::spawn_program(&bin, &args, &[], cli.cols, cli.rows);
    let pid = term.pid();

    term.wait_for(
        |s: &vt100::Screen| {
            let text = s.contents();
            text.contains("FOLLOWING") && newest_line(&text).is_some()
        },
        timeout,
    )
    .unwrap_or_else(|e| fail(&e));
    let full = format!("{} lines", thousands(cli.log_lines));
    let full_at = term
        .wait_for_at(full.as_str(), timeout)
        .unwrap_or_else(|e| fail(&e));
    let rss_full = memory(pid);

    // Throughput: one sample a second.
    let tick_ms = 1000.0 / clock_ticks_per_second();
    let cpu0 = cpu_ticks(pid);
    let mut samples = vec![Sample::take(&term)];
    for _ in 0..cli.secs.max(1) {
        std::thread::sleep(Duration::from_secs(1));
        samples.push(Sample::take(&term));
    }
    let cpu_ms = cpu_ticks(pid).saturating_sub(cpu0) as f64 * tick_ms;
    let (first, last) = (&samples[0], &samples[samples.len() - 1]);
    let window = (last.at - first.at).as_secs_f64();
    let shown = (last.shown_at - first.shown_at).as_secs_f64();
    let lines_per_sec = (last.newest - first.newest) as f64 / shown.max(1e-3);
    let frames_per_sec = (last.frames - first.frames) as f64 / window;
    let bytes_per_sec = (last.bytes - first.bytes) as f64 / window;
    let per_second = |f: fn(&Sample) -> u64| {
        samples
            .windows(2)
            .map(|w| f(&w[1]) - f(&w[0]))
            .max()
            .unwrap_or(0)
    };
    let max_frames = per_second(|s| s.frames);
    let max_bytes = per_second(|s| s.bytes);

    // Key latency: pause, then follow again.
    let mut pause = Vec::new();
    let mut follow = Vec::new();
    let mut jitter = Lcg(0x5eed);
    for _ in 0..cli.presses {
        std::thread::sleep(Duration::from_millis(150 + jitter.below(250)));
        let sent = Instant::now();
        term.send("f");
        let at = term
            .wait_for_at("PAUSED", timeout)
            .unwrap_or_else(|e| fail(&e));
        pause.push(ms(at.saturating_duration_since(sent)));
        std::thread::sleep(Duration::from_millis(150 + jitter.below(250)));
        let sent = Instant::now();
        term.send("f");
        let at = term
            .wait_for_at("FOLLOWING", timeout)
            .unwrap_or_else(|e| fail(&e));
        follow.push(ms(at.saturating_duration_since(sent)));
    }
    let rss_end = memory(pid);
    term.signal(Signal::Term);
    if term.wait_exit(Duration::from_secs(5)).is_none() {
        eprintln!("note: the console did not exit within 5 s of SIGTERM");
    }

    println!(
        "log flood: {} lines/s offered at {}x{}, buffer {} lines{}",
        cli.rate,
        cli.cols,
        cli.rows,
        thousands(cli.log_lines),
        if cli.args.is_empty() {
            String::new()
        } else {
            format!(", catalyst-tui {}", cli.args.join(" "))
        }
    );
    println!("{:<44} {:>12}", "metric", "value");
    println!(
        "{:<44} {:>12.1}",
        "buffer full after spawn, s",
        (full_at - started).as_secs_f64()
    );
    println!(
        "{:<44} {:>12.1}",
        "RSS with the buffer just full, MiB", rss_full.0
    );
    println!("{:<44} {:>12.1}", "RSS at the end, MiB", rss_end.0);
    println!("{:<44} {:>12.1}", "peak RSS (VmHWM), MiB", rss_end.1);
    println!(
        "{:<44} {:>12.0}",
        "lines/s received by the viewer", lines_per_sec
    );
    println!("{:<44} {:>12.1}", "frames/s", frames_per_sec);
    println!("{:<44} {:>12}", "most frames in one 1 s sample", max_frames);
    println!("{:<44} {:>12.0}", "terminal bytes/s", bytes_per_sec);
    println!("{:<44} {:>12}", "most bytes in one 1 s sample", max_bytes);
    println!(
        "{:<44} {:>12.0}",
        "bytes per frame (mean)",
        bytes_per_sec / frames_per_sec.max(1e-9)
    );
    println!(
        "{:<44} {:>12.1}",
        "CPU, % of one core (console + sandbox)",
        cpu_ms / (window * 10.0)
    );
    println!("{:<44} {:>12}", "key latency, ms (p50 / p99 / max)", "",);
    latency_row("  f -> PAUSED on screen", &mut pause);
    latency_row("  f -> FOLLOWING on screen", &mut follow);
    let mut both: Vec<f64> = pause.iter().chain(&follow).copied().collect();
    latency_row("  both", &mut both);
}

/// What the terminal showed at one moment.
struct Sample {
    at: Instant,
    /// When the output that showed `newest` was processed.
    shown_at: Instant,
    newest: u64,
    frames: u64,
    bytes: u64,
}

impl Sample {
    fn take(term: &Term) -> Sample {
        let newest = term.with_screen(|s| newest_line(&s.contents()));
        let shown_at = term.last_output_at();
        Sample {
            at: Instant::now(),
            shown_at,
            newest: newest.unwrap_or(0),
            frames: term.sync_frames(),
            bytes: term.bytes_read(),
        }
    }
}

/// The highest line number (`#N `) on screen.
fn newest_line(text: &str) -> Option<u64> {
    text.split('#')
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let follows = rest[digits.len()..].starts_with(' ');
            (follows && !digits.is_empty())
                .then(|| digits.parse().ok())
                .flatten()
        })
        .max()
}

fn latency_row(label: &str, values: &mut [f64]) {
    if values.is_empty() {
        return;
    }
    values.sort_by(f64::total_cmp);
    let rank =
        |p: f64| values[((p * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1];
    println!(
        "{:<44} {:>12}",
        label,
        format!(
            "{:.1} / {:.1} / {:.1}",
            rank(0.5),
            rank(0.99),
            values[values.len() - 1]
        )
    );
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// (VmRSS, VmHWM) of the process, in MiB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (kib("VmRSS:") / 1024.0, kib("VmHWM:") / 1024.0)
}

/// Irregular pauses between presses (deterministic).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}
