//! `access request`: ask, print `ID STATE`, and with `--wait` follow the request live
//! (`access.updated` on the Environment's events; its state is read once the stream is
//! live, so a decision made meanwhile is not missed) until it is decided.

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{EXIT_CANNOT, EXIT_GRANTED, EXIT_REFUSED};
use crate::api::ApiClient;
use crate::api::follow::{LiveMsg, follow_events};
use crate::api::sse::{StreamOptions, StreamStatus};
use crate::follow_cli::output::{Interrupt, Interrupts};
use crate::model::{AccessLevel, AccessRequest, AccessState, CreateAccessRequest, LiveEvent};

pub(super) async fn run(
    client: &ApiClient,
    env: &str,
    reason: String,
    minutes: u32,
    access: AccessLevel,
    wait: bool,
) -> i32 {
    let mut interrupts = Interrupts::new();
    let asked = CreateAccessRequest {
        reason,
        duration_minutes: minutes,
        access,
    };
    let request = match client.create_access_request(env, &asked).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("catalyst-tui access: asking for access to {env}: {e}");
            return EXIT_CANNOT;
        }
    };
    println!("{}", line(&request));
    if !wait || request.state != AccessState::Pending {
        return outcome(&request, wait);
    }
    eprintln!("waiting for an approver to decide {} …", request.id);
    let cancel = CancellationToken::new();
    let (tx, mut rx) = mpsc::channel(64);
    follow_events(
        client.clone(),
        None,
        Some(env.to_string()),
        StreamOptions::console(),
        tx,
        cancel.clone(),
    );
    let code = loop {
        let msg = tokio::select! {
            msg = rx.recv() => msg,
            i = interrupts.recv() => break match i { Interrupt::Int => 130, Interrupt::Term => 143 },
        };
        let decided = match msg {
            None => {
                eprintln!("catalyst-tui access: the live events ended before a decision");
                break EXIT_CANNOT;
            }
            Some(LiveMsg::Status(StreamStatus::Live)) => {
                // Decided while the stream was not there yet?
                match client.get_access_request(&request.id).await {
                    Ok(r) => Some(r),
                    Err(e) => {
                        eprintln!("catalyst-tui access: reading {}: {e}", request.id);
                        None
                    }
                }
            }
            Some(LiveMsg::Status(StreamStatus::Failed { reason })) => {
                eprintln!("catalyst-tui access: the live events failed: {reason}");
                break EXIT_CANNOT;
            }
            Some(LiveMsg::Event {
                event: LiveEvent::AccessUpdated(r),
                ..
            }) if r.id == request.id => Some(*r),
            Some(_) => None,
        };
        if let Some(r) = decided.filter(|r| r.state != AccessState::Pending) {
            println!("{}", line(&r));
            break outcome(&r, true);
        }
    };
    cancel.cancel();
    code
}

/// `ID STATE [until TIME]`.
fn line(r: &AccessRequest) -> String {
    match (r.state, r.expires_at) {
        (AccessState::Granted, Some(until)) => format!(
            "{} granted until {}",
            r.id,
            until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        (state, _) => format!("{} {state}", r.id),
    }
}

/// The exit code a request's state means: without `--wait` a pending one is fine.
fn outcome(r: &AccessRequest, wait: bool) -> i32 {
    match r.state {
        AccessState::Granted => EXIT_GRANTED,
        AccessState::Pending if !wait => EXIT_GRANTED,
        _ => {
            if let Some(why) = &r.decision_comment {
                eprintln!("{}: {why}", r.state);
            }
            EXIT_REFUSED
        }
    }
}
