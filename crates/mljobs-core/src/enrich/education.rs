//! Education a posting asks for: the degrees named ("BS/MS", "PhD") and the fields of study of a
//! degree requirement ("a degree in Physics, Mathematics or a related field"). A subject named as
//! the field of a degree is education, not a skill the job asks for: "Physics" in "BS/MS in
//! Physics, Mathematics…" says what the candidate studied, while "statistics" in "strong knowledge
//! of statistics" is a skill.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::enrich::skills::{Field, Mention};
use crate::taxonomy::Taxonomy;

/// Skills that are also fields of study (ids; those missing from a taxonomy are ignored).
const SUBJECTS: [&str; 12] = [
    "physics",
    "mathematics",
    "statistics",
    "computer-science",
    "economics",
    "operations-research",
    "electrical-engineering",
    "data-science",
    "biology",
    "chemistry",
    "neuroscience",
    "linguistics",
];

/// What a posting asks of education.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Education {
    /// Degrees named in degree requirements, lowest first: `bachelor`, `master`, `phd`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub degrees: Vec<String>,
    /// Fields of study of those requirements (skill ids: `physics`, `mathematics`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

impl Education {
    /// Nothing found.
    pub fn is_empty(&self) -> bool {
        self.degrees.is_empty() && self.fields.is_empty()
    }
}

// ASCII word boundaries: the lazy DFA stays usable on non-ASCII text.
static DEGREE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:(bachelor'?s?|b\.?sc?\.?|b\.?a\.?|b\.?eng|b\.?tech|bs|ba|undergraduate)|(master'?s?|m\.?sc?\.?|m\.?eng|m\.?tech|ms|msc|mba|graduate degree)|(ph\.?\s?d\.?|doctorate|doctoral))(?-u:\b)|(?-u:\b)(degree|diploma|major(?:ing|ed)?|studies|studied)(?-u:\b)",
    )
    .unwrap()
});

/// The clause a mention sits in, back to the last line break, semicolon or sentence end, at most
/// 160 bytes.
fn clause_before(text: &str, start: usize) -> &str {
    let lo = crate::text::floor_char_boundary(text, start.saturating_sub(160));
    let window = &text[lo..start];
    // A sentence ends at ". " after a lower-case word, not after "M.Sc" or "Ph.D".
    let b = window.as_bytes();
    let sentence = window.match_indices(". ").map(|(i, _)| i).filter(|&i| i >= 3 && b[i - 3..i].iter().all(u8::is_ascii_lowercase)).last();
    let clause_end = window.rfind(['\n', ';', '•']).map(|i| i + window[i..].chars().next().map_or(1, char::len_utf8));
    let cut = clause_end.max(sentence.map(|i| i + 2)).unwrap_or(0);
    &window[cut..]
}

/// Whether a mention at `start..end` of the description is the field of a degree requirement: a
/// degree word earlier in its clause ("BS/MS in Physics", "degree in Computer Science, Physics"),
/// or "degree" right after it ("a Physics degree").
fn in_degree_clause(text: &str, start: usize, end: usize) -> bool {
    if DEGREE.is_match(clause_before(text, start)) {
        return true;
    }
    let hi = crate::text::ceil_char_boundary(text, (end + 60).min(text.len()));
    DEGREE_AFTER.is_match(&text[end..hi])
}

/// "… degree" after a subject, with up to three list words between ("Physics or Mathematics degree").
static DEGREE_AFTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:\s*(?:,|/|or|and|&)?\s*[a-z][a-z-]*){0,3}?\s*[ -](?:degree|major)(?-u:\b)").unwrap());

/// Takes the mentions of subjects that are fields of a degree requirement out of `raw` (skill
/// mentions as [`crate::enrich::skills::extract_skills`] finds them) and returns the education
/// the description asks for. A subject also mentioned outside a degree clause stays a skill (with
/// those mentions only).
pub fn extract(description: &str, degrees_named: u8, taxonomy: &Taxonomy, raw: &mut Vec<(usize, Mention)>) -> Education {
    let mut fields: Vec<String> = Vec::new();
    raw.retain(|(skill, m)| {
        let s = &taxonomy.skills[*skill];
        if m.field != Field::Description || !SUBJECTS.contains(&&*s.id) || !in_degree_clause(description, m.start, m.end) {
            return true;
        }
        if !fields.iter().any(|f| **f == *s.id) {
            fields.push(s.id.to_string());
        }
        false
    });
    // A degree word alone ("BS") in text that names no degree requirement is still a degree asked.
    let degrees = LEVELS.iter().enumerate().filter(|(i, _)| degrees_named >> i & 1 == 1).map(|(_, l)| l.to_string()).collect();
    Education { degrees, fields }
}

/// Degree levels, lowest first.
pub const LEVELS: [&str; 3] = ["bachelor", "master", "phd"];

/// The spellings of each of [`LEVELS`] (lower case, matched case-insensitively as whole words by
/// the keyword pass, [`crate::enrich::keyword_evidence`]): the same forms as [`DEGREE`]'s
/// first three groups, written out ("B.Sc.", "BSc", "MS", "Ph. D").
pub(crate) fn degree_spellings() -> [Vec<String>; 3] {
    // "b" + optional "." + "s" + optional "c" + optional ".".
    let dotted = |a: &str, b: &str| -> Vec<String> {
        let mut out = Vec::new();
        for dot in ["", "."] {
            for end in ["", "."] {
                out.push(format!("{a}{dot}{b}{end}"));
            }
        }
        out
    };
    let mut bachelor: Vec<String> = ["bachelor", "bachelors", "bachelor's", "undergraduate"].map(String::from).into();
    let mut master: Vec<String> = ["master", "masters", "master's", "mba", "graduate degree"].map(String::from).into();
    for (level, letter) in [(&mut bachelor, "b"), (&mut master, "m")] {
        level.extend(dotted(letter, "s"));
        level.extend(dotted(letter, "sc"));
        for tail in ["eng", "tech"] {
            level.extend([format!("{letter}{tail}"), format!("{letter}.{tail}")]);
        }
    }
    bachelor.extend(dotted("b", "a"));
    let mut phd: Vec<String> = ["doctorate", "doctoral"].map(String::from).into();
    for dot in ["", "."] {
        for space in ["", " "] {
            for end in ["", "."] {
                phd.push(format!("ph{dot}{space}d{end}"));
            }
        }
    }
    [bachelor, master, phd]
}

#[cfg(test)]
mod tests {
    use crate::{JobPosting, enrich};

    fn enriched(description: &str) -> crate::Enrichment {
        let raw = crate::RawPosting { source: "t".into(), title: Some("Data Scientist".into()), description: Some(description.into()), ..Default::default() };
        let p = JobPosting::from_raw(raw, chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap()).unwrap();
        enrich(&p, crate::taxonomy::test_taxonomy())
    }

    fn skills(e: &crate::Enrichment) -> Vec<&str> {
        e.skills.iter().map(|s| &*s.id).collect()
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_text(text in "([•–é;. \n]{0,3}(BS|M\\.Sc\\.|degree|in|or|Physics|Mathematics|Python|ü){0,2}){0,30}") {
            let _ = enriched(&format!("Role. {text}"));
        }
    }

    proptest::proptest! {
        /// The keyword pass names the same degree levels as the degree pattern that
        /// [`super::in_degree_clause`] uses, on text made of degree spellings and their
        /// neighbours. (Words glued together without a separator, "M.S.PhD", differ: the pattern
        /// reads "M.S." there, the keyword pass reads no whole word.)
        #[test]
        fn the_keyword_pass_finds_the_degrees_the_pattern_finds(pieces in proptest::collection::vec((proptest::sample::select(vec![
            "BS", "B.S.", "B.S", "BSc", "B.Sc.", "BA", "B.A.", "B.Eng", "BTech", "M.Tech", "MEng", "MS", "M.S.", "MSc", "M.Sc", "MBA", "PhD", "Ph.D.", "Ph. D", "Ph D.",
            "Doctorate", "doctoral", "Bachelor's", "bachelors", "Masters", "master's", "Undergraduate", "graduate degree", "degree", "mastery", "BSD", "msft",
            "bass", "phdx", "in", "or", "Physics", "2",
        ]), proptest::sample::select(vec![" ", ", ", "/", " (", ") ", ". ", "\n", "-", "; "])), 0..24)) {
            let text: String = pieces.iter().map(|(w, sep)| format!("{w}{sep}")).collect();
            let taxonomy = crate::taxonomy::test_taxonomy();
            let by_pass = super::extract(&text, crate::enrich::keyword_evidence("", &text, taxonomy).degrees, taxonomy, &mut Vec::new()).degrees;
            let mut by_pattern: Vec<String> = Vec::new();
            for c in super::DEGREE.captures_iter(&text) {
                if let Some(level) = (1..=3).find(|&g| c.get(g).is_some()) {
                    let l = super::LEVELS[level - 1].to_string();
                    if !by_pattern.contains(&l) {
                        by_pattern.push(l);
                    }
                }
            }
            by_pattern.sort_by_key(|l| super::LEVELS.iter().position(|x| x == l));
            proptest::prop_assert_eq!(by_pass, by_pattern, "{:?}", text);
        }
    }

    #[test]
    fn subjects_of_a_degree_are_education_not_skills() {
        for text in [
            "Requirements: BS/MS in Physics, Mathematics or a related field. Python and SQL.",
            "- Bachelor's degree in Computer Science, Physics, Mathematics, or equivalent\n- Python, SQL",
            "A PhD in Statistics or Physics is a plus. You know Python and SQL.",
            "You hold a Physics or Mathematics degree and write Python and SQL.",
            "Education: M.Sc. in Physics; experience with Python and SQL",
        ] {
            let e = enriched(text);
            let found = skills(&e);
            assert!(!found.contains(&"physics") && !found.contains(&"mathematics"), "{text}: {found:?}");
            assert!(found.contains(&"python") && found.contains(&"sql"), "{text}: {found:?}");
            assert!(e.education.fields.contains(&"physics".to_string()), "{text}: {:?}", e.education);
            assert_eq!(e.education.degrees.is_empty(), text.contains("Physics or Mathematics degree"), "{text}: a level only where one is named");
        }
        let e = enriched("Requirements: MS or PhD in Computer Science. Strong knowledge of statistics and probability; Python.");
        assert!(skills(&e).contains(&"statistics"), "statistics as knowledge is a skill: {:?}", skills(&e));
        assert_eq!(e.education.degrees, ["master", "phd"]);
        assert_eq!(e.education.fields, ["computer-science"]);
        let e = enriched("We apply statistics and physics-informed models to weather data. Python.");
        assert!(skills(&e).contains(&"statistics"));
        assert!(e.education.is_empty(), "{:?}", e.education);
    }
}
