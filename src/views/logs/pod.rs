//! A pod's log inside a grant (CONTRACT Part C) in the one log viewer: followed through
//! the grant's client (or the previous container's, read once), each line's level read
//! from its `level=` field when it has one, and the follow stopped with the reason the
//! moment the grant ends (the lines read stay: they are the record).

use chrono::{DateTime, Utc};

use super::{Level, LogView, NewLine, StreamState};
use crate::effect::{KubeFeed, KubeStream, StreamSpec};
use crate::kube::{KubeMsg, KubeStatus};
use crate::model::AccessRequest;
use crate::words;

/// The level a log line states (`level=warn`, `"level":"error"`, `[ERROR]`…), if any.
pub fn level_of(text: &str) -> Option<Level> {
    let lower = text.get(..text.len().min(160))?.to_ascii_lowercase();
    let value = lower
        .split_once("level=")
        .or_else(|| lower.split_once("\"level\":\""))
        .map(|(_, rest)| rest.trim_start_matches('"'))?;
    let word: String = value
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    Some(match word.as_str() {
        "trace" => Level::Trace,
        "debug" => Level::Debug,
        "info" | "notice" => Level::Info,
        "warn" | "warning" => Level::Warn,
        "error" | "err" | "fatal" | "panic" | "critical" | "crit" => Level::Error,
        _ => return None,
    })
}

impl LogView {
    /// The log of `pod` (its `container`, the previous run when asked) inside `grant`.
    pub fn for_pod(
        grant: &str,
        env: &str,
        pod: &str,
        container: Option<&str>,
        previous: bool,
    ) -> LogView {
        let source = if previous {
            format!("pod-{pod}-previous")
        } else {
            format!("pod-{pod}")
        };
        let mut view = LogView::new(
            &source,
            &words::pod_log_title(env, pod, container, previous),
        );
        view.stream = Some(StreamSpec::Kube(KubeStream {
            grant: grant.to_string(),
            env: env.to_string(),
            feed: KubeFeed::Log {
                pod: pod.to_string(),
                container: container.map(str::to_string),
                previous,
            },
        }));
        view.stream_state = Some(StreamState::Connecting);
        view.env = Some(env.to_string());
        view
    }

    /// The grant and Environment of the pod log followed, if this is one.
    fn kube_stream(&self) -> Option<&KubeStream> {
        match &self.stream {
            Some(StreamSpec::Kube(k)) => Some(k),
            _ => None,
        }
    }

    /// The Environment whose grant the view's pod log lives on.
    pub fn pod_env(&self) -> Option<String> {
        self.kube_stream().map(|k| k.env.clone())
    }

    /// My live grant on the pod's Environment changed: the follow stops when it is not
    /// the grant the log was read with.
    pub fn take_pod_grant(&mut self, grant: Option<&AccessRequest>, now: DateTime<Utc>) -> bool {
        let Some(k) = self.kube_stream() else {
            return false;
        };
        if grant.is_some_and(|g| g.id == k.grant) {
            return false;
        }
        self.stream = None;
        self.set_stream_state(StreamState::Finished {
            outcome: words::kube_log_over(now),
            ok: false,
        });
        true
    }

    /// Takes a batch of a pod log.
    pub fn take_kube(&mut self, generation: u64, items: &[KubeMsg], now: DateTime<Utc>) {
        self.replay.batch(generation);
        for item in items {
            match item {
                KubeMsg::Line { time, text } if self.replay.admit() => {
                    self.push(NewLine {
                        time: *time,
                        level: level_of(text),
                        phase: None,
                        component: None,
                        text: text.clone(),
                    });
                }
                KubeMsg::Status(status) => {
                    let state = match status {
                        KubeStatus::Connecting => StreamState::Connecting,
                        KubeStatus::Live => StreamState::Live,
                        KubeStatus::Retrying { why, after } => StreamState::Reconnecting {
                            at: now
                                + after
                                    .and_then(|d| chrono::Duration::from_std(d).ok())
                                    .unwrap_or_default(),
                            reason: why.clone(),
                        },
                        KubeStatus::Refused(why) => StreamState::Failed(words::kube_refused(why)),
                        KubeStatus::Ended(why) => StreamState::Finished {
                            outcome: why.clone(),
                            ok: true,
                        },
                    };
                    self.set_stream_state(state);
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_read_from_the_line() {
        assert_eq!(level_of("level=info msg=\"serving\""), Some(Level::Info));
        assert_eq!(level_of("level=fatal msg=\"exiting\""), Some(Level::Error));
        assert_eq!(level_of("ts=1 level=WARN msg=x"), Some(Level::Warn));
        assert_eq!(
            level_of("{\"level\":\"error\",\"msg\":\"x\"}"),
            Some(Level::Error)
        );
        assert_eq!(level_of("GET /healthz 200"), None);
        assert_eq!(level_of("level=chatty"), None);
    }

    #[test]
    fn a_retry_counts_down_to_the_next_read() {
        let now = chrono::Utc::now();
        let mut v = LogView::for_pod("ar-1", "dc-stg", "p-1", Some("c"), false);
        let retry = KubeMsg::Status(KubeStatus::Retrying {
            why: "log ended".into(),
            after: Some(std::time::Duration::from_secs(8)),
        });
        v.take_kube(1, &[retry], now);
        let Some(StreamState::Reconnecting { at, .. }) = v.stream_state() else {
            panic!("not reconnecting: {:?}", v.stream_state());
        };
        assert_eq!((*at - now).num_seconds(), 8);
    }
}
