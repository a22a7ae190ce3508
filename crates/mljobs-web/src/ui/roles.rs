//! `/roles` and `/roles/{role}`: the role guides.

use super::*;

#[derive(Template)]
#[template(path = "roles.html")]
struct RolesPage {
    page: Chrome,
    roles: Vec<RoleCard>,
}

pub(super) async fn roles(State(s): St) -> Response {
    cached_page(&s, "/roles", || {
        let stats = s.index.stats(0)?;
        Ok(RolesPage {
            page: chrome("Roles in machine learning", "roles", "What each machine-learning role does, pays and asks for."),
            roles: role_cards(&s, &stats),
        })
    })
}

struct Step {
    stage: &'static str,
    text: String,
}

#[derive(Template)]
#[template(path = "role.html")]
struct RolePage {
    page: Chrome,
    id: String,
    name: String,
    summary: String,
    responsibilities: Vec<String>,
    jobs_total: String,
    /// Too few postings for shares: only counts are shown.
    thin: bool,
    skills_chart: String,
    skills: Vec<Share>,
    salary_chart: String,
    salary_rows: Vec<BoxRow>,
    salary_source: String,
    steps: Vec<Step>,
    projects: Vec<String>,
    key_skills: Vec<(String, String)>,
    jobs: Vec<HitView>,
}

const STAGES: [&str; 5] = ["Programming", "Fundamentals", "Projects", "Portfolio", "Certifications"];

pub(super) async fn role(State(s): St, Path(id): Path<String>) -> Response {
    let Some(r) = s.taxonomy.roles.iter().find(|r| r.id == id) else {
        return error_page(StatusCode::NOT_FOUND, &format!("There is no role {id:?}; see the list of roles."));
    };
    let l = Labels(&s.taxonomy);
    let answer = match search_jobs(&s, Some(&format!("role={id}&sort=date&per_page=8&facets=true"))) {
        Ok(a) => a,
        Err(e) => return error_page(e.status, &e.message),
    };
    let total = answer.total;
    let counts: Vec<(String, u64)> =
        answer.facets.as_ref().and_then(|f| f.get("skill")).map(|c| c.iter().take(15).map(|fc| (fc.value.clone(), fc.count)).collect()).unwrap_or_default();
    let skills = shares(&l, &counts, total);
    let year = s.salary.info.estimate_year;
    let salary_rows = box_rows(s.figures().role_levels.get(&id).cloned().unwrap_or_default(), |k| l.survey_level(k), 4);
    let steps = r.learning.iter().zip(STAGES).map(|(t, stage)| Step { stage, text: t.clone() }).collect();
    let name = r.name.clone();
    page(
        StatusCode::OK,
        &RolePage {
            page: chrome(format!("{name}: skills, salary and learning path"), "roles", r.summary.clone()),
            id: id.clone(),
            skills_chart: charts::share_bars("role-skills", &format!("Skills most asked for in {name} postings"), &format!("{name} postings"), &bars(&skills)),
            salary_chart: charts::salary_boxes("role-salary", &format!("{name} salary by experience level, {year}"), &salary_rows),
            salary_source: format!(
                "{} salaries of {year} in the aijobs.net survey whose title is a {name} title",
                salary_rows.iter().map(|r| r.count).sum::<usize>()
            ),
            name,
            summary: r.summary.clone(),
            responsibilities: r.responsibilities.clone(),
            jobs_total: thousands(total),
            thin: total < super::MIN_SHARE_BASE,
            skills,
            salary_rows,
            steps,
            projects: r.projects.clone(),
            key_skills: r.key_skills.iter().map(|k| (k.clone(), l.skill(k))).collect(),
            jobs: hit_views(&answer, &l),
        },
    )
}
