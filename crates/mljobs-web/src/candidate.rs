//! The candidate's side of the API: a resume (an upload, pasted text, a JSON Resume or an edited
//! profile) → a profile, and a profile → matches with their explanations, the gap and the path.
//! Resumes are read in memory and dropped with the request: never stored, never logged.

use axum::Json;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use mljobs_core::matching::MatchOptions;
use mljobs_core::profile::{self, Profile, YearMonth};
use mljobs_resume::ResumeError;
use mljobs_store::matching::{MatchReport, MatchRequest, match_profile, skill_weights};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::ApiError;

type St = State<std::sync::Arc<crate::AppState>>;

/// The largest upload read (a resume of up to 5 MB and the form around it).
pub const MAX_UPLOAD_BYTES: usize = mljobs_resume::MAX_BYTES + 64 * 1024;

/// Paths whose bodies may be uploads.
pub fn is_upload_path(path: &str) -> bool {
    path == "/api/v1/profile" || path == "/match"
}

fn today() -> (YearMonth, chrono::NaiveDate) {
    use chrono::Datelike;
    let now = chrono::Utc::now().date_naive();
    (YearMonth::new(now.year(), now.month()).expect("a calendar month"), now)
}

/// A profile and the text its evidence points into.
pub use mljobs_resume::ReadProfile as Read;

/// Reads a resume's bytes into a profile; the error says what the person can do.
pub fn read_resume(name: &str, bytes: &[u8], taxonomy: &mljobs_core::Taxonomy) -> Result<Read, ApiError> {
    let (month, _) = today();
    let doc = mljobs_resume::read(name, bytes).map_err(|e| {
        let (status, code) = match &e {
            ResumeError::Unsupported(..) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_file"),
            ResumeError::Broken(..) | ResumeError::Encrypted(_) | ResumeError::NoText(_) | ResumeError::Empty(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "unreadable_file")
            }
        };
        ApiError::other(status, code, e.to_string())
    })?;
    mljobs_resume::to_profile(doc, taxonomy, month).map_err(|e| ApiError::other(StatusCode::UNPROCESSABLE_ENTITY, "unreadable_file", format!("{name}: {e}")))
}

/// The first file (or `text` field) of a multipart form, with the other fields.
pub async fn form_upload(req: Request) -> Result<(Option<(String, Vec<u8>)>, Vec<(String, String)>), ApiError> {
    let bad =
        |e: axum::extract::multipart::MultipartError| ApiError::other(StatusCode::BAD_REQUEST, "invalid_body", format!("the form could not be read: {e}"));
    let mut form = Multipart::from_request(req, &()).await.map_err(|e| ApiError::other(StatusCode::BAD_REQUEST, "invalid_body", e.body_text()))?;
    let mut file = None;
    let mut fields = Vec::new();
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) if file.is_none() && !file_name.is_empty() => {
                let bytes = field.bytes().await.map_err(bad)?;
                if !bytes.is_empty() {
                    file = Some((file_name, bytes.to_vec()));
                }
            }
            Some(_) => {}
            None => fields.push((name, field.text().await.map_err(bad)?)),
        }
    }
    Ok((file, fields))
}

/// Reads the resume of a profile request: a multipart upload (`file`, or a `text` field), or
/// JSON — `{"text": "…"}` for pasted text, or a JSON Resume / an mljobs profile as the body.
async fn resume_of(req: Request, taxonomy: &mljobs_core::Taxonomy) -> Result<Read, ApiError> {
    let mime = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    if mime.starts_with("multipart/form-data") {
        let (file, fields) = form_upload(req).await?;
        if let Some((name, bytes)) = file {
            return read_resume(&name, &bytes, taxonomy);
        }
        if let Some((_, text)) = fields.iter().find(|(k, v)| k == "text" && !v.trim().is_empty()) {
            return read_resume("pasted text", text.as_bytes(), taxonomy);
        }
        return Err(ApiError::other(StatusCode::BAD_REQUEST, "missing_parameter", "send the resume as a file field `file` or a text field `text`"));
    }
    if !mime.starts_with("application/json") {
        return Err(ApiError::other(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the resume as multipart/form-data (a `file` or `text` field) or as JSON",
        ));
    }
    let body = axum::body::to_bytes(req.into_body(), crate::candidate::MAX_UPLOAD_BYTES)
        .await
        .map_err(|e| ApiError::other(StatusCode::BAD_REQUEST, "invalid_body", e.to_string()))?;
    let v: Value =
        serde_json::from_slice(&body).map_err(|e| ApiError::other(StatusCode::BAD_REQUEST, "invalid_body", format!("the body is not valid JSON: {e}")))?;
    match v.get("text").and_then(Value::as_str) {
        Some(text) if v.as_object().is_some_and(|o| o.len() == 1) => read_resume("pasted text", text.as_bytes(), taxonomy),
        _ => read_resume("body.json", &body, taxonomy),
    }
}

/// Reads a resume into a profile: skills with where they were read, work history with total and
/// ML/data years, role and level, degrees, location, preferences. Send a file (`multipart/form-data`,
/// field `file`: PDF, DOCX, text, Markdown or JSON Resume, up to 5 MB) or JSON (`{"text": "…"}`, or a
/// JSON Resume). Nothing is stored.
#[utoipa::path(post, path = "/api/v1/profile", request_body(content = String, description = "multipart/form-data with a `file` (or `text`) field, or JSON: {\"text\": \"…\"} or a JSON Resume", content_type = "multipart/form-data"), responses(
    (status = 200, description = "`profile` (editable; give it back to /api/v1/match) and `chars` read", body = Object),
    (status = 400, description = "No file or text (`missing_parameter`), a broken form or JSON (`invalid_body`)", body = crate::error::ErrorBody),
    (status = 413, description = "Over 5 MB (`body_too_large`)", body = crate::error::ErrorBody),
    (status = 415, description = "A file type not read (`unsupported_file`: .doc, images…) or a body neither a form nor JSON", body = crate::error::ErrorBody),
    (status = 422, description = "A PDF without a text layer, an encrypted or broken file, an empty document (`unreadable_file`)", body = crate::error::ErrorBody),
))]
pub async fn profile(State(s): St, req: Request) -> Result<Json<Value>, ApiError> {
    let read = resume_of(req, &s.taxonomy).await?;
    let chars = read.text.as_ref().map_or(0, |t| t.chars().count());
    Ok(Json(serde_json::json!({"profile": read.profile, "chars": chars})))
}

/// A match request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchBody {
    /// The profile (as /api/v1/profile returned it, maybe edited) or a JSON Resume.
    #[schema(value_type = Object)]
    pub profile: Value,
    /// Match against this role instead of the profile's (a role id).
    #[serde(default)]
    pub role: Option<String>,
    /// Remote postings only.
    #[serde(default)]
    pub remote: bool,
    /// Postings in this country (ISO code) or remote.
    #[serde(default)]
    pub country: Option<String>,
    /// Matches returned (1–100, default 20).
    #[serde(default)]
    pub limit: Option<usize>,
}

const MATCH_FIELDS: &str = "profile, role, remote, country, limit";

/// Ranks the open postings for a profile: per posting a score from 0 to 100 and its
/// explanation (required and nice-to-have skills matched and missing, related skills counted in
/// part, role, level and years, place), then the skills missing across the best matches and a
/// learning path — the object `mljobs match --json` prints.
#[utoipa::path(post, path = "/api/v1/match", request_body = MatchBody, responses(
    (status = 200, description = "`profile`, `target_role`, `matches` [{id, score, title, company, role, seniority, explanation}], `gap`, `path`, `considered`", body = Object),
    (status = 400, description = "A bad body, an unknown field or role, a limit out of range", body = crate::error::ErrorBody),
    (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
))]
pub async fn matches(State(s): St, headers: axum::http::HeaderMap, body: axum::body::Bytes) -> Result<Json<MatchReport>, ApiError> {
    let b: MatchBody = crate::api::json_body(&headers, &body, MATCH_FIELDS)?;
    let (month, today) = today();
    let p = profile::from_json(&b.profile, &s.taxonomy, month).map_err(|e| ApiError {
        status: StatusCode::BAD_REQUEST,
        code: "invalid_parameter",
        message: e.to_string(),
        parameter: Some("profile".into()),
        value: None,
    })?;
    let options = options(&s.taxonomy, b.role, b.remote, b.country)?;
    let limit = b.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_parameter",
            message: "limit must be 1 to 100".into(),
            parameter: Some("limit".into()),
            value: Some(limit.to_string()),
        });
    }
    let weights = weights(&s)?;
    let report = run_match(&s, &weights, p, None, options, limit, today)?;
    Ok(Json(report))
}

/// Checks a match's options.
pub fn options(taxonomy: &mljobs_core::Taxonomy, role: Option<String>, remote: bool, country: Option<String>) -> Result<MatchOptions, ApiError> {
    let role = role.filter(|r| !r.is_empty());
    if let Some(r) = &role
        && taxonomy.role(r).is_none()
    {
        return Err(ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_parameter",
            message: format!("{r:?} is not a role id"),
            parameter: Some("role".into()),
            value: Some(r.clone()),
        });
    }
    let country = country.map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty());
    if let Some(c) = &country
        && (c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err(ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_parameter",
            message: "country is a two-letter ISO code".into(),
            parameter: Some("country".into()),
            value: Some(c.clone()),
        });
    }
    Ok(MatchOptions { role, remote, country })
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::other(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
}

/// The skills' weights over the state's index (once per request).
pub fn weights(s: &crate::AppState) -> Result<mljobs_core::matching::SkillWeights, ApiError> {
    skill_weights(&s.index).map_err(internal)
}

/// Matches a profile over the state's store and index.
pub fn run_match(
    s: &crate::AppState,
    weights: &mljobs_core::matching::SkillWeights,
    profile: Profile,
    resume: Option<&str>,
    options: MatchOptions,
    limit: usize,
    today: chrono::NaiveDate,
) -> Result<MatchReport, ApiError> {
    let store = s.store();
    match_profile(&store, &s.index, &s.taxonomy, weights, MatchRequest { profile, resume, options, limit, today, salary: Some(&s.salary) }).map_err(internal)
}
