//! `/about`: data sources, licences, methods.

use super::*;

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    page: Chrome,
    postings: String,
    survey_rows: String,
    trained_on: String,
    /// Crawled sources: how many, and how many are failing.
    sources: u64,
    failing: u64,
}

pub(super) async fn about(State(s): St) -> Response {
    let r = (|| -> Result<AboutPage, crate::ApiError> {
        let (sources, _, failing) = s.store().source_health()?;
        Ok(AboutPage {
            sources,
            failing,
            page: chrome(
                "About mljobs and its data",
                "about",
                "Where the data come from, their licences, and how mljobs enriches postings and estimates salaries.",
            ),
            postings: thousands(s.store().count()?),
            survey_rows: thousands(s.survey().len() as u64),
            trained_on: {
                let m = &s.salary.info;
                format!(
                    "{} survey salaries and {} postings that state a range (years {}–{}), in {:.1} s",
                    thousands(m.survey_rows as u64),
                    thousands(m.posting_rows as u64),
                    m.years.0,
                    m.years.1,
                    m.fit_seconds
                )
            },
        })
    })();
    respond(r)
}
