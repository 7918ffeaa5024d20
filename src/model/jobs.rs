//! CONTRACT Part A, the jobs surface of a provisioning run: jobs (one per component
//! install or Day-2 mutation) in batches, their executions (one per attempt) and the
//! executions' log lines; today's job retry.
//!
//! Mirrors the Go service's JSON as `provisioning` does (Go maps: keys sorted), and like
//! it accepts absent optional fields.

use serde::{Deserialize, Serialize};

crate::wire_enum! {
    pub enum JobStatus { Pending = "pending", Running = "running", Succeeded = "succeeded", Failed = "failed" }
}

/// A provisioning job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    /// `<depId>:<jobName>`; sent unencoded in paths.
    pub id: String,
    #[serde(default)]
    pub deployment_id: String,
    #[serde(default)]
    pub job_name: String,
    #[serde(default)]
    pub app_id: String,
    /// `bootstrap-kit` or `day-2-mutations`.
    #[serde(default)]
    pub batch_id: String,
    #[serde(default)]
    pub depends_on: Vec<String>,
    #[serde(default)]
    pub status: JobStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    #[serde(default)]
    pub duration_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_execution_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobList {
    #[serde(default)]
    pub jobs: Vec<Job>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobBatch {
    pub batch_id: String,
    pub total: u32,
    pub finished: u32,
    pub succeeded: u32,
    pub failed: u32,
    pub running: u32,
    pub pending: u32,
}

/// The batches of `jobs`, grouped by their `batchId` (in the order of their ids, as the
/// April service's `/jobs/batches` listed them), with the same counts.
pub fn batches_of(jobs: &[Job]) -> Vec<JobBatch> {
    let mut out: Vec<JobBatch> = Vec::new();
    for job in jobs {
        // The service files a job without a batch under this name.
        let id = if job.batch_id.is_empty() {
            "(unbatched)"
        } else {
            job.batch_id.as_str()
        };
        let at = match out.iter().position(|b| b.batch_id == id) {
            Some(at) => at,
            None => {
                out.push(JobBatch {
                    batch_id: id.to_string(),
                    total: 0,
                    finished: 0,
                    succeeded: 0,
                    failed: 0,
                    running: 0,
                    pending: 0,
                });
                out.len() - 1
            }
        };
        let b = &mut out[at];
        b.total += 1;
        match job.status {
            JobStatus::Succeeded => {
                b.succeeded += 1;
                b.finished += 1;
            }
            JobStatus::Failed => {
                b.failed += 1;
                b.finished += 1;
            }
            JobStatus::Running => b.running += 1,
            JobStatus::Pending | JobStatus::Unknown => b.pending += 1,
        }
    }
    out.sort_by(|a, b| a.batch_id.cmp(&b.batch_id));
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobBatches {
    pub batches: Vec<JobBatch>,
}

crate::wire_enum! {
    pub enum ExecutionStatus { Running = "running", Succeeded = "succeeded", Failed = "failed" }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Execution {
    pub id: String,
    #[serde(default)]
    pub job_id: String,
    #[serde(default)]
    pub deployment_id: String,
    #[serde(default)]
    pub status: ExecutionStatus,
    #[serde(default)]
    pub started_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    #[serde(default)]
    pub line_count: u64,
}

/// `GET /deployments/{id}/jobs/{jobId}` (a Go map: keys sorted). Executions newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobDetail {
    pub executions: Vec<Execution>,
    pub job: Job,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionLine {
    pub line_number: u64,
    pub timestamp: String,
    pub level: String,
    pub message: String,
}

/// `GET /actions/executions/{execId}/logs?fromLine=N&limit=M`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionLogs {
    pub lines: Vec<ExecutionLine>,
    pub total: u64,
    pub execution_finished: bool,
}

/// 200 answer of `POST /deployments/{id}/jobs/{jobId}/retry` (newer services): what was
/// done to re-drive the job and the Execution that records the attempt.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRetryAnswer {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub execution_id: String,
    #[serde(default)]
    pub requested_at: String,
    #[serde(default)]
    pub requested_by: String,
}
