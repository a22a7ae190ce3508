//! A candidate's matches over the store: postings retrieved from the index by the profile's
//! skills and roles, scored and explained by `mljobs_core::matching`, with the skill gap and the
//! learning path. The one call behind `mljobs match`, `POST /api/v1/match` and `/match`.

use mljobs_core::PostingId;
use mljobs_core::matching::{
    Certification, GapSkill, JobFacts, Match, MatchOptions, Matcher, PathStep, PayOutlook, SkillWeights, certifications, gap, path, pay_outlook, rank,
};
use mljobs_core::profile::Profile;
use mljobs_core::taxonomy::Taxonomy;
use serde::Serialize;

use crate::{SearchError, SearchIndex, Store, StoreError};

/// Postings scored per request: the index's best by the profile's skills and roles.
pub const CANDIDATES: usize = 300;
/// Best matches the gap is computed over.
pub const GAP_OVER: usize = 20;

/// Matches, gap and path for one profile: the object the CLI prints with `--json` and the API
/// returns.
#[derive(Debug, Clone, Serialize)]
pub struct MatchReport {
    /// The profile matched (as read, or as given).
    pub profile: Profile,
    /// The role matched against (`--role`, else the profile's).
    pub target_role: String,
    /// Best first.
    pub matches: Vec<Match>,
    /// Skills missing across the best matches, most valuable first.
    pub gap: Vec<GapSkill>,
    /// The learning path.
    pub path: Vec<PathStep>,
    /// Certifications that fit the role matched against, with their issuers.
    pub certifications: Vec<Certification>,
    /// The salary estimate for the profile and one level up (none without a country or a
    /// salary model).
    pub pay: Option<PayOutlook>,
    /// Postings scored.
    pub considered: usize,
    /// The best matches the gap was computed over.
    pub gap_over: usize,
}

/// Why a match could not be made.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    /// The store.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The index.
    #[error(transparent)]
    Search(#[from] SearchError),
}

/// What to match.
#[derive(Clone)]
pub struct MatchRequest<'a> {
    /// The candidate.
    pub profile: Profile,
    /// The text the profile's evidence offsets point into, when it was read from one.
    pub resume: Option<&'a str>,
    /// Role, remote, country.
    pub options: MatchOptions,
    /// Matches returned.
    pub limit: usize,
    /// For the postings' ages.
    pub today: chrono::NaiveDate,
    /// The salary model, for the profile's pay outlook.
    pub salary: Option<&'a mljobs_core::salary_model::SalaryModel>,
}

/// How specific each skill is, from how many open postings ask for it: read once per request
/// (or per batch of profiles) and passed to [`match_profile`] and [`score_job`].
pub fn skill_weights(index: &SearchIndex) -> Result<SkillWeights, MatchError> {
    let (counts, total) = index.skill_frequencies()?;
    Ok(SkillWeights::from_counts(&counts, total))
}

/// Matches a profile against the open postings.
pub fn match_profile(store: &Store, index: &SearchIndex, taxonomy: &Taxonomy, weights: &SkillWeights, req: MatchRequest) -> Result<MatchReport, MatchError> {
    let MatchRequest { profile, resume, options, limit, today, salary } = req;
    let options = &options;
    let matcher = Matcher::new(&profile, resume, taxonomy, weights, options);
    let (skills, roles) = matcher.retrieval();
    let ids = index.candidates(&skills, &roles, CANDIDATES)?;
    let mut stored = Vec::with_capacity(ids.len());
    for (id, _) in &ids {
        let Some(pid) = PostingId::parse(id) else { continue };
        if let Some(p) = store.get(&pid)? {
            stored.push(p);
        }
    }
    let age = |p: &crate::StoredPosting| {
        let first = p.lifecycle.first_seen.get(..10).and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        first.or(p.posting.date_posted).map(|d| (today - d).num_days())
    };
    let facts: Vec<JobFacts> = stored
        .iter()
        .map(|p| JobFacts {
            id: p.posting.id.as_str(),
            title: &p.posting.title,
            company: p.posting.company.as_deref(),
            enrichment: &p.enrichment,
            age_days: age(p),
        })
        .collect();
    let matches = rank(&matcher, &facts, limit.max(GAP_OVER));
    let best: Vec<JobFacts> = matches.iter().take(GAP_OVER).filter_map(|m| facts.iter().find(|f| f.id == m.id).copied()).collect();
    let gap = gap(&matcher, &best, 12);
    let path = path(&matcher, &gap);
    let certifications = certifications(&matcher, &gap, 3);
    let pay = salary.and_then(|model| pay_outlook(&profile, matcher.role(), model, taxonomy));
    let target_role = matcher.role().to_string();
    let considered = facts.len();
    let gap_over = best.len();
    let matches = matches.into_iter().take(limit).collect();
    Ok(MatchReport { profile, target_role, matches, gap, path, certifications, pay, considered, gap_over })
}

/// One posting scored for a profile (the job page's "match against my profile"), whether or not
/// retrieval would have found it. `None` when there is no such posting.
pub fn score_job(store: &Store, taxonomy: &Taxonomy, weights: &SkillWeights, req: &MatchRequest, id: &PostingId) -> Result<Option<Match>, MatchError> {
    let Some(p) = store.get(id)? else { return Ok(None) };
    let matcher = Matcher::new(&req.profile, req.resume, taxonomy, weights, &req.options);
    let first = p.lifecycle.first_seen.get(..10).and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let age_days = first.or(p.posting.date_posted).map(|d| (req.today - d).num_days());
    let facts = JobFacts { id: p.posting.id.as_str(), title: &p.posting.title, company: p.posting.company.as_deref(), enrichment: &p.enrichment, age_days };
    Ok(Some(matcher.score(&facts)))
}
