//! The candidate: a resume's text (or a JSON Resume) → a [`Profile`] — skills with the evidence
//! of where they were read, the work history with dates, total and relevant years of
//! experience, the current role and seniority, the highest degree, the location and stated
//! preferences. Pure: the text is passed in (the CLI and the web read PDF, DOCX and files) and
//! so is "today", for "present".
//!
//! Every field is plain data: the profile is a JSON object a person can save, correct and pass
//! back (`mljobs match PROFILE.json`).
//!
//! How a resume is read:
//! - **Sections** by their headings ("Experience", "Work history", "Education", "Skills",
//!   "Projects", …), also when a pasted text runs them into the next word ("EXPERIENCESenior…").
//! - **Work entries**: every date range in the experience section ("Jan 2020 – Present",
//!   "03/2018 - 06/2019", "2016–2019", "since 2021") starts one; its title and employer come from
//!   the same line or the short lines just above it, split at " at ", "|", " – ", ",". Without
//!   an experience heading, date ranges outside the education section count.
//! - **Years**: the union of the entries' months (overlaps merged, "present" = today); a range
//!   of years alone counts from January to January ("2016–2019" = 3 years). *Relevant* years:
//!   entries whose title (and text) read as an ML or data role.
//! - **Degrees**: bachelor, master, PhD (and associate) with their field, in the education section
//!   (short forms like "MSc" only there; long forms anywhere).

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::enrich::role::{OTHER, classify_role, classify_seniority};
use crate::enrich::skills::{Field, extract_skills, group};
use crate::taxonomy::Taxonomy;

/// A month: `"2020-03"` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct YearMonth {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
}

impl YearMonth {
    /// A month from its parts; `None` out of range.
    pub fn new(year: i32, month: u32) -> Option<YearMonth> {
        ((1900..=2100).contains(&year) && (1..=12).contains(&month)).then_some(YearMonth { year, month })
    }

    fn index(self) -> i32 {
        self.year * 12 + self.month as i32 - 1
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl From<YearMonth> for String {
    fn from(m: YearMonth) -> String {
        m.to_string()
    }
}

impl TryFrom<String> for YearMonth {
    type Error = String;
    fn try_from(s: String) -> Result<YearMonth, String> {
        let t = s.trim();
        let (y, m) = t.split_once('-').unwrap_or((t, "1"));
        let parsed = y.parse::<i32>().ok().zip(m.get(..2.min(m.len())).and_then(|m| m.parse::<u32>().ok()));
        parsed.and_then(|(y, m)| YearMonth::new(y, m)).ok_or_else(|| format!("{s:?} is not a month (YYYY-MM)"))
    }
}

/// A skill read from the resume, with where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileSkill {
    /// Taxonomy id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Byte ranges of its mentions in the resume text (empty when added by hand or from JSON).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<(usize, usize)>,
}

/// One job of the work history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkEntry {
    /// Job title as written.
    pub title: String,
    /// Employer as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employer: Option<String>,
    /// First month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<YearMonth>,
    /// Last month; `None` with `current` = to this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<YearMonth>,
    /// Still in this job ("present").
    #[serde(default)]
    pub current: bool,
    /// The role the title reads as (taxonomy id, `other` for none).
    #[serde(default)]
    pub role: String,
    /// Counts towards the relevant (ML and data) years.
    #[serde(default)]
    pub relevant: bool,
}

/// A degree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Degree {
    /// `associate`, `bachelor`, `master`, `phd`.
    pub level: String,
    /// Field of study as written ("Computer Science").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// School as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school: Option<String>,
    /// Year finished (or expected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
}

/// What the person says they want.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Preferences {
    /// Wants remote work (`Some(true)`), or says they want on-site / hybrid (`Some(false)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote: Option<bool>,
    /// Countries they want to work in (ISO codes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    /// Open to relocating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relocate: Option<bool>,
    /// Expected pay per year in USD, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salary_usd: Option<f64>,
    /// Roles they target (taxonomy ids), when given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

/// A candidate, as read from a resume and corrected by the person.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Name, when the resume starts with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Current or latest job title (or the resume's headline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// Role (taxonomy id; `other` when not an ML or data role).
    #[serde(default)]
    pub role: String,
    /// Seniority level id (`junior`, `mid`, `senior`, `lead`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seniority: Option<String>,
    /// Skills.
    #[serde(default)]
    pub skills: Vec<ProfileSkill>,
    /// Work history, latest first.
    #[serde(default)]
    pub experience: Vec<WorkEntry>,
    /// Years of work (overlaps merged), one decimal.
    #[serde(default)]
    pub total_years: f32,
    /// Years in ML and data roles.
    #[serde(default)]
    pub relevant_years: f32,
    /// Degrees, highest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub education: Vec<Degree>,
    /// `phd`, `master`, `bachelor`, `associate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub highest_degree: Option<String>,
    /// Where the person lives.
    #[serde(default)]
    pub location: crate::enrich::Location,
    /// What they want.
    #[serde(default)]
    pub preferences: Preferences,
    /// What could not be read, for the person to check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Why a document gave no profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// Nothing to read.
    #[error("the document has no text")]
    Empty,
    /// A JSON document that is neither a profile nor a JSON Resume.
    #[error("not a profile or JSON Resume: {0}")]
    Json(String),
}

/// What a resume section is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Header,
    Summary,
    Experience,
    Education,
    Skills,
    Projects,
    Other,
}

const SECTION_HEADINGS: &[(Part, &[&str])] = &[
    (
        Part::Experience,
        &[
            "experience",
            "work experience",
            "professional experience",
            "employment",
            "employment history",
            "work history",
            "career history",
            "career",
            "relevant experience",
            "industry experience",
            "research experience",
            "professional background",
            "positions",
            "positions held",
            "experience highlights",
            "berufserfahrung",
            "expérience professionnelle",
            "experiencia",
        ],
    ),
    (
        Part::Education,
        &["education", "academic background", "academic history", "qualifications", "education training", "academics", "degrees", "ausbildung", "formation"],
    ),
    (
        Part::Skills,
        &[
            "skills",
            "technical skills",
            "core skills",
            "key skills",
            "core competencies",
            "competencies",
            "technologies",
            "tools",
            "tech stack",
            "toolbox",
            "skills tools",
            "languages tools",
            "programming languages",
            "expertise",
            "areas of expertise",
            "kenntnisse",
            "compétences",
        ],
    ),
    (
        Part::Summary,
        &["summary", "profile", "professional summary", "about", "about me", "objective", "career objective", "personal statement", "overview", "introduction"],
    ),
    (Part::Projects, &["projects", "selected projects", "personal projects", "side projects", "portfolio", "publications", "research", "open source"]),
    (
        Part::Other,
        &[
            "certifications",
            "certificates",
            "licenses",
            "licenses certifications",
            "awards",
            "honors",
            "honours",
            "languages",
            "interests",
            "hobbies",
            "volunteering",
            "volunteer experience",
            "references",
            "courses",
            "training",
            "activities",
            "leadership",
            "achievements",
            "additional information",
        ],
    ),
];

/// Letter-spaced text as some PDF extractors give italic or tracked type: "2 0 2 1", "P y t h o n".
static SPACED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(?:[A-Za-z0-9] ){3,}[A-Za-z0-9]\b").unwrap());

/// Heading words in capitals that a pasted text may run into the next word or line.
static RUN_TOGETHER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(WORK EXPERIENCE|PROFESSIONAL EXPERIENCE|EXPERIENCE|EMPLOYMENT HISTORY|EDUCATION|TECHNICAL SKILLS|SKILLS|SUMMARY|PROJECTS|CERTIFICATIONS|PUBLICATIONS|LANGUAGES)([A-Z][a-z]|\s{2,}\S|:\s*\S)").unwrap()
});

/// The section a line heads, if it is a heading.
fn section_heading(line: &str) -> Option<Part> {
    let t = line.trim().trim_matches(|c: char| matches!(c, '#' | '*' | '_' | '=' | '-' | '|' | ':' | '•') || c.is_whitespace());
    if t.is_empty() || t.len() > 45 || t.ends_with('.') {
        return None;
    }
    let w = crate::enrich::sections::heading_words(t);
    SECTION_HEADINGS.iter().find(|(_, names)| names.contains(&w.as_str())).map(|(p, _)| *p)
}

/// Month names and their abbreviations in English, German, French, Italian, Spanish, Portuguese and
/// Dutch, as [`month_of`] reads them.
const MONTH_NAMES: &[(&str, u32)] = &[
    ("january", 1),
    ("januar", 1),
    ("janvier", 1),
    ("janv", 1),
    ("janeiro", 1),
    ("januari", 1),
    ("jan", 1),
    ("jän", 1),
    ("gennaio", 1),
    ("gen", 1),
    ("enero", 1),
    ("ene", 1),
    ("february", 2),
    ("februar", 2),
    ("février", 2),
    ("févr", 2),
    ("fevereiro", 2),
    ("fev", 2),
    ("febbraio", 2),
    ("febrero", 2),
    ("februari", 2),
    ("feb", 2),
    ("march", 3),
    ("märz", 3),
    ("mars", 3),
    ("março", 3),
    ("marzo", 3),
    ("maart", 3),
    ("mrt", 3),
    ("mar", 3),
    ("april", 4),
    ("avril", 4),
    ("avr", 4),
    ("aprile", 4),
    ("abril", 4),
    ("abr", 4),
    ("apr", 4),
    ("may", 5),
    ("mai", 5),
    ("maggio", 5),
    ("mayo", 5),
    ("maio", 5),
    ("mei", 5),
    ("mag", 5),
    ("june", 6),
    ("juni", 6),
    ("juin", 6),
    ("giugno", 6),
    ("junio", 6),
    ("junho", 6),
    ("jun", 6),
    ("giu", 6),
    ("july", 7),
    ("juli", 7),
    ("juillet", 7),
    ("juil", 7),
    ("luglio", 7),
    ("julio", 7),
    ("julho", 7),
    ("jul", 7),
    ("lug", 7),
    ("august", 8),
    ("août", 8),
    ("aout", 8),
    ("agosto", 8),
    ("augustus", 8),
    ("aug", 8),
    ("ago", 8),
    ("september", 9),
    ("septembre", 9),
    ("settembre", 9),
    ("septiembre", 9),
    ("setembro", 9),
    ("sept", 9),
    ("sep", 9),
    ("set", 9),
    ("october", 10),
    ("oktober", 10),
    ("octobre", 10),
    ("ottobre", 10),
    ("octubre", 10),
    ("outubro", 10),
    ("okt", 10),
    ("oct", 10),
    ("ott", 10),
    ("november", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("novembro", 11),
    ("nov", 11),
    ("december", 12),
    ("dezember", 12),
    ("décembre", 12),
    ("déc", 12),
    ("dicembre", 12),
    ("diciembre", 12),
    ("dezembro", 12),
    ("dez", 12),
    ("dic", 12),
    ("dec", 12),
];

const DATE: &str = r"(?:(?P<M>jan(?:uary|vier|v|eiro|uari)?|jän(?:ner)?|gen(?:naio)?|ene(?:ro)?|feb(?:ruary|ruar|braio|rero|ruari)?|f[ée]v(?:rier|r|ereiro)?|mar(?:ch|s|ço|zo)?|märz|maart|mrt|apr(?:il|ile)?|avr(?:il)?|abr(?:il)?|may|mai|mag(?:gio)?|mayo|maio|mei|june?|juni|juin|giu(?:gno)?|junio|junho|july?|juli|juil(?:let)?|lug(?:lio)?|julio|julho|aug(?:ust|ustus)?|ao[uû]t|ago(?:sto)?|sep(?:t(?:ember|embre)?|tiembre)?|set(?:tembre|embro)?|oct(?:ober|obre|ubre)?|okt(?:ober)?|ott(?:obre)?|outubro|nov(?:ember|embre|iembre|embro)?|dec(?:ember)?|d[ée]c(?:embre)?|dez(?:ember|embro)?|dic(?:embre|iembre)?)\.?,?\s*(?P<MY>(?:19|20)\d{2}|'\d{2})|(?P<NM>0?[1-9]|1[0-2])\s*[/.]\s*(?P<NY>(?:19|20)\d{2})|(?P<IY>(?:19|20)\d{2})\s*[/.-]\s*(?P<IM>0[1-9]|1[0-2])\b|(?P<Y>(?:19|20)\d{2}))";

/// "Present" as resumes write it, in English and the languages of European CVs (German, French,
/// Italian, Spanish, Portuguese, Dutch, Polish, Scandinavian, Finnish).
const PRESENT: &str = r"present|current(?:ly)?|now|today|heute|aktuell|jetzt|aujourd['’]hui|actuel(?:lement)?|présent|en cours|oggi|presente|attuale|in corso|actualidad|actual|atual|hoy|heden|nu|obecnie|teraz|idag|i dag|nå|nyt";

static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    let end = DATE.replace("?P<", "?P<E");
    let since_end = DATE.replace("?P<", "?P<T");
    Regex::new(&format!(
        r"(?i)(?-u:\b)(?:(?P<since>since|from|seit|depuis|desde|dal)\s+{DATE}(?:\s*(?:-|–|—|to)\s*(?P<open>{PRESENT}))?(?:\s*(?:-|–|—|to|until|till)\s*{since_end})?|{start}\s*(?:-|–|—|−|~|→|to|until|till|bis)\s*(?:(?P<present>{PRESENT}|ongoing|to date|date)|{end}))",
        start = DATE.replace("?P<", "?P<S")
    ))
    .unwrap()
});

/// A date range found in a line: its byte span, start and end (`None` = present).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    start_byte: usize,
    end_byte: usize,
    from: YearMonth,
    to: Option<YearMonth>,
}

fn month_of(name: &str) -> u32 {
    let lower = name.to_lowercase();
    MONTH_NAMES.iter().find(|(n, _)| lower == *n).or_else(|| MONTH_NAMES.iter().find(|(n, _)| lower.starts_with(n))).map_or(1, |(_, m)| *m)
}

fn year_of(s: &str) -> Option<i32> {
    let s = s.trim_start_matches('\'');
    let y: i32 = s.parse().ok()?;
    Some(if s.len() == 2 { 2000 + y } else { y })
}

/// The date a capture set names, with prefix `p` ("S", "E" or "").
fn date_from(c: &regex::Captures, p: &str) -> Option<(YearMonth, bool)> {
    let g = |k: &str| c.name(&format!("{p}{k}")).map(|m| m.as_str());
    if let (Some(m), Some(y)) = (g("M"), g("MY")) {
        return YearMonth::new(year_of(y)?, month_of(m)).map(|d| (d, false));
    }
    if let (Some(m), Some(y)) = (g("NM"), g("NY")) {
        return YearMonth::new(year_of(y)?, m.parse().ok()?).map(|d| (d, false));
    }
    if let (Some(y), Some(m)) = (g("IY"), g("IM")) {
        return YearMonth::new(year_of(y)?, m.parse().ok()?).map(|d| (d, false));
    }
    g("Y").and_then(|y| YearMonth::new(year_of(y)?, 1)).map(|d| (d, true))
}

fn find_range(line: &str, today: YearMonth) -> Option<Span> {
    for c in RANGE.captures_iter(line) {
        let whole = c.get(0)?;
        let (from, _) = if c.name("since").is_some() { date_from(&c, "")? } else { date_from(&c, "S")? };
        let to = if c.name("present").is_some() || c.name("open").is_some() {
            None
        } else {
            match date_from(&c, if c.name("since").is_some() { "T" } else { "E" }) {
                Some((d, _)) => Some(d),
                // "since 2021" with no end.
                None if c.name("since").is_some() => None,
                None => continue,
            }
        };
        // A range that ends before it starts, or starts in the future, is not a job's dates.
        if to.is_some_and(|t| t < from) || from > today {
            continue;
        }
        return Some(Span { start_byte: whole.start(), end_byte: whole.end(), from, to });
    }
    None
}

/// Words that make a phrase a job title.
const TITLE_WORDS: &[&str] = &[
    "engineer",
    "scientist",
    "analyst",
    "developer",
    "manager",
    "director",
    "consultant",
    "intern",
    "internship",
    "researcher",
    "lead",
    "head",
    "architect",
    "specialist",
    "associate",
    "officer",
    "assistant",
    "coordinator",
    "administrator",
    "designer",
    "technician",
    "teacher",
    "lecturer",
    "professor",
    "nurse",
    "lawyer",
    "attorney",
    "counsel",
    "paralegal",
    "accountant",
    "auditor",
    "representative",
    "executive",
    "founder",
    "cofounder",
    "co-founder",
    "cto",
    "ceo",
    "cfo",
    "vp",
    "president",
    "student",
    "fellow",
    "postdoc",
    "postdoctoral",
    "programmer",
    "statistician",
    "economist",
    "physicist",
    "mathematician",
    "trader",
    "quant",
    "clerk",
    "agent",
    "advisor",
    "adviser",
    "partner",
    "principal",
    "owner",
    "operator",
    "supervisor",
    "editor",
    "writer",
    "journalist",
    "recruiter",
    "therapist",
    "pharmacist",
    "physician",
    "doctor",
    "tutor",
    "instructor",
    "chef",
    "cashier",
    "driver",
    "mechanic",
    "electrician",
    "volunteer",
    "strategist",
    "planner",
    "buyer",
    "marketer",
    "modeler",
    "modeller",
    "scrum",
    "sales",
    "salesperson",
    "account",
    "solicitor",
    "barrister",
    "registered",
    "rn",
    "clinician",
    "surgeon",
    "dentist",
    "veterinarian",
    "biologist",
    "chemist",
    "geologist",
    "technologist",
    "practitioner",
    "staff",
    "member",
    "apprentice",
    "trainee",
    "graduate",
    "sde",
    "swe",
    "mle",
    "bi",
    "it",
    "support",
    "administrative",
    "secretary",
    "receptionist",
    "worker",
    "officer",
    "controller",
    "actuary",
];

fn looks_like_title(s: &str) -> bool {
    let w = crate::enrich::sections::heading_words(s);
    w.split(' ').any(|x| TITLE_WORDS.contains(&x))
}

/// Splits a header line into its parts (title, employer, place).
fn header_parts(s: &str) -> Vec<String> {
    let mut t = s.replace('\t', " | ");
    for sep in [" at ", " @ ", " | ", " — ", " – ", " - ", " · ", " • ", "    ", "   ", "  ", " ,", ", "] {
        t = t.replace(sep, "\u{1}");
    }
    t.split('\u{1}')
        .map(|p| p.trim().trim_matches(|c: char| matches!(c, '(' | ')' | ',' | '|' | '-' | '–' | '—' | ':' | '*' | '•') || c.is_whitespace()).to_string())
        .filter(|p| p.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .collect()
}

fn is_bullet(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with(['-', '•', '*', '·', '▪', '◦', '●', '–', '■', '➢', '>']) || t.starts_with("o ")
}

fn is_place(s: &str, taxonomy: &Taxonomy) -> bool {
    let (loc, mode) = crate::enrich::location::parse_location(s, taxonomy);
    (loc.country.is_some() || loc.city.is_some() || mode.is_some()) && s.split_whitespace().count() <= 4 && !looks_like_title(s)
}

/// A resume's text as the profile reads it (the text its evidence offsets point into): mojibake
/// repaired, NFKC, Markdown marks and run-together headings undone, line ends unified.
pub fn normalised(text: &str) -> String {
    let t = crate::text::repair_mojibake(text);
    let t = crate::text::nfkc(&t).replace("\r\n", "\n").replace('\r', "\n").replace('\u{a0}', " ");
    let t = SPACED.replace_all(&t, |c: &regex::Captures| c[0].replace(' ', ""));
    let t = RUN_TOGETHER.replace_all(&t, |c: &regex::Captures| {
        let rest = &c[2];
        format!("\n{}\n{}", &c[1], rest.trim_start_matches(':').trim_start())
    });
    // A range broken over two lines by the layout ("Mar 2019 –" / "Present").
    let t = WRAPPED_RANGE.replace_all(&t, "${head} ${tail}");
    t.lines()
        .map(|l| {
            let l = l.trim_end();
            let l = l.trim_start_matches('#').trim_start();
            split_jobs(&l.replace("**", "").replace("__", ""))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A date range broken by the layout after its dash ("Mar 2019 –" / "Present") or before it
/// ("Apr 2018" / "– Mar 2021"), an empty line between at most.
static WRAPPED_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    let end = DATE.replace("?P<", "?P<W");
    Regex::new(&format!(r"(?im)(?P<head>{DATE}[ \t]*(?:-|–|—|to)|{end})[ \t]*\n(?:[ \t]*\n)?[ \t]*(?P<tail>(?:-|–|—)[ \t]*(?:{PRESENT}|[a-z]{{3,9}}\.?[ \t]*(?:19|20)\d\d|\d{{1,2}}[/.](?:19|20)\d\d|(?:19|20)\d\d)|(?:{PRESENT})[ \t]*$)")).unwrap()
});

/// A long pasted line that holds several jobs ("… Mentor three engineers. Data Engineer Peachtree
/// Health, Atlanta June 2018 to February 2021 ETL from …") as one line per job: a break before
/// each later job's header (after the sentence that ends the previous job) and after every range,
/// so each job reads as a header line with its dates and a body.
fn split_jobs(line: &str) -> String {
    if line.len() < 200 {
        return line.to_string();
    }
    let ranges: Vec<(usize, usize)> = RANGE.find_iter(line).map(|m| (m.start(), m.end())).collect();
    if ranges.len() < 2 {
        return line.to_string();
    }
    let mut breaks = Vec::new();
    for (k, &(start, end)) in ranges.iter().enumerate() {
        if k > 0 {
            let floor = ranges[k - 1].1;
            let before = &line[floor..start];
            // The header: back to the end of the previous sentence, at most 15 words.
            if let Some(dot) = before.rfind(". ").or_else(|| before.rfind("; ")).filter(|&d| before[d..].split_whitespace().count() <= 16) {
                breaks.push(floor + dot + 2);
            } else if before.split_whitespace().count() <= 15 {
                breaks.push(floor);
            }
        }
        if line[end..].trim().len() > 1 {
            breaks.push(end);
        }
    }
    breaks.sort_unstable();
    breaks.dedup();
    let mut out = String::with_capacity(line.len() + breaks.len());
    let mut at = 0;
    for b in breaks {
        out.push_str(line[at..b].trim_end());
        out.push('\n');
        at = b;
        while line[at..].starts_with(' ') {
            at += 1;
        }
    }
    out.push_str(&line[at..]);
    out
}

/// Reads a resume's text into a profile. `today` stands for "present".
pub fn from_text(text: &str, taxonomy: &Taxonomy, today: YearMonth) -> Result<Profile, ProfileError> {
    let text = normalised(text);
    if text.trim().chars().filter(|c| c.is_alphanumeric()).count() < 20 {
        return Err(ProfileError::Empty);
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut offsets = Vec::with_capacity(lines.len());
    let mut pos = 0;
    for l in &lines {
        offsets.push(pos);
        pos += l.len() + 1;
    }
    // Sections, line by line.
    let mut parts = vec![Part::Header; lines.len()];
    let mut current = Part::Header;
    let mut seen_heading = false;
    for (i, line) in lines.iter().enumerate() {
        if let Some(p) = section_heading(line) {
            current = p;
            seen_heading = true;
        }
        parts[i] = current;
        // "Education: BSc Computer Science, …" — a heading that starts its own line's content.
        if let Some((head, _)) = line.split_once(':').filter(|(h, _)| h.len() <= 30)
            && let Some(p @ (Part::Education | Part::Skills | Part::Other)) = section_heading(head)
        {
            parts[i] = p;
        }
    }
    let has_experience = parts.contains(&Part::Experience);
    let mut profile = Profile::default();

    // Work history.
    let mut entries: Vec<(usize, Span)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let in_scope = if has_experience { parts[i] == Part::Experience } else { !matches!(parts[i], Part::Education | Part::Skills | Part::Other) };
        if in_scope && let Some(span) = find_range(line, today) {
            entries.push((i, span));
        }
    }
    for (n, &(i, span)) in entries.iter().enumerate() {
        let line = lines[i];
        let own = format!("{} {}", &line[..span.start_byte], &line[span.end_byte..]);
        let mut header: Vec<String> = Vec::new();
        // Short lines just above the date line, back to a bullet, the previous entry or a heading.
        let floor = if n > 0 { entries[n - 1].0 + 1 } else { 0 };
        let mut j = i;
        let mut above = Vec::new();
        while j > floor && above.len() < 2 {
            j -= 1;
            let l = lines[j].trim();
            if l.is_empty() {
                if above.is_empty() {
                    continue;
                }
                break;
            }
            if is_bullet(l) || l.ends_with('.') || l.split_whitespace().count() > 12 || section_heading(l).is_some() {
                break;
            }
            above.push(l);
        }
        above.reverse();
        header.extend(above.iter().flat_map(|l| header_parts(l)));
        header.extend(header_parts(&own));
        if header.iter().all(|h| !looks_like_title(h)) {
            // The title may follow the dates.
            if let Some(next) = lines.get(i + 1).map(|l| l.trim()).filter(|l| !l.is_empty() && !is_bullet(l) && l.split_whitespace().count() <= 12) {
                header.extend(header_parts(next));
            }
        }
        header.retain(|h| find_range(h, today).is_none() && !is_place(h, taxonomy));
        let Some(title_at) = header.iter().position(|h| looks_like_title(h)).or(if header.is_empty() { None } else { Some(0) }) else {
            continue;
        };
        let title = header[title_at].clone();
        // The employer: a part that reads as an organisation ("… LLP", "… GmbH", "… Hospital"),
        // else the first part that is not the title.
        let others = || header.iter().enumerate().filter(|(k, _)| *k != title_at).map(|(_, h)| h);
        let employer = others().find(|h| ORG.is_match(h)).or_else(|| others().next()).cloned();
        // The entry's text: to the next entry's header.
        let until = entries.get(n + 1).map_or(lines.len(), |e| e.0.saturating_sub(2).max(i + 1));
        let body = lines[i + 1..until.max(i + 1)].join("\n");
        let evidence = crate::enrich::keyword_evidence(&title, &body, taxonomy);
        let role = classify_role(&title, &evidence.role, !body.trim().is_empty(), taxonomy);
        profile.experience.push(WorkEntry {
            title,
            employer,
            start: Some(span.from),
            end: span.to,
            current: span.to.is_none(),
            relevant: role.id != OTHER,
            role: role.id,
        });
    }
    let (total, relevant) = years_of(&profile.experience, today);
    profile.total_years = total;
    profile.relevant_years = relevant;
    // Latest first.
    profile.experience.sort_by_key(|e| std::cmp::Reverse((e.current, e.end.unwrap_or(today), e.start)));

    // Skills: everywhere in the text.
    let mut raw = Vec::new();
    extract_skills(&text, &crate::text::word_starts(&text), Field::Description, taxonomy, &mut raw);
    profile.skills = group(taxonomy, raw)
        .into_iter()
        .map(|h| ProfileSkill { id: h.id.to_string(), name: h.name.to_string(), evidence: h.mentions.iter().take(5).map(|m| (m.start, m.end)).collect() })
        .collect();

    // Education.
    let has_education = parts.contains(&Part::Education);
    for (i, line) in lines.iter().enumerate() {
        let in_education = parts[i] == Part::Education;
        if has_education && !in_education {
            continue;
        }
        if let Some(d) = degree_in(line, in_education) {
            let mut d = d;
            // The school and year: this line or the next two.
            for l in lines[i..(i + 3).min(lines.len())].iter() {
                if d.school.is_none() {
                    d.school = SCHOOL.find(l).map(|m| school_name(l, m.start(), m.end()));
                }
                if d.year.is_none() {
                    d.year = YEAR.find_iter(l).filter_map(|m| m.as_str().parse::<i32>().ok()).filter(|y| *y <= today.year + 6).max();
                }
            }
            if !profile.education.iter().any(|e| e.level == d.level && e.field == d.field) {
                profile.education.push(d);
            }
        }
    }
    profile.education.sort_by_key(|d| std::cmp::Reverse(degree_rank(&d.level)));
    profile.highest_degree = profile.education.first().map(|d| d.level.clone());

    // Header: name, headline, location.
    let header_end = if seen_heading { parts.iter().position(|p| *p != Part::Header).unwrap_or(lines.len()) } else { lines.len().min(6) };
    let head: Vec<&str> = lines[..header_end.min(12)].iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect();
    if let Some(first) = head.first().filter(|l| looks_like_name(l)) {
        profile.name = Some(first.to_string());
    }
    'place: for l in head.iter().take(8) {
        for piece in l.split(['|', '•', '·', '\t']).map(str::trim) {
            if piece.contains('@') || piece.contains("http") || piece.chars().filter(|c| c.is_ascii_digit()).count() >= 5 || piece.len() > 60 {
                continue;
            }
            let (loc, _) = crate::enrich::location::parse_location(piece, taxonomy);
            if loc.country.is_some() && !looks_like_title(piece) {
                profile.location = loc;
                break 'place;
            }
        }
    }
    let headline_line =
        head.iter().skip(usize::from(profile.name.is_some())).find(|l| looks_like_title(l) && l.split_whitespace().count() <= 10).map(|l| l.to_string());
    profile.headline = profile.experience.first().map(|e| e.title.clone()).or(headline_line.clone());

    // Role: the latest relevant job, else the headline or the latest job, read with the whole text.
    let head_and_summary: Vec<&str> =
        lines.iter().enumerate().take(40).filter(|(i, _)| matches!(parts[*i], Part::Header | Part::Summary)).map(|(_, l)| *l).collect();
    let evidence = crate::enrich::keyword_evidence("", &text, taxonomy);
    let role_of = |title: &str| classify_role(title, &evidence.role, true, taxonomy).id;
    profile.role = profile
        .experience
        .iter()
        .take(3)
        .find(|e| e.relevant)
        .map(|e| e.role.clone())
        .or_else(|| headline_line.as_deref().map(role_of).filter(|r| r != OTHER))
        .or_else(|| profile.experience.first().map(|e| role_of(&e.title)).filter(|r| r != OTHER))
        // A student or career changer who says what they aim for ("looking for a machine learning
        // internship"): the aim, read as a title.
        .or_else(|| head_and_summary.iter().find_map(|l| AIM.captures(l).map(|c| role_of(&c[1])).filter(|r| r != OTHER)))
        .unwrap_or_else(|| OTHER.to_string());
    let years = if profile.relevant_years > 0.0 { profile.relevant_years } else { profile.total_years };
    let title_for_level = profile.headline.clone().unwrap_or_default();
    profile.seniority = classify_seniority(&title_for_level, Some(years.floor() as u32), None, taxonomy)
        .map(|g| g.id)
        .filter(|_| !profile.experience.is_empty() || !title_for_level.is_empty());
    if profile.experience.is_empty() && parts.contains(&Part::Education) && profile.education.iter().all(|d| d.year.is_some_and(|y| y >= today.year)) {
        profile.seniority = Some("junior".into());
    }

    // Preferences.
    let lower = text.to_lowercase();
    for l in lower.lines() {
        let wants = ["open to", "prefer", "seeking", "looking for", "available for", "only", "interested in", "willing"];
        if l.contains("remote") && wants.iter().any(|w| l.contains(w)) {
            profile.preferences.remote = Some(true);
        }
        if l.contains("relocat") {
            profile.preferences.relocate = Some(!(l.contains("not ") || l.contains("no relocation") || l.contains("unable")));
        }
        if ["salary expectation", "expected salary", "desired salary", "salary requirement", "target salary", "target compensation"]
            .iter()
            .any(|k| l.contains(k))
            && let Some(parsed) = crate::enrich::salary::parse_text(l, profile.location.country.as_deref())
            && let Some(s) = crate::enrich::salary::normalise(parsed, crate::enrich::SalarySource::Text, l.to_string(), &taxonomy.fx)
        {
            profile.preferences.salary_usd = s.annual_usd_min.or(s.annual_usd_max);
        }
    }
    if profile.experience.is_empty() {
        profile.notes.push("no work history with dates was found: years of experience are 0".into());
    }
    if profile.skills.is_empty() {
        profile.notes.push("no skill of the taxonomy was found".into());
    }
    Ok(profile)
}

/// Total and relevant years: the union of the entries' months; entries without a start are left
/// out.
pub fn years_of(entries: &[WorkEntry], today: YearMonth) -> (f32, f32) {
    let months = |relevant_only: bool| -> i32 {
        let mut spans: Vec<(i32, i32)> = entries
            .iter()
            .filter(|e| !relevant_only || e.relevant)
            .filter_map(|e| {
                let s = e.start?;
                let end = if e.current || e.end.is_none() { today } else { e.end? };
                // Month precision counts both ends ("Jan–Mar" = 3); a year-only range counts
                // January to January ("2016–2019" = 3 years), a single year as half of one.
                let (a, b) = (s.index(), end.index());
                let year_only = s.month == 1 && end.month == 1 && !e.current;
                Some(if year_only { (a, if b == a { a + 6 } else { b }) } else { (a, b + 1) })
            })
            .filter(|(a, b)| b > a)
            .collect();
        spans.sort();
        let mut total = 0;
        let mut cur: Option<(i32, i32)> = None;
        for (a, b) in spans {
            match cur {
                Some((ca, cb)) if a <= cb => cur = Some((ca, cb.max(b))),
                Some((ca, cb)) => {
                    total += cb - ca;
                    cur = Some((a, b));
                }
                None => cur = Some((a, b)),
            }
        }
        total + cur.map_or(0, |(a, b)| b - a)
    };
    let round = |m: i32| (m as f32 / 12.0 * 10.0).round() / 10.0;
    (round(months(false)), round(months(true)))
}

static DEGREE_LONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(?P<phd>ph\.?\s?d\.?|doctor of philosophy|doctorate|doctoral degree|dphil|doktor|doctorat|dottorato|doctorado|doutorado)|(?P<master>master'?s?(?: degree)?|master of \w+|diplom(?:-\w+)?|dipl\.-\s?\w+|magister|laurea magistrale|laurea specialistica|mestrado|máster)|(?P<bachelor>bachelor'?s?(?: degree)?|bachelor of \w+|undergraduate degree|licenciatura|laurea triennale|bacharelado|grado en)|(?P<associate>associate'?s? degree|associate of \w+|associate in \w+|foundation degree|higher national diploma))\b").unwrap()
});
static DEGREE_SHORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:(?P<phd>PhD|Ph\.D\.?|DPhil|Dr\.)|(?P<master>M\.?Sc\.?|MSc|M\.S\.|MS|M\.A\.|MA|MEng|M\.Eng\.?|MBA|MPhil|M\.Tech|MTech|MRes|LLM|LL\.M\.?|MPH|MFA|MEd|M\.Ed\.?|MSW|MPA|MAcc|MMath|MIng|Dipl\.-Ing\.?)|(?P<bachelor>B\.?Sc\.?|BSc|B\.S\.|BS|B\.A\.|BA|BEng|B\.Eng\.?|B\.Tech|BTech|BBA|LLB|LL\.B\.?|B\.Com|BCom|BE|B\.E\.|BFA|BDes|B\.Des\.?|BSN|B\.S\.N\.?|Licence)|(?P<associate>FdA|FdSc|HND|A\.A\.S\.?|AAS|A\.A\.|A\.S\.))(?:\W|$)").unwrap()
});
static SCHOOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(university|universität|université|universidad|college|institute|school|academy|polytechnic|politecnico|ETH|EPFL|MIT)\b").unwrap()
});
static ORG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(inc|ltd|llc|llp|gmbh|ag|se|sa|plc|corp|corporation|company|co|group|bank|university|hospital|clinic|institute|solicitors|partners|labs?|technologies|systems|consulting|agency|foundation)\.?$").unwrap()
});
/// What a person says they aim for.
static AIM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:looking for|seeking|aspiring|aiming (?:at|for)|targeting|want to (?:become|work as)|career change (?:to|into))\s+(?:an?\s+|my first\s+)?(.{3,80})").unwrap()
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(19[5-9]\d|20\d{2})\b").unwrap());

fn degree_rank(level: &str) -> u8 {
    match level {
        "phd" => 4,
        "master" => 3,
        "bachelor" => 2,
        "associate" => 1,
        _ => 0,
    }
}

/// A degree named in a line (short forms only when `short_ok`: in the education section).
fn degree_in(line: &str, short_ok: bool) -> Option<Degree> {
    let c = DEGREE_LONG.captures(line).or_else(|| if short_ok { DEGREE_SHORT.captures(line) } else { None })?;
    let level = ["phd", "master", "bachelor", "associate"].into_iter().find(|k| c.name(k).is_some())?;
    let after = &line[c.get(0)?.end()..];
    // "in Computer Science", "of Science in Statistics", ", Physics".
    let after = after.trim_start_matches(['.', ' ']);
    let after = after
        .strip_prefix("of Science")
        .or_else(|| after.strip_prefix("of Arts"))
        .or_else(|| after.strip_prefix("of Engineering"))
        .unwrap_or(after)
        .trim_start();
    let after = after.strip_prefix("(Hons)").or_else(|| after.strip_prefix("(Honours)")).or_else(|| after.strip_prefix("Hons")).unwrap_or(after).trim_start();
    let field_text = after
        .strip_prefix("in ")
        .or_else(|| after.strip_prefix("In "))
        .or_else(|| after.strip_prefix(", "))
        .or_else(|| after.strip_prefix("("))
        // "M.Sc. Computer Science, TU Berlin": the field right after the degree.
        .or_else(|| after.chars().next().is_some_and(char::is_uppercase).then_some(after))
        .or_else(|| after.strip_prefix("- "));
    let field = field_text
        .map(|f| f.split([',', '|', '(', ')', '–', '—', ';']).next().unwrap_or("").split(" - ").next().unwrap_or("").trim().to_string())
        .filter(|f| {
            let alpha = f.chars().filter(|c| c.is_alphabetic()).count();
            alpha >= 3 && f.split_whitespace().count() <= 6 && !SCHOOL.is_match(f) && YEAR.find(f).is_none()
        });
    Some(Degree { level: level.into(), field, school: None, year: None })
}

fn school_name(line: &str, start: usize, end: usize) -> String {
    // The comma- or bar-separated piece of the line holding the school word.
    let lo = line[..start].rfind([',', '|', '–', '—', '(', '\t']).map_or(0, |i| i + line[i..].chars().next().map_or(1, char::len_utf8));
    let hi = line[end..].find([',', '|', '–', '—', ')', '\t']).map_or(line.len(), |i| end + i);
    line[lo..hi].trim().trim_matches(|c: char| c == '-' || c.is_whitespace()).to_string()
}

fn looks_like_name(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && words.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '.' || c == '\''))
        && !looks_like_title(line)
        && section_heading(line).is_none()
}

/// A JSON document as a profile: mljobs' own profile JSON (as printed by `mljobs profile
/// --json`, maybe edited) or a JSON Resume (jsonresume.org: `basics`, `work`, `education`,
/// `skills`).
pub fn from_json(doc: &serde_json::Value, taxonomy: &Taxonomy, today: YearMonth) -> Result<Profile, ProfileError> {
    let is_resume = doc.get("basics").is_some() || doc.get("work").is_some_and(|w| w.is_array());
    if !is_resume {
        let mut p: Profile = serde_json::from_value(doc.clone()).map_err(|e| ProfileError::Json(e.to_string()))?;
        if p.role.is_empty() {
            p.role = OTHER.into();
        }
        // Skills given by name are matched to the taxonomy; unknown names are noted, not guessed.
        let mut unknown = Vec::new();
        for s in &mut p.skills {
            if taxonomy.skill(&s.id).is_none() {
                match find_skill(taxonomy, if s.name.is_empty() { &s.id } else { &s.name }) {
                    Some((id, name)) => (s.id, s.name) = (id, name),
                    None => unknown.push(s.id.clone()),
                }
            }
        }
        p.skills.retain(|s| taxonomy.skill(&s.id).is_some());
        if !unknown.is_empty() {
            p.notes.push(format!("skills not in the taxonomy, left out: {}", unknown.join(", ")));
        }
        if !p.experience.is_empty() {
            (p.total_years, p.relevant_years) = years_of(&p.experience, today);
        }
        return Ok(p);
    }
    // A JSON Resume: written out as text and read like one, with its structure kept.
    let s = |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").trim().to_string();
    let basics = doc.get("basics").cloned().unwrap_or_default();
    let mut text = String::new();
    text.push_str(&format!("{}\n{}\n", s(&basics, "name"), s(&basics, "label")));
    if let Some(loc) = basics.get("location") {
        text.push_str(&format!("{}, {}\n", s(loc, "city"), s(loc, "countryCode")));
    }
    text.push_str(&format!("Summary\n{}\n", s(&basics, "summary")));
    text.push_str("Experience\n");
    let date = |v: &str| -> String {
        // "2020-03-01" → "03/2020"; "2020" stays.
        let parts: Vec<&str> = v.split('-').collect();
        match parts[..] {
            [y, m, ..] => format!("{m}/{y}"),
            [y] => y.to_string(),
            _ => String::new(),
        }
    };
    for w in doc.get("work").and_then(|w| w.as_array()).into_iter().flatten() {
        let end = s(w, "endDate");
        let start = s(w, "startDate");
        if start.is_empty() {
            continue;
        }
        text.push_str(&format!(
            "{} | {} | {} - {}\n{}\n",
            s(w, "position"),
            if s(w, "name").is_empty() { s(w, "company") } else { s(w, "name") },
            date(&start),
            if end.is_empty() { "Present".to_string() } else { date(&end) },
            s(w, "summary")
        ));
        for h in w.get("highlights").and_then(|h| h.as_array()).into_iter().flatten() {
            text.push_str(&format!("- {}\n", h.as_str().unwrap_or("")));
        }
    }
    text.push_str("Education\n");
    for e in doc.get("education").and_then(|e| e.as_array()).into_iter().flatten() {
        text.push_str(&format!("{} in {}, {} {}\n", s(e, "studyType"), s(e, "area"), s(e, "institution"), s(e, "endDate").get(..4).unwrap_or("")));
    }
    text.push_str("Skills\n");
    for sk in doc.get("skills").and_then(|e| e.as_array()).into_iter().flatten() {
        let kws: Vec<String> = sk.get("keywords").and_then(|k| k.as_array()).into_iter().flatten().filter_map(|k| k.as_str().map(str::to_string)).collect();
        text.push_str(&format!("{}: {}\n", s(sk, "name"), kws.join(", ")));
    }
    let mut p = from_text(&text, taxonomy, today)?;
    if !s(&basics, "name").is_empty() {
        p.name = Some(s(&basics, "name"));
    }
    Ok(p)
}

/// A skill by id, name or alias (case-insensitive).
pub fn find_skill(taxonomy: &Taxonomy, name: &str) -> Option<(String, String)> {
    let k = name.trim().to_lowercase();
    taxonomy
        .skill(&k)
        .or_else(|| taxonomy.skills.iter().find(|s| s.name.to_lowercase() == k || s.aliases.iter().any(|a| a.to_lowercase() == k)))
        .map(|s| (s.id.to_string(), s.name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> YearMonth {
        YearMonth::new(2026, 12).unwrap()
    }

    fn read(text: &str) -> Profile {
        from_text(text, crate::taxonomy::test_taxonomy(), today()).unwrap()
    }

    #[test]
    fn date_ranges_in_the_forms_resumes_use() {
        let r = |s: &str| find_range(s, today()).map(|x| (x.from.to_string(), x.to.map(|t| t.to_string())));
        assert_eq!(r("Jan 2020 – Present"), Some(("2020-01".into(), None)));
        assert_eq!(r("March 2018 - December 2019"), Some(("2018-03".into(), Some("2019-12".into()))));
        assert_eq!(r("03/2018 – 06/2019"), Some(("2018-03".into(), Some("2019-06".into()))));
        assert_eq!(r("2016 - 2019"), Some(("2016-01".into(), Some("2019-01".into()))));
        assert_eq!(r("2019-03 to 2021-06"), Some(("2019-03".into(), Some("2021-06".into()))));
        assert_eq!(r("Since 2021"), Some(("2021-01".into(), None)));
        assert_eq!(r("Sept. 2017 — Aug. 2018"), Some(("2017-09".into(), Some("2018-08".into()))));
        assert_eq!(r("Jun '19 - current"), Some(("2019-06".into(), None)));
        assert_eq!(r("2012-2016"), Some(("2012-01".into(), Some("2016-01".into()))));
        assert_eq!(r("Revenue grew 2019 to 2018"), None, "an end before the start is not a range");
        assert_eq!(r("Python 3.10 and SQL"), None);
        // Other languages' months and "present".
        assert_eq!(r("sept. 2018 – dic. 2020"), Some(("2018-09".into(), Some("2020-12".into()))));
        assert_eq!(r("ene. 2021 – actualidad"), Some(("2021-01".into(), None)));
        assert_eq!(r("01/2020 – heute"), Some(("2020-01".into(), None)));
        assert_eq!(r("févr. 2019 – aujourd'hui"), Some(("2019-02".into(), None)));
        assert_eq!(r("März 2015 bis Okt. 2017"), Some(("2015-03".into(), Some("2017-10".into()))));
        assert_eq!(r("mayo 2016 - agosto 2018"), Some(("2016-05".into(), Some("2018-08".into()))));
    }

    #[test]
    fn layouts_that_break_ranges_and_lines_are_mended() {
        // A range wrapped by the PDF layout, either side of its dash.
        let n = normalised("Lead, Manchester — Mar 2019 –\n\nPresent\nWorks — Apr 2018\n– Mar 2021\nGraduated 2016\nThen more");
        assert!(n.contains("Mar 2019 – Present") && n.contains("Apr 2018 – Mar 2021") && n.contains("2016\nThen"), "{n}");
        // Several jobs pasted into one line: one line per job, the dates with their header.
        let line = "EXPERIENCE Senior Data Engineer Delta Freight, Atlanta, GA March 2021 to Present Designed streaming ingestion with Kafka. Mentor three engineers. Data Engineer Peachtree Health, Atlanta, GA June 2018 to February 2021 ETL from 14 hospital systems into Redshift. EDUCATION BSc, 2016";
        let p = read(line);
        assert_eq!(p.experience.len(), 2, "{:?}", p.experience);
        assert_eq!((p.experience[1].start.map(|d| d.to_string()), p.total_years), (Some("2018-06".into()), 8.6));
        // Mojibake beside clean text, and an inline education heading.
        let p = read("Camille Lefèvre\nEXPÃ‰RIENCE\nBI Analyst, Rhône SA – 09/2021 â€“ aujourdâ€™hui\nEducation: MSc Statistics, Lyon 2, 2018");
        assert_eq!((p.total_years, p.highest_degree.as_deref()), (5.3, Some("master")), "{p:?}");
    }

    #[test]
    fn years_merge_overlaps_and_count_present_to_today() {
        let job = |s: &str, e: Option<&str>, relevant: bool| WorkEntry {
            title: "x".into(),
            employer: None,
            start: Some(YearMonth::try_from(s.to_string()).unwrap()),
            end: e.map(|e| YearMonth::try_from(e.to_string()).unwrap()),
            current: e.is_none(),
            role: String::new(),
            relevant,
        };
        // 2018-01..2020-12 (36 months) and 2020-06..2021-05 overlap: 2018-01..2021-05 = 41 months.
        let (t, r) = years_of(&[job("2018-01", Some("2020-12"), true), job("2020-06", Some("2021-05"), false)], today());
        assert_eq!((t, r), (3.4, 3.0));
        let (t, _) = years_of(&[job("2024-12", None, true)], today());
        assert_eq!(t, 2.1);
    }

    #[test]
    fn a_resume_in_the_usual_layout() {
        let p = read(
            "Jane Doe\nSenior Data Scientist\nBerlin, Germany | jane@example.com | +49 170 1234567\n\n\
             SUMMARY\nData scientist with 7 years of experience in forecasting and NLP. Open to remote work.\n\n\
             EXPERIENCE\nSenior Data Scientist — Zalando, Berlin            Mar 2021 – Present\n\
             - Built demand forecasting models in Python (LightGBM, PyTorch)\n- Led A/B testing and causal inference\n\n\
             Data Scientist | Deutsche Bahn | 2018 - 2021\n- Churn models with scikit-learn and SQL on Spark\n\n\
             Software Engineer\nSAP\nJul 2016 – Feb 2018\n- Java microservices\n\n\
             EDUCATION\nM.Sc. in Statistics, Humboldt University of Berlin, 2016\nB.Sc. Mathematics, University of Potsdam, 2014\n\n\
             SKILLS\nPython, SQL, PyTorch, Spark, Docker, AWS\n",
        );
        assert_eq!(p.name.as_deref(), Some("Jane Doe"));
        assert_eq!(p.location.country.as_deref(), Some("DE"));
        let titles: Vec<(&str, Option<&str>, bool)> = p.experience.iter().map(|e| (e.title.as_str(), e.employer.as_deref(), e.relevant)).collect();
        assert_eq!(
            titles,
            [("Senior Data Scientist", Some("Zalando"), true), ("Data Scientist", Some("Deutsche Bahn"), true), ("Software Engineer", Some("SAP"), false)]
        );
        // Jul 2016 – Dec 2026 less the gap between "2018 - 2021" (to January 2021) and Mar 2021:
        // 124 months; relevant: 36 + 70 months.
        assert_eq!((p.total_years, p.relevant_years), (10.3, 8.8));
        assert_eq!(p.role, "data-scientist");
        assert_eq!(p.seniority.as_deref(), Some("senior"));
        assert_eq!(p.highest_degree.as_deref(), Some("master"));
        assert_eq!(p.education[0].field.as_deref(), Some("Statistics"));
        assert_eq!(p.education[0].school.as_deref(), Some("Humboldt University of Berlin"));
        assert_eq!(p.education[0].year, Some(2016));
        let skills: Vec<&str> = p.skills.iter().map(|s| s.id.as_str()).collect();
        for s in ["python", "pytorch", "sql", "spark", "docker", "aws", "lightgbm", "scikit-learn"] {
            assert!(skills.contains(&s), "{s} in {skills:?}");
        }
        assert_eq!(p.preferences.remote, Some(true));
        let back: Profile = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p, "the JSON goes back and forth");
    }

    #[test]
    fn a_pasted_resume_with_run_together_headings() {
        let p = read("John Smith EXPERIENCEParalegal at Baker & Partners LLP 2015 - 2020 drafting contracts EDUCATIONBachelor of Arts in History, 2014");
        assert_eq!(p.experience.len(), 1, "{p:#?}");
        assert_eq!(p.role, "other");
        assert_eq!(p.highest_degree.as_deref(), Some("bachelor"));
    }

    #[test]
    fn json_resume_and_profile_json() {
        let doc = serde_json::json!({
            "basics": {"name": "Ada Lovelace", "label": "Machine Learning Engineer", "location": {"city": "London", "countryCode": "GB"}},
            "work": [{"name": "Babbage AI", "position": "Machine Learning Engineer", "startDate": "2021-04-01", "highlights": ["Trained ranking models in PyTorch"]},
                     {"name": "Analytical Co", "position": "Data Analyst", "startDate": "2019-01-01", "endDate": "2021-03-01"}],
            "education": [{"institution": "University of London", "area": "Mathematics", "studyType": "Bachelor", "endDate": "2018-06-01"}],
            "skills": [{"name": "ML", "keywords": ["PyTorch", "Kubernetes"]}]
        });
        let p = from_json(&doc, crate::taxonomy::test_taxonomy(), today()).unwrap();
        assert_eq!(p.name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(p.role, "machine-learning-engineer");
        assert_eq!(p.location.country.as_deref(), Some("GB"));
        assert_eq!(p.total_years, 8.0);
        assert!(p.skills.iter().any(|s| s.id == "kubernetes"));
        // Edited profile JSON: a skill given by name is matched to the taxonomy.
        let edited = serde_json::json!({"role": "data-scientist", "skills": [{"id": "pytorch", "name": "PyTorch"}, {"id": "Scikit-Learn", "name": ""}, {"id": "basket weaving", "name": ""}]});
        let p = from_json(&edited, crate::taxonomy::test_taxonomy(), today()).unwrap();
        assert_eq!(p.skills.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["pytorch", "scikit-learn"]);
        assert_eq!(p.notes, ["skills not in the taxonomy, left out: basket weaving"]);
    }
}
