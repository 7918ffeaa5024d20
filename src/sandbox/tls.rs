//! The sandbox's HTTPS endpoint for its Kubernetes subset: a CA and a server certificate
//! for `127.0.0.1`, `::1` and `localhost` made afresh at every start, and the loopback
//! listener that completes TLS handshakes before handing connections to the server.
//!
//! kubectl (client-go) sends a kubeconfig's bearer token only to a TLS server, so a
//! grant's credentials name this endpoint and carry the CA (`certificate_authority_data`,
//! base64 of its PEM, as a kubeconfig's `certificate-authority-data`). The private keys
//! exist only in this process's memory: never written to a file, never logged, gone
//! with the sandbox. The CA certificate is public and may be shown anywhere.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;
use tokio_util::sync::CancellationToken;

/// How long a client has to complete its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Handshaken connections waiting for the server to take them.
const PENDING_CONNECTIONS: usize = 64;

/// Why the certificates or the TLS configuration could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot make the sandbox's certificates: {0}")]
    Certificate(#[from] rcgen::Error),
    #[error("cannot configure the sandbox's TLS: {0}")]
    Config(#[from] rustls::Error),
}

/// Where the Kubernetes subset is served over TLS and the CA that signed its certificate
/// (what a grant's credentials carry). Public data only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeTls {
    /// `https://127.0.0.1:PORT`, without a trailing slash.
    pub base_url: String,
    /// The CA certificate, PEM.
    pub ca_pem: String,
}

impl KubeTls {
    /// The CA as a kubeconfig carries it: base64 of the PEM text.
    pub fn certificate_authority_data(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.ca_pem.as_bytes())
    }
}

/// A fresh CA (its PEM) and a server configuration presenting a certificate it signed.
pub struct Certificates {
    /// The CA certificate, PEM.
    pub ca_pem: String,
    /// Presents the server certificate (ring provider, HTTP/1.1).
    pub server: Arc<rustls::ServerConfig>,
}

/// Makes a CA and a server certificate for the loopback names, valid from yesterday for
/// a year (TLS checks use the wall clock, not the sandbox's skewed one).
pub fn generate() -> Result<Certificates, TlsError> {
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Catalyst sandbox CA (this run only)");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    set_validity(&mut ca_params);
    let ca_key = KeyPair::generate()?;
    let ca_cert = ca_params.self_signed(&ca_key)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let mut params = CertificateParams::new(vec![
        "127.0.0.1".to_string(),
        "::1".to_string(),
        "localhost".to_string(),
    ])?;
    params
        .distinguished_name
        .push(DnType::CommonName, "Catalyst sandbox Kubernetes API");
    params.use_authority_key_identifier_extension = true;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    set_validity(&mut params);
    let key = KeyPair::generate()?;
    let cert = params.signed_by(&key, &issuer)?;

    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let mut server = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_no_client_auth()
    .with_single_cert(vec![cert.der().clone()], key)?;
    // The server speaks HTTP/1.1 only.
    server.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Certificates {
        ca_pem: ca_cert.pem(),
        server: Arc::new(server),
    })
}

/// Valid from yesterday for a year (whole days, UTC).
fn set_validity(params: &mut CertificateParams) {
    use chrono::Datelike as _;
    let day = |d: chrono::NaiveDate| rcgen::date_time_ymd(d.year(), d.month() as u8, d.day() as u8);
    let from = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    params.not_before = day(from);
    params.not_after = day(from + chrono::Days::new(366));
}

/// Connections of a loopback TCP listener after their TLS handshake, for `axum::serve`.
/// Handshakes run on their own tasks (a slow client holds up no one else); the accept
/// loop ends when `stop` is cancelled.
pub struct TlsListener {
    incoming: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    addr: SocketAddr,
}

impl TlsListener {
    /// Starts accepting on `tcp` with `config`.
    pub fn new(
        tcp: TcpListener,
        addr: SocketAddr,
        config: Arc<rustls::ServerConfig>,
        stop: CancellationToken,
    ) -> TlsListener {
        let (tx, incoming) = mpsc::channel(PENDING_CONNECTIONS);
        let acceptor = TlsAcceptor::from(config);
        // The task ends by itself when `stop` is cancelled.
        drop(tokio::spawn(accept_loop(tcp, acceptor, tx, stop)));
        TlsListener { incoming, addr }
    }
}

async fn accept_loop(
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    tx: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>,
    stop: CancellationToken,
) {
    loop {
        let accepted = tokio::select! {
            () = stop.cancelled() => return,
            accepted = tcp.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of file descriptors and the like: wait a little, as axum does.
                tracing::debug!(error = %e, "the sandbox's TLS listener could not accept");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let acceptor = acceptor.clone();
        let tx = tx.clone();
        drop(tokio::spawn(async move {
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => {
                    let _ = tx.send((tls, peer)).await;
                }
                Ok(Err(e)) => {
                    tracing::debug!(%peer, error = %e, "a TLS handshake with the sandbox failed");
                }
                Err(_) => tracing::debug!(%peer, "a TLS handshake with the sandbox timed out"),
            }
        }));
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.incoming.recv().await {
            Some(conn) => conn,
            // The accept loop has ended (the sandbox is stopping): nothing more comes.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, ServerName};

    /// Handshakes over an in-memory pipe: the client trusts only `ca_pem`.
    async fn handshake(ca_pem: &str, server: &Certificates, name: &str) -> Result<(), String> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
            roots.add(cert.unwrap()).unwrap();
        }
        let client = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
        let (a, b) = tokio::io::duplex(16 * 1024);
        let acceptor = TlsAcceptor::from(server.server.clone());
        let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
        let name = ServerName::try_from(name.to_string()).unwrap();
        // Both ends stay open until both handshakes are done.
        let (connected, accepted) = tokio::join!(connector.connect(name, a), acceptor.accept(b));
        connected.map_err(|e| e.to_string())?;
        accepted.map(|_| ()).map_err(|e| e.to_string())
    }

    #[tokio::test]
    async fn the_server_certificate_verifies_against_the_ca_for_the_loopback_names() {
        let certs = generate().unwrap();
        assert!(certs.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        for name in ["127.0.0.1", "::1", "localhost"] {
            handshake(&certs.ca_pem, &certs, name)
                .await
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert!(
            handshake(&certs.ca_pem, &certs, "example.com")
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn every_start_has_its_own_ca() {
        let (one, two) = (generate().unwrap(), generate().unwrap());
        assert_ne!(one.ca_pem, two.ca_pem);
        assert!(handshake(&one.ca_pem, &two, "127.0.0.1").await.is_err());
    }

    #[test]
    fn the_ca_travels_as_base64_of_its_pem() {
        use base64::Engine as _;
        let tls = KubeTls {
            base_url: "https://127.0.0.1:1".into(),
            ca_pem: "-----BEGIN CERTIFICATE-----\n".into(),
        };
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(tls.certificate_authority_data())
            .unwrap();
        assert_eq!(decoded, tls.ca_pem.as_bytes());
    }
}
