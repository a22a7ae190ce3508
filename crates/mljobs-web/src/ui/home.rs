//! `/`: the search box, role cards, headline numbers, top skills.

use super::*;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Chrome,
    postings: String,
    /// No posting yet: the page says how to add some.
    empty: bool,
    with_salary: String,
    remote: String,
    survey_median: String,
    survey_year: u16,
    roles: Vec<RoleCard>,
    skills: Vec<(String, String, String)>,
}

pub(super) async fn home(State(s): St) -> Response {
    cached_page(&s, "/", || -> Result<HomePage, crate::ApiError> {
        let l = Labels(&s.taxonomy);
        let stats = s.index.stats(12)?;
        let figures = s.figures();
        let (year, median) = (figures.year, figures.median.map_or_else(|| "–".into(), usd_k));
        let remote = stats.by_work_mode.get("remote").copied().unwrap_or(0);
        Ok(HomePage {
            page: chrome(
                "mljobs — machine-learning jobs, salaries and skills",
                "home",
                "Search machine-learning jobs, see what they pay and which skills they ask for.",
            ),
            postings: thousands(stats.canonical_postings),
            empty: stats.canonical_postings == 0,
            with_salary: pct(stats.with_salary, stats.postings),
            remote: pct(remote, stats.postings),
            survey_median: median,
            survey_year: year,
            roles: role_cards(&s, &stats),
            skills: stats.by_skill.iter().map(|(id, n)| (id.clone(), l.skill(id), thousands(*n))).collect(),
        })
    })
}
