//! Request extractors whose failures are console-API errors: a JSON body that fails to
//! parse answers 422 `invalid` naming the field, a bad query string answers 422 naming
//! the parameter (axum's own rejections are plain text). Any module of the sandbox may
//! use them.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::model::FieldError;
use crate::sandbox::error::ApiError;

/// A JSON request body; failures answer 422 `invalid` (415 without a JSON content type).
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(JsonBody(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "send the body as JSON with Content-Type: application/json",
            )),
            Err(rej) => {
                let text = rej.body_text();
                let field = field_of(&text);
                Err(ApiError::invalid(
                    "invalid",
                    format!("the request body is not what this endpoint takes: {text}"),
                    vec![FieldError {
                        path: field,
                        message: text,
                    }],
                ))
            }
        }
    }
}

/// Query parameters; failures answer 422 `invalid`.
#[derive(Debug, Clone)]
pub struct QueryArgs<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryArgs<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(QueryArgs(v)),
            Err(rej) => Err(query_error(&rej)),
        }
    }
}

fn query_error(rej: &QueryRejection) -> ApiError {
    let text = rej.body_text();
    ApiError::invalid(
        "invalid",
        format!("bad query parameters: {text}"),
        vec![FieldError {
            path: field_of(&text),
            message: text,
        }],
    )
}

/// The field a serde message names: `topology: invalid type …` gives `topology`,
/// `missing field `env_type`` gives `env_type`, `site: missing field `title`` gives
/// `site.title`.
fn field_of(text: &str) -> String {
    let rest = ["target type: ", "query string: "]
        .iter()
        .find_map(|m| text.split_once(m).map(|(_, r)| r))
        .unwrap_or(text);
    let (path, tail) = match rest.split_once(": ") {
        Some((head, tail)) if !head.contains(' ') => (head.to_string(), tail),
        _ => (String::new(), rest),
    };
    let missing = tail
        .split_once("missing field `")
        .and_then(|(_, r)| r.split_once('`'))
        .map(|(f, _)| f.to_string());
    match (path.is_empty(), missing) {
        (true, Some(f)) => f,
        (false, Some(f)) => format!("{path}.{f}"),
        (_, None) => path,
    }
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn field_names_are_found_in_serde_messages() {
        assert_eq!(
            field_of(
                "Failed to deserialize the JSON body into the target type: missing field `env_type` at line 1 column 2"
            ),
            "env_type"
        );
        assert_eq!(
            field_of(
                "Failed to deserialize the JSON body into the target type: topology: invalid type: integer `3`, expected a string"
            ),
            "topology"
        );
        assert_eq!(
            field_of("Failed to deserialize query string: limit: invalid digit found in string"),
            "limit"
        );
        assert_eq!(
            field_of(
                "Failed to deserialize the JSON body into the target type: site: missing field `title` at line 1 column 9"
            ),
            "site.title"
        );
        assert_eq!(field_of("EOF while parsing a value at line 1 column 0"), "");
    }
}
