//! The HTTP handlers of the sandbox issuer: discovery, the authorization page (persona
//! picker, scripted `persona=`/`login_hint=` sign-in, out-of-band code page), the token
//! endpoint's three grants, the JWKS and userinfo.
//!
//! Must not put a code, token or password in a log or in an error description.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;

use super::grants::{CodeRequest, Granted, TokenError};
use super::tokens::{ACCESS_TYPE, ID_TYPE, Issue, claims_for, verify_access};
use super::{CLIENT_ID, OOB_REDIRECT, PASSWORD, Realm, issuer_of, keys, redirect_allowed};

type Params = HashMap<String, String>;

async fn issuer(realm: &Realm) -> String {
    issuer_of(&*realm.sandbox.world.read().await)
}

/// `GET …/.well-known/openid-configuration`.
pub(super) async fn discovery(State(realm): State<Arc<Realm>>) -> Response {
    let iss = issuer(&realm).await;
    let ep = |p: &str| format!("{iss}/protocol/openid-connect/{p}");
    axum::Json(json!({
        "issuer": iss,
        "authorization_endpoint": ep("auth"),
        "token_endpoint": ep("token"),
        "jwks_uri": ep("certs"),
        "userinfo_endpoint": ep("userinfo"),
        "grant_types_supported": ["authorization_code", "password", "refresh_token"],
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": ["openid", "profile", "email", "groups", "offline_access"],
    }))
    .into_response()
}

/// `GET …/certs`.
pub(super) async fn certs() -> Response {
    match keys::key_async().await {
        Ok(k) => axum::Json(json!({"keys": [k.jwk()]})).into_response(),
        Err(e) => oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &e),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body><h1>Sign in to Sovereign (sandbox)</h1>{body}</body></html>",
        esc(title)
    );
    (status, no_store(Html(html).into_response())).into_response()
}

fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// A refusal of the authorization request: back to a loopback client with `error`, or a
/// page when the redirect URI cannot be trusted or is out-of-band.
fn auth_error(q: &Params, error: &str, description: &str) -> Response {
    let redirect = q
        .get("redirect_uri")
        .map(String::as_str)
        .unwrap_or_default();
    if redirect != OOB_REDIRECT
        && let Ok(mut url) = reqwest::Url::parse(redirect)
    {
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("error", error);
            pairs.append_pair("error_description", description);
            if let Some(state) = q.get("state") {
                pairs.append_pair("state", state);
            }
        }
        return Redirect::to(url.as_str()).into_response();
    }
    page(
        StatusCode::BAD_REQUEST,
        "We are sorry...",
        &format!("<p>{}: {}</p>", esc(error), esc(description)),
    )
}

/// `GET …/auth`: validates the request, then either lists the personas (each a link
/// that signs in) or, with `persona=`/`login_hint=`, signs in at once.
pub(super) async fn authorize(
    State(realm): State<Arc<Realm>>,
    Query(q): Query<Params>,
) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    if get("client_id") != CLIENT_ID {
        return page(
            StatusCode::BAD_REQUEST,
            "We are sorry...",
            "<p>Client not found.</p>",
        );
    }
    let redirect_uri = get("redirect_uri");
    if !redirect_allowed(redirect_uri) {
        return page(
            StatusCode::BAD_REQUEST,
            "We are sorry...",
            "<p>Invalid parameter: redirect_uri</p>",
        );
    }
    if get("response_type") != "code" {
        return auth_error(
            &q,
            "unsupported_response_type",
            "Client is not allowed to initiate browser login with given response_type.",
        );
    }
    if get("code_challenge").is_empty() || get("code_challenge_method") != "S256" {
        return auth_error(
            &q,
            "invalid_request",
            "Missing parameter: code_challenge_method",
        );
    }
    let persona = q
        .get("persona")
        .or_else(|| q.get("login_hint"))
        .map(String::as_str)
        .filter(|p| !p.is_empty());
    let world = realm.sandbox.world.read().await;
    let Some(persona) = persona.and_then(|p| world.personas.get(p)) else {
        let mut base = q.clone();
        base.remove("persona");
        base.remove("login_hint");
        let links: String = world
            .personas
            .values()
            .map(|p| {
                let query = query_with(&base, "persona", &p.id);
                format!(
                    "<li><a href=\"?{}\">{}</a> ({}): {}</li>",
                    esc(&query),
                    esc(&p.id),
                    esc(&p.me.name),
                    esc(&p.blurb)
                )
            })
            .collect();
        let note = if persona.is_some() {
            "<p>Unknown persona.</p>"
        } else {
            ""
        };
        return page(
            StatusCode::OK,
            "Sign in to sovereign",
            &format!("{note}<p>Choose who to sign in as:</p><ul>{links}</ul>"),
        );
    };
    let persona_id = persona.id.clone();
    let now = world.now();
    let iss = issuer_of(&world);
    drop(world);
    let code = realm.grants().new_code(
        CodeRequest {
            client_id: CLIENT_ID.to_string(),
            redirect_uri: redirect_uri.to_string(),
            challenge: get("code_challenge").to_string(),
            nonce: q.get("nonce").cloned(),
            scope: scope_or_default(q.get("scope")),
            persona: persona_id,
        },
        now,
    );
    if redirect_uri == OOB_REDIRECT {
        return page(
            StatusCode::OK,
            &format!("Success code={code}"),
            &format!(
                "<p>Please copy this code, switch to your application and paste it there:</p>\
                 <input id=\"code\" readonly value=\"{}\">",
                esc(&code)
            ),
        );
    }
    let Ok(mut url) = reqwest::Url::parse(redirect_uri) else {
        return page(
            StatusCode::BAD_REQUEST,
            "We are sorry...",
            "<p>Invalid parameter: redirect_uri</p>",
        );
    };
    {
        let mut pairs = url.query_pairs_mut();
        if let Some(state) = q.get("state") {
            pairs.append_pair("state", state);
        }
        pairs.append_pair("iss", &iss);
        pairs.append_pair("code", &code);
    }
    no_store(Redirect::to(url.as_str()).into_response())
}

/// `params` plus `key=value`, form-encoded.
fn query_with(params: &Params, key: &str, value: &str) -> String {
    let Ok(mut url) = reqwest::Url::parse("http://query.invalid/") else {
        return String::new();
    };
    url.query_pairs_mut()
        .extend_pairs(params.iter())
        .append_pair(key, value);
    url.query().unwrap_or_default().to_string()
}

fn scope_or_default(scope: Option<&String>) -> String {
    scope
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .unwrap_or("openid")
        .to_string()
}

fn oauth_error(status: StatusCode, code: &str, description: &str) -> Response {
    no_store(
        (
            status,
            axum::Json(json!({"error": code, "error_description": description})),
        )
            .into_response(),
    )
}

fn token_error(e: TokenError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
    oauth_error(status, e.code(), e.description())
}

/// `POST …/token`.
pub(super) async fn token(
    State(realm): State<Arc<Realm>>,
    form: Result<Form<Params>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(f)) = form else {
        return token_error(TokenError::InvalidRequest(
            "send the parameters form-encoded",
        ));
    };
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
    if get("client_id") != CLIENT_ID {
        return token_error(TokenError::InvalidClient);
    }
    let (now, known) = {
        let world = realm.sandbox.world.read().await;
        (world.now(), world.personas.contains_key(get("username")))
    };
    let granted = match get("grant_type") {
        "authorization_code" => {
            if get("code").is_empty() {
                return token_error(TokenError::InvalidRequest("Missing parameter: code"));
            }
            realm.grants().redeem_code(
                get("code"),
                get("client_id"),
                get("redirect_uri"),
                get("code_verifier"),
                now,
            )
        }
        "password" => {
            if known && get("password") == PASSWORD {
                Ok(Granted {
                    persona: get("username").to_string(),
                    scope: scope_or_default(f.get("scope")),
                    nonce: None,
                })
            } else {
                Err(TokenError::InvalidCredentials)
            }
        }
        "refresh_token" => realm
            .grants()
            .use_refresh(get("refresh_token"), get("client_id"), now),
        _ => Err(TokenError::UnsupportedGrantType),
    };
    match granted {
        Ok(g) => issue(&realm, g).await,
        Err(e) => token_error(e),
    }
}

/// The token answer for a successful grant.
async fn issue(realm: &Realm, g: Granted) -> Response {
    let key = match keys::key_async().await {
        Ok(k) => k,
        Err(e) => return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &e),
    };
    let lifetime = realm.sandbox.opts.token_lifetime_secs;
    let (persona, now, iss) = {
        let world = realm.sandbox.world.read().await;
        (
            world.personas.get(&g.persona).cloned(),
            world.now(),
            issuer_of(&world),
        )
    };
    let Some(persona) = persona else {
        return token_error(TokenError::InvalidGrant("User not found"));
    };
    let issue = Issue {
        issuer: &iss,
        client_id: CLIENT_ID,
        scope: &g.scope,
        now,
        lifetime_secs: lifetime,
    };
    let access = key.sign(&claims_for(&persona, &issue, ACCESS_TYPE, None));
    let id = key.sign(&claims_for(&persona, &issue, ID_TYPE, g.nonce.as_deref()));
    let (Ok(access), Ok(id)) = (access, id) else {
        return oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "could not sign",
        );
    };
    let refresh = realm
        .grants()
        .new_refresh(&persona.id, CLIENT_ID, &g.scope, now);
    no_store(
        axum::Json(json!({
            "access_token": access,
            "expires_in": lifetime,
            "refresh_expires_in": crate::sandbox::identity::REFRESH_TTL_SECS,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "id_token": id,
            "not-before-policy": 0,
            "scope": g.scope,
        }))
        .into_response(),
    )
}

/// `GET …/userinfo`.
pub(super) async fn userinfo(State(realm): State<Arc<Realm>>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_string())
        .unwrap_or_default();
    let (now, iss) = {
        let world = realm.sandbox.world.read().await;
        (world.now(), issuer_of(&world))
    };
    match verify_access(&token, &iss, now) {
        Some(c) => axum::Json(json!({
            "sub": c.sub, "preferred_username": c.preferred_username, "name": c.name,
            "email": c.email, "email_verified": c.email_verified, "groups": c.groups,
        }))
        .into_response(),
        None => {
            let mut r = oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "Token verification failed",
            );
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
            r
        }
    }
}
