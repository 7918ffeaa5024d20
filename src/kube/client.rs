//! One `kube::Client` per grant: built from the grant's credentials (read once from the
//! console API) through the same kubeconfig document a shell gets, so the console and
//! `kubectl` reach the cluster the same way (CA included), limited to the namespace.
//!
//! [`GrantClients`] is owned by the effect runner: every watch, log and YAML read of a
//! grant shares its client; clients of grants no view follows any more are dropped.
//! Must not print or log the token.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::OnceCell;

use crate::api::ApiClient;
use crate::model::AccessCredentials;

/// A client inside one grant.
#[derive(Clone)]
pub struct GrantClient {
    pub client: kube::Client,
    /// The Environment's namespace, the only one the grant reaches.
    pub namespace: String,
}

impl std::fmt::Debug for GrantClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrantClient")
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

/// Builds the client of `creds` (TLS verified against the grant's CA when it has one).
pub async fn build(creds: &AccessCredentials) -> Result<GrantClient, String> {
    let doc = super::kubeconfig_document(creds);
    let kc = kube::config::Kubeconfig::from_yaml(&doc).map_err(|e| e.to_string())?;
    let config =
        kube::Config::from_custom_kubeconfig(kc, &kube::config::KubeConfigOptions::default())
            .await
            .map_err(|e| e.to_string())?;
    let client = kube::Client::try_from(config).map_err(|e| e.to_string())?;
    Ok(GrantClient {
        client,
        namespace: creds.namespace.clone(),
    })
}

type Cell = Arc<OnceCell<GrantClient>>;

/// The clients of the grants the console follows, by grant id.
#[derive(Debug, Default)]
pub struct GrantClients {
    cells: HashMap<String, Cell>,
}

impl GrantClients {
    /// The (possibly not yet built) client of `grant`.
    pub fn cell(&mut self, grant: &str) -> GrantCell {
        GrantCell {
            grant: grant.to_string(),
            cell: self.cells.entry(grant.to_string()).or_default().clone(),
        }
    }

    /// Drops the clients of grants not in `followed`.
    pub fn keep<'a>(&mut self, followed: impl IntoIterator<Item = &'a str>) {
        let followed: Vec<&str> = followed.into_iter().collect();
        self.cells.retain(|g, _| followed.contains(&g.as_str()));
    }

    /// How many clients are held.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

/// The client of one grant, built on first use (a failed build is tried again next time).
#[derive(Debug, Clone)]
pub struct GrantCell {
    grant: String,
    cell: Cell,
}

impl GrantCell {
    /// The client, reading the credentials with `api` the first time.
    pub async fn get(&self, api: &ApiClient) -> Result<GrantClient, String> {
        self.cell
            .get_or_try_init(|| async {
                let creds = api
                    .access_credentials(&self.grant)
                    .await
                    .map_err(|e| e.to_string())?;
                build(&creds).await
            })
            .await
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_client_per_grant_and_unfollowed_ones_are_dropped() {
        let mut c = GrantClients::default();
        let a = c.cell("g1");
        let b = c.cell("g1");
        assert!(Arc::ptr_eq(&a.cell, &b.cell));
        c.cell("g2");
        assert_eq!(c.len(), 2);
        c.keep(["g2"]);
        assert_eq!(c.len(), 1);
        c.keep([]);
        assert!(c.is_empty());
    }
}
