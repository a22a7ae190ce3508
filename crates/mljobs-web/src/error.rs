//! API errors: always JSON `{"error": {"code", "message"}}`, plus the offending `parameter` and
//! `value` when a request parameter is at fault.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// An error answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code (`invalid_parameter`, `unknown_parameter`, `not_found`, ...).
    pub code: &'static str,
    /// What went wrong, for a human.
    pub message: String,
    /// The query parameter at fault, if any.
    pub parameter: Option<String>,
    /// Its value, if any.
    pub value: Option<String>,
}

/// The JSON body of an error.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The error inside an error body.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code: `invalid_parameter`, `unknown_parameter`, `missing_parameter`,
    /// `invalid_body`, `unsupported_media_type`, `not_found`, `query_too_long`, `body_too_large`,
    /// `method_not_allowed`, `timeout`, `internal`.
    pub code: String,
    /// What went wrong, naming the parameter and value when one is at fault.
    pub message: String,
    /// The query parameter at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// The value given for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl ApiError {
    /// A 400 for a bad parameter value.
    pub fn invalid(parameter: &str, value: &str, expected: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_parameter",
            message: format!("parameter `{parameter}`: {value:?} is not valid; expected {expected}"),
            parameter: Some(parameter.to_string()),
            value: Some(value.to_string()),
        }
    }

    /// A 400 for a parameter the endpoint does not take; `known` lists those it does.
    pub fn unknown_parameter(parameter: &str, value: Option<&str>, known: &str) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "unknown_parameter",
            message: format!("unknown parameter `{parameter}`; parameters are {known}"),
            parameter: Some(parameter.to_string()),
            value: value.map(str::to_string),
        }
    }

    /// A 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::NOT_FOUND, code: "not_found", message: message.into(), parameter: None, value: None }
    }

    /// A 500; the cause is logged, not shown.
    pub fn internal(cause: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(%cause, "request failed");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "internal error (logged on the server)".into(),
            parameter: None,
            value: None,
        }
    }

    /// An error of another status.
    pub fn other(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), parameter: None, value: None }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { error: ErrorDetail { code: self.code.to_string(), message: self.message, parameter: self.parameter, value: self.value } };
        (self.status, Json(body)).into_response()
    }
}

impl From<mljobs_store::StoreError> for ApiError {
    fn from(e: mljobs_store::StoreError) -> ApiError {
        ApiError::internal(&e)
    }
}

impl From<mljobs_store::SearchError> for ApiError {
    fn from(e: mljobs_store::SearchError) -> ApiError {
        match e {
            mljobs_store::SearchError::UnknownFacet(f) => ApiError::unknown_parameter(&f, None, &mljobs_store::search::FACETS.join(", ")),
            other => ApiError::internal(&other),
        }
    }
}
