//! The search page's state as it lives in the URL: the query-string pairs, in order. Links for
//! "add this filter", "remove it", "page 3" are this state with one change, so every view is
//! shareable and the back button walks through them.

use url::form_urlencoded;

/// Query-string pairs of a page.
#[derive(Debug, Clone, Default)]
pub struct UrlState {
    pairs: Vec<(String, String)>,
}

impl UrlState {
    /// From a raw query string; empty values (blank form fields) are dropped, as is `page`
    /// handling left to callers.
    pub fn parse(q: Option<&str>) -> UrlState {
        let pairs =
            form_urlencoded::parse(q.unwrap_or("").as_bytes()).filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        UrlState { pairs }
    }

    /// The same pairs without those whose key `keep` refuses (parameters a page does not know).
    pub fn only(mut self, keep: impl Fn(&str) -> bool) -> UrlState {
        self.pairs.retain(|(k, _)| keep(k));
        self
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Whether `key=value` is set (values may also be comma-separated).
    pub fn has(&self, key: &str, value: &str) -> bool {
        self.pairs.iter().any(|(k, v)| k == key && v.split(',').any(|x| x.trim().eq_ignore_ascii_case(value)))
    }

    /// The query string (without `?`).
    pub fn query(&self) -> String {
        form_urlencoded::Serializer::new(String::new()).extend_pairs(self.pairs.iter()).finish()
    }

    /// `path?query` (or the bare path).
    pub fn href(&self, path: &str) -> String {
        let q = self.query();
        if q.is_empty() { path.to_string() } else { format!("{path}?{q}") }
    }

    /// This state with `key=value` added, or removed when present; back to page 1.
    pub fn toggled(&self, key: &str, value: &str) -> UrlState {
        let mut out = self.without("page");
        if self.has(key, value) {
            out.pairs = out
                .pairs
                .into_iter()
                .filter_map(|(k, v)| {
                    if k != key {
                        return Some((k, v));
                    }
                    let rest: Vec<&str> = v.split(',').map(str::trim).filter(|x| !x.eq_ignore_ascii_case(value)).collect();
                    (!rest.is_empty()).then(|| (k.clone(), rest.join(",")))
                })
                .collect();
        } else {
            out.pairs.push((key.to_string(), value.to_string()));
        }
        out
    }

    /// This state without any of `keys`.
    pub fn without_all(&self, keys: &[&str]) -> UrlState {
        UrlState { pairs: self.pairs.iter().filter(|(k, _)| !keys.contains(&k.as_str())).cloned().collect() }
    }

    /// This state without the one pair `key=value` (a value that may hold commas), on page 1.
    pub fn without_pair(&self, key: &str, value: &str) -> UrlState {
        UrlState { pairs: self.pairs.iter().filter(|(k, v)| k != "page" && !(k == key && v == value)).cloned().collect() }
    }

    /// This state without `key`.
    pub fn without(&self, key: &str) -> UrlState {
        UrlState { pairs: self.pairs.iter().filter(|(k, _)| k != key).cloned().collect() }
    }

    /// This state with `key` set to `value` (replacing it).
    pub fn with(&self, key: &str, value: &str) -> UrlState {
        let mut out = self.without(key);
        out.pairs.push((key.to_string(), value.to_string()));
        out
    }

    /// The pairs.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toggling_adds_and_removes_one_value_and_resets_the_page() {
        let s = UrlState::parse(Some("q=pytorch&role=data-scientist,machine-learning-engineer&page=3&salary_min="));
        assert_eq!(s.get("salary_min"), None, "blank form fields are dropped");
        let off = s.toggled("role", "data-scientist");
        assert_eq!(off.query(), "q=pytorch&role=machine-learning-engineer");
        let on = off.toggled("country", "US");
        assert_eq!(on.href("/jobs"), "/jobs?q=pytorch&role=machine-learning-engineer&country=US");
        assert_eq!(on.toggled("role", "machine-learning-engineer").toggled("country", "US").query(), "q=pytorch");
        assert_eq!(s.with("page", "4").get("page"), Some("4"));
        assert_eq!(UrlState::parse(Some("q=a+%26+b")).href("/jobs"), "/jobs?q=a+%26+b");
    }
}
