//! Column mapping for CSV and JSON Lines: `field=source column` pairs, plus well-known column
//! names picked up automatically.

use serde_json::Value;

use super::{value_number, value_text};
use crate::posting::{RawPosting, RecordRef};

/// Posting fields a column can feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum PostingField {
    Id,
    Url,
    Title,
    Description,
    Company,
    Location,
    City,
    Region,
    Country,
    WorkMode,
    EmploymentType,
    Seniority,
    Industry,
    DatePosted,
    ValidThrough,
    Salary,
    SalaryMin,
    SalaryMax,
    SalaryCurrency,
    SalaryPeriod,
}

const FIELDS: [(PostingField, &str, &[&str]); 20] = [
    (PostingField::Id, "id", &["id", "job id", "job_id", "jobid", "posting id", "requisition id", "req id", "identifier", "external id"]),
    (PostingField::Url, "url", &["url", "job url", "job_url", "link", "apply url", "apply_url", "posting url", "job link", "absolute_url", "hostedurl"]),
    (PostingField::Title, "title", &["title", "job title", "job_title", "jobtitle", "position", "position title", "role", "job name"]),
    (
        PostingField::Description,
        "description",
        &[
            "description",
            "job description",
            "job_description",
            "jobdescription",
            "description html",
            "descriptionhtml",
            "content",
            "body",
            "details",
            "job details",
        ],
    ),
    (
        PostingField::Company,
        "company",
        &["company", "company name", "company_name", "companyname", "employer", "organization", "organisation", "hiring organization", "hiringorganization"],
    ),
    (PostingField::Location, "location", &["location", "job location", "job_location", "locations", "location name", "place"]),
    (PostingField::City, "city", &["city", "location.city", "town", "locality", "addresslocality"]),
    (PostingField::Region, "region", &["region", "state", "province", "location.region", "location.state", "addressregion"]),
    (PostingField::Country, "country", &["country", "country code", "country_code", "location.country", "addresscountry", "company_location"]),
    (
        PostingField::WorkMode,
        "work_mode",
        &[
            "work_mode",
            "work mode",
            "workmode",
            "remote",
            "remote type",
            "workplace type",
            "workplacetype",
            "workplace_type",
            "remote_ratio",
            "is remote",
            "is_remote",
        ],
    ),
    (
        PostingField::EmploymentType,
        "employment_type",
        &["employment_type", "employment type", "employmenttype", "job type", "job_type", "contract type", "commitment"],
    ),
    (PostingField::Seniority, "seniority", &["seniority", "level", "seniority level", "experience level", "experience_level", "job level"]),
    (PostingField::Industry, "industry", &["industry", "sector", "company industry"]),
    (
        PostingField::DatePosted,
        "date_posted",
        &[
            "date_posted",
            "date posted",
            "dateposted",
            "posted",
            "posted at",
            "posted_at",
            "published",
            "published_at",
            "publishedat",
            "created_at",
            "createdat",
            "date",
        ],
    ),
    (PostingField::ValidThrough, "valid_through", &["valid_through", "valid through", "validthrough", "expires", "expires_at", "closing date", "deadline"]),
    (PostingField::Salary, "salary", &["salary", "salary text", "salary_text", "pay", "compensation", "salary range", "salary_range", "pay range"]),
    (
        PostingField::SalaryMin,
        "salary_min",
        &["salary_min", "salary min", "min salary", "min_salary", "salary.min", "salary_from", "pay_min", "minimum salary"],
    ),
    (PostingField::SalaryMax, "salary_max", &["salary_max", "salary max", "max salary", "max_salary", "salary.max", "salary_to", "pay_max", "maximum salary"]),
    (PostingField::SalaryCurrency, "salary_currency", &["salary_currency", "salary currency", "currency", "salary.currency", "pay_currency"]),
    (
        PostingField::SalaryPeriod,
        "salary_period",
        &["salary_period", "salary period", "period", "salary.period", "pay period", "salary interval", "interval", "unit"],
    ),
];

impl PostingField {
    /// Field name as used in `--map`.
    pub fn name(self) -> &'static str {
        FIELDS.iter().find(|(f, _, _)| *f == self).map(|(_, n, _)| *n).unwrap_or("?")
    }

    fn from_name(s: &str) -> Option<PostingField> {
        FIELDS.iter().find(|(_, n, _)| *n == s).map(|(f, _, _)| *f)
    }
}

/// A `--map` value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MapError {
    /// `field=column` without the `=`.
    #[error("--map entry {0:?} is not field=column")]
    Syntax(String),
    /// Unknown field name.
    #[error("--map entry {entry:?}: unknown field {field:?} (fields: {known})")]
    UnknownField {
        /// The entry.
        entry: String,
        /// The field.
        field: String,
        /// Valid names.
        known: String,
    },
    /// A mapped column is missing from the input.
    #[error("--map: column {column:?} (for field `{field}`) is not in the input; columns are: {available}")]
    MissingColumn {
        /// Field name.
        field: &'static str,
        /// Column asked for.
        column: String,
        /// Columns present.
        available: String,
    },
    /// No title column at all.
    #[error("no title column: map one with --map 'title=COLUMN'; columns are: {0}")]
    NoTitle(String),
}

/// The explicit part of a column mapping.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    explicit: Vec<(PostingField, String)>,
}

impl ColumnMap {
    /// Parses `title=Job Title,description=Job Description,...`.
    pub fn parse(spec: &str) -> Result<ColumnMap, MapError> {
        let mut explicit = Vec::new();
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (field, column) = entry.split_once('=').ok_or_else(|| MapError::Syntax(entry.into()))?;
            let field_name = field.trim().to_ascii_lowercase();
            let f = PostingField::from_name(&field_name).ok_or_else(|| MapError::UnknownField {
                entry: entry.into(),
                field: field.trim().into(),
                known: FIELDS.iter().map(|(_, n, _)| *n).collect::<Vec<_>>().join(", "),
            })?;
            explicit.push((f, column.trim().to_string()));
        }
        Ok(ColumnMap { explicit })
    }

    /// Resolves the mapping against the input's columns.
    pub(crate) fn resolve(&self, columns: &[String], require_title: bool) -> Result<Resolved, MapError> {
        let mut slots: Vec<Option<PostingField>> = vec![None; columns.len()];
        let mut taken: Vec<PostingField> = Vec::new();
        for (field, column) in &self.explicit {
            let pos = columns.iter().position(|c| c == column).or_else(|| columns.iter().position(|c| c.eq_ignore_ascii_case(column)));
            match pos {
                Some(i) => {
                    slots[i] = Some(*field);
                    taken.push(*field);
                }
                None => return Err(MapError::MissingColumn { field: field.name(), column: column.clone(), available: columns.join(", ") }),
            }
        }
        // Well-known names for the rest, best alias first.
        for (field, _, aliases) in FIELDS {
            if taken.contains(&field) {
                continue;
            }
            'alias: for alias in aliases {
                for (i, c) in columns.iter().enumerate() {
                    if slots[i].is_none() && normalise_column(c) == *alias {
                        slots[i] = Some(field);
                        taken.push(field);
                        break 'alias;
                    }
                }
            }
        }
        if require_title && !taken.contains(&PostingField::Title) {
            return Err(MapError::NoTitle(columns.join(", ")));
        }
        Ok(Resolved { slots, columns: columns.to_vec() })
    }
}

fn normalise_column(c: &str) -> String {
    c.trim().to_ascii_lowercase().replace('-', "_")
}

#[derive(Debug)]
/// A mapping resolved against one input's columns.
pub(crate) struct Resolved {
    slots: Vec<Option<PostingField>>,
    columns: Vec<String>,
}

impl Resolved {
    /// Whether this mapping was resolved for exactly these columns (JSON Lines records usually
    /// share their keys, so the mapping is resolved once and reused).
    pub(crate) fn is_for<'k>(&self, keys: impl ExactSizeIterator<Item = &'k str>) -> bool {
        keys.len() == self.columns.len() && keys.zip(&self.columns).all(|(a, b)| a == b)
    }

    /// Builds a raw posting from the record's values, in column order.
    pub(crate) fn build(&self, values: impl Iterator<Item = Option<Value>>, source: &str, record: RecordRef, company: Option<&str>) -> RawPosting {
        let mut p = RawPosting { source: source.to_string(), record, ..Default::default() };
        for ((slot, column), value) in self.slots.iter().zip(&self.columns).zip(values) {
            let (Some(field), Some(value)) = (slot, value) else { continue };
            if value.is_null() {
                continue;
            }
            let is_number_field = matches!(field, PostingField::SalaryMin | PostingField::SalaryMax);
            let number_value = if is_number_field { Some(value.clone()) } else { None };
            // Strings are moved, not copied (descriptions are kilobytes).
            let text = if is_number_field {
                None
            } else {
                match value {
                    Value::String(ref s) if s.trim().is_empty() => None,
                    Value::String(s) => Some(s),
                    // A title or description that is a number or an object is a broken record, not text.
                    ref other if matches!(field, PostingField::Title | PostingField::Description) => {
                        let shown: String = other.to_string().chars().take(60).collect();
                        p.warnings.push(format!("field `{}` (column {column:?}): expected text, found {} {shown}", field.name(), super::json_kind(other)));
                        None
                    }
                    ref other => value_text(other).filter(|s| !s.trim().is_empty()),
                }
            };
            let number = |p: &mut RawPosting| match value_number(number_value.as_ref().unwrap_or(&Value::Null)) {
                Ok(n) => n,
                Err(e) => {
                    p.warnings.push(format!("field `{}` (column {column:?}): {e}; left empty", field.name()));
                    None
                }
            };
            match field {
                PostingField::Id => p.source_id = text,
                PostingField::Url => p.url = text,
                PostingField::Title => p.title = text,
                PostingField::Description => p.description = text,
                PostingField::Company => p.company = text,
                PostingField::Location => p.locations.extend(text),
                PostingField::City => p.city = text,
                PostingField::Region => p.region = text,
                PostingField::Country => p.country = text,
                PostingField::WorkMode => p.work_mode = text,
                PostingField::EmploymentType => p.employment_type = text,
                PostingField::Seniority => p.seniority = text,
                PostingField::Industry => p.industry = text,
                PostingField::DatePosted => p.date_posted = text,
                PostingField::ValidThrough => p.valid_through = text,
                PostingField::Salary => p.salary_text = text,
                PostingField::SalaryMin => p.salary_min = number(&mut p),
                PostingField::SalaryMax => p.salary_max = number(&mut p),
                PostingField::SalaryCurrency => p.salary_currency = text,
                PostingField::SalaryPeriod => p.salary_period = text,
            }
        }
        if p.company.is_none() {
            p.company = company.map(String::from);
        }
        p
    }
}

/// Flattens nested objects into dotted keys; arrays stay values.
pub(crate) fn flatten(prefix: &str, v: Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let key = if prefix.is_empty() {
                    k
                } else {
                    let mut key = String::with_capacity(prefix.len() + 1 + k.len());
                    key.push_str(prefix);
                    key.push('.');
                    key.push_str(&k);
                    key
                };
                if child.is_object() {
                    flatten(&key, child, out);
                } else {
                    out.push((key, child));
                }
            }
        }
        other => out.push((prefix.to_string(), other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_syntax_errors_name_the_entry() {
        assert_eq!(ColumnMap::parse("title").unwrap_err().to_string(), "--map entry \"title\" is not field=column");
        let e = ColumnMap::parse("tittle=Job Title").unwrap_err().to_string();
        assert!(e.starts_with("--map entry \"tittle=Job Title\": unknown field \"tittle\""), "{e}");
    }

    #[test]
    fn explicit_beats_well_known_and_missing_column_is_named() {
        let m = ColumnMap::parse("title=Role Name").unwrap();
        let cols = vec!["Role Name".to_string(), "title".to_string()];
        let r = m.resolve(&cols, true).unwrap();
        assert_eq!(r.slots[0], Some(PostingField::Title));
        let e = ColumnMap::parse("description=Body").unwrap().resolve(&cols, true).unwrap_err().to_string();
        assert!(e.contains("column \"Body\" (for field `description`) is not in the input"), "{e}");
    }
}
