//! `/skills`: demand by category and the trend by year.

use super::*;

struct Category {
    name: String,
    slug: String,
    svg: String,
    rows: Vec<Share>,
}

#[derive(Template)]
#[template(path = "skills.html")]
struct SkillsPage {
    page: Chrome,
    postings: String,
    categories: Vec<Category>,
    trend_svg: Option<String>,
    years: Vec<String>,
    trend_rows: Vec<(String, Vec<String>)>,
}

pub(super) async fn skills(State(s): St) -> Response {
    cached_page(&s, "/skills", || -> Result<SkillsPage, crate::ApiError> {
        let l = Labels(&s.taxonomy);
        let stats = s.index.stats(10_000)?;
        let categories = s
            .taxonomy
            .by_category(&stats.by_skill)
            .into_iter()
            .map(|(cat, skills)| {
                let name = category_name(&cat);
                // Skill counts count every stored posting (reposts too): shares are of all postings.
                let rows = shares(&l, &skills[..skills.len().min(10)], stats.postings);
                Category {
                    // Too few postings for shares: the table of counts only.
                    svg: if stats.postings < super::MIN_SHARE_BASE {
                        String::new()
                    } else {
                        charts::share_bars(&format!("cat-{cat}"), &format!("{name}: share of postings naming each skill"), "postings", &bars(&rows))
                    },
                    rows,
                    slug: cat,
                    name,
                }
            })
            .collect();
        // Trend: the most named skills, share of each year's postings; years with 20 postings or more.
        let tools: Vec<String> =
            stats.by_skill.iter().filter(|(id, _)| s.taxonomy.skill(id).is_some_and(|k| &*k.kind == "tool")).take(6).map(|(id, _)| id.clone()).collect();
        let (years, shares) = s.index.skill_years()?.shares(&tools, 20);
        let mut series = Vec::new();
        let mut trend_rows = Vec::new();
        if years.len() >= 2 {
            for (id, values) in tools.iter().zip(shares) {
                trend_rows.push((l.skill(id), values.iter().map(|v| format!("{:.0}%", v * 100.0)).collect()));
                series.push((l.skill(id), values));
            }
        }
        let trend_svg = (!series.is_empty()).then(|| charts::share_lines("skill-trend", "Most-named tools: share of postings by year", &years, &series));
        Ok(SkillsPage {
            page: chrome(
                "Skills in demand for machine-learning jobs",
                "skills",
                "Which skills machine-learning postings ask for, by category, and how that changes over time.",
            ),
            postings: thousands(stats.postings),
            categories,
            trend_svg,
            years,
            trend_rows,
        })
    })
}
