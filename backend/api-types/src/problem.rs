//! RFC 9457 problem details, the body of every error answer.

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// An error answer (`application/problem+json`, RFC 9457).
///
/// `code` is stable and machine-readable (for example `validation_failed`, `conflict`,
/// `not_found`, `forbidden`, `unauthorized`, `rate_limited`); `title` and `detail` are
/// for people and may change. `errors` names each invalid field of a request.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Problem {
    /// A URI naming the problem type (`about:blank` when the status says it all).
    #[serde(rename = "type", default = "about_blank")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

/// What is wrong with one field of a request.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FieldError {
    /// The field's name as in the request body, e.g. `password` or `targets[1]`.
    pub field: String,
    /// What is wrong, in words a user can act on.
    pub message: String,
}
