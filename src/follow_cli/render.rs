//! The lines `catalyst-tui follow` prints: one per event, as text for people or as one
//! JSON object per line for programs.
//!
//! Owns: the text layout of each stream (`time phase level message` for a provisioning
//! run, `time level message` for an operation log, `id kind summary` for live events),
//! the JSON form (the wire event with the contract's field names, nothing added), and
//! cleaning text for a terminal: SGR colours kept only when asked, every other escape
//! sequence and control character removed, so a line is one line and cannot move the
//! cursor or retitle the window.
//! Must not: write anywhere or read the environment (callers pass what they found).

use chrono::SecondsFormat;
use serde_json::Value;

use crate::model::{LiveEvent, OperationLogLine, ProvisionEvent};

/// Whether the server's ANSI colours reach the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    /// Keep SGR colour sequences (a terminal without `NO_COLOR`).
    Keep,
    /// Remove them (a file, a pipe, or `NO_COLOR`).
    Strip,
}

impl Colour {
    /// Colours only on a terminal, and only when `NO_COLOR` is unset or empty
    /// (no-color.org).
    pub fn choose(stdout_is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> Colour {
        let no_color = no_color.is_some_and(|v| !v.is_empty());
        if stdout_is_terminal && !no_color {
            Colour::Keep
        } else {
            Colour::Strip
        }
    }
}

/// Output format of `follow`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// One line of text per event.
    #[default]
    Text,
    /// One JSON object per line: the wire event.
    Json,
}

/// Longest summary taken from an event this console does not know.
const UNKNOWN_DATA_CHARS: usize = 200;

/// A provisioning event as text: `time phase level message`; a component's id (and the
/// state it moved to) leads the message, since the service's text does not name it.
pub fn deployment_line(ev: &ProvisionEvent, colour: Colour) -> String {
    let mut body = String::new();
    if let Some(component) = &ev.component {
        body.push_str(&clean(component, Colour::Strip));
        if let Some(state) = &ev.state {
            body.push(' ');
            body.push_str(&clean(state, Colour::Strip));
        }
        body.push_str(": ");
    }
    match ev.handover() {
        // `handover-ready` carries JSON: say it in words.
        Some(h) => body.push_str(&clean(
            &crate::words::handover(&h.handover_url, h.expires_at.as_deref()),
            Colour::Strip,
        )),
        None => body.push_str(&clean(&ev.message, colour)),
    }
    let line = format!(
        "{} {:<14} {:<5} {}",
        clean(&ev.time, Colour::Strip),
        clean(&ev.phase, Colour::Strip),
        ev.level.as_str(),
        body
    );
    line.trim_end().to_string()
}

/// An operation's log line as text: `time level message`.
pub fn operation_line(line: &OperationLogLine, colour: Colour) -> String {
    let text = format!(
        "{} {:<5} {}",
        line.at.to_rfc3339_opts(SecondsFormat::Secs, true),
        line.level.as_str(),
        clean(&line.message, colour)
    );
    text.trim_end().to_string()
}

/// A live event as text: `id kind summary` (`-` when the frame had no id).
pub fn event_line(id: Option<u64>, event: &LiveEvent) -> String {
    let id = id.map_or_else(|| "-".to_string(), |i| i.to_string());
    let text = format!(
        "{id} {} {}",
        clean(event.kind(), Colour::Strip),
        clean(&summary(event), Colour::Strip)
    );
    text.trim_end().to_string()
}

/// What a live event is about, in a few words.
pub fn summary(event: &LiveEvent) -> String {
    match event {
        LiveEvent::ApplicationUpdated(a) => {
            let mut s = format!(
                "{}/{} {} {}@{}",
                a.environment, a.name, a.status, a.blueprint.name, a.blueprint.version
            );
            if let Some(p) = &a.progress {
                s.push_str(&format!(" {}% {}", p.percent, p.step));
            }
            s
        }
        LiveEvent::ApplicationRemoved(r) => format!("{}/{}", r.environment, r.name),
        LiveEvent::PromotionUpdated(p) => format!(
            "{} {} {}->{} {}",
            p.id, p.application, p.source_environment, p.target_environment, p.state
        ),
        LiveEvent::AccessUpdated(a) => format!(
            "{} {} {} {} {}",
            a.id, a.environment, a.requester, a.access, a.state
        ),
        LiveEvent::EnvironmentUpdated(e) => format!("{} {}", e.name, e.policy_summary),
        LiveEvent::AuditAppended(r) => {
            format!("{} {} {} {}", r.actor, r.action, r.target, r.outcome)
        }
        LiveEvent::OperationProgress(p) => {
            let mut s = format!(
                "{} {}/{} {}% {}",
                p.operation_id, p.environment, p.application, p.percent, p.step
            );
            if !p.message.is_empty() {
                s.push_str(": ");
                s.push_str(&p.message);
            }
            s
        }
        LiveEvent::Reset => "the server's replay log no longer covers the gap".to_string(),
        LiveEvent::Unknown { data, .. } => data.chars().take(UNKNOWN_DATA_CHARS).collect(),
    }
}

/// A provisioning event as the service sends it: `{time, phase, level, message,
/// component?, state?}`.
pub fn deployment_json(ev: &ProvisionEvent) -> String {
    serde_json::to_string(ev).unwrap_or_default()
}

/// An operation's log line as the server sends it: `{at, level, message}`.
pub fn operation_json(line: &OperationLogLine) -> String {
    serde_json::to_string(line).unwrap_or_default()
}

/// A live event as its SSE frame: `{id, event, data}` with `data` the frame's JSON (a
/// string when an unknown event's data is not JSON).
pub fn event_json(id: Option<u64>, event: &LiveEvent) -> String {
    let raw = event.encode_data();
    // The data as encoded (its fields in the contract's order) when it is one line of
    // JSON; otherwise re-encoded, or kept as a string.
    let data = match serde_json::from_str::<Value>(&raw) {
        Ok(_) if !raw.contains(['\n', '\r']) => raw,
        Ok(v) => v.to_string(),
        Err(_) => Value::String(raw).to_string(),
    };
    let id = id.map_or_else(|| "null".to_string(), |i| i.to_string());
    let kind = Value::String(event.kind().to_string());
    format!("{{\"id\":{id},\"event\":{kind},\"data\":{data}}}")
}

/// `text` fit for one line of output: with [`Colour::Keep`], SGR sequences (`ESC [ … m`)
/// stay and a reset closes the line; every other escape sequence (cursor moves, OSC
/// titles and links, DCS …) and control character goes; line breaks become spaces; tabs
/// stay.
pub fn clean(text: &str, colour: Colour) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut coloured = false;
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.peek().copied() {
                Some('[') => {
                    chars.next();
                    let mut seq = String::from("\u{1b}[");
                    let mut fin = None;
                    for c in chars.by_ref() {
                        if ('\u{40}'..='\u{7e}').contains(&c) {
                            fin = Some(c);
                            break;
                        }
                        if !('\u{20}'..='\u{3f}').contains(&c) {
                            // Not a CSI byte: the sequence is broken; drop it whole.
                            break;
                        }
                        seq.push(c);
                    }
                    if fin == Some('m') && colour == Colour::Keep {
                        seq.push('m');
                        out.push_str(&seq);
                        coloured = true;
                    }
                }
                // OSC, DCS, SOS, PM, APC: skipped up to their terminator (BEL or ST).
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    chars.next();
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' || c == '\u{9c}' {
                            break;
                        }
                        if c == '\u{1b}' {
                            if chars.peek() == Some(&'\\') {
                                chars.next();
                            }
                            break;
                        }
                    }
                }
                // Any other escape: ESC and the one character it introduces.
                Some(_) => {
                    chars.next();
                }
                None => {}
            },
            '\t' => out.push('\t'),
            '\n' | '\r' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    if coloured {
        out.push_str("\u{1b}[0m");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventLevel, OperationProgress};

    fn ev(message: &str) -> ProvisionEvent {
        ProvisionEvent {
            time: "2026-05-04T06:00:01Z".into(),
            phase: "tofu".into(),
            level: EventLevel::Warn,
            message: message.into(),
            component: None,
            state: None,
            depends_on: None,
        }
    }

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        use std::ffi::OsStr;
        assert_eq!(Colour::choose(true, None), Colour::Keep);
        assert_eq!(Colour::choose(true, Some(OsStr::new(""))), Colour::Keep);
        assert_eq!(Colour::choose(true, Some(OsStr::new("1"))), Colour::Strip);
        assert_eq!(Colour::choose(false, None), Colour::Strip);
    }

    #[test]
    fn sgr_is_kept_or_stripped_and_other_escapes_always_go() {
        let text = "\u{1b}[1m\u{1b}[32mPlan:\u{1b}[0m 3 to add\u{1b}]0;pwned\u{7} \u{1b}[2Jdone";
        assert_eq!(clean(text, Colour::Strip), "Plan: 3 to add done");
        assert_eq!(
            clean(text, Colour::Keep),
            "\u{1b}[1m\u{1b}[32mPlan:\u{1b}[0m 3 to add done\u{1b}[0m"
        );
        assert_eq!(
            clean("a\u{1b}]8;;http://x\u{1b}\\link", Colour::Keep),
            "alink"
        );
        assert_eq!(
            clean("one\r\ntwo\u{7}\u{0}\tthree", Colour::Strip),
            "one two\tthree"
        );
        assert_eq!(clean("plain", Colour::Keep), "plain");
        assert_eq!(clean("cut \u{1b}[3", Colour::Keep), "cut ");
    }

    #[test]
    fn a_deployment_event_is_time_phase_level_message() {
        let line = deployment_line(&ev("\u{1b}[33mWarning:\u{1b}[0m slow"), Colour::Strip);
        assert_eq!(
            line,
            "2026-05-04T06:00:01Z tofu           warn  Warning: slow"
        );
        let mut t = ev("Running 'install' action");
        t.phase = "component".into();
        t.level = EventLevel::Info;
        t.component = Some("cilium".into());
        t.state = Some("installing".into());
        assert_eq!(
            deployment_line(&t, Colour::Strip),
            "2026-05-04T06:00:01Z component      info  cilium installing: Running 'install' action"
        );
    }

    #[test]
    fn json_is_the_wire_event_and_nothing_more() {
        let e = ev("\u{1b}[1mhi\u{1b}[0m");
        let text = deployment_json(&e);
        let v: Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["level", "message", "phase", "time"]);
        assert_eq!(
            v["message"], "\u{1b}[1mhi\u{1b}[0m",
            "the wire text, colours and all"
        );
        assert_eq!(serde_json::from_str::<ProvisionEvent>(&text).unwrap(), e);
        assert!(!text.contains('\n'));
    }

    #[test]
    fn an_operation_line_is_time_level_message() {
        let line = OperationLogLine {
            at: "2026-05-04T06:00:01.250Z".parse().unwrap(),
            level: EventLevel::Info,
            message: "\u{1b}[32m✓\u{1b}[0m rolled out".into(),
        };
        assert_eq!(
            operation_line(&line, Colour::Strip),
            "2026-05-04T06:00:01Z info  ✓ rolled out"
        );
        assert!(operation_line(&line, Colour::Keep).contains("\u{1b}[32m✓"));
        let v: Value = serde_json::from_str(&operation_json(&line)).unwrap();
        assert_eq!(v["level"], "info");
        assert_eq!(v["message"], line.message);
    }

    #[test]
    fn a_live_event_is_id_kind_summary() {
        let p = LiveEvent::OperationProgress(OperationProgress {
            operation_id: "op-7".into(),
            application: "payment-rail".into(),
            environment: "digital-channels-dev".into(),
            percent: 40,
            step: "rolling".into(),
            message: "2 of 5 pods".into(),
        });
        assert_eq!(
            event_line(Some(12), &p),
            "12 operation.progress op-7 digital-channels-dev/payment-rail 40% rolling: 2 of 5 pods"
        );
        assert_eq!(
            event_line(None, &LiveEvent::Reset),
            "- reset the server's replay log no longer covers the gap"
        );
        let text = event_json(Some(12), &p);
        assert!(
            text.starts_with(r#"{"id":12,"event":"operation.progress","data":{"operation_id""#),
            "{text}"
        );
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["id"], 12);
        assert_eq!(v["event"], "operation.progress");
        assert_eq!(v["data"]["operation_id"], "op-7");
        let odd = LiveEvent::Unknown {
            kind: "thing.new".into(),
            data: "not json\u{1b}[2J".into(),
        };
        assert_eq!(event_line(Some(1), &odd), "1 thing.new not json");
        let v: Value = serde_json::from_str(&event_json(Some(1), &odd)).unwrap();
        assert_eq!(v["data"], "not json\u{1b}[2J");
    }
}
