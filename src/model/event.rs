//! Events of the console API's live stream (`/api/v1/events`) and of operation logs
//! (`/api/v1/operations/{id}/logs`).

use super::{AccessRequest, Application, AuditRecord, Environment, Promotion, Timestamp};
use serde::{Deserialize, Serialize};

/// `operation.progress` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationProgress {
    pub operation_id: String,
    pub application: String,
    pub environment: String,
    pub percent: u8,
    pub step: String,
    #[serde(default)]
    pub message: String,
}

/// `application.removed` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationRemoved {
    pub environment: String,
    pub name: String,
}

/// One decoded event of `/api/v1/events`.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveEvent {
    ApplicationUpdated(Box<Application>),
    ApplicationRemoved(ApplicationRemoved),
    PromotionUpdated(Box<Promotion>),
    AccessUpdated(Box<AccessRequest>),
    EnvironmentUpdated(Box<Environment>),
    AuditAppended(Box<AuditRecord>),
    OperationProgress(OperationProgress),
    /// The server's replay log no longer holds the id we resumed from: re-list.
    Reset,
    /// An event type this console does not know; kept so it can be shown, never fatal.
    Unknown {
        kind: String,
        data: String,
    },
}

impl LiveEvent {
    pub const APPLICATION_UPDATED: &'static str = "application.updated";
    pub const APPLICATION_REMOVED: &'static str = "application.removed";
    pub const PROMOTION_UPDATED: &'static str = "promotion.updated";
    pub const ACCESS_UPDATED: &'static str = "access.updated";
    pub const ENVIRONMENT_UPDATED: &'static str = "environment.updated";
    pub const AUDIT_APPENDED: &'static str = "audit.appended";
    pub const OPERATION_PROGRESS: &'static str = "operation.progress";
    pub const RESET: &'static str = "reset";

    /// The SSE `event:` name of this event.
    pub fn kind(&self) -> &str {
        match self {
            LiveEvent::ApplicationUpdated(_) => Self::APPLICATION_UPDATED,
            LiveEvent::ApplicationRemoved(_) => Self::APPLICATION_REMOVED,
            LiveEvent::PromotionUpdated(_) => Self::PROMOTION_UPDATED,
            LiveEvent::AccessUpdated(_) => Self::ACCESS_UPDATED,
            LiveEvent::EnvironmentUpdated(_) => Self::ENVIRONMENT_UPDATED,
            LiveEvent::AuditAppended(_) => Self::AUDIT_APPENDED,
            LiveEvent::OperationProgress(_) => Self::OPERATION_PROGRESS,
            LiveEvent::Reset => Self::RESET,
            LiveEvent::Unknown { kind, .. } => kind,
        }
    }

    /// Decodes an SSE frame's `event` name and `data`.
    pub fn decode(kind: &str, data: &str) -> Result<Self, serde_json::Error> {
        Ok(match kind {
            Self::APPLICATION_UPDATED => LiveEvent::ApplicationUpdated(serde_json::from_str(data)?),
            Self::APPLICATION_REMOVED => LiveEvent::ApplicationRemoved(serde_json::from_str(data)?),
            Self::PROMOTION_UPDATED => LiveEvent::PromotionUpdated(serde_json::from_str(data)?),
            Self::ACCESS_UPDATED => LiveEvent::AccessUpdated(serde_json::from_str(data)?),
            Self::ENVIRONMENT_UPDATED => LiveEvent::EnvironmentUpdated(serde_json::from_str(data)?),
            Self::AUDIT_APPENDED => LiveEvent::AuditAppended(serde_json::from_str(data)?),
            Self::OPERATION_PROGRESS => LiveEvent::OperationProgress(serde_json::from_str(data)?),
            Self::RESET => LiveEvent::Reset,
            other => LiveEvent::Unknown {
                kind: other.to_string(),
                data: data.to_string(),
            },
        })
    }

    /// Encodes the data of this event as JSON (the sandbox's side of `decode`).
    pub fn encode_data(&self) -> String {
        let v = match self {
            LiveEvent::ApplicationUpdated(a) => serde_json::to_string(a),
            LiveEvent::ApplicationRemoved(a) => serde_json::to_string(a),
            LiveEvent::PromotionUpdated(p) => serde_json::to_string(p),
            LiveEvent::AccessUpdated(a) => serde_json::to_string(a),
            LiveEvent::EnvironmentUpdated(e) => serde_json::to_string(e),
            LiveEvent::AuditAppended(a) => serde_json::to_string(a),
            LiveEvent::OperationProgress(p) => serde_json::to_string(p),
            LiveEvent::Reset => Ok("{}".to_string()),
            LiveEvent::Unknown { data, .. } => Ok(data.clone()),
        };
        v.unwrap_or_else(|_| "{}".to_string())
    }
}

/// One line of an operation's log (`event: log`); `message` may carry ANSI colours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationLogLine {
    pub at: Timestamp,
    pub level: super::EventLevel,
    pub message: String,
}

/// Final frame of an operation's log (`event: done`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationDone {
    pub operation_id: String,
    /// `succeeded` or `failed`.
    pub outcome: String,
}
