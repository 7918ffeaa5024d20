//! TLS is always verified: an unknown authority or a wrong host name fails with a message
//! that says what to do; a CA bundle from `ca_file` or `SSL_CERT_FILE` makes a private
//! authority trusted; a missing or malformed bundle is a readable set-up error (QUALITY S4).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod client_support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

use catalyst_tui::api::{ApiClient, ApiError, TokenSource, TransportKind};
use client_support::*;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/client_tls")
        .join(name)
}

const META: &str = r#"{"sovereign":{"name":"s","domain":"d","type":"corporate"},"api_version":"v1",
"auth":{"issuer":"i","device_authorization_endpoint":"/d","token_endpoint":"/t","client_id":"c"}}"#;

/// A minimal HTTPS/1.1 server on 127.0.0.1 presenting `cert`; answers every request with
/// the meta document. Returns its port.
fn tls_server(cert: &str, key: &str) -> u16 {
    catalyst_tui::cli::install_tls_provider();
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(fixture(cert))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_file(fixture(key)).unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let config = config.clone();
            std::thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut req = Vec::new();
                let mut buf = [0u8; 1024];
                while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => req.extend_from_slice(&buf[..n]),
                    }
                }
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{META}",
                    META.len()
                );
                let _ = tls.write_all(resp.as_bytes());
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    port
}

fn client(
    base: &str,
    ca_file: Option<PathBuf>,
    ssl_cert_file: Option<PathBuf>,
) -> Result<ApiClient, ApiError> {
    let mut cfg = config(base);
    cfg.ca_file = ca_file;
    cfg.ssl_cert_file = ssl_cert_file;
    ApiClient::new(cfg, TokenSource::None)
}

#[tokio::test]
async fn an_unknown_authority_is_refused_with_advice() {
    let port = tls_server("server.pem", "server.key");
    let c = client(&format!("https://127.0.0.1:{port}"), None, None).unwrap();
    let e = c.meta().await.unwrap_err();
    match &e {
        ApiError::Transport { kind, .. } => assert_eq!(*kind, TransportKind::Tls),
        other => panic!("{other:?}"),
    }
    let text = e.to_string();
    assert!(text.contains("does not trust"), "{text}");
    assert!(text.contains("ca_file"), "{text}");
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn a_ca_bundle_makes_a_private_authority_trusted() {
    let port = tls_server("server.pem", "server.key");
    let base = format!("https://127.0.0.1:{port}");
    let c = client(&base, Some(fixture("ca.pem")), None).unwrap();
    assert_eq!(c.meta().await.unwrap().api_version, "v1");
    // SSL_CERT_FILE (as read into the configuration) works the same.
    let c = client(&base, None, Some(fixture("ca.pem"))).unwrap();
    assert_eq!(c.meta().await.unwrap().api_version, "v1");
    let c = client(
        &format!("https://localhost:{port}"),
        Some(fixture("ca.pem")),
        None,
    )
    .unwrap();
    assert_eq!(c.meta().await.unwrap().api_version, "v1");
}

#[tokio::test]
async fn a_certificate_for_another_host_is_refused() {
    let port = tls_server("other.pem", "other.key");
    let c = client(
        &format!("https://127.0.0.1:{port}"),
        Some(fixture("ca.pem")),
        None,
    )
    .unwrap();
    let e = c.meta().await.unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::Transport {
                kind: TransportKind::Tls,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("different host name"), "{e}");
}

#[tokio::test]
async fn https_to_a_plain_http_server_says_so() {
    let (base, _) = serve(axum::Router::new()).await;
    let c = client(&base.replace("http://", "https://"), None, None).unwrap();
    let e = c.meta().await.unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::Transport {
                kind: TransportKind::Tls,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("did not answer with TLS"), "{e}");
}

#[test]
fn bad_ca_bundles_are_readable_set_up_errors() {
    let e = client("https://127.0.0.1:1", Some(fixture("missing.pem")), None).unwrap_err();
    assert!(matches!(e, ApiError::Config { .. }), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("Could not read the CA bundle"), "{text}");
    assert!(
        text.contains("missing.pem") && text.contains("from ca_file"),
        "{text}"
    );

    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "this is not a certificate\n").unwrap();
    let e = client("https://127.0.0.1:1", None, Some(junk.clone())).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("junk.pem") && text.contains("from SSL_CERT_FILE"),
        "{text}"
    );
    assert!(text.contains("holds no certificates"), "{text}");

    let broken = dir.path().join("broken.pem");
    std::fs::write(
        &broken,
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let e = client("https://127.0.0.1:1", Some(broken), None).unwrap_err();
    assert!(e.to_string().contains("is not a valid PEM file"), "{e}");

    // `ca_file` wins over SSL_CERT_FILE.
    assert!(client("https://127.0.0.1:1", Some(fixture("ca.pem")), Some(junk)).is_ok());
}
