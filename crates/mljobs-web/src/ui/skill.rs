//! `/skills/{id}` (issue 17 item 2): one skill — how many open postings ask for it, its share of
//! each complete month's postings over the last 12 (months under [`MIN_SHARE_BASE`] postings left
//! out), the roles that ask for it, the stated pay of its postings (in all and by level, beside
//! all postings') and the skills that go with it (by lift). Figures from the same
//! calls as `/api/v1/trends`, `/api/v1/skills/{id}/related` and the search's facet counts; each
//! links its search.

use mljobs_core::trends::{self, CoCounts};

use super::*;

#[derive(Template)]
#[template(path = "skill.html")]
struct SkillPage {
    page: Chrome,
    id: String,
    name: String,
    category: String,
    aliases: String,
    postings: String,
    share: String,
    trend_svg: Option<String>,
    months: Vec<(String, String)>,
    roles_svg: String,
    roles: Vec<Share>,
    related: Vec<(String, String, String, String)>,
    pay_svg: Option<String>,
    pay_rows: Vec<(String, [String; 5], String)>,
}

pub(super) async fn skill(State(s): St, Path(id): Path<String>) -> Response {
    let Some((skill, _)) = mljobs_core::profile::find_skill(&s.taxonomy, &id) else {
        return error_page(StatusCode::NOT_FOUND, &format!("No skill {id:?} in the taxonomy; see the skills page for those there are."));
    };
    cached_page(&s, &format!("/skills/{skill}"), || -> Result<SkillPage, crate::ApiError> {
        let l = Labels(&s.taxonomy);
        let k = s.taxonomy.skill(&skill).expect("found above");
        let open = mljobs_store::SearchRequest { collapse: true, ..mljobs_store::SearchRequest::default() };
        let c = s.index.co_occurrence(&open, "skill", &skill, None)?;
        // Its share of each complete month's postings (a month under way would read as a fall).
        let (periods, _) = trends::last_complete_months(chrono::Utc::now().date_naive());
        let spans: Vec<_> = periods.iter().map(|p| (p.start, p.end)).collect();
        let t = s.index.trends(&open, "skill", &spans, None)?;
        let mine = t.series.iter().find(|(v, _)| *v == skill).map(|(_, c)| c.clone()).unwrap_or_else(|| vec![0; periods.len()]);
        let kept: Vec<usize> = (0..periods.len()).filter(|&i| t.totals[i] >= MIN_SHARE_BASE).collect();
        let months: Vec<(String, String)> = kept
            .iter()
            .map(|&i| (periods[i].label.clone(), trends::share(mine[i], t.totals[i]).map_or("–".into(), |x| format!("{:.0}%", 100.0 * x))))
            .collect();
        let trend_svg = (kept.len() >= 2).then(|| {
            let xs: Vec<String> = kept.iter().map(|&i| periods[i].label.clone()).collect();
            let ys: Vec<f64> = kept.iter().map(|&i| trends::share(mine[i], t.totals[i]).unwrap_or(0.0)).collect();
            charts::share_lines("skill-months", &format!("{}: share of each month's postings", k.name), &xs, &[(k.name.to_string(), ys)])
        });
        // The roles of the postings that ask for it.
        let mut with_skill = open.clone();
        with_skill.filters.insert("skill".into(), vec![skill.clone()]);
        with_skill.facets = true;
        with_skill.facet_names = vec!["role"];
        with_skill.limit = 1;
        let found = s.index.search(&with_skill, None)?;
        let role_counts: Vec<(String, u64)> = found.facets.get("role").cloned().unwrap_or_default().into_iter().filter(|(r, _)| r != "other").take(9).collect();
        let roles: Vec<Share> = role_counts
            .iter()
            .map(|(r, n)| Share {
                id: r.clone(),
                name: l.role(r),
                count: thousands(*n),
                share: if found.total < MIN_SHARE_BASE { "–".into() } else { format!("{:.0}%", 100.0 * *n as f64 / found.total.max(1) as f64) },
                fraction: *n as f64 / found.total.max(1) as f64,
            })
            .collect();
        let roles_svg = if found.total < MIN_SHARE_BASE || roles.is_empty() {
            String::new()
        } else {
            charts::share_bars(
                "skill-roles",
                &format!("Roles of the postings asking for {}", k.name),
                "postings",
                &roles.iter().map(|r| (r.name.clone(), r.fraction)).collect::<Vec<_>>(),
            )
        };
        // Stated pay of the postings asking for it over the 12 months, in all and by level,
        // beside all postings'.
        let with_skill_pay = s.index.trends_with_pay(&with_skill, "seniority", &spans, None)?;
        let all_pay = s.index.trends_with_pay(&open, "seniority", &spans, None)?;
        let levels: Vec<String> = s.taxonomy.levels.iter().map(|l| l.id.clone()).collect();
        let mut boxes: Vec<charts::BoxRow> = [
            charts::pay_box("All postings".into(), all_pay.pay_all.iter().flatten()),
            charts::pay_box(format!("{}, all levels", k.name), with_skill_pay.pay_all.iter().flatten()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if boxes.len() == 2 {
            boxes.extend(charts::pay_rows(&with_skill_pay.pay, &levels, 6, |v| format!("{}, {}", k.name, l.level(v))));
        } else {
            boxes.clear();
        }
        let pay_svg =
            (!boxes.is_empty()).then(|| charts::salary_boxes("skill-pay", &format!("Stated pay of postings asking for {}, annual USD", k.name), &boxes));
        let pay_rows = boxes.iter().map(|b| (b.label.clone(), b.cells(), thousands(b.count as u64))).collect();
        let counts = CoCounts { n: c.n, all: &c.all, n_with: c.n_with, with: &c.with };
        let related = trends::related(&skill, counts, 5, 12, |v| s.taxonomy.facet_label("skill", v))
            .into_iter()
            .map(|r| (format!("/skills/{}", r.value), r.label, format!("×{:.1}", r.lift), format!("{:.0}%", 100.0 * r.share_with)))
            .collect();
        Ok(SkillPage {
            page: chrome(
                k.name.to_string(),
                "skills",
                format!(
                    "{}: how many ML and data jobs ask for it, its trend, the roles that ask for it, what they pay and the skills that go with it.",
                    k.name
                ),
            ),
            name: k.name.to_string(),
            category: category_name(&k.category),
            aliases: k.aliases.iter().take(6).cloned().collect::<Vec<_>>().join(", "),
            postings: thousands(c.n_with),
            share: trends::share(c.n_with, c.n).filter(|_| c.n >= MIN_SHARE_BASE).map_or("–".into(), |x| format!("{:.0}%", 100.0 * x)),
            trend_svg,
            months,
            roles_svg,
            roles,
            related,
            pay_svg,
            pay_rows,
            id: skill.clone(),
        })
    })
}
