//! The verification page of the device flow: a plain HTML form (user code, persona,
//! approve or deny) and its submission. A script completes a sign-in by posting the same
//! form: `user_code=…&persona=layla` (add `decision=deny` to refuse).

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::sessions::DecideError;
use crate::sandbox::store::SharedSandbox;

#[derive(Debug, Deserialize)]
pub(super) struct PageQuery {
    #[serde(default)]
    user_code: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Submission {
    #[serde(default)]
    user_code: String,
    #[serde(default)]
    persona: String,
    /// `approve` (default) or `deny`.
    #[serde(default)]
    decision: String,
}

/// `GET /device`.
pub(super) async fn page(State(sb): State<SharedSandbox>, q: Query<PageQuery>) -> Html<String> {
    let world = sb.world.read().await;
    let sovereign = escape(&world.sovereign.name);
    let options: String = world
        .personas
        .values()
        .map(|p| {
            format!(
                "<option value=\"{id}\">{id} — {name} ({blurb})</option>",
                id = escape(&p.id),
                name = escape(&p.me.name),
                blurb = escape(&p.blurb)
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sign in to {sovereign}</title></head>\
         <body><h1>Sign in to {sovereign} (sandbox)</h1>\
         <p>Enter the code your terminal shows and choose who to sign in as.</p>\
         <form method=\"post\" action=\"/device\">\
         <label>Code <input name=\"user_code\" value=\"{code}\" autocomplete=\"off\"></label><br>\
         <label>Persona <select name=\"persona\">{options}</select></label><br>\
         <button name=\"decision\" value=\"approve\">Sign in</button> \
         <button name=\"decision\" value=\"deny\">Deny</button>\
         </form></body></html>",
        code = escape(&q.user_code),
    ))
}

/// `POST /device`.
pub(super) async fn submit(
    State(sb): State<SharedSandbox>,
    form: Result<Form<Submission>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return answer(
            StatusCode::BAD_REQUEST,
            "Send user_code and persona form-encoded.",
        );
    };
    let deny = form.decision.eq_ignore_ascii_case("deny");
    let mut world = sb.world.write().await;
    if !deny && !world.personas.contains_key(&form.persona) {
        let known: Vec<&str> = world.personas.keys().map(String::as_str).collect();
        return answer(
            StatusCode::BAD_REQUEST,
            &format!(
                "Unknown persona {:?}. Choose one of: {}.",
                form.persona,
                known.join(", ")
            ),
        );
    }
    let now = world.now();
    let persona = (!deny).then_some(form.persona.as_str());
    match world.sessions.decide(&form.user_code, persona, now) {
        Ok(()) if deny => answer(StatusCode::OK, "Sign-in denied. The terminal will be told."),
        Ok(()) => answer(
            StatusCode::OK,
            &format!(
                "Signed in as {}. You can return to your terminal.",
                form.persona
            ),
        ),
        Err(DecideError::UnknownCode) => answer(
            StatusCode::NOT_FOUND,
            "That code is not known. Check it against your terminal.",
        ),
        Err(DecideError::Expired) => answer(
            StatusCode::GONE,
            "That code has expired. Start the sign-in again.",
        ),
        Err(DecideError::AlreadyDecided) => {
            answer(StatusCode::CONFLICT, "That code has already been used.")
        }
    }
}

fn answer(status: StatusCode, text: &str) -> Response {
    (
        status,
        Html(format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sign in</title></head>\
             <body><p>{}</p></body></html>",
            escape(text)
        )),
    )
        .into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn page_text_is_escaped() {
        assert_eq!(
            escape("<script>\"x\"&'y'"),
            "&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;"
        );
    }
}
