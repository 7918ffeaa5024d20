//! Small pieces of the wire shared by the client's modules: request ids, URL building
//! (segment by segment, so names cannot change the route), content types, and the
//! explanation of transport failures (TLS errors found under the connector's wrappers).
//!
//! Must not send anything.

use reqwest::Url;
use reqwest::header;

use super::client::REQUEST_ID_HEADER;
use super::error::ApiError;

/// A fresh request id: 128 random bits in the UUID v4 layout.
pub fn new_request_id() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The request id a built request carries.
pub fn request_id_of(request: &reqwest::Request) -> Option<String> {
    request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Appends path segments to a base URL, percent-encoding each (a `/` in a name becomes
/// `%2F`; `:` and `@` stay as they are, which the provisioning job ids rely on).
pub(crate) fn join_segments(base: &Url, segments: &[&str]) -> Result<Url, ApiError> {
    for s in segments {
        // The url crate drops `.` and `..` silently, which would change the route.
        if s.is_empty() || *s == "." || *s == ".." {
            return Err(ApiError::invalid_input(format!(
                "{s:?} is not a usable name in a request path."
            )));
        }
    }
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    {
        let mut path = url
            .path_segments_mut()
            .map_err(|()| ApiError::config(format!("{base} cannot be used as a base URL.")))?;
        path.pop_if_empty();
        path.extend(segments);
    }
    Ok(url)
}

pub(crate) fn join_path_and_query(base: &Url, path_and_query: &str) -> Result<Url, ApiError> {
    if !path_and_query.starts_with('/') {
        return Err(ApiError::invalid_input(format!(
            "{path_and_query:?} must start with '/'."
        )));
    }
    let mut base = base.clone();
    base.set_query(None);
    base.set_fragment(None);
    let text = format!("{}{}", base.as_str().trim_end_matches('/'), path_and_query);
    Url::parse(&text).map_err(|e| ApiError::invalid_input(format!("{text:?} is not a URL ({e}).")))
}

/// `scheme://host:port` of a URL: what errors may show of it.
pub(crate) fn endpoint_of(url: &Url) -> String {
    match (url.host_str(), url.port_or_known_default()) {
        (Some(h), Some(p)) => format!("{}://{h}:{p}", url.scheme()),
        (Some(h), None) => format!("{}://{h}", url.scheme()),
        _ => url.scheme().to_string(),
    }
}

pub(crate) fn content_type(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

pub(crate) fn is_json_type(ct: &str) -> bool {
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// The messages of an error's causes, without reqwest's "for url (…)" wrapper.
pub(crate) fn error_chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        let wrapper = text.starts_with("error sending request")
            || text == "builder error"
            || text.starts_with("client error (");
        if !wrapper && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    if parts.is_empty() {
        e.to_string()
    } else {
        parts.join(": ")
    }
}

pub(crate) fn innermost_text(e: &reqwest::Error) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    if let Some(io) = cur.downcast_ref::<std::io::Error>() {
        match io.kind() {
            std::io::ErrorKind::ConnectionRefused => return "connection refused".into(),
            std::io::ErrorKind::ConnectionReset => return "connection reset".into(),
            std::io::ErrorKind::TimedOut => return "timed out".into(),
            _ => {}
        }
    }
    let text = cur.to_string();
    let trimmed = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut chars = trimmed.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().collect::<String>() + chars.as_str(),
        None => "unknown error".into(),
    }
}

pub(crate) fn find_tls_error(e: &reqwest::Error) -> Option<&rustls::Error> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(t) = rustls_inside(err) {
            return Some(t);
        }
        cur = err.source();
    }
    None
}

/// The TLS error behind `err`: the connector wraps it in an `io::Error`, sometimes twice,
/// and an `io::Error`'s `source()` skips the value it wraps.
fn rustls_inside<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(t) = err.downcast_ref::<rustls::Error>() {
        return Some(t);
    }
    let inner = err.downcast_ref::<std::io::Error>()?.get_ref()?;
    rustls_inside(inner)
}

pub(crate) fn describe_tls(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => {
                "its certificate is signed by an authority this machine does not trust".into()
            }
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "its certificate is for a different host name".into()
            }
            C::Expired | C::ExpiredContext { .. } => "its certificate has expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => {
                "its certificate is not valid yet (check this machine's clock)".into()
            }
            C::Revoked => "its certificate has been revoked".into(),
            C::BadSignature => "its certificate has a bad signature".into(),
            other => format!("its certificate was rejected ({other:?})"),
        },
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            "it did not answer with TLS (is it a plain http:// server?)".into()
        }
        other => format!("the TLS handshake failed ({other})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_fresh_and_uuid_shaped() {
        let a = new_request_id();
        let b = new_request_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
    }

    #[test]
    fn segments_are_encoded_but_colons_kept() {
        let base = Url::parse("http://h:1/sovereign/").unwrap();
        let u =
            join_segments(&base, &["api", "v1", "jobs", "abc:install-cilium", "a/b c"]).unwrap();
        assert_eq!(
            u.as_str(),
            "http://h:1/sovereign/api/v1/jobs/abc:install-cilium/a%2Fb%20c"
        );
        assert!(join_segments(&base, &[".."]).is_err());
        assert!(join_segments(&base, &[""]).is_err());
    }

    #[test]
    fn path_and_query_keeps_base_prefix() {
        let base = Url::parse("https://h/console").unwrap();
        let u = join_path_and_query(&base, "/api/v1/events?org=a").unwrap();
        assert_eq!(u.as_str(), "https://h/console/api/v1/events?org=a");
    }

    #[test]
    fn json_types() {
        assert!(is_json_type("application/json; charset=utf-8"));
        assert!(is_json_type("application/problem+json"));
        assert!(!is_json_type("text/html"));
    }
}
