//! The taxonomy: roles, seniority levels, skills, industries, application/emerging areas, places
//! and the FX table — all data files under `taxonomy/` in the repository, embedded in the binary
//! and overridable file by file from a directory (the CLI's `--taxonomy DIR`).
//!
//! Loading compiles everything enrichment needs once (Aho-Corasick automata for skills and
//! keywords, regex sets for titles), so [`crate::enrich()`] does no set-up per posting.

use std::collections::HashMap;
use std::sync::Arc;

use regex::{RegexSet, RegexSetBuilder};

use crate::text::WordMatcher;
use serde::{Deserialize, Serialize};

/// The taxonomy files as text. [`TaxonomyFiles::embedded`] gives the copies compiled into the
/// binary; a caller may replace any of them.
#[derive(Debug, Clone)]
pub struct TaxonomyFiles {
    /// `roles.toml`
    pub roles: String,
    /// `seniority.toml`
    pub seniority: String,
    /// `skills.csv`
    pub skills: String,
    /// `industries.toml`
    pub industries: String,
    /// `areas.toml`
    pub areas: String,
    /// `countries.csv`
    pub countries: String,
    /// `regions.csv`
    pub regions: String,
    /// `cities.csv`
    pub cities: String,
    /// `fx.toml`
    pub fx: String,
    /// `us-places.tsv`
    pub us_places: String,
}

/// File names of the taxonomy, in the order of [`TaxonomyFiles`] fields.
pub const FILE_NAMES: [&str; 10] =
    ["roles.toml", "seniority.toml", "skills.csv", "industries.toml", "areas.toml", "countries.csv", "regions.csv", "cities.csv", "fx.toml", "us-places.tsv"];

impl TaxonomyFiles {
    /// The taxonomy shipped in the binary.
    pub fn embedded() -> Self {
        TaxonomyFiles {
            roles: include_str!("../../../taxonomy/roles.toml").to_string(),
            seniority: include_str!("../../../taxonomy/seniority.toml").to_string(),
            skills: include_str!("../../../taxonomy/skills.csv").to_string(),
            industries: include_str!("../../../taxonomy/industries.toml").to_string(),
            areas: include_str!("../../../taxonomy/areas.toml").to_string(),
            countries: include_str!("../../../taxonomy/countries.csv").to_string(),
            regions: include_str!("../../../taxonomy/regions.csv").to_string(),
            cities: include_str!("../../../taxonomy/cities.csv").to_string(),
            fx: include_str!("../../../taxonomy/fx.toml").to_string(),
            us_places: include_str!("../../../taxonomy/us-places.tsv").to_string(),
        }
    }

    /// Replaces the file called `name` (one of [`FILE_NAMES`]) with `text`.
    pub fn set(&mut self, name: &str, text: String) -> bool {
        let slot = match name {
            "roles.toml" => &mut self.roles,
            "seniority.toml" => &mut self.seniority,
            "skills.csv" => &mut self.skills,
            "industries.toml" => &mut self.industries,
            "areas.toml" => &mut self.areas,
            "countries.csv" => &mut self.countries,
            "regions.csv" => &mut self.regions,
            "cities.csv" => &mut self.cities,
            "fx.toml" => &mut self.fx,
            "us-places.tsv" => &mut self.us_places,
            _ => return false,
        };
        *slot = text;
        true
    }
}

/// A taxonomy file that cannot be used, naming the file and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("taxonomy file {file}: {message}")]
pub struct TaxonomyError {
    /// Which file.
    pub file: &'static str,
    /// What is wrong, with the offending value.
    pub message: String,
}

fn err(file: &'static str, message: impl Into<String>) -> TaxonomyError {
    TaxonomyError { file, message: message.into() }
}

/// A role (job family).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Role {
    /// Stable id, e.g. `machine-learning-engineer`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One-sentence summary.
    pub summary: String,
    /// What the role does.
    pub responsibilities: Vec<String>,
    /// O*NET-SOC code, empty when none fits.
    #[serde(default)]
    pub onet: String,
    /// ISCO-08 unit group.
    #[serde(default)]
    pub isco: String,
    /// ESCO occupation the ISCO group comes from.
    #[serde(default)]
    pub esco: String,
    /// Title patterns that decide the role.
    pub title: Vec<String>,
    /// Title patterns that need description evidence.
    #[serde(default)]
    pub weak_title: Vec<String>,
    /// Evidence needed for weak title patterns.
    #[serde(default = "default_min_evidence")]
    pub min_evidence: usize,
    /// Evidence phrases.
    pub evidence: Vec<String>,
    /// Learning path steps (programming → fundamentals → projects → portfolio → certifications).
    #[serde(default)]
    pub learning: Vec<String>,
    /// Example projects.
    #[serde(default)]
    pub projects: Vec<String>,
    /// Skill ids most asked for.
    #[serde(default)]
    pub key_skills: Vec<String>,
}

fn default_min_evidence() -> usize {
    2
}

/// A seniority level.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Level {
    /// Stable id, e.g. `senior`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// schema.org / Google JobLevel.
    pub google: String,
    /// The salary survey's experience level (EN/MI/SE/EX).
    pub survey: String,
    /// Title patterns.
    pub title: Vec<String>,
    /// Minimum years of experience that map here (when the title is silent).
    #[serde(default)]
    pub years_min: Option<u32>,
    /// Values of a posting's own level field that map here.
    #[serde(default)]
    pub field: Vec<String>,
}

/// How a skill's weak (ambiguous) surface forms are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkillRule {
    /// Weak forms match with their exact case only.
    Case,
    /// Weak forms match with exact case and only with technical context nearby.
    Context,
}

/// A skill.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Skill {
    /// Stable id, e.g. `pytorch`.
    pub id: Arc<str>,
    /// Display name.
    pub name: Arc<str>,
    /// Category id (`programming`, `mathematics`, `ml_frameworks`, `data`, `cloud_mlops`,
    /// `techniques`, `software_engineering`, `analytics_bi`).
    pub category: Arc<str>,
    /// `tool` (a named technology: language, framework, product, platform) or `concept`
    /// (technique, method, practice, discipline).
    pub kind: Arc<str>,
    /// Unambiguous aliases (matched in any case).
    pub aliases: Vec<String>,
    /// Aliases that are other names of exactly this skill where the search's rule cannot tell
    /// ("GCP" for Google Cloud, "ASR" for speech recognition): query synonyms like the name. Other
    /// aliases are synonyms only by that rule (`mljobs_store::query::same_thing`); narrower or
    /// related ones ("genomics" under Bioinformatics) tag postings but do not widen a search.
    #[serde(default)]
    pub same: Vec<String>,
    /// Ambiguous surface forms (exact case; see `rule`).
    pub weak: Vec<String>,
    /// Rule for the weak forms.
    pub rule: Option<SkillRule>,
}

/// An industry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Industry {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Values of an industry field that map here.
    pub field: Vec<String>,
    /// Evidence phrases in company/description.
    pub evidence: Vec<String>,
}

/// An application or emerging area.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Area {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `application` or `emerging`.
    pub kind: String,
    /// Distinct phrases needed.
    pub min_hits: usize,
    /// Phrases.
    pub phrases: Vec<String>,
}

/// A country.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Country {
    /// ISO 3166-1 alpha-2.
    pub code: String,
    /// English name.
    pub name: String,
    /// Other names.
    pub aliases: Vec<String>,
}

/// A region (state, province).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Region {
    /// Country code.
    pub country: String,
    /// Region code (ISO 3166-2 suffix or postal abbreviation).
    pub code: String,
    /// Name.
    pub name: String,
}

/// A city.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct City {
    /// Name.
    pub name: String,
    /// Region code, may be empty.
    pub region: String,
    /// Country code.
    pub country: String,
    /// Other names.
    pub aliases: Vec<String>,
}

/// FX table: US dollars per unit of each currency, as of a date.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FxTable {
    /// Date of the rates.
    pub date: String,
    /// Where they come from.
    pub source: String,
    /// USD per unit.
    pub usd_per_unit: HashMap<String, f64>,
}

/// What a keyword in the description speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeywordTarget {
    RoleEvidence(usize),
    IndustryEvidence(usize),
    Area(usize),
    WorkMode(crate::enrich::WorkMode),
    /// "year(s)"/"yr(s)": where to look for "N years of experience".
    YearsCue,
    /// A degree: index into [`crate::enrich::education::LEVELS`].
    Degree(u8),
    /// A cue of what a posting asks of a skill ("a plus", "nice to have", "must"): the lists it
    /// is in ([`crate::enrich::sections`]) and its length in bytes.
    NeedCue(u8, u8),
}

/// Where a place name points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlaceRef {
    Country(usize),
    Region(usize),
    City(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TitlePattern {
    Strong(usize),
    Weak(usize),
    Exclude,
}

pub(crate) struct Compiled {
    /// Skill surface forms (class 0, pattern ids `0..skill_patterns.len()`) and keyword phrases
    /// (class 1, lower case, ids from `skill_patterns.len()` in `keyword_targets` order): one
    /// automaton, one walk per word start.
    pub phrases: WordMatcher,
    /// Skill pattern → (skill index, weak?).
    pub skill_patterns: Vec<(usize, bool)>,
    /// Keyword phrase → targets.
    pub keyword_targets: Vec<Vec<KeywordTarget>>,
    pub role_titles: RegexSet,
    pub role_title_kinds: Vec<TitlePattern>,
    pub level_titles: RegexSet,
    pub level_title_owner: Vec<usize>,
    /// Lower-cased place names and aliases.
    pub places: HashMap<String, Vec<PlaceRef>>,
}

/// The loaded, compiled taxonomy.
pub struct Taxonomy {
    /// Roles in precedence order.
    pub roles: Vec<Role>,
    /// Seniority levels, most junior first.
    pub levels: Vec<Level>,
    /// Skills.
    pub skills: Vec<Skill>,
    /// Industries.
    pub industries: Vec<Industry>,
    /// Areas.
    pub areas: Vec<Area>,
    /// Countries.
    pub countries: Vec<Country>,
    /// Regions.
    pub regions: Vec<Region>,
    /// Cities.
    pub cities: Vec<City>,
    /// FX table.
    pub fx: FxTable,
    /// US places and counties by state ([`UsPlaces`]).
    pub us_places: UsPlaces,
    pub(crate) compiled: Compiled,
    skill_index: HashMap<String, usize>,
}

impl std::fmt::Debug for Taxonomy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Taxonomy").field("roles", &self.roles.len()).field("skills", &self.skills.len()).finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct RolesFile {
    role: Vec<Role>,
    exclude: Option<ExcludeSection>,
}
#[derive(Deserialize)]
struct ExcludeSection {
    title: Vec<String>,
}
#[derive(Deserialize)]
struct LevelsFile {
    level: Vec<Level>,
}
#[derive(Deserialize)]
struct IndustriesFile {
    industry: Vec<Industry>,
}
#[derive(Deserialize)]
struct AreasFile {
    area: Vec<Area>,
}

fn split_list(s: &str) -> Vec<String> {
    s.split('|').map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect()
}

/// Rows as header → value. A row may leave out trailing columns (they read as empty: a
/// `skills.csv` written before the `same` column, or rows added by hand without it); a row with
/// more fields than the header is an error.
fn read_csv(file: &'static str, text: &str) -> Result<Vec<HashMap<String, String>>, TaxonomyError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| err(file, e.to_string()))?.clone();
    let mut rows = Vec::new();
    for (row_idx, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| err(file, format!("row {}: {e}", row_idx + 2)))?;
        if rec.len() > headers.len() {
            return Err(err(file, format!("row {}: {} fields, but the header has {}", row_idx + 2, rec.len(), headers.len())));
        }
        rows.push(headers.iter().zip(rec.iter()).map(|(h, v)| (h.to_string(), v.trim().to_string())).collect());
    }
    Ok(rows)
}

/// The US gazetteer (`us-places.tsv`: places of 500+ people and counties, by state): what tells
/// "Costa Mesa, CA" (California) from "Toronto, CA" (Canada). Keys as
/// [`crate::enrich::location::place_key`] makes them; for each, the states that have such a place.
#[derive(Debug, Clone, Default)]
pub struct UsPlaces {
    /// Place key → bit k set for the k-th US region of `regions.csv` that has one.
    places: HashMap<String, u64>,
    /// The US regions' codes, in that order.
    states: Vec<String>,
}

impl UsPlaces {
    fn parse(text: &str, regions: &[Region]) -> Result<UsPlaces, TaxonomyError> {
        let states: Vec<String> = regions.iter().filter(|r| r.country == "US").map(|r| r.code.clone()).collect();
        if states.len() > 64 {
            return Err(err("regions.csv", format!("{} US regions; the gazetteer handles 64 at most", states.len())));
        }
        let mut places: HashMap<String, u64> = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let Some((state, names)) = line.split_once('\t') else {
                return Err(err("us-places.tsv", format!("line {}: expected STATE<TAB>name|name|…", i + 1)));
            };
            let Some(k) = states.iter().position(|s| s == state) else {
                return Err(err("us-places.tsv", format!("line {}: {state:?} is not a US region of regions.csv", i + 1)));
            };
            for name in names.split('|').filter(|n| !n.is_empty()) {
                *places.entry(name.to_string()).or_default() |= 1 << k;
            }
        }
        Ok(UsPlaces { places, states })
    }

    /// The US state with this code (`regions.csv`).
    pub fn state(&self, code: &str) -> Option<&str> {
        self.states.iter().find(|s| *s == code).map(String::as_str)
    }

    /// Whether the US has a place or county with this key in the state with this code.
    pub fn has(&self, key: &str, state: &str) -> bool {
        let Some(k) = self.states.iter().position(|s| s == state) else { return false };
        self.places.get(key).is_some_and(|bits| bits >> k & 1 == 1)
    }

    /// Whether the US has a place or county with this key in any state.
    pub fn knows(&self, key: &str) -> bool {
        self.places.contains_key(key)
    }
}

impl Taxonomy {
    /// The taxonomy compiled into the binary.
    pub fn embedded() -> Taxonomy {
        Taxonomy::from_files(&TaxonomyFiles::embedded()).expect("the embedded taxonomy is valid (tested)")
    }

    /// Parses and compiles taxonomy files; every error names the file and the bad value.
    pub fn from_files(files: &TaxonomyFiles) -> Result<Taxonomy, TaxonomyError> {
        let roles_file: RolesFile = toml::from_str(&files.roles).map_err(|e| err("roles.toml", e.to_string()))?;
        let levels: LevelsFile = toml::from_str(&files.seniority).map_err(|e| err("seniority.toml", e.to_string()))?;
        let industries: IndustriesFile = toml::from_str(&files.industries).map_err(|e| err("industries.toml", e.to_string()))?;
        let areas: AreasFile = toml::from_str(&files.areas).map_err(|e| err("areas.toml", e.to_string()))?;
        let fx: FxTable = toml::from_str(&files.fx).map_err(|e| err("fx.toml", e.to_string()))?;

        let mut skills = Vec::new();
        for (i, row) in read_csv("skills.csv", &files.skills)?.into_iter().enumerate() {
            let get = |k: &str| row.get(k).cloned().unwrap_or_default();
            let rule = match get("rule").as_str() {
                "" => None,
                "case" => Some(SkillRule::Case),
                "context" => Some(SkillRule::Context),
                other => return Err(err("skills.csv", format!("row {}: field `rule`: unknown value {other:?} (expected case or context)", i + 2))),
            };
            let id = get("id");
            if id.is_empty() || get("name").is_empty() || get("category").is_empty() {
                return Err(err("skills.csv", format!("row {}: id, name and category are required", i + 2)));
            }
            let kind = get("kind");
            if kind != "tool" && kind != "concept" {
                return Err(err("skills.csv", format!("row {}: field `kind`: {kind:?} is not tool or concept", i + 2)));
            }
            skills.push(Skill {
                id: id.into(),
                name: get("name").into(),
                category: get("category").into(),
                kind: kind.into(),
                aliases: split_list(&get("aliases")),
                same: split_list(&get("same")),
                weak: split_list(&get("weak")),
                rule,
            });
            let skill = skills.last().expect("just pushed");
            if let Some(x) = skill.same.iter().find(|x| !skill.aliases.iter().any(|a| a.eq_ignore_ascii_case(x))) {
                return Err(err("skills.csv", format!("row {}: field `same`: {x:?} is not one of the skill's aliases", i + 2)));
            }
        }
        let countries = read_csv("countries.csv", &files.countries)?
            .into_iter()
            .map(|r| Country { code: r["code"].clone(), name: r["name"].clone(), aliases: split_list(&r["aliases"]) })
            .collect::<Vec<_>>();
        let regions = read_csv("regions.csv", &files.regions)?
            .into_iter()
            .map(|r| Region { country: r["country"].clone(), code: r["code"].clone(), name: r["name"].clone() })
            .collect::<Vec<_>>();
        let cities = read_csv("cities.csv", &files.cities)?
            .into_iter()
            .map(|r| City { name: r["name"].clone(), region: r["region"].clone(), country: r["country"].clone(), aliases: split_list(&r["aliases"]) })
            .collect::<Vec<_>>();

        let us_places = UsPlaces::parse(&files.us_places, &regions)?;
        let compiled = compile(&roles_file, &levels.level, &skills, &industries.industry, &areas.area, &countries, &regions, &cities)?;
        let skill_index = skills.iter().enumerate().map(|(i, s)| (s.id.to_string(), i)).collect();
        Ok(Taxonomy {
            roles: roles_file.role,
            levels: levels.level,
            skills,
            industries: industries.industry,
            areas: areas.area,
            countries,
            regions,
            cities,
            fx,
            us_places,
            compiled,
            skill_index,
        })
    }

    /// Skill counts grouped by the skills' categories (unknown ids under `other`), keeping the
    /// given order within a category; categories with the most mentions first.
    pub fn by_category(&self, counts: &[(String, u64)]) -> Vec<(String, Vec<(String, u64)>)> {
        let mut groups: std::collections::BTreeMap<String, Vec<(String, u64)>> = Default::default();
        for (id, n) in counts {
            let category = self.skill(id).map_or_else(|| "other".to_string(), |k| k.category.to_string());
            groups.entry(category).or_default().push((id.clone(), *n));
        }
        let total = |v: &[(String, u64)]| v.iter().map(|x| x.1).sum::<u64>();
        let mut out: Vec<(String, Vec<(String, u64)>)> = groups.into_iter().collect();
        out.sort_by(|a, b| total(&b.1).cmp(&total(&a.1)).then(a.0.cmp(&b.0)));
        out
    }

    /// Looks a skill up by id.
    pub fn skill(&self, id: &str) -> Option<&Skill> {
        self.skill_index.get(id).map(|&i| &self.skills[i])
    }

    /// Whether a skill names the same concept as an application area (its name or an alias is
    /// one of the area's name or phrases: the skill "Recommender systems" and the area
    /// "Recommendation systems"). A posting showing both would show one thing twice.
    pub fn skill_is_area(&self, skill: &str, area: &str) -> bool {
        let (Some(s), Some(a)) = (self.skill(skill), self.areas.iter().find(|a| a.id == area)) else {
            return false;
        };
        let forms: Vec<String> = std::iter::once(&*s.name).chain(s.aliases.iter().map(String::as_str)).map(str::to_lowercase).collect();
        std::iter::once(&a.name).chain(&a.phrases).any(|p| forms.contains(&p.to_lowercase()))
    }

    /// The name people read for a value of a search facet ([`FACETS`]): a role's, level's,
    /// skill's, industry's, area's or country's name, a work mode or employment type in words;
    /// the value itself when it is unknown (cities, regions).
    pub fn facet_label(&self, facet: &str, v: &str) -> String {
        let found = match facet {
            "role" if v == "other" => Some("Other roles".to_string()),
            "role" => self.role(v).map(|r| r.name.clone()),
            "seniority" => self.levels.iter().find(|l| l.id == v).map(|l| l.name.clone()),
            "skill" => self.skill(v).map(|s| s.name.to_string()),
            "industry" => self.industries.iter().find(|i| i.id == v).map(|i| i.name.clone()),
            "area" => self.areas.iter().find(|a| a.id == v).map(|a| a.name.clone()),
            "country" => self.countries.iter().find(|c| c.code == v).map(|c| c.name.clone()),
            "work_mode" => Some(work_mode_label(v)),
            "employment_type" => Some(employment_type_label(v)),
            "degree" | "degree_named" => Some(match v {
                "bachelor" => "Bachelor's degree".to_string(),
                "master" => "Master's degree".to_string(),
                "phd" => "PhD".to_string(),
                other => other.to_string(),
            }),
            _ => None,
        };
        found.unwrap_or_else(|| v.to_string())
    }

    /// Looks a role up by id.
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    /// Checks a search filter's value (`facet` is one of [`FILTERS`]) and returns it as stored:
    /// ids as they are, country codes and employment types upper case, work modes lower case.
    /// An unknown value is an error saying what was expected and, when one is close, the value
    /// meant ("mle" → machine-learning-engineer, "Germany" → DE, "pytroch" → pytorch, "snr" →
    /// senior). Every place that takes a filter (API, pages, CLI) answers the same.
    pub fn facet_value(&self, facet: &str, v: &str) -> Result<String, UnknownValue> {
        let unknown = |expected: &str, suggestion: Option<String>| Err(UnknownValue { expected: expected.to_string(), suggestion });
        let ids = |list: Vec<(&str, Vec<&str>)>, expected: &str| {
            if list.iter().any(|(id, _)| *id == v) {
                return Ok(v.to_string());
            }
            unknown(expected, closest(v, &list))
        };
        match facet {
            "role" => {
                let mut list: Vec<(&str, Vec<&str>)> = self.roles.iter().map(|r| (r.id.as_str(), vec![r.name.as_str()])).collect();
                list.push(("other", vec!["other roles"]));
                ids(list, "a role id")
            }
            "seniority" => {
                if self.levels.iter().any(|l| l.id == v) {
                    return Ok(v.to_string());
                }
                // A level word as titles write it ("snr", "sr.", "staff") is read as enrichment reads titles.
                let read = crate::enrich::role::classify_seniority(v, None, Some(v), self).map(|g| g.id);
                let list = self.levels.iter().map(|l| (l.id.as_str(), vec![l.name.as_str()])).collect::<Vec<_>>();
                unknown("a seniority level id", read.or_else(|| closest(v, &list)))
            }
            "skill" => ids(
                self.skills.iter().map(|s| (&*s.id, std::iter::once(&*s.name).chain(s.aliases.iter().map(String::as_str)).collect())).collect(),
                "a skill id",
            ),
            "industry" => ids(self.industries.iter().map(|i| (i.id.as_str(), vec![i.name.as_str()])).collect(), "an industry id"),
            "area" => ids(self.areas.iter().map(|a| (a.id.as_str(), vec![a.name.as_str()])).collect(), "an area id"),
            "country" => {
                let up = v.to_ascii_uppercase();
                if self.countries.iter().any(|c| c.code == up) {
                    return Ok(up);
                }
                let list = self
                    .countries
                    .iter()
                    .map(|c| (c.code.as_str(), std::iter::once(c.name.as_str()).chain(c.aliases.iter().map(String::as_str)).collect()))
                    .collect::<Vec<_>>();
                unknown("an ISO 3166-1 alpha-2 country code such as US, DE, IN", closest(v, &list))
            }
            "region" => {
                let up = v.to_ascii_uppercase();
                let ok = up.split_once('-').is_some_and(|(c, r)| {
                    self.countries.iter().any(|x| x.code == c) && !r.is_empty() && r.len() <= 3 && r.bytes().all(|b| b.is_ascii_alphanumeric())
                });
                if ok { Ok(up) } else { unknown("a region as CC-RR, e.g. US-CA, DE-BY", None) }
            }
            "city" => {
                if v.chars().count() <= 100 {
                    Ok(v.to_string())
                } else {
                    unknown("a city name", None)
                }
            }
            "work_mode" => {
                let low = v.to_ascii_lowercase().replace(['-', ' ', '_'], "");
                let low = if low == "office" { "onsite".to_string() } else { low };
                if WORK_MODES.contains(&low.as_str()) {
                    return Ok(low);
                }
                unknown("onsite, hybrid or remote", closest(v, &WORK_MODES.map(|m| (m, vec![]))))
            }
            "employment_type" => {
                let up = v.to_ascii_uppercase().replace(['-', ' '], "_");
                if EMPLOYMENT_TYPES.contains(&up.as_str()) {
                    return Ok(up);
                }
                unknown(&EMPLOYMENT_TYPES.join(", "), closest(&up, &EMPLOYMENT_TYPES.map(|m| (m, vec![]))))
            }
            "degree" | "degree_named" => {
                let low = v.to_ascii_lowercase().replace(['.', '\''], "");
                let read = match low.as_str() {
                    "bachelor" | "bachelors" | "bs" | "ba" | "bsc" => "bachelor",
                    "master" | "masters" | "ms" | "msc" | "ma" => "master",
                    "phd" | "doctorate" | "doctoral" => "phd",
                    _ => return unknown("bachelor, master or phd", None),
                };
                Ok(read.to_string())
            }
            "company" => crate::posting::company_name(v).ok_or_else(|| UnknownValue { expected: "an employer's name".into(), suggestion: None }),
            _ => unknown(&format!("a filter of {}", FILTERS.join(", ")), None),
        }
    }
}

/// A work mode in words ("On site").
pub fn work_mode_label(v: &str) -> String {
    match v {
        "onsite" => "On site".into(),
        "hybrid" => "Hybrid".into(),
        "remote" => "Remote".into(),
        other => other.to_string(),
    }
}

/// A schema.org employment type in words ("FULL_TIME" → "Full time").
pub fn employment_type_label(v: &str) -> String {
    let mut s = v.replace('_', " ").to_lowercase();
    if let Some(f) = s.get_mut(0..1) {
        f.make_ascii_uppercase();
    }
    s
}

/// The search facets of postings: filters whose values a search counts.
pub const FACETS: [&str; 10] = ["role", "seniority", "skill", "industry", "country", "region", "city", "work_mode", "employment_type", "area"];
/// Every filter of a search: the facets, the employer (`company`, [`crate::posting::company_name`]),
/// the lowest degree a posting's degree requirement names (`degree`: bachelor, master, phd — "MS
/// or PhD" is master) and every degree it names (`degree_named`: "MS or PhD" is both) — filtered
/// on and trended by, not counted with every search.
pub const FILTERS: [&str; 13] =
    ["role", "seniority", "skill", "industry", "country", "region", "city", "work_mode", "employment_type", "area", "company", "degree", "degree_named"];
/// The degrees of a degree requirement, lowest first (the `degree` filter's values).
pub const DEGREES: [&str; 3] = ["bachelor", "master", "phd"];
/// Work modes.
pub const WORK_MODES: [&str; 3] = ["onsite", "hybrid", "remote"];
/// schema.org employment types.
pub const EMPLOYMENT_TYPES: [&str; 8] = ["FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN", "VOLUNTEER", "PER_DIEM", "OTHER"];

/// A filter value the taxonomy does not know.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("expected {expected}{}", suggestion.as_ref().map(|s| format!(" (did you mean {s}?)")).unwrap_or_default())]
pub struct UnknownValue {
    /// What a value must be.
    pub expected: String,
    /// The known value closest to the one given.
    pub suggestion: Option<String>,
}

/// The id among `(id, names)` that `v` most likely means: an id or name equal but for case,
/// punctuation and spacing; an id whose words' initials `v` spells ("mle"); else the id or name
/// closest in edits (Damerau–Levenshtein, at most a third of the length).
fn closest(v: &str, list: &[(&str, Vec<&str>)]) -> Option<String> {
    let norm = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let want = norm(v);
    if want.is_empty() {
        return None;
    }
    for (id, names) in list {
        if norm(id) == want || names.iter().any(|n| norm(n) == want) {
            return Some(id.to_string());
        }
    }
    let initials = |s: &str| s.split(|c: char| !c.is_alphanumeric()).filter_map(|w| w.chars().next()).flat_map(char::to_lowercase).collect::<String>();
    if want.len() >= 2
        && let Some((id, _)) =
            list.iter().find(|(id, names)| id.contains(['-', '_', ' ']) && initials(id) == want || names.iter().any(|n| n.contains(' ') && initials(n) == want))
    {
        return Some(id.to_string());
    }
    let limit = (want.chars().count() / 3).max(1);
    let want = want.as_str();
    list.iter()
        .flat_map(|(id, names)| std::iter::once(*id).chain(names.iter().copied()).map(move |n| (strsim::damerau_levenshtein(want, &norm(n)), *id)))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, id)| (*d, id.len()))
        .map(|(_, id)| id.to_string())
}

#[allow(clippy::too_many_arguments)]
fn compile(
    roles: &RolesFile,
    levels: &[Level],
    skills: &[Skill],
    industries: &[Industry],
    areas: &[Area],
    countries: &[Country],
    regions: &[Region],
    cities: &[City],
) -> Result<Compiled, TaxonomyError> {
    // Skills: every strong form lower-cased, every weak form as written; one automaton.
    let mut forms: Vec<String> = Vec::new();
    let mut skill_patterns = Vec::new();
    let mut owner_of_form: HashMap<String, usize> = HashMap::new();
    for (skill_idx, skill) in skills.iter().enumerate() {
        let weak_lower: Vec<String> = skill.weak.iter().map(|w| w.to_lowercase()).collect();
        if !skill.weak.is_empty() && skill.rule.is_none() {
            return Err(err("skills.csv", format!("skill {:?}: weak forms {:?} need a rule (case or context)", skill.id, skill.weak)));
        }
        let mut strong: Vec<String> = std::iter::once(&*skill.name)
            .chain(skill.aliases.iter().map(String::as_str))
            .map(|s| s.to_lowercase())
            .filter(|s| !weak_lower.contains(s))
            .collect();
        strong.sort();
        strong.dedup();
        for form in strong {
            if let Some(&other) = owner_of_form.get(&form)
                && other != skill_idx
            {
                return Err(err("skills.csv", format!("alias {form:?} belongs to both {:?} and {:?}", skills[other].id, skill.id)));
            }
            owner_of_form.insert(form.clone(), skill_idx);
            forms.push(form);
            skill_patterns.push((skill_idx, false));
        }
        for w in &skill.weak {
            forms.push(w.clone());
            skill_patterns.push((skill_idx, true));
        }
    }
    // Matched only where words start (see `WordMatcher`), case-insensitively; weak forms check
    // their exact case afterwards. Compiled with the keywords below.

    // Keywords for roles, industries, areas.
    let mut phrase_idx: HashMap<String, usize> = HashMap::new();
    let mut keyword_targets: Vec<Vec<KeywordTarget>> = Vec::new();
    let mut add = |phrase: &str, target: KeywordTarget| {
        let p = phrase.trim().to_lowercase();
        if p.is_empty() {
            return;
        }
        let idx = *phrase_idx.entry(p).or_insert_with(|| {
            keyword_targets.push(Vec::new());
            keyword_targets.len() - 1
        });
        if !keyword_targets[idx].contains(&target) {
            keyword_targets[idx].push(target);
        }
    };
    for (i, role) in roles.role.iter().enumerate() {
        for e in &role.evidence {
            add(e, KeywordTarget::RoleEvidence(i));
        }
    }
    for (i, ind) in industries.iter().enumerate() {
        for e in &ind.evidence {
            add(e, KeywordTarget::IndustryEvidence(i));
        }
    }
    for (i, area) in areas.iter().enumerate() {
        for e in &area.phrases {
            add(e, KeywordTarget::Area(i));
        }
    }
    use crate::enrich::{WorkMode, location};
    for (phrases, mode) in
        [(location::HYBRID_PHRASES, WorkMode::Hybrid), (location::REMOTE_PHRASES, WorkMode::Remote), (location::ONSITE_PHRASES, WorkMode::Onsite)]
    {
        for p in phrases {
            add(p, KeywordTarget::WorkMode(mode));
        }
    }
    for cue in ["year", "years", "yr", "yrs"] {
        add(cue, KeywordTarget::YearsCue);
    }
    for (cue, bits) in crate::enrich::sections::cue_phrases() {
        add(cue, KeywordTarget::NeedCue(bits, cue.len() as u8));
    }
    for (level, spellings) in crate::enrich::education::degree_spellings().into_iter().enumerate() {
        for d in spellings {
            add(&d, KeywordTarget::Degree(level as u8));
        }
    }
    let mut phrases: Vec<(String, usize)> = phrase_idx.into_iter().collect();
    phrases.sort_by_key(|(_, i)| *i);
    let all = forms.iter().map(|f| (f.as_str(), 0)).chain(phrases.iter().map(|(p, _)| (p.as_str(), 1)));
    let phrases = WordMatcher::with_classes(all).map_err(|e| err("skills.csv", e))?;

    // Role title patterns.
    let mut patterns = Vec::new();
    let mut role_title_kinds = Vec::new();
    for (i, role) in roles.role.iter().enumerate() {
        for p in &role.title {
            patterns.push(p.clone());
            role_title_kinds.push(TitlePattern::Strong(i));
        }
        for p in &role.weak_title {
            patterns.push(p.clone());
            role_title_kinds.push(TitlePattern::Weak(i));
        }
    }
    for p in roles.exclude.as_ref().map(|e| e.title.as_slice()).unwrap_or(&[]) {
        patterns.push(p.clone());
        role_title_kinds.push(TitlePattern::Exclude);
    }
    let role_titles = regex_set("roles.toml", &patterns)?;

    let mut level_patterns = Vec::new();
    let mut level_title_owner = Vec::new();
    for (i, level) in levels.iter().enumerate() {
        for p in &level.title {
            level_patterns.push(p.clone());
            level_title_owner.push(i);
        }
    }
    let level_titles = regex_set("seniority.toml", &level_patterns)?;

    let mut places: HashMap<String, Vec<PlaceRef>> = HashMap::new();
    let mut put = |name: &str, r: PlaceRef| {
        let key = crate::enrich::location::place_key(name);
        if !key.is_empty() {
            let v = places.entry(key).or_default();
            if !v.contains(&r) {
                v.push(r);
            }
        }
    };
    for (i, c) in countries.iter().enumerate() {
        put(&c.name, PlaceRef::Country(i));
        put(&c.code, PlaceRef::Country(i));
        for a in &c.aliases {
            put(a, PlaceRef::Country(i));
        }
    }
    for (i, r) in regions.iter().enumerate() {
        put(&r.name, PlaceRef::Region(i));
        put(&r.code, PlaceRef::Region(i));
    }
    for (i, c) in cities.iter().enumerate() {
        put(&c.name, PlaceRef::City(i));
        for a in &c.aliases {
            put(a, PlaceRef::City(i));
        }
    }

    Ok(Compiled { phrases, skill_patterns, keyword_targets, role_titles, role_title_kinds, level_titles, level_title_owner, places })
}

fn regex_set(file: &'static str, patterns: &[String]) -> Result<RegexSet, TaxonomyError> {
    for p in patterns {
        if let Err(e) = regex::Regex::new(p) {
            return Err(err(file, format!("pattern {p:?}: {e}")));
        }
    }
    // ASCII word boundaries: the patterns are ASCII, and a Unicode `\b` keeps the regex engine
    // off its fast lazy DFA (a 10x difference on titles, measured with callgrind).
    let ascii: Vec<String> = patterns.iter().map(|p| ascii_word_boundaries(p)).collect();
    RegexSetBuilder::new(&ascii).case_insensitive(true).dfa_size_limit(64 << 20).build().map_err(|e| err(file, e.to_string()))
}

/// Rewrites `\b` as `(?-u:\b)` (an ASCII word boundary), leaving escaped backslashes alone.
pub(crate) fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('b') => out.push_str("(?-u:\\b)"),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The embedded taxonomy, compiled once per test binary.
#[cfg(test)]
pub(crate) fn test_taxonomy() -> &'static Taxonomy {
    static T: std::sync::LazyLock<Taxonomy> = std::sync::LazyLock::new(Taxonomy::embedded);
    &T
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skill_counts_group_by_category_largest_first() {
        let t = test_taxonomy();
        let counts: Vec<(String, u64)> =
            [("python", 10), ("pytorch", 6), ("sql", 4), ("tensorflow", 3), ("no-such-skill", 1)].map(|(s, n)| (s.to_string(), n)).to_vec();
        let groups = t.by_category(&counts);
        let names: Vec<&str> = groups.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(names[0], "programming", "{groups:?}");
        let frameworks = groups.iter().find(|(c, _)| c == "ml_frameworks").unwrap();
        assert_eq!(frameworks.1, [("pytorch".to_string(), 6), ("tensorflow".to_string(), 3)]);
        assert_eq!(groups.last().unwrap().0, "other");
    }

    /// A bad gazetteer override names the file, the line and the value; the good lines are read.
    #[test]
    fn a_bad_us_places_file_is_named_with_its_line_and_value() {
        let mut files = TaxonomyFiles::embedded();
        files.us_places = "# comment\nCA\tcosta mesa|newport beach\nXX\tnowhere\n".into();
        let e = Taxonomy::from_files(&files).unwrap_err().to_string();
        assert!(e.contains("us-places.tsv") && e.contains("line 3") && e.contains("\"XX\""), "{e}");
        files.us_places = "CA costa mesa\n".into();
        let e = Taxonomy::from_files(&files).unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains("STATE<TAB>"), "{e}");
        files.us_places = "CA\tcosta mesa|newport beach\n".into();
        let t = Taxonomy::from_files(&files).unwrap();
        assert!(t.us_places.has("costa mesa", "CA") && !t.us_places.has("costa mesa", "TX") && t.us_places.knows("newport beach"));
    }

    #[test]
    fn embedded_taxonomy_loads_and_is_big_enough() {
        let t = Taxonomy::embedded();
        assert_eq!(t.roles.len(), 9, "nine roles plus the implicit `other`");
        assert!(t.skills.len() >= 400, "{} skills", t.skills.len());
        assert!(t.industries.len() >= 6);
        assert_eq!(t.areas.iter().filter(|a| a.kind == "emerging").count(), 5);
        assert_eq!(t.levels.len(), 9);
        for role in &t.roles {
            for s in &role.key_skills {
                assert!(t.skill(s).is_some(), "role {} names unknown skill {s}", role.id);
            }
        }
        assert!(t.fx.usd_per_unit.contains_key("EUR"));
    }

    #[test]
    fn every_skill_the_product_names_is_present() {
        let t = Taxonomy::embedded();
        for id in [
            "python",
            "r",
            "java",
            "cpp",
            "scala",
            "julia",
            "go",
            "rust",
            "sql",
            "linear-algebra",
            "probability",
            "statistics",
            "calculus",
            "optimization",
            "tensorflow",
            "pytorch",
            "scikit-learn",
            "xgboost",
            "lightgbm",
            "keras",
            "jax",
            "huggingface-transformers",
            "data-cleaning",
            "feature-engineering",
            "spark",
            "hadoop",
            "kafka",
            "airflow",
            "dbt",
            "aws",
            "sagemaker",
            "gcp",
            "vertex-ai",
            "azure-ml",
            "docker",
            "kubernetes",
            "mlflow",
            "kubeflow",
            "deep-learning",
            "nlp",
            "computer-vision",
            "reinforcement-learning",
            "time-series",
            "recommender-systems",
            "llm",
            "rag",
        ] {
            assert!(t.skill(id).is_some(), "missing skill {id}");
        }
    }

    #[test]
    fn a_duplicate_alias_is_rejected_with_both_skills_named() {
        let mut files = TaxonomyFiles::embedded();
        files.skills.push_str("dup,Dup,data,tool,pytorch,,\n");
        let e = Taxonomy::from_files(&files).unwrap_err().to_string();
        assert!(e.contains("\"pytorch\"") && e.contains("\"dup\""), "{e}");
    }

    #[test]
    fn same_names_must_be_aliases_and_rows_may_leave_it_out() {
        let mut files = TaxonomyFiles::embedded();
        files.skills.push_str("quokka,Quokka,data,tool,qk|quokka db,,\n");
        let t = Taxonomy::from_files(&files).expect("a row without the `same` column reads as empty");
        assert!(t.skill("quokka").is_some_and(|s| s.same.is_empty()));
        files.skills.push_str("wombat,Wombat,data,tool,wb,,,wombat db\n");
        let e = Taxonomy::from_files(&files).unwrap_err().to_string();
        assert!(e.starts_with("taxonomy file skills.csv: row 515: field `same`: \"wombat db\" is not one of the skill's aliases"), "{e}");
        let mut files = TaxonomyFiles::embedded();
        files.skills.push_str("wombat,Wombat,data,tool,wb,,,,extra\n");
        let e = Taxonomy::from_files(&files).unwrap_err().to_string();
        assert!(e.contains("row 514: 9 fields, but the header has 8"), "{e}");
    }

    #[test]
    fn a_bad_regex_names_file_and_pattern() {
        let mut files = TaxonomyFiles::embedded();
        files.roles = files.roles.replace(r"'\bnlp\b'", r"'\bnlp('");
        let e = Taxonomy::from_files(&files).unwrap_err().to_string();
        assert!(e.starts_with("taxonomy file roles.toml: pattern"), "{e}");
    }
}
