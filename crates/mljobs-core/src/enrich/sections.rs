//! The structure of a posting's text: which part is about the company, the role, what is
//! required, what is preferred, the benefits or the legal notes — and from it, what each skill
//! mention is: **required**, **preferred**, or only **mentioned** (named in the company blurb, the
//! benefits or the legal text: "At Acme AI we build the leading LLM copilot", "an AWS partner" —
//! not a skill the job asks for).
//!
//! Two levels of evidence, the nearer winning:
//! 1. the clause the mention sits in ("Spark is a plus", "familiarity with Airflow", "Python
//!    required"), cut at sentence ends, semicolons, line breaks and parentheses;
//! 2. the section: the last heading before the mention ("What you'll need", "Nice to have",
//!    "Benefits", "About us" — a short line, alone or ending in a colon, or a colon-ended lead-in
//!    such as "Bonus points: …"). Text before any heading that reads as the company introducing
//!    itself ("Acme is a…", "At Acme, we…", "We are…", "Founded in…") is the company's.
//!
//! A skill's need is the strongest of its mentions: required over preferred over mentioned; the
//! title counts as required.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// What a posting's text says of a skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    /// Asked for: in the title, the requirements or the role's work, or stated as a must.
    #[default]
    Required,
    /// Welcome but not asked: "nice to have", "a plus", "preferred", "familiarity with".
    Preferred,
    /// Only named where the text is not about the job: the company's blurb, benefits, legal notes.
    Mentioned,
}

impl Need {
    /// `required`, `preferred`, `mentioned`.
    pub fn as_str(self) -> &'static str {
        match self {
            Need::Required => "required",
            Need::Preferred => "preferred",
            Need::Mentioned => "mentioned",
        }
    }
}

/// What a part of a posting is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// The company introducing itself.
    Company,
    /// The role and its work ("What you'll do").
    Role,
    /// What the candidate must bring.
    Required,
    /// What would be welcome.
    Preferred,
    /// Pay, benefits, perks.
    Benefits,
    /// Equal opportunity, privacy, how to apply.
    Legal,
    /// A list of tags (board metadata: "Technologies: java python sql").
    Tags,
    /// No heading said.
    Unknown,
}

impl SectionKind {
    fn need(self) -> Need {
        match self {
            SectionKind::Preferred => Need::Preferred,
            SectionKind::Company | SectionKind::Benefits | SectionKind::Legal => Need::Mentioned,
            _ => Need::Required,
        }
    }
}

/// A part of a text: its kind and byte range (the heading included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// What it is about.
    pub kind: SectionKind,
    /// Start byte.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
}

/// Heading phrases, matched against a line's words (lower case, `'` and punctuation dropped,
/// "&"/"and" alike). Preferred comes before required so that "preferred qualifications" wins over
/// "qualifications"; a heading is read by its first phrase found.
const HEADINGS: &[(SectionKind, &[&str])] = &[
    (
        SectionKind::Preferred,
        &[
            "nice to have",
            "nice to haves",
            "nicetohave",
            "good to have",
            "preferred",
            "preferable",
            "preferred qualifications",
            "preferred qualification",
            "preferred skills",
            "preferred experience",
            "desired qualifications",
            "desired skills",
            "bonus",
            "bonus points",
            "pluses",
            "a plus",
            "extra credit",
            "desirable",
            "desired",
            "ways to stand out",
            "stand out",
            "even better",
            "would be great",
            "its a plus",
            "ideally",
            "optional",
            "not required",
            "additional qualifications",
            "additional skills",
            "excited if",
            "really excited",
            "wed love",
            "we would love",
            "would love",
            "advantage",
            "advantages",
            "an advantage",
            "advantageous",
            "extra points",
            "plus",
            "big plus",
            "huge plus",
            "strong plus",
        ],
    ),
    (
        SectionKind::Benefits,
        &[
            "benefits",
            "job benefits",
            "perks",
            "what we offer",
            "we offer",
            "our offer",
            "what you get",
            "what youll get",
            "in return",
            "compensation",
            "salary",
            "pay range",
            "pay transparency",
            "why",
            "why us",
            "why join",
            "why work",
            "why youll love",
            "whats in it for you",
            "total rewards",
            "rewards",
            "package",
            "we provide",
        ],
    ),
    (
        SectionKind::Legal,
        &[
            "equal opportunity",
            "equal employment",
            "eeo",
            "diversity",
            "inclusion",
            "accommodation",
            "accommodations",
            "privacy",
            "how to apply",
            "application process",
            "interview process",
            "hiring process",
            "recruitment process",
            "next steps",
            "disclaimer",
            "notice",
            "e verify",
            "everify",
            "visa",
        ],
    ),
    (
        SectionKind::Company,
        &[
            "industry",
            "company size",
            "company type",
            "company description",
            "about us",
            "about the company",
            "about our company",
            "company description",
            "company overview",
            "who we are",
            "who are we",
            "our company",
            "our mission",
            "our story",
            "our values",
            "our culture",
            "the company",
            "company",
            "about",
            "overview",
            "mission",
        ],
    ),
    (
        SectionKind::Required,
        &[
            "requirements",
            "requirement",
            "required",
            "qualifications",
            "qualification",
            "must have",
            "must haves",
            "musthave",
            "what you need",
            "what youll need",
            "what you will need",
            "what we need",
            "what we need to see",
            "what were looking for",
            "what we are looking for",
            "we are looking for",
            "were looking for",
            "looking for",
            // Longer than the company's "who are we".
            "who are we looking for",
            "who we are looking for",
            "who you are",
            "about you",
            "you have",
            "you are",
            "you bring",
            "what you bring",
            "what you have",
            "what youll bring",
            "your profile",
            "profile",
            "skills",
            "experience",
            "your background",
            "background",
            "ideal candidate",
            "the ideal candidate",
            "you should have",
            "you will have",
            "your skills",
            "your experience",
            "knowledge",
            "competencies",
            "expertise",
            "key skills",
            "technical skills",
            "education",
            "minimum",
            "basic qualifications",
            "eligibility",
            "eligibility criteria",
            "essential",
            "to be successful",
            "you might be a fit",
            "is this you",
            "who you will be",
        ],
    ),
    (SectionKind::Tags, &["technologies", "tags", "keywords", "technology tags"]),
    (
        SectionKind::Role,
        &[
            "responsibilities",
            "responsibility",
            "what you will do",
            "what youll do",
            "what you will be doing",
            "what youll be doing",
            "what you do",
            "the role",
            "about the role",
            "your role",
            "the job",
            "about the job",
            "job description",
            "role description",
            "description",
            "the position",
            "about the position",
            "position",
            "duties",
            "tasks",
            "your tasks",
            "your impact",
            "impact",
            "day to day",
            "in this role",
            "in this role you will",
            "you will",
            "youll",
            "the opportunity",
            "opportunity",
            "the team",
            "about the team",
            "team",
            "your mission",
            "the challenge",
            "what the job involves",
            "key responsibilities",
            "main responsibilities",
            "role",
            "role overview",
            "position overview",
            "job overview",
            "project",
            "the project",
            "tech stack",
            "our stack",
            "stack",
        ],
    ),
];

/// Cues before a mention that make it preferred: "Nice to have: Spark", "familiarity with
/// Airflow", "bonus points for Cypress", "preferably React".
const PREFERRED_BEFORE: &[&str] = &[
    "nice to have",
    "nice-to-have",
    "good to have",
    "bonus",
    "bonus points for",
    "extra points",
    "preferably",
    "preferred",
    "highly preferred",
    "ideally",
    "familiarity with",
    // Not "familiar with": in a requirements list it asks ("You should be familiar with Swift").
    "interest in",
    "curiosity about",
    "willingness to learn",
    "willing to learn",
    "eager to learn",
    "extra credit",
    "even better",
    "we'd love",
    "would love",
    "it would be great",
    "a plus if",
    "advantage:",
    "an advantage:",
    "desirable:",
    "optional:",
    "maybe even",
    "perhaps even",
    "excited if you",
];

/// Cues after a mention that make it preferred: "Spark is a plus", "Python preferred", "AWS
/// would be ideal", "Airflow … beneficial but not required".
const PREFERRED_AFTER: &[&str] = &[
    "a plus",
    "is a plus",
    "are a plus",
    "big plus",
    "huge plus",
    "strong plus",
    "large advantage",
    "big advantage",
    "great advantage",
    "strong advantage",
    "strong advantages",
    "are advantages",
    "is ideal",
    "are ideal",
    "a bonus",
    "preferred",
    "desirable",
    "desired",
    "an advantage",
    "advantageous",
    "an asset",
    "would be great",
    "would be nice",
    "would be ideal",
    "is helpful",
    "are helpful",
    "helpful",
    "beneficial",
    "not required",
    "not a requirement",
    "not necessary",
    "optional",
    "nice to have",
    "is perfect",
    "would be perfect",
    "appreciated",
    "highly appreciated",
    "is welcome",
    "are welcome",
    "highly valued",
    "preferable",
    "optionally",
    "is valued",
    "are valued",
];

/// Cues before a mention that say it is taught or offered, not asked: "training in project
/// management", "you will learn Kubernetes".
const OFFERED_BEFORE: &[&str] =
    &["training in", "trainings in", "we offer", "you will learn", "you'll learn", "opportunity to learn", "courses in", "learn about", "we provide"];

/// Cues before a mention of a discipline that make it the people the job works with, not a skill
/// it asks: "closely together with Data Science, Product and Data Warehouse".
const WORKS_WITH_BEFORE: &[&str] = &[
    "together with",
    "collaborate with",
    "collaborating with",
    "collaboration with",
    "closely with",
    "partner with",
    "partnering with",
    "alongside",
    "liaise with",
    "interface with",
    "cooperation with",
    "co-operation with",
    "cooperating with",
    "coordination with",
    "hand-in-hand with",
    "hand in hand with",
    "partnership with",
    "peers in",
];

/// Cues of a company presenting itself or its products ("the world's leading provider of hearing
/// personalization", "we are building a world-class Big Data platform", "our 40,000 technologists
/// build everything from … to machine learning"): a discipline named in such a sentence, which
/// speaks neither to nor of the candidate, is the company's field, not a skill the job asks.
const CLAIM_CUES: &[&str] = &[
    "leading provider",
    "leading providers",
    "world leader",
    "world leading",
    "world-leading",
    "global leader",
    "worldwide leader",
    "market leader",
    "market leading",
    "market-leading",
    "leader in",
    "world class",
    "world-class",
    "award winning",
    "award-winning",
    "everything from",
    "innovations in",
    "innovations behind",
    "we are building",
    "we're building",
    "we are developing",
    "we're developing",
    "we build",
    "we develop",
    "we give",
    "our company delivers",
    "revolutionary",
    "pioneer in",
    "pioneering",
    "specialises in",
    "specializes in",
    "specialised in",
    "specialized in",
];

/// Words that make a sentence speak to or of the candidate (not a company's claim).
const CANDIDATE_WORDS: &[&str] = &[
    "you",
    "your",
    "candidate",
    "candidates",
    "experience",
    "experienced",
    "knowledge",
    "skills",
    "skill",
    "looking",
    "seeking",
    "join",
    "hire",
    "hiring",
    "role",
    "position",
    "responsible",
    "responsibilities",
    "requirements",
    "required",
    "must",
    "ideally",
    "plus",
    "degree",
    "background",
    "proficiency",
    "proficient",
    "understanding",
];

/// Clause cues that make a mention required (they win over a preferred section only when the
/// clause has no preferred cue itself).
const REQUIRED_CUES: &[&str] = &[
    "must",
    "required",
    "requires",
    "mandatory",
    "essential",
    "need to have",
    "you need",
    "minimum of",
    "at least",
    "you should have",
    // Not the "interest in" it holds: experience is asked.
    "experience and interest in",
];

/// Words of a heading line, normalised for the phrase lookup: lower case, apostrophes dropped,
/// every other non-alphanumeric a space, "and"/"&" dropped.
pub(crate) fn heading_words(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 1);
    // Start of the word being written.
    let mut word = 0;
    let end_word = |out: &mut String, word: usize| {
        if &out[word..] == "and" {
            out.truncate(word);
        } else if out.len() > word {
            out.push(' ');
        }
    };
    for c in line.chars() {
        if c == '\'' || c == '’' {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if out.len() > word {
            end_word(&mut out, word);
            word = out.len();
        }
    }
    end_word(&mut out, word);
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The kind a heading's text names: the longest phrase found as whole words (ties: the order
/// of [`HEADINGS`], so "preferred qualifications" is preferred). Unless `lead_in` (text before a
/// colon), the phrase must cover half the words or the text be in title or upper case, so that
/// "Strong Python skills" is not a heading while "Skills & Experience" is.
fn heading_kind(text: &str, lead_in: bool) -> Option<SectionKind> {
    let words = heading_words(text);
    if words.is_empty() {
        return None;
    }
    // Byte offsets of the words in `words` (joined by single spaces): every n-gram is a slice.
    let starts: Vec<usize> = std::iter::once(0).chain(words.match_indices(' ').map(|(i, _)| i + 1)).collect();
    let n = starts.len();
    if n > 9 {
        return None;
    }
    let end_of = |w: usize| if w + 1 < n { starts[w + 1] - 1 } else { words.len() };
    // Only n-grams starting with a word some heading phrase starts with.
    let firsts: Vec<bool> = (0..n).map(|w| HEADING_FIRST_WORDS.contains(&words[starts[w]..end_of(w)])).collect();
    if !firsts.contains(&true) {
        return None;
    }
    let mut best: Option<(usize, usize, SectionKind, usize)> = None;
    for len in (1..=n).rev() {
        for first in (0..=n - len).filter(|&w| firsts[w]) {
            if let Some(&(kind, order)) = HEADING_INDEX.get(&words[starts[first]..end_of(first + len - 1)])
                && best.is_none_or(|(_, o, _, _)| order < o)
            {
                best = Some((len, order, kind, first));
            }
        }
        if best.is_some() {
            break;
        }
    }
    let (len, _, kind, first) = best?;
    // "Package management", "Project manager", "Team lead", "Stack Overflow": a noun that names
    // a section only as the head of its phrase ("Compensation package", "The project", "Tech
    // stack"), not when another noun follows it.
    const MODIFIERS: &[&str] = &["package", "project", "stack", "team", "role", "position", "impact", "mission", "opportunity"];
    if len == 1 && first + 1 < n && MODIFIERS.contains(&&words[starts[first]..end_of(first)]) {
        return None;
    }
    // "Java is a plus", "AWS would be a bonus": a sentence about a skill, not a heading (its cue
    // speaks for its own line).
    if !lead_in && words[..starts[first]].split(' ').any(|w| matches!(w, "is" | "are" | "be" | "would" | "will")) {
        return None;
    }
    // "Experience with Agile", "Knowledge of SQL": an item of a list, not a heading.
    if !lead_in && first + len + 1 < n && matches!(&words[starts[first + len]..end_of(first + len)], "with" | "in" | "of" | "using") {
        return None;
    }
    let titled = text.split_whitespace().filter(|w| w.chars().next().is_some_and(char::is_alphabetic)).all(|w| {
        let small = ["and", "or", "of", "the", "to", "a", "an", "for", "in", "on", "with", "you", "we", "at", "your", "our"];
        w.chars().next().is_some_and(char::is_uppercase) || small.contains(&w.to_lowercase().trim_matches(|c: char| !c.is_alphanumeric()))
    });
    (lead_in || titled || 2 * len >= n).then_some(kind)
}

/// Whether a word (any case) is one a heading phrase starts with.
fn heading_first_word(word: &str) -> bool {
    lower_in(word, &HEADING_FIRST_WORDS)
}

/// Whether `word` in lower case is in `set` (without allocating).
fn lower_in(word: &str, set: &rustc_hash::FxHashSet<&'static str>) -> bool {
    let mut buf = [0u8; 24];
    let Some(lower) = buf.get_mut(..word.len()) else { return false };
    for (d, s) in lower.iter_mut().zip(word.bytes()) {
        *d = s.to_ascii_lowercase();
    }
    std::str::from_utf8(lower).is_ok_and(|w| set.contains(w))
}

/// The first words of the heading phrases.
static HEADING_FIRST_WORDS: LazyLock<rustc_hash::FxHashSet<&'static str>> =
    LazyLock::new(|| HEADINGS.iter().flat_map(|(_, phrases)| phrases.iter().filter_map(|p| p.split(' ').next())).collect());

/// Every heading phrase → its kind and the position of its kind in [`HEADINGS`] (the first
/// listing wins, and ties between phrases of one length go to the earlier kind).
static HEADING_INDEX: LazyLock<rustc_hash::FxHashMap<&'static str, (SectionKind, usize)>> = LazyLock::new(|| {
    let mut m = rustc_hash::FxHashMap::default();
    for (order, (kind, phrases)) in HEADINGS.iter().enumerate() {
        for p in phrases.iter() {
            m.entry(*p).or_insert((*kind, order));
        }
    }
    m
});

/// A line that stands as a heading: short, ending in a colon or without a full stop, and not a
/// list item unless it ends in a colon. Returns the heading text (without the colon).
fn heading_of(line: &str) -> Option<&str> {
    let t = line.trim();
    // Far too long for a heading even with its marks ("## … ##") trimmed.
    if t.len() > 90 {
        return None;
    }
    // "*Preferred Qualifications**": emphasis, not a bullet.
    let bullet = t.starts_with(['-', '•', '*', '·']) && !t.starts_with("**") && !(t.starts_with('*') && t.ends_with('*'));
    let t = t.trim_start_matches(['#', '*', '=', '—', '-', '•', '·']).trim().trim_end_matches(['*', '=', '#']).trim();
    if t.is_empty() || t.len() > 70 {
        return None;
    }
    let colon = t.ends_with(':');
    if bullet && !colon {
        return None;
    }
    let t = t.strip_suffix(':').map(str::trim_end).unwrap_or(t);
    if t.ends_with(['.', ';', ',']) || t.split_whitespace().count() > 9 {
        return None;
    }
    Some(t)
}

/// Text before any heading that reads as the company describing itself.
fn reads_as_company(block: &str) -> bool {
    // The first sentence only, lower-cased (not the whole block: it may be the whole posting).
    let block = block.trim_start();
    let bytes = block.as_bytes();
    // A full stop ends it unless inside a word ("Node.js") or after an abbreviation ("Acme, Inc.
    // is a …").
    let first_end = memchr::memchr2_iter(b'.', b'\n', bytes).find(|&i| bytes[i] == b'\n' || full_stop(bytes, i)).unwrap_or(block.len());
    let lower = block[..crate::text::floor_char_boundary(block, first_end.min(400))].to_lowercase();
    let first = lower.as_str();
    // "We are looking for…", "At Acme you will…": the job, not the company.
    static JOB: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(["looking for", "hiring", "seeking", "searching for", "you will", "you'll", "your ", "join ", "as a ", "as an "])
            .expect("phrases")
    });
    // "<Company> is a …" within the first words of the first sentence.
    static SELF: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
        aho_corasick::AhoCorasick::new([
            " is a ",
            " is an ",
            " is the ",
            " are a ",
            " is building ",
            " builds ",
            " was founded",
            " is on a mission",
            " is one of ",
            " helps ",
            " provides ",
            " develops ",
        ])
        .expect("phrases")
    });
    if JOB.is_match(first) {
        return false;
    }
    let cues = ["at ", "founded in", "we are ", "we're ", "our mission", "our company", "who we are", "about us"];
    cues.iter().any(|c| first.starts_with(c)) || SELF.find_iter(first).any(|m| first[..m.start()].split_whitespace().count() <= 5)
}

/// Where an untitled opening about the company ends: after its first sentences that read as the
/// company speaking of itself ("Otterstream is a music streaming service. We are backed by…"),
/// before the first that turns to the job ("Build recommendation systems…", "You will…"), a
/// blank line or a list item. 0 when the first sentence is not about the company.
fn company_opening_end(block: &str) -> usize {
    static TURNS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
        aho_corasick::AhoCorasick::new([
            "looking for",
            "hiring",
            "seeking",
            "searching for",
            "you ",
            "you'",
            "you’",
            "your ",
            "join ",
            "as a ",
            "as an ",
            "this role",
            "the role",
            "responsibilit",
            "requirement",
        ])
        .expect("phrases")
    });
    let continues =
        ["we ", "we'", "we’", "our ", "founded", "backed by", "headquartered", "with offices", "since ", "today", "the company", "it ", "they ", "its "];
    let bytes = block.as_bytes();
    let mut end = 0;
    let mut start = 0;
    let mut i = 0;
    while i <= bytes.len() {
        let stop = i == bytes.len()
            || bytes[i] == b'\n'
            || full_stop(bytes, i)
            || (matches!(bytes[i], b'!' | b'?') && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()));
        if !stop {
            i += 1;
            continue;
        }
        let sentence = block[start..i].trim();
        let lower = sentence.to_lowercase();
        if sentence.is_empty() {
            // A blank line ends the opening once it has begun.
            if end > 0 && i < bytes.len() && bytes[i] == b'\n' && block[start..i].is_empty() {
                break;
            }
        } else {
            let company = if end == 0 { reads_as_company(sentence) } else { continues.iter().any(|c| lower.starts_with(c)) || reads_as_company(sentence) };
            if !company || sentence.starts_with(['-', '•', '*', '·']) || TURNS.is_match(&lower) {
                break;
            }
            end = (i + 1).min(block.len());
        }
        start = i + 1;
        i += 1;
    }
    crate::text::floor_char_boundary(block, end)
}

/// Metadata fields of a posting's header whose value is a few words, not a section.
const FIELDS: &[&str] = &[
    "industry",
    "company size",
    "company type",
    "technologies",
    "tags",
    "keywords",
    "compensation",
    "salary",
    "pay",
    "location",
    "role",
    "job type",
    "experience level",
];

/// The length of a metadata field with its value: to the next capitalised word that starts a
/// heading phrase ("Industry: Financial Services Company size: …", "Company type: Public
/// Technologies …"), at most 90 bytes.
fn field_value_len(field: &str) -> usize {
    // After the field's name: its colon, or for "Technologies java python" its first word.
    let colon = if field.starts_with("Technologies ") { 13 } else { field.find(':').map_or(0, |i| i + 1) };
    let mut pos = colon;
    for word in field[colon..].split_inclusive(' ') {
        let w = word.trim();
        if pos > colon + 1 && w.chars().next().is_some_and(char::is_uppercase) {
            let key = heading_words(w);
            if HEADING_FIRST_WORDS.contains(key.as_str()) {
                return pos;
            }
        }
        pos += word.len();
        if pos >= 90 {
            break;
        }
    }
    crate::text::floor_char_boundary(field, pos.min(90).min(field.len()))
}

/// A line longer than this is a run-together text (sections flattened into one paragraph).
const RUN_TOGETHER_LINE: usize = 300;

/// How an item that speaks to the candidate again starts: it ends a lead-in's list ("… Control
/// Systems You enjoy …").
const CANDIDATE_ITEMS: &[&str] = &["You ", "Your "];

/// What starts at an offset of a run-together line ([`inline_headings`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inline {
    /// A heading: its section runs to the next one.
    Heading,
    /// A metadata field ("Industry: Financial Services"): its value only.
    Field,
    /// A lead-in stating a preference ("We are impressed if you have:"): its list only.
    LeadIn,
    /// The end of a lead-in's list: the section before the lead-in goes on.
    End,
}

/// Headings inside a run-together line: the one to four words before a colon, the first
/// capitalised, that are exactly a heading phrase ("Job benefits:", "Company description:",
/// "Nice to have:", "Requirements:"). Byte offsets of the headings' first words, their kinds, and
/// whether each is a metadata field whose value is a few words ("Industry:", "Company size:").
fn inline_headings(line: &str) -> Vec<(usize, SectionKind, Inline)> {
    let mut out = Vec::new();
    // A tag list introduced without a colon: "Technologies java python sql".
    for at in memchr::memmem::find_iter(line.as_bytes(), b"Technologies ") {
        // Not a sentence going on ("Technologies like AWS", "technologies such as").
        let next = line[at + 13..].split(' ').next().unwrap_or("");
        let prose = ["like", "such", "and", "or", "we", "that", "in", "of", "for", "to", "you", "used", "including", "are", "is"].contains(&next);
        if !prose && line[at + 13..].chars().next().is_some_and(|c| c.is_lowercase() || c == '.') {
            out.push((at, SectionKind::Tags, Inline::Field));
        }
    }
    for (colon, _) in line.match_indices(':') {
        let before = &line[..colon];
        // Word starts going back from the colon.
        let mut starts: Vec<usize> = Vec::new();
        let mut in_word = false;
        for (i, c) in before.char_indices().rev() {
            if c.is_whitespace() {
                if in_word {
                    starts.push(i + c.len_utf8());
                    in_word = false;
                    if starts.len() == 4 {
                        break;
                    }
                }
            } else {
                in_word = true;
            }
        }
        if in_word && starts.len() < 4 {
            starts.push(0);
        }
        let mut named = false;
        for &ws in starts.iter().rev() {
            let candidate = &before[ws..];
            let words = heading_words(candidate);
            // Short headings must be capitalised ("Requirements:"); "nice to have:" need not.
            if words.split(' ').count() < 3 && !candidate.chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            if let Some(&(kind, _)) = HEADING_INDEX.get(words.as_str()) {
                let field = FIELDS.contains(&words.as_str());
                out.push((ws, kind, if field { Inline::Field } else { Inline::Heading }));
                named = true;
                break;
            }
        }
        // A lead-in that states a preference ("We are impressed if you have:", "In addition it
        // would be good if you also have experiences in :"): up to nine words back from the
        // colon, within its sentence, holding a preference heading phrase.
        if !named && let Some(ws) = preference_lead_in(before) {
            out.push((ws, SectionKind::Preferred, Inline::LeadIn));
            // Its list ends at the next lead-in or at an item that speaks to the candidate again
            // ("… or Modern Control Systems You enjoy balancing …").
            let rest = &line[colon + 1..];
            let end = rest.find(':').into_iter().chain(CANDIDATE_ITEMS.iter().filter_map(|w| rest.find(&format!(" {w}")))).min();
            if let Some(end) = end {
                out.push((colon + 1 + end, SectionKind::Unknown, Inline::End));
            }
        }
    }
    out.extend(untitled_headings(line).into_iter().map(|(at, kind)| (at, kind, Inline::Heading)));
    out.sort_by_key(|(at, _, _)| *at);
    out
}

/// The words a preference lead-in opens with: the first words of the preference headings and of
/// the wishes ("impressed if", "great if you", "or you are eager to").
/// (A prefilter: found anywhere, any case.)
/// (A prefilter: found anywhere, any case; of a wish, its longest word — "eager", not "or".)
static PREFERENCE_WORDS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    let wishes = WISHES.iter().filter_map(|w| w.split(' ').max_by_key(|w| w.len()));
    let words: std::collections::BTreeSet<&str> = preferred_phrases().filter_map(|p| p.split(' ').next()).chain(wishes).collect();
    aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build(words).expect("preference words")
});

/// The words a preference lead-in can open with: the first words of the preference headings and
/// of the wishes.
static PREFERENCE_FIRST: LazyLock<rustc_hash::FxHashSet<&'static str>> =
    LazyLock::new(|| preferred_phrases().chain(WISHES.iter().copied()).filter_map(|p| p.split(' ').next()).collect());

/// Lead-ins that wish for what follows without a heading phrase ("We are impressed if you have:",
/// "… or you are eager to gain that knowledge:"), as [`heading_words`] writes them.
const WISHES: &[&str] = &[
    "impressed if",
    "good if you",
    "great if you",
    "nice if you",
    "plus if you",
    "ideal if you",
    "or you are eager",
    "or eager to",
    "or willing to",
    "or you are willing",
];

/// The heading phrases of preferred sections.
fn preferred_phrases() -> impl Iterator<Item = &'static str> {
    HEADINGS.iter().filter(|(k, _)| *k == SectionKind::Preferred).flat_map(|(_, p)| p.iter().copied())
}

/// The start of a lead-in stating a preference that ends at the end of `before` (a colon follows):
/// up to twelve words back, not past a sentence end or another colon.
fn preference_lead_in(before: &str) -> Option<usize> {
    // Twelve words fit in 160 bytes; most lines hold no preference word there (one pass tells).
    let window = crate::text::floor_char_boundary(before, before.len().saturating_sub(160));
    if !PREFERENCE_WORDS.is_match(&before[window..]) {
        return None;
    }
    let floor = before[window..].rfind(['.', '!', '?', ':', ';']).map_or(window, |i| window + i + 1);
    // The shortest such lead-in: it starts at the preference, not at list items run into it.
    let mut ws = before.len();
    for _ in 0..12 {
        match before[floor..ws].trim_end().rfind(' ') {
            Some(i) => ws = floor + i + 1,
            None if ws > floor => ws = floor,
            None => return None,
        }
        let lead = before[ws..].trim_start();
        // Only a word a preference or a wish opens with can start one (one lookup, no copy).
        let first = lead.split([' ', ',', ':']).next().unwrap_or("");
        if lead.is_empty() || !lower_in(first, &PREFERENCE_FIRST) {
            continue;
        }
        let words = heading_words(lead);
        let opens = |p: &str| words.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with(' '));
        if WISHES.iter().any(|p| words.starts_with(p)) || preferred_phrases().any(opens) {
            return Some(before.len() - lead.len());
        }
    }
    None
}

/// Section words that, capitalised and followed by a capitalised word, open a section in a
/// run-together line ([`untitled_headings`]).
const RUN_IN: &[(&str, SectionKind)] = &[
    ("Requirements", SectionKind::Required),
    ("Qualifications", SectionKind::Required),
    ("Your Profile", SectionKind::Required),
    ("Your Skills", SectionKind::Required),
    ("Your Qualifications", SectionKind::Required),
    ("Your Experience", SectionKind::Required),
    ("Must Have", SectionKind::Required),
    ("Must have", SectionKind::Required),
    ("Tasks", SectionKind::Role),
    ("Your Tasks", SectionKind::Role),
    ("Responsibilities", SectionKind::Role),
    ("Your Responsibilities", SectionKind::Role),
    ("Key Responsibilities", SectionKind::Role),
    ("Your Role", SectionKind::Role),
    ("Duties", SectionKind::Role),
    ("Job Description", SectionKind::Role),
    ("What you will do", SectionKind::Role),
    ("What you'll do", SectionKind::Role),
    ("What You'll Do", SectionKind::Role),
    ("Nice to have", SectionKind::Preferred),
    ("Nice to Have", SectionKind::Preferred),
    ("Nice-to-have", SectionKind::Preferred),
    ("Good to have", SectionKind::Preferred),
    ("Good to Have", SectionKind::Preferred),
    ("Ideally", SectionKind::Preferred),
    ("Bonus points", SectionKind::Preferred),
    ("Benefits", SectionKind::Benefits),
    ("What we offer", SectionKind::Benefits),
    ("What We Offer", SectionKind::Benefits),
    ("We offer", SectionKind::Benefits),
    ("Our offer", SectionKind::Benefits),
    ("Perks", SectionKind::Benefits),
];

/// The first words of [`RUN_IN`].
static RUN_IN_FIRST: LazyLock<rustc_hash::FxHashSet<&'static str>> = LazyLock::new(|| RUN_IN.iter().filter_map(|(p, _)| p.split(' ').next()).collect());

/// Words that, capitalised at a line's or an item's start, head a preferred section run into its
/// first item ("Advantageous GIS experience", "Desirable experience and skills").
const PREFERENCE_HEADING_WORDS: &[&str] = &["Advantageous", "Desirable", "Desired", "Preferred", "Optional", "Bonus"];

/// Headings a run-together text kept without their colon or line break: a capitalised section
/// word run into its first item ("… specifications Requirements Completed studies in …", "Your
/// Tasks Development of …", "… linux shell Ideally Experience with NoSQL …", "Desirable
/// experience and skills Knowledge of …") or a heading in capitals ("YOUR PROFILE You have …",
/// "WHAT WE OFFER"). Byte offsets in the line and kinds.
fn untitled_headings(line: &str) -> Vec<(usize, SectionKind)> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    // A run of words in capitals ("YOUR FITNESS LEVEL"): its end, and the start of its first word
    // some heading phrase starts with (none in "AWS GCP"). A heading when it names one.
    // The run starts at its first such word ("… Knowledge of GIT WHAT WE OFFER": not at "GIT").
    let mut run: Option<(usize, Option<usize>)> = None;
    let close = |run: &mut Option<(usize, Option<usize>)>, out: &mut Vec<(usize, SectionKind)>| {
        if let Some((end, Some(at))) = run.take()
            && (line[at..end].contains(' ') || end - at >= 8)
            && let Some(kind) = heading_kind(&line[at..end], false)
        {
            out.push((at, kind));
        }
    };
    // Capitalised word starts only (one byte test per byte; most words are in lower case).
    for i in (0..bytes.len()).filter(|&i| bytes[i].is_ascii_uppercase() && (i == 0 || bytes[i - 1] == b' ')) {
        let word_end = memchr::memchr(b' ', &bytes[i..]).map_or(bytes.len(), |e| i + e);
        let word = &line[i..word_end];
        let upper = word.len() >= 2 && word.bytes().all(|b| b.is_ascii_uppercase() || b == b'\'' || b == b'&');
        // A run goes on only word by word.
        if run.is_some_and(|(end, _)| !upper || end + 1 != i) {
            close(&mut run, &mut out);
        }
        if upper {
            let r = run.get_or_insert((word_end, None));
            r.0 = word_end;
            if r.1.is_none() && heading_first_word(word) {
                r.1 = Some(i);
            }
        }
        let run_in_first = RUN_IN_FIRST.contains(word);
        if run_in_first {
            for &(phrase, kind) in RUN_IN {
                let Some(rest) = line[i..].strip_prefix(phrase) else { continue };
                // The first item follows, capitalised.
                if rest.strip_prefix(' ').is_some_and(|r| r.starts_with(|c: char| c.is_uppercase())) {
                    out.push((i, kind));
                    break;
                }
            }
        }
        if PREFERENCE_HEADING_WORDS.contains(&word) {
            let mut ws = line[i..].split(' ');
            if let (Some(_), Some(second)) = (ws.next(), ws.next())
                && ["experience", "skills", "qualifications", "qualification", "requirements", "knowledge", "competencies", "competences"]
                    .contains(&second.to_ascii_lowercase().as_str())
            {
                out.push((i, SectionKind::Preferred));
            }
        }
    }
    close(&mut run, &mut out);
    out
}

/// The phrases of an equal-opportunity or legal statement (a line holding one is legal text).
const LEGAL_PHRASES: &[&str] =
    &["equal employment opportunity", "equal opportunity employer", "qualified applicants will receive", "without regard to race", "protected veteran status"];

/// Where the legal phrases start in `text`, for [`sections`] called on its own (enrichment finds
/// them in its one phrase walk).
fn legal_phrase_starts(text: &str) -> Vec<usize> {
    static LEGAL: LazyLock<aho_corasick::AhoCorasick> =
        LazyLock::new(|| aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build(LEGAL_PHRASES).expect("legal phrases"));
    LEGAL.find_iter(text).map(|m| m.start()).collect()
}

/// A heading that ends a line after other text ("… ( AWS Azure ) Preferred Qualifications:"):
/// the one to four capitalised words before the line's final colon that read as a heading, the
/// longest such; its byte offset in the line and its kind.
fn trailing_heading(line: &str) -> Option<(usize, SectionKind)> {
    // Most lines do not end in a colon: one byte tells.
    let last = line.as_bytes().iter().rposition(|b| !b.is_ascii_whitespace())?;
    if line.as_bytes()[last] != b':' {
        return None;
    }
    let body = &line[..last];
    let mut found = None;
    let mut at = body.len();
    for _ in 0..4 {
        let word_start = body[..at].trim_end().rfind(char::is_whitespace).map_or(0, |i| i + 1);
        if word_start == 0 {
            break;
        }
        at = word_start;
        let candidate = &body[at..];
        if candidate.chars().next().is_some_and(char::is_uppercase)
            && candidate.split_whitespace().all(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || !c.is_alphabetic()) || w.len() <= 3)
            && let Some(kind) = heading_kind(candidate, true)
        {
            found = Some((at, kind));
        }
    }
    found.filter(|&(at, _)| body[..at].trim().len() > 1)
}

/// The kind of a heading that opens a line and runs into a list by a bullet: "Nice to Have •
/// Able to …", "Required Technical Qualifications • BS MS or PhD …" (up to six words before a
/// "•", "·" or " - ").
fn bullet_heading(line: &str) -> Option<SectionKind> {
    let t = line.trim_start();
    let b = t.as_bytes();
    // Only a capitalised first word can open a heading (most lines stop here).
    if !b.first().is_some_and(u8::is_ascii_uppercase) {
        return None;
    }
    // "Advantageous GIS / Geospatial experience .": a heading word run into the first item.
    let first_end = memchr::memchr(b' ', b).unwrap_or(b.len());
    if PREFERENCE_HEADING_WORDS.iter().any(|w| w.as_bytes() == &b[..first_end]) {
        return (t.len() <= 120 && memchr::memchr(b':', b).is_none()).then_some(SectionKind::Preferred);
    }
    // The first bullet in the first 70 bytes: "•" (E2 80 A2), "·" (C2 B7), " - " or " * ".
    let head = &b[..b.len().min(70)];
    let at = (1..head.len()).find(|&i| match head[i] {
        0xE2 => head.get(i + 1) == Some(&0x80) && head.get(i + 2) == Some(&0xA2),
        0xC2 => head.get(i + 1) == Some(&0xB7),
        b'-' | b'*' => head[i - 1] == b' ' && head.get(i + 1) == Some(&b' '),
        _ => false,
    })?;
    let text = t[..at].trim();
    if text.is_empty() || text.split_whitespace().count() > 6 || text.ends_with(['.', ',', ';']) {
        return None;
    }
    heading_kind(text, true)
}

/// Whether a line ends in a preference cue and a colon ("… is advantageous:", "… would be a
/// plus:").
fn ends_preferring(line: &str) -> bool {
    let Some(body) = line.trim_end().strip_suffix(':') else {
        return false;
    };
    let body = body.trim_end();
    let tail = &body[crate::text::floor_char_boundary(body, body.len().saturating_sub(24))..];
    let tail = tail.to_ascii_lowercase();
    PREFERRED_AFTER.iter().any(|cue| tail.strip_suffix(cue).is_some_and(|before| before.is_empty() || before.ends_with(' ')))
}

/// The sections of a (plain-text, line-structured) description, in order, covering it whole.
pub fn sections(text: &str) -> Vec<Section> {
    sections_in(text, &legal_phrase_starts(text))
}

/// [`sections`] with the starts of the legal phrases in `text` known (ascending).
fn sections_in(text: &str, legal_starts: &[usize]) -> Vec<Section> {
    let mut legal_at = legal_starts.iter().copied().peekable();
    let mut out: Vec<Section> = Vec::new();
    let push = |out: &mut Vec<Section>, kind: SectionKind, start: usize, end: usize| {
        if end > start {
            match out.last_mut() {
                Some(last) if last.kind == kind && last.end == start => last.end = end,
                _ => out.push(Section { kind, start, end }),
            }
        }
    };
    let mut kind = SectionKind::Unknown;
    let mut start = 0;
    let mut pos = 0;
    // The kind is Legal because untitled equal-opportunity lines began (not a heading).
    let mut legal_lines = false;
    // The kind before a lead-in of a run-together line took over ([`Inline::LeadIn`]).
    let mut lead_in_from: Option<SectionKind> = None;
    for line in text.split_inclusive('\n') {
        let line_start = pos;
        pos += line.len();
        // A lead-in's list ends at an item that speaks to the candidate again.
        if let Some(before) = lead_in_from
            && CANDIDATE_ITEMS.iter().any(|w| line.starts_with(w))
        {
            push(&mut out, kind, start, line_start);
            kind = before;
            start = line_start;
            lead_in_from = None;
        }
        // A short line ending in a colon introduces what follows: any heading phrase in it names
        // it ("We'd get really excited if you had experience with:").
        // So does one ending in a word that leads into what follows ("You will get extra points
        // for the following", "Bonus points for experience with", "The skills we're looking for
        // are").
        let lead_in = |l: &str| {
            let l = l.trim_end();
            l.ends_with(':')
                || l.rsplit(' ').next().is_some_and(|w| ["following", "with", "are", "these", "include", "includes"].iter().any(|x| w.eq_ignore_ascii_case(x)))
        };
        if let Some(next) = heading_of(line).and_then(|h| heading_kind(h, lead_in(line))) {
            // A heading alone on its line: its section runs to the next one.
            push(&mut out, kind, start, line_start);
            kind = next;
            start = line_start;
            legal_lines = false;
            continue;
        }
        // A heading run into its list's first item by a bullet ("Nice to Have • Able to design
        // …", "Responsibilities - Build …"): its section starts here and runs on.
        if let Some(next) = bullet_heading(line)
            && next != kind
        {
            push(&mut out, kind, start, line_start);
            kind = next;
            start = line_start;
            legal_lines = false;
        }
        // An equal-opportunity statement without a heading ends the list before it ("Desired
        // skills: … <Org> is an Equal Employment Opportunity Employer. …"), and what follows it
        // (often the posting again, untitled) is not that list.
        let mut legal = false;
        while let Some(at) = legal_at.next_if(|&at| at < pos) {
            legal |= at >= line_start;
        }
        if line.len() <= RUN_TOGETHER_LINE {
            if legal && kind != SectionKind::Legal {
                push(&mut out, kind, start, line_start);
                kind = SectionKind::Legal;
                start = line_start;
                legal_lines = true;
                continue;
            }
            if !legal && legal_lines && !line.trim().is_empty() {
                push(&mut out, kind, start, line_start);
                kind = SectionKind::Unknown;
                start = line_start;
                legal_lines = false;
            }
        }
        // A text whose sections run into one long line ("… Company type: Public Requirements:
        // This role … Job benefits: …"): headings named exactly before a colon start sections
        // within it.
        if line.len() > RUN_TOGETHER_LINE {
            for (at, next, what) in inline_headings(line) {
                let at = (line_start + at).max(start);
                match what {
                    Inline::Field => {
                        // A metadata field ("Industry: Financial Services"): its value only.
                        let value_end = crate::text::floor_char_boundary(text, (at + field_value_len(&line[at - line_start..])).min(line_start + line.len()));
                        push(&mut out, kind, start, at);
                        push(&mut out, next, at, value_end);
                        start = value_end;
                    }
                    Inline::End => {
                        if let Some(before) = lead_in_from.take() {
                            push(&mut out, kind, start, at);
                            kind = before;
                            start = at;
                        }
                    }
                    Inline::Heading | Inline::LeadIn => {
                        lead_in_from = (what == Inline::LeadIn).then_some(lead_in_from.unwrap_or(kind));
                        if next != kind {
                            push(&mut out, kind, start, at);
                            kind = next;
                            start = at;
                        }
                    }
                }
            }
            continue;
        }
        // A heading that ends a line after other text ("… Google Cloud ) Preferred
        // Qualifications:"): its section starts there and runs on past the line.
        if let Some((at, next)) = trailing_heading(line) {
            push(&mut out, kind, start, line_start + at);
            kind = next;
            start = line_start + at;
            continue;
        }
        // A sentence that ends in a preference and a colon ("… experience with a tool in each of
        // the following domains is advantageous:") makes what follows preferred.
        if kind != SectionKind::Preferred && ends_preferring(line) {
            push(&mut out, kind, start, pos);
            kind = SectionKind::Preferred;
            start = pos;
            continue;
        }
        // A lead-in ("Nice to have: Spark, Airflow") speaks for its own line only.
        let body = line.trim().trim_start_matches(['-', '•', '*', '·']).trim_start();
        if let Some(lead) = memchr::memchr(b':', &body.as_bytes()[..body.len().min(61)]).filter(|&i| i > 0).and_then(|i| heading_kind(&body[..i], true))
            && lead != kind
        {
            push(&mut out, kind, start, line_start);
            push(&mut out, lead, line_start, pos);
            start = pos;
        } else if kind != SectionKind::Preferred
            && let Some(colon) = memchr::memchr(b':', line.as_bytes())
            && !open_parenthesis(&line.as_bytes()[..colon])
            && let Some(at) = preference_lead_in(&line[..colon])
        {
            // "… NoSQL In addition it would be good if you also have experiences in : • React":
            // a preference lead-in later in the line speaks for the rest of it.
            push(&mut out, kind, start, line_start + at);
            push(&mut out, SectionKind::Preferred, line_start + at, pos);
            start = pos;
        }
    }
    push(&mut out, kind, start, text.len());
    if out.is_empty() {
        out.push(Section { kind, start: 0, end: text.len() });
    }
    // Untitled opening text: the company's sentences, when it starts with them.
    if let Some(first) = out.first().copied()
        && first.kind == SectionKind::Unknown
    {
        let end = first.start + company_opening_end(&text[first.start..first.end]);
        if end > first.start {
            out[0] = Section { kind: SectionKind::Company, start: first.start, end };
            if end < first.end {
                out.insert(1, Section { kind: SectionKind::Unknown, start: end, end: first.end });
            }
        }
    }
    out
}

/// The clause around `start..end` (byte range): back to and forward to a sentence end, semicolon
/// or line break; inside parentheses, the parenthesis, with the clause it sits in as the second.
fn clause(text: &str, start: usize, end: usize) -> (std::ops::Range<usize>, Option<std::ops::Range<usize>>) {
    let bytes = text.as_bytes();
    let is_stop = |i: usize| match bytes[i] {
        // A line break right after "e.g ." inside a parenthesis (tokenised text splits sentences
        // there: "( e.g ." / "MySQL MongoDB )") continues it.
        b'\n' => !(i > 0 && bytes[i - 1] == b'.' && after_abbreviation(&bytes[..i - 1]) && open_parenthesis(&bytes[..i])),
        b';' => true,
        // A full stop followed by a space or the end ("Node.js" and "3.5" do not stop), and not
        // after an abbreviation ("etc.", "e.g.", "e.g ." as tokenised text writes it).
        // Nor ". NET" (".NET" as tokenised text writes it).
        b'.' => full_stop(bytes, i) && !bytes[i + 1..].starts_with(b" NET"),
        b'!' | b'?' => bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()),
        // List items run into one line: " - Item", " * Item", "• Item".
        b'-' | b'*' => i > 0 && bytes[i - 1] == b' ' && bytes.get(i + 1) == Some(&b' '),
        // "•" (E2 80 A2) and "·" (C2 B7), at their last byte.
        0xA2 => i >= 2 && bytes[i - 2] == 0xE2 && bytes[i - 1] == 0x80,
        0xB7 => i >= 1 && bytes[i - 1] == 0xC2,
        // A run-together list: the space before a word that opens an item ("… write unit tests
        // Experience with IoT … is a plus", "… Clojure Well-versed in using the linux shell").
        // Not after a lead-in that speaks for the item ("Good to have Experience in …").
        b' ' => bytes.get(i + 1).is_some_and(u8::is_ascii_uppercase) && space_ends_item(bytes, i),
        _ => false,
    };
    let mut lo = start;
    while lo > 0 && !is_stop(lo - 1) && start - lo < 300 {
        lo -= 1;
    }
    let mut hi = end;
    while hi < bytes.len() && !is_stop(hi) && hi - end < 300 {
        hi += 1;
    }
    let (lo, hi) = (crate::text::floor_char_boundary(text, lo), crate::text::ceil_char_boundary(text, hi));
    let whole = &text[lo..hi];
    // The innermost parenthesis holding the mention.
    let (rel_s, rel_e) = (start - lo, end - lo);
    let open = whole[..rel_s].rfind('(').filter(|&o| !whole[o..rel_s].contains(')'));
    let close = whole[rel_e..].find(')').map(|c| rel_e + c).filter(|&c| !whole[rel_e..c].contains('('));
    match (open, close) {
        (Some(o), Some(c)) => (lo + o + 1..lo + c, Some(lo..hi)),
        _ => (lo..hi, None),
    }
}

/// Whether `rest` opens with a word that opens an item of a requirements list, capitalised, as a
/// whole word: in a run-together list the space before one ends the item before it.
fn opens_item(rest: &[u8]) -> bool {
    if !rest.first().is_some_and(u8::is_ascii_uppercase) {
        return false;
    }
    let head = &rest[..rest.len().min(14)];
    let word = &head[..memchr::memchr(b' ', head).unwrap_or(head.len())];
    matches!(
        word,
        b"Experience"
            | b"Knowledge"
            | b"Ability"
            | b"Able"
            | b"Proficiency"
            | b"Proficient"
            | b"Strong"
            | b"Solid"
            | b"Good"
            | b"Excellent"
            | b"Familiarity"
            | b"Understanding"
            | b"Hands-on"
            | b"Practical"
            | b"Fluent"
            | b"Fluency"
            | b"Proven"
            | b"Deep"
            | b"Advanced"
            | b"Basic"
            | b"Well-versed"
            | b"Ideally"
            | b"Desire"
            | b"Passion"
            | b"Comfortable"
            | b"Previous"
            | b"Prior"
            | b"Demonstrated"
            | b"Demonstrable"
            | b"Expertise"
            | b"Exposure"
            | b"Willingness"
    )
}

/// Whether the space at `i`, before a capital, ends a run-together item: a word before it and an
/// item opener after it. Out of line: the clause scan's byte test stays small.
#[inline(never)]
fn space_ends_item(bytes: &[u8], i: usize) -> bool {
    i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b')') && opens_item(&bytes[i + 1..]) && !after_lead_word(&bytes[..i])
}

/// Whether `before` ends in a word that leads into what follows ("have" of "Good to have",
/// "ideally", "with").
fn after_lead_word(before: &[u8]) -> bool {
    let word = &before[before.iter().rposition(|b| *b == b' ').map_or(0, |i| i + 1)..];
    [
        "have",
        "haves",
        "bonus",
        "ideally",
        "preferably",
        "plus",
        "desirable",
        "advantage",
        "optional",
        "preferred",
        "with",
        "and",
        "or",
        "of",
        "in",
        "the",
        "a",
        "an",
        "to",
    ]
    .iter()
    .any(|w| word.eq_ignore_ascii_case(w.as_bytes()))
}

/// Whether the last line of `before` leaves a parenthesis open.
fn open_parenthesis(before: &[u8]) -> bool {
    let line = &before[memchr::memrchr(b'\n', before).map_or(0, |i| i + 1)..];
    memchr::memrchr(b'(', line).is_some_and(|open| memchr::memrchr(b')', line).is_none_or(|close| close < open))
}

/// Whether `bytes[i]` is a full stop that ends a sentence: followed by a space or the end
/// ("Node.js" and "3.5" go on) and not after an abbreviation ("etc.", "Acme, Inc. is").
fn full_stop(bytes: &[u8], i: usize) -> bool {
    bytes[i] == b'.' && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()) && !after_abbreviation(&bytes[..i])
}

/// Text ending in an abbreviation that a full stop follows without ending the sentence.
fn after_abbreviation(before: &[u8]) -> bool {
    let b = before.strip_suffix(b" ").unwrap_or(before);
    let word_start = b.iter().rposition(|c| c.is_ascii_whitespace() || *c == b'(').map_or(0, |i| i + 1);
    let word = &b[word_start..];
    ["etc", "e.g", "eg", "i.e", "ie", "incl", "approx", "vs", "inc", "ltd", "corp", "co"].iter().any(|a| word.eq_ignore_ascii_case(a.as_bytes()))
}

/// Cue lists as bits.
const PREF_BEFORE: u8 = 1;
const PREF_AFTER: u8 = 2;
const OFFERED: u8 = 4;
const WORKS_WITH: u8 = 8;
const REQUIRED: u8 = 16;
const LEGAL: u8 = 32;
const CLAIM: u8 = 64;

/// Every cue phrase with the bits of the lists it is in (for the taxonomy's phrase automaton:
/// enrichment finds the cues in the same walk as skills and keywords).
pub(crate) fn cue_phrases() -> Vec<(&'static str, u8)> {
    let mut out: Vec<(&'static str, u8)> = Vec::new();
    for (list, bit) in [
        (PREFERRED_BEFORE, PREF_BEFORE),
        (PREFERRED_AFTER, PREF_AFTER),
        (OFFERED_BEFORE, OFFERED),
        (WORKS_WITH_BEFORE, WORKS_WITH),
        (REQUIRED_CUES, REQUIRED),
        (LEGAL_PHRASES, LEGAL),
        (CLAIM_CUES, CLAIM),
    ] {
        for cue in list {
            match out.iter_mut().find(|(p, _)| p == cue) {
                Some((_, b)) => *b |= bit,
                None => out.push((cue, bit)),
            }
        }
    }
    out
}

/// A cue found in a text: its byte range and the lists it is in.
#[derive(Debug, Clone, Copy)]
struct Cue {
    start: usize,
    end: usize,
    bits: u8,
}

/// The lists of the cues lying within `lo..hi`; with `strip`, not those inside parentheses opened
/// in the range ("Python (Go a plus)": the plus is Go's, not Python's).
fn cues_between(cues: &[Cue], text: &str, lo: usize, hi: usize, strip: bool) -> u8 {
    let first = cues.partition_point(|c| c.start < lo);
    let mut found = 0;
    for c in cues[first..].iter().take_while(|c| c.start < hi) {
        if c.end > hi {
            continue;
        }
        if strip {
            let span = &text.as_bytes()[lo..c.start];
            let depth = span.iter().fold(0i32, |d, b| match b {
                b'(' => d + 1,
                b')' => (d - 1).max(0),
                _ => d,
            });
            if depth > 0 {
                continue;
            }
        }
        found |= c.bits;
    }
    found
}

/// What one mention says of its skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MentionNeed {
    /// Required, preferred or only mentioned.
    pub need: Need,
    /// A mention in a tag list (board metadata): it counts only when the text says nothing else
    /// of the skill.
    pub weak: bool,
    /// The need is stated — by a cue in the mention's clause or by a heading that names what
    /// its section asks (requirements, responsibilities, nice to have, benefits…) — rather than
    /// read by default from text under no heading. A stated preference wins over a default
    /// requirement ("We build with AWS and Docker … Advantage: experience in AWS and Docker");
    /// the work a responsibilities list names is as stated as a requirements list.
    pub stated: bool,
}

/// How far after a mention a cue still speaks for it ("AWS (Amazon Web Services) is a plus"),
/// and how far before ("Nice to have: Spark, Airflow"): a cue in a run-together text does not
/// reach across the whole paragraph.
const CUE_REACH: usize = 80;
const LEAD_REACH: usize = 50;
/// A clause this short is one statement: a preference cue before a mention speaks for the rest of
/// it however far.
const CLAUSE_REACH: usize = 200;
/// How far back a "together with …" reaches over a list of teams.
const TEAMS_REACH: usize = 120;

/// A posting's text read once for the needs of its mentions: its sections and its cues (found by
/// the taxonomy's phrase automaton in enrichment's one walk; each mention then looks at the cues
/// near it).
pub struct NeedReader<'a> {
    text: &'a str,
    sections: Vec<Section>,
    cues: Vec<Cue>,
}

impl<'a> NeedReader<'a> {
    /// Reads the sections of `text`, whose cues (start, end, lists) enrichment's walk found
    /// ([`crate::enrich::KeywordEvidence::need_cues`]).
    pub(crate) fn new(text: &'a str, cues: &[(usize, usize, u8)]) -> NeedReader<'a> {
        let legal: Vec<usize> = cues.iter().filter(|c| c.2 & LEGAL != 0).map(|c| c.0).collect();
        let mut found: Vec<Cue> = cues.iter().filter(|c| c.2 & !LEGAL != 0).map(|&(start, end, bits)| Cue { start, end, bits }).collect();
        // In order of start, the longer first; a cue inside a longer one is the longer one's word
        // ("required" of "not required", "interest in" of "experience and interest in").
        found.sort_unstable_by_key(|c| (c.start, std::cmp::Reverse(c.end)));
        let mut reach = 0;
        found.retain(|c| {
            let inside = c.end <= reach;
            reach = reach.max(c.end);
            !inside
        });
        NeedReader { text, sections: sections_in(text, &legal), cues: found }
    }

    /// The need a mention at `start..end` states.
    pub fn need(&self, start: usize, end: usize, concept: bool) -> MentionNeed {
        mention_need(self.text, &self.sections, &self.cues, start, end, concept)
    }
}

/// The need a mention at `start..end` of `text` expresses, given the text's sections and cues.
/// `concept`: the skill is a discipline ("data science"), which may name a team rather than a skill.
fn mention_need(text: &str, sections: &[Section], cues: &[Cue], start: usize, end: usize, concept: bool) -> MentionNeed {
    // Sections cover the text in order.
    let at = sections.partition_point(|s| s.end <= start);
    let kind = sections.get(at).filter(|s| s.start <= start).map_or(SectionKind::Unknown, |s| s.kind);
    let weak = kind == SectionKind::Tags;
    let section = kind.need();
    let by_section = !matches!(kind, SectionKind::Unknown);
    let read = |need| MentionNeed { need, weak, stated: by_section };
    let cued = |need| MentionNeed { need, weak, stated: true };
    // "You will find with us … a techstack with Python and tools like Pylint", "Work with our
    // modern tech-stack: C, Rust, Go, Kubernetes": the tools the job works with, listed among
    // the perks or in the company's description of its team.
    if matches!(kind, SectionKind::Benefits | SectionKind::Company) && !concept && names_a_stack(text, start, end) {
        return MentionNeed { need: Need::Required, weak, stated: false };
    }
    if section == Need::Mentioned {
        // A company's text that states a requirement ("we require Python") is rare; its skills
        // are the company's, not the job's.
        return read(Need::Mentioned);
    }
    // A discipline in a sentence where the company presents itself ("We are the world's leading
    // provider of audio personalization") outside the lists of what the job asks.
    if concept && matches!(kind, SectionKind::Role | SectionKind::Unknown) && company_claim(text, cues, start, end) {
        return cued(Need::Mentioned);
    }
    // No cue near the mention (most mentions): the section decides.
    let near = cues.partition_point(|c| c.start < start.saturating_sub(TEAMS_REACH.max(LEAD_REACH)));
    if cues.get(near).is_none_or(|c| c.start >= end + CUE_REACH) {
        return if ends_in_dash_advantage(text, end) { cued(Need::Preferred) } else { read(section) };
    }
    let (inner, outer) = clause(text, start, end);
    // A clause does not reach into the next section (a heading after text on one line).
    let (lo, hi) = sections.get(at).map_or((0, text.len()), |s| (s.start, s.end));
    let clip = |r: std::ops::Range<usize>| r.start.max(lo).min(start)..r.end.min(hi).max(end);
    let (inner, outer) = (clip(inner), outer.map(clip));
    // The cues up to LEAD_REACH bytes before and CUE_REACH after `at..at_end` within a range,
    // without parenthesised parts when `strip` ("Python (Go a plus)": the plus is Go's).
    let required_after = |from: usize, to: usize| {
        let first = cues.partition_point(|c| c.start < from);
        cues[first..].iter().take_while(|c| c.start < to).find(|c| c.bits & REQUIRED != 0).map(|c| c.end)
    };
    let around = |range: &std::ops::Range<usize>, at: usize, at_end: usize, strip: bool| -> (u8, u8) {
        let lo = crate::text::floor_char_boundary(text, at.saturating_sub(LEAD_REACH).max(range.start));
        let hi = crate::text::ceil_char_boundary(text, (at_end + CUE_REACH).min(range.end));
        // "PowerPoint and Excel is a must and FMCG experience is a plus": the plus is not theirs.
        let hi = required_after(at_end, hi).unwrap_or(hi);
        (cues_between(cues, text, lo, at, strip), cues_between(cues, text, at_end, hi, strip))
    };
    // Inside parentheses the parenthesis speaks first, then the clause around the parenthesis
    // ("(AWS or GCP) a plus").
    let (before, after) = around(&inner, start, end, outer.is_none());
    let mut preferred = before & PREF_BEFORE != 0
        || after & PREF_AFTER != 0
        || (outer.is_none() && qualified_by_parenthesis(text, cues, end))
        || ends_in_dash_advantage(text, end);
    // "… will ideally have some experience with Docker, Kubernetes, Terraform, Istio or GitLab
    // CI": in a short clause a preference before the mention reaches all of its list (unless a
    // requirement comes between).
    if !preferred && outer.is_none() && inner.end - inner.start <= CLAUSE_REACH {
        let first = cues.partition_point(|c| c.start < inner.start);
        preferred = cues[first..].iter().take_while(|c| c.end <= start).fold(false, |p, c| {
            if c.bits & REQUIRED != 0 {
                false
            } else {
                // Nor past a parenthesis closed after the cue: tokenised list items run on there
                // ("familiarity with docker ( e.g . docker-compose ) Previous experience of TDD").
                p || c.bits & PREF_BEFORE != 0 && !text[c.end..start].contains(')')
            }
        });
    }
    if let Some(o) = &outer {
        let open = text[o.start..start].rfind('(').map_or(start, |i| o.start + i);
        let close = text[end..o.end].find(')').map_or(end, |i| end + i + 1);
        let (b, a) = around(o, open, close, true);
        preferred |= b & PREF_BEFORE != 0 || a & PREF_AFTER != 0;
    }
    // "IoT, cloud providers (Azure, AWS) or big data would be a plus": a cue that ends the clause
    // speaks for all of it, however long.
    let ends_clause = |r: &std::ops::Range<usize>| {
        let tail_end = text[..r.end].trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | '!')).len();
        // Not a cue inside a parenthesis the mention is outside of ("Go (Rust a bonus)").
        cues.iter().any(|c| {
            c.bits & PREF_AFTER != 0
                && c.end == tail_end
                && c.start > end
                && text[end..c.start].matches('(').count() <= text[end..c.start].matches(')').count()
                && required_after(end, c.start).is_none()
        })
    };
    preferred |= ends_clause(&inner) || outer.as_ref().is_some_and(ends_clause);
    // "together with Data Science, Product, Business and Data Warehouse": a list of teams.
    let teams_before = || {
        let lo = crate::text::floor_char_boundary(text, start.saturating_sub(TEAMS_REACH).max(inner.start));
        cues_between(cues, text, lo, start, false) & WORKS_WITH != 0
    };
    if before & OFFERED != 0 || (concept && teams_before()) {
        return cued(Need::Mentioned);
    }
    // "Familiarity with R, Apache Spark … is a must": a requirement that ends the clause outweighs
    // the mild preference that opened it.
    let must_ends = |r: &std::ops::Range<usize>| {
        let first = cues.partition_point(|c| c.start < end);
        cues[first..].iter().take_while(|c| c.start < r.end).any(|c| {
            c.bits & REQUIRED != 0
                && text[c.end..r.end].trim_matches(|ch: char| ch.is_whitespace() || matches!(ch, '.' | '!')).is_empty()
                && cues_between(cues, text, end, c.start, false) & PREF_AFTER == 0
        })
    };
    if preferred && after & PREF_AFTER == 0 && must_ends(outer.as_ref().unwrap_or(&inner)) {
        return cued(Need::Required);
    }
    if preferred {
        return cued(Need::Preferred);
    }
    // "Candidates must have a strong background … and experience with project management": a
    // requirement that opens the clause speaks for all of it.
    let opens_clause = || {
        let head = crate::text::ceil_char_boundary(text, (inner.start + 40).min(start));
        cues_between(cues, text, inner.start, head, true) & REQUIRED != 0
    };
    if (before | after) & REQUIRED != 0 || opens_clause() {
        return cued(Need::Required);
    }
    read(section)
}

/// Whether the line a mention is on ends in a dash and "advantage" within the cue's reach:
/// "Experience with Big data – advantage" (the bare word, not "competitive advantage", and a
/// dash the phrase walk cannot start a cue at).
fn ends_in_dash_advantage(text: &str, end: usize) -> bool {
    let line_end = memchr::memchr(b'\n', &text.as_bytes()[end..]).map_or(text.len(), |i| end + i);
    let tail = text[end..line_end].trim_end_matches(|c: char| c.is_whitespace() || c == '.');
    if tail.len() > CUE_REACH || tail.len() < 9 || !tail.is_char_boundary(tail.len() - 9) || !tail[tail.len() - 9..].eq_ignore_ascii_case("advantage") {
        return false;
    }
    let head = tail[..tail.len() - 9].trim_end();
    let head = head.strip_suffix("big").or_else(|| head.strip_suffix("an")).map_or(head, str::trim_end);
    head.ends_with(['-', '–', '—']) && head[..head.len() - head.chars().next_back().map_or(0, char::len_utf8)].ends_with(' ')
}

/// Whether the item a mention ends (or the alternatives it is joined to by slashes) is followed by
/// a parenthesis that holds nothing but a preference: "Python & C/C++ (Optionally)", "Docker
/// (a plus)" — the parenthesis qualifies that item, not the list before it.
fn qualified_by_parenthesis(text: &str, cues: &[Cue], end: usize) -> bool {
    let rest = &text[end..crate::text::floor_char_boundary(text, (end + 24).min(text.len()))];
    let Some(open) = rest.find('(') else { return false };
    // Only the rest of the item's word ("/C++") and a space between the mention and the parenthesis.
    if rest[..open].trim_end().contains(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '&')) {
        return false;
    }
    let inside = end + open + 1;
    let Some(close) = text[inside..].find(')').filter(|&c| c <= 30).map(|c| inside + c) else { return false };
    let (lo, hi) = (inside + (text[inside..close].len() - text[inside..close].trim_start().len()), inside + text[inside..close].trim_end().len());
    let first = cues.partition_point(|c| c.start < lo);
    cues[first..].iter().take_while(|c| c.start == lo).any(|c| c.end == hi && c.bits & (PREF_AFTER | PREF_BEFORE) != 0)
}

/// Whether the clause before a mention names a technology stack ("our tech stack:", "a techstack
/// with").
fn names_a_stack(text: &str, start: usize, end: usize) -> bool {
    // Most mentions: no "stack" in the 300 bytes a clause reaches back.
    if !text.as_bytes()[start.saturating_sub(300)..start].windows(5).any(|w| w.eq_ignore_ascii_case(b"stack")) {
        return false;
    }
    let (inner, outer) = clause(text, start, end);
    let from = outer.unwrap_or(inner).start;
    text.as_bytes()[from..start].windows(5).any(|w| w.eq_ignore_ascii_case(b"stack"))
}

/// How far before a mention a company's claim still speaks for it.
const CLAIM_REACH: usize = 300;

/// Whether the mention at `start..end` sits in a sentence where the company presents itself: a
/// claim cue before it in its clause, and no word about the candidate or the job in the clause.
fn company_claim(text: &str, cues: &[Cue], start: usize, end: usize) -> bool {
    let lo = start.saturating_sub(CLAIM_REACH);
    let first = cues.partition_point(|c| c.start < lo);
    // Most mentions: no claim cue before them.
    let Some(claim) = cues[first..].iter().take_while(|c| c.end <= start).filter(|c| c.bits & CLAIM != 0).last() else {
        return false;
    };
    let (inner, outer) = clause(text, start, end);
    let sentence = outer.unwrap_or(inner);
    if claim.start < sentence.start {
        return false;
    }
    !text[sentence].split(|c: char| !c.is_ascii_alphanumeric()).any(|w| CANDIDATE_WORDS.iter().any(|c| c.eq_ignore_ascii_case(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text read as enrichment reads it: cues from the taxonomy's phrase walk.
    fn reader(text: &str) -> NeedReader<'_> {
        NeedReader::new(text, &crate::enrich::keyword_evidence("", text, crate::taxonomy::test_taxonomy()).need_cues)
    }

    /// The need of the first mention of a discipline (which may name a team).
    fn concept_of(text: &str, word: &str) -> Need {
        let start = text.find(word).unwrap_or_else(|| panic!("{word} not in text"));
        reader(text).need(start, start + word.len(), true).need
    }

    fn need_of(text: &str, word: &str) -> Need {
        let start = text.find(word).unwrap_or_else(|| panic!("{word} not in text"));
        reader(text).need(start, start + word.len(), false).need
    }

    #[test]
    fn sentences_lists_and_headings_that_end_lines() {
        // "Java is a plus" is a clause, not a heading: the lines after it stay required.
        let t = "Experience and knowledge in following areas:\nJava is a plus\nGIT or SVN\nIoT Cloud & Cloud Provider ( Azure AWS Google Cloud etc. ) or BigData would be a plus\n";
        assert_eq!((need_of(t, "Java"), need_of(t, "GIT")), (Need::Preferred, Need::Required));
        // A cue ending the clause speaks for all of it, past "etc." and however far.
        assert_eq!((need_of(t, "IoT"), need_of(t, "AWS")), (Need::Preferred, Need::Preferred));
        // A heading at the end of a line starts its section there, not before.
        let t = "Basic Qualifications:\nAt least 1 year with a public cloud ( AWS Azure ) Preferred Qualifications:\n3+ years of experience with Terraform\n";
        assert_eq!((need_of(t, "AWS"), need_of(t, "Terraform")), (Need::Required, Need::Preferred));
        // An untitled equal-opportunity statement ends the list before it.
        let t = "Desired skills:\nExperience with Agile\nAcme is an Equal Employment Opportunity Employer .\nServes as SME on Python projects .\n";
        assert_eq!((need_of(t, "Agile"), need_of(t, "Python")), (Need::Preferred, Need::Required));
        // A short line ending in a colon names what follows by any heading phrase in it.
        let t = "What we need:\n- Spring Boot\nWe'd get really excited if you had experience with:\nPostgreSQL\nTerraform\n";
        assert_eq!((need_of(t, "Spring"), need_of(t, "PostgreSQL"), need_of(t, "Terraform")), (Need::Required, Need::Preferred, Need::Preferred));
        // A parenthesis that tokenised text broke over two lines at "e.g .".
        let t = "Requirements:\n* Familiarity with databases ( e.g .\nMySQL MongoDB) web servers\n* Java ( e.g .\nSpring )\n";
        assert_eq!((need_of(t, "MySQL"), need_of(t, "Java")), (Need::Preferred, Need::Required));
        // "in close cooperation with product management": a team the job works with.
        let t = "You will develop in close cooperation with product management and technical sales.";
        let start = t.find("product management").unwrap();
        assert_eq!(reader(t).need(start, start + 18, true).need, Need::Mentioned);
    }

    #[test]
    fn headings_split_the_text_into_sections() {
        let text = "About Us\nAcme builds robots with AWS.\n\nWhat you'll do:\n- Train models in PyTorch\n\nRequirements\n- 3+ years of Python\n\nNice to have\n- Spark\n\nBenefits\n- Free Coursera courses\n";
        let kinds: Vec<SectionKind> = sections(text).iter().map(|s| s.kind).collect();
        assert_eq!(kinds, [SectionKind::Company, SectionKind::Role, SectionKind::Required, SectionKind::Preferred, SectionKind::Benefits]);
        assert_eq!(need_of(text, "AWS"), Need::Mentioned);
        assert_eq!(need_of(text, "PyTorch"), Need::Required);
        assert_eq!(need_of(text, "Python"), Need::Required);
        assert_eq!(need_of(text, "Spark"), Need::Preferred);
        assert_eq!(need_of(text, "Coursera"), Need::Mentioned);
    }

    #[test]
    fn clause_cues_win_over_the_section() {
        let text = "Requirements:\n- Python and SQL; Spark is a plus\n- Familiarity with Airflow\n- Experience with Go (Rust a bonus)\nPreferred qualifications:\n- Must know Docker\n- Kubernetes preferred\n";
        assert_eq!(need_of(text, "Python"), Need::Required);
        assert_eq!(need_of(text, "Spark"), Need::Preferred);
        assert_eq!(need_of(text, "Airflow"), Need::Preferred);
        assert_eq!(need_of(text, "Go "), Need::Required, "the parenthesis qualifies only what is in it");
        assert_eq!(need_of(text, "Rust"), Need::Preferred);
        assert_eq!(need_of(text, "Docker"), Need::Required);
        assert_eq!(need_of(text, "Kubernetes"), Need::Preferred);
    }

    /// Classes met on the second and third held-out sets (2026-12-02).
    #[test]
    fn lead_ins_without_colons_and_long_preference_clauses() {
        // A heading run into its first item by a bullet; one ending in "with"; a heading word
        // run into its first item.
        let t = "Required Qualifications • BS in CS\n• Experience with NLP\nNice to Have • Able to design metrics\n• Experience with Hadoop Spark\n";
        assert_eq!((need_of(t, "NLP"), need_of(t, "Hadoop")), (Need::Required, Need::Preferred));
        let t = "The skills we're looking for are\nReact & Redux\nBonus points for experience with\nPair programming\nNode.js\n";
        assert_eq!((need_of(t, "React"), need_of(t, "Node.js")), (Need::Required, Need::Preferred));
        let t = "Experience building REST API applications .\nAdvantageous GIS experience .\nExperience with AWS DevOps .\n";
        assert_eq!((need_of(t, "REST"), need_of(t, "AWS")), (Need::Required, Need::Preferred));
        // "Package management" is a skill, not the compensation package.
        let t = "Requirements\n3+ years of JavaScript\nPackage management\nWebpack React\n";
        assert_eq!(need_of(t, "React"), Need::Required);
        // A sentence ending in a preference and a colon makes the list after it preferred.
        let t = "What you need\nJava\nExperience with a tool in each of the following domains is advantageous:\nLog analysis: e.g. Splunk\n";
        assert_eq!((need_of(t, "Java"), need_of(t, "Splunk")), (Need::Required, Need::Preferred));
        // A preference early in a short clause reaches all of its list, not past a parenthesis
        // closed after it.
        let t = "You will ideally have some experience with Docker Kubernetes Terraform Istio or GitLab CI .\n";
        assert_eq!(need_of(t, "GitLab CI"), Need::Preferred);
        let t = "Experience and familiarity with the docker ecosystem ( e.g . docker-compose ) Previous experience of TDD using JUnit\n";
        assert_eq!(need_of(t, "TDD"), Need::Required);
        // A requirement opening the clause holds for all of it; a must stops a later plus.
        let t = "Candidates must have a strong academic background documented grant writing and experience with project management .\n";
        assert_eq!(need_of(t, "project management"), Need::Required);
        let t = "An excellent command of PowerPoint Excel and English is a must and FMCG experience is a plus .\n";
        assert_eq!(need_of(t, "Excel"), Need::Required);
        // ". NET" (tokenised ".NET") does not end the clause its plus ends.
        let t = "Experience with HTML5 Typescript JavaScript . NET & Java are strong plus\n";
        assert_eq!(need_of(t, "JavaScript"), Need::Preferred);
        // "familiar with" in a list asks; "familiarity with" welcomes.
        let t = "Requirements:\nYou should be familiar with Swift and Cocoa .\nFamiliarity with Kotlin\n";
        assert_eq!((need_of(t, "Swift"), need_of(t, "Kotlin")), (Need::Required, Need::Preferred));
        // "Technologies like AWS" is prose, not a tag list.
        let text = format!(
            "{} have experience in modern Cloud Technologies like AWS Azure . . . are interested and ideally gained first experience with Docker . . .",
            "x ".repeat(160)
        );
        assert_eq!(need_of(&text, "Docker"), Need::Preferred);
    }

    /// Classes met on the fifth and sixth held-out sets (2026-12-02): run-together texts whose
    /// headings lost their colons and line breaks, and the company's claims mid-text.
    #[test]
    fn layouts_of_real_postings() {
        // A heading in emphasis marks is a heading, not a bullet item.
        let t = "*Minimum Qualifications**\nBS with 0-1 years of SQL\n*Preferred Qualifications**\n+ Experience with Kubernetes\n";
        assert_eq!((need_of(t, "SQL"), need_of(t, "Kubernetes")), (Need::Required, Need::Preferred));
        // "Who are we?" opens the company's text; "Who are we looking for?" the requirements.
        let t = "Who are we?\nAcme runs data centers and public cloud platforms.\nWho are we looking for?\nSomeone fluent in Terraform.\n";
        assert_eq!((need_of(t, "public cloud"), need_of(t, "Terraform")), (Need::Mentioned, Need::Required));
        // An eligibility heading ends a preferred list.
        let t = "Preferred Skills\nExperience with Hive is an added advantage.\nELIGIBILITY CRITERIA\nBE in Computer Science with experience in Predictive Analytics\n";
        assert_eq!((need_of(t, "Hive"), need_of(t, "Predictive Analytics")), (Need::Preferred, Need::Required));
        // "Advantages:" and items ending in "– advantage"; "big advantage" is one already.
        let t = "Qualifications\nStrong Python\nAdvantages:\nExperience with Spark – big advantage\n";
        assert_eq!((need_of(t, "Python"), need_of(t, "Spark")), (Need::Required, Need::Preferred));
        let t = "Requirements\nExperience with Kafka – advantage\nExperience with Go\n";
        assert_eq!((need_of(t, "Kafka"), need_of(t, "Go")), (Need::Preferred, Need::Required));
        // A parenthesis holding only a preference qualifies the item right before it.
        let t = "Requirements\nFast prototyping in Python & C/C++ (Optionally) and Docker (a plus)\n";
        assert_eq!(
            (need_of(t, "Python"), need_of(t, "C/"), need_of(t, "C++"), need_of(t, "Docker")),
            (Need::Required, Need::Preferred, Need::Preferred, Need::Preferred)
        );
        // "Big plus:" run into its item.
        let t = "You have:\nProficiency in Scala\nBig plus: Experience with GCP\n";
        assert_eq!((need_of(t, "Scala"), need_of(t, "GCP")), (Need::Required, Need::Preferred));
        // "Preferable" in a lead-in.
        let t = "Education:\nStream (Preferable): Mathematics or similar field\n";
        assert_eq!(need_of(t, "Mathematics"), Need::Preferred);
        // A requirement ending the clause outweighs "familiarity with" opening it.
        let t = "Skills Required:\nFamiliarity with R, Apache Spark and other scientific modules is a must.\nFamiliarity with Airflow.\n";
        assert_eq!((need_of(t, "Spark"), need_of(t, "Airflow")), (Need::Required, Need::Preferred));
        // "Experience and interest in" asks experience; "interest in" alone welcomes.
        let t = "Qualifications:\nExperience and interest in Big Data technologies (Hadoop / NoSQL)\nAn interest in Rust\n";
        assert_eq!((need_of(t, "Hadoop"), need_of(t, "Rust")), (Need::Required, Need::Preferred));
        // "Acme, Inc. is a … company": the abbreviation does not end the company's first sentence.
        let t = "Acme, Inc. is a high growth information security company. We protect banks.\n\nResponsibilities:\nBuild models in Python\n";
        assert_eq!(concept_of(t, "information security"), Need::Mentioned);
        // "You should have … knowledge in" states a requirement even in untitled text.
        let t = "We are looking for a scientist. You should have depth of knowledge in text mining and Rust.\nPreferred Qualifications\nRust\n";
        let at = t.find("Rust").unwrap();
        assert!(reader(t).need(at, at + 4, false).stated);
        // Teams the job partners with.
        let t = "You'll...\nbuild strong partnership with Data Science to understand tools;\nwrite ETLs in SQL;\n";
        assert_eq!((concept_of(t, "Data Science"), need_of(t, "SQL")), (Need::Mentioned, Need::Required));
        // The work a responsibilities heading lists is stated, as much as a requirements list:
        // a preference stated elsewhere for the same skill does not outweigh it.
        let t = "Kafka runs our pipelines.\nResponsibilities\nDevelop deep learning models\n";
        let (r, d) = (reader(t), t.find("deep learning").unwrap());
        let k = t.find("Kafka").unwrap();
        assert!(r.need(d, d + 13, true).stated && !r.need(k, k + 5, false).stated);
    }

    #[test]
    fn run_together_lists_lead_ins_and_company_claims() {
        let pad = "Build next generation web applications focusing on the customer side and take responsibility for your code ".repeat(3);
        // A preference lead-in inside a long line: its list is preferred, up to the next lead-in.
        let t = format!(
            "{pad}Your qualifications: Very good knowledge of JavaScript Speaks English We are impressed if you have: Worked in a startup Knowledge of Angular Vue As a person you are: Responsible and curious about SQL\n"
        );
        assert_eq!((need_of(&t, "JavaScript"), need_of(&t, "Angular"), need_of(&t, "SQL")), (Need::Required, Need::Preferred, Need::Required));
        // … and in a shorter line, for the rest of it.
        let t = "• experience with databases both relational and NoSQL In addition it would be good if you also have experiences in : • web development using e.g React\n";
        assert_eq!((need_of(t, "NoSQL"), need_of(t, "React")), (Need::Required, Need::Preferred));
        // Headings run into their first item without a colon: the company's text ends there.
        let t = format!(
            "About us: We are an innovative Fintech company with offices in Berlin . {pad}Tasks Leading developer role in an agile Scrum team Requirements Completed studies in Computer Science Profound experience in PHP\n"
        );
        assert_eq!((need_of(&t, "PHP"), need_of(&t, "Scrum")), (Need::Required, Need::Required));
        let t = format!("{pad}Fluent in English and Python Good to have Experience in shell scripting Knowledge of GIT WHAT WE OFFER A team using Jira\n");
        assert_eq!((need_of(&t, "Python"), need_of(&t, "GIT"), need_of(&t, "Jira")), (Need::Required, Need::Preferred, Need::Mentioned));
        // In a run-together list an item opener ends the item before it: a plus after it is not
        // the earlier item's.
        let t = format!("{pad}Ability and desire to write unit tests Experience with IoT video streaming Bluetooth is a plus\n");
        assert_eq!((need_of(&t, "unit tests"), need_of(&t, "IoT")), (Need::Required, Need::Preferred));
        // A list of which one is asked "or you are eager to" learn ends at the next item that
        // speaks to the candidate.
        let t = format!(
            "{pad}You are experienced in one of these areas or you are eager to gain that knowledge: Digital Signal Processing or Control Systems You have experience with scripting languages such as Bash\n"
        );
        assert_eq!((need_of(&t, "Digital Signal Processing"), need_of(&t, "Bash")), (Need::Preferred, Need::Required));
        // The tools of the team's stack listed among the perks are the job's tools.
        let t = "Job benefits:\nFree fruit\nWork with our modern tech-stack across various layers such as: Rust Go Kubernetes\nA gym membership\n";
        assert_eq!(need_of(t, "Rust"), Need::Required);
        // A discipline in a sentence where the company presents itself is the company's field;
        // the same words addressed to the candidate are asked.
        let t =
            "Job description\nWe are building a world-class Big Data platform which will give us power to enable machine learning and advanced analytics .\n";
        assert_eq!(concept_of(t, "machine learning"), Need::Mentioned);
        let t = "Job description\nWe are building a world-class team where you will bring machine learning to our product .\n";
        assert_eq!(concept_of(t, "machine learning"), Need::Required);
    }

    proptest::proptest! {
        /// Run-together lines of heading words, lead-ins, capitals, colons, parentheses and
        /// multi-byte letters: reading sections and every word's need never panics and the
        /// sections cover the text in order.
        #[test]
        fn run_together_text_never_panics(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "Requirements", "Tasks", "Your Skills", "Ideally", "Experience", "YOUR PROFILE", "WHAT WE OFFER", "AWS GCP",
                "We are impressed if you have:", "or you are eager to gain that knowledge:", "Nice if you", ":", " : ", "(", ")",
                "e.g .", "Python", "machine learning", "tech-stack", "We are building a world-class", "is a plus", "You enjoy",
                "é", "☞ü", "Zürich", "\n", "•", " - ", "Desirable experience and skills", "Good to have", "Well-versed",
            ]), 1..120),
            filler in "[a-zA-Zé ]{0,40}",
        ) {
            let text = parts.iter().map(|p| format!("{p} {filler}")).collect::<String>();
            let r = reader(&text);
            let mut end = 0;
            for sec in &r.sections {
                proptest::prop_assert_eq!(sec.start, end);
                end = sec.end;
            }
            proptest::prop_assert_eq!(end, text.len());
            for (at, w) in text.match_indices(|c: char| c.is_alphabetic()) {
                let _ = r.need(at, at + w.len(), at % 2 == 0);
            }
        }
    }

    #[test]
    fn an_untitled_company_blurb_is_not_the_job() {
        let text = "At Acme AI we build the leading LLM copilot for lawyers.\n\nWe are hiring an engineer to build RAG pipelines in Python.\n";
        assert_eq!(need_of(text, "LLM"), Need::Mentioned);
        assert_eq!(need_of(text, "RAG"), Need::Required);
        let plain = "You will build RAG pipelines in Python. Experience with LLMs is a plus.";
        assert_eq!(need_of(plain, "RAG"), Need::Required);
        assert_eq!(need_of(plain, "LLMs"), Need::Preferred);
    }

    #[test]
    fn inline_lead_ins_and_stops_that_are_not_sentence_ends() {
        let text = "Bonus points: TensorFlow, JAX\nMust have: Node.js and TypeScript\n";
        assert_eq!(need_of(text, "JAX"), Need::Preferred);
        assert_eq!(need_of(text, "TypeScript"), Need::Required);
        assert_eq!(sections("").len(), 1);
    }

    #[test]
    fn run_together_text_has_its_sections_found_inline() {
        let text = format!(
            "{} Industry: Artificial Intelligence Company size: 51-200 people Technologies java python Job description Requirements: \
             Strong Java and SQL. Nice to have: Kubernetes. Job benefits: free Coursera courses Company description: Acme builds \
             robots with ROS.",
            "Backend Engineer at Acme ".repeat(12)
        );
        let kinds: Vec<SectionKind> = sections(&text).iter().map(|s| s.kind).collect();
        assert!(kinds.contains(&SectionKind::Tags) && kinds.contains(&SectionKind::Benefits), "{kinds:?}");
        assert_eq!(need_of(&text, "Artificial Intelligence"), Need::Mentioned, "the industry field");
        assert_eq!(need_of(&text, "SQL"), Need::Required);
        assert_eq!(need_of(&text, "Kubernetes"), Need::Preferred);
        assert_eq!(need_of(&text, "Coursera"), Need::Mentioned);
        assert_eq!(need_of(&text, "ROS"), Need::Mentioned);
        let at = text.find("python").unwrap();
        assert!(reader(&text).need(at, at + 6, false).weak, "a tag is weak evidence");
    }

    #[test]
    fn teams_worked_with_and_training_offered_are_not_asked() {
        let text = "You will work closely together with Data Science, Product and Data Warehouse teams.\nWe offer training in project management.\nYou build pipelines with Spark.\n";
        let at = text.find("Data Warehouse").unwrap();
        assert_eq!(reader(text).need(at, at + 14, true).need, Need::Mentioned);
        assert_eq!(reader(text).need(at, at + 14, false).need, Need::Required, "a tool named there is still used");
        assert_eq!(need_of(text, "project management"), Need::Mentioned);
        assert_eq!(need_of(text, "Spark"), Need::Required);
    }
}
