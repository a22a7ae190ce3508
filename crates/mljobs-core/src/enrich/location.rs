//! Location and work mode: city, region and ISO-3166 country from structured fields and location
//! strings ("San Francisco, CA", "Remote (US)", "Brazil - Remote", "US-CA-Mountain View",
//! "München"), and onsite / hybrid / remote from fields, location strings, title and description.

use serde::{Deserialize, Serialize};

use crate::taxonomy::{PlaceRef, Taxonomy};

/// A resolved location. Every part may be unknown; nothing is guessed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// City name (canonical spelling when known).
    pub city: Option<String>,
    /// Region code (state, province).
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
}

impl Location {
    fn is_empty(&self) -> bool {
        self.city.is_none() && self.region.is_none() && self.country.is_none()
    }
}

/// Work mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkMode {
    /// On site.
    Onsite,
    /// Part office, part remote.
    Hybrid,
    /// Fully remote.
    Remote,
}

impl WorkMode {
    /// Stable id.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkMode::Onsite => "onsite",
            WorkMode::Hybrid => "hybrid",
            WorkMode::Remote => "remote",
        }
    }

    /// Reads a structured value (Lever `workplaceType`, Ashby, schema.org `TELECOMMUTE`, CSV).
    pub fn parse(s: &str) -> Option<WorkMode> {
        let s = s.trim().to_ascii_lowercase().replace(['_', '-'], " ");
        match s.as_str() {
            "remote" | "telecommute" | "fully remote" | "remote first" | "work from home" | "wfh" | "100" | "true" | "yes" | "anywhere" => {
                Some(WorkMode::Remote)
            }
            "hybrid" | "flexible" | "50" | "partially remote" | "remote friendly" => Some(WorkMode::Hybrid),
            "onsite" | "on site" | "in office" | "office" | "in person" | "0" | "false" | "no" | "on premise" => Some(WorkMode::Onsite),
            _ => None,
        }
    }
}

/// Key used to look places up: lower case, dots and surplus spaces removed.
pub fn place_key(s: &str) -> String {
    let lower = s.trim().to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for ch in lower.chars() {
        if ch == '.' {
            continue;
        }
        if ch.is_whitespace() {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(ch);
        }
    }
    out.trim_end().to_string()
}

const MODE_WORDS: [(&str, WorkMode); 14] = [
    ("remote", WorkMode::Remote),
    ("fully remote", WorkMode::Remote),
    ("100% remote", WorkMode::Remote),
    ("remote first", WorkMode::Remote),
    ("anywhere", WorkMode::Remote),
    ("work from home", WorkMode::Remote),
    ("wfh", WorkMode::Remote),
    ("telecommute", WorkMode::Remote),
    ("hybrid", WorkMode::Hybrid),
    ("hybrid remote", WorkMode::Hybrid),
    ("remote friendly", WorkMode::Hybrid),
    ("on site", WorkMode::Onsite),
    ("onsite", WorkMode::Onsite),
    ("in office", WorkMode::Onsite),
];

/// Reads one location string into a location and the work mode it names, if any.
pub fn parse_location(s: &str, taxonomy: &Taxonomy) -> (Location, Option<WorkMode>) {
    let mut loc = Location::default();
    let mut mode = None;
    // Split on the separators location strings use; keep a hyphen inside a name ("Tel Aviv-Yafo")
    // by splitting on " - " first and only then on bare hyphens of Workday-style codes.
    let normalised = s.replace(['(', ')', '|', ';', '/', '·', '•'], ",").replace(" - ", ",").replace(" – ", ",").replace(['–', '—'], ",");
    let mut parts: Vec<String> = Vec::new();
    for part in normalised.split(',') {
        let p = part.trim();
        if p.is_empty() {
            continue;
        }
        // "US-CA-Mountain View" (Workday) → US, CA, Mountain View.
        if p.len() > 3 && p.as_bytes()[2] == b'-' && p[..2].bytes().all(|b| b.is_ascii_uppercase()) {
            parts.extend(p.split('-').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()));
        } else {
            parts.push(p.to_string());
        }
    }
    let mut pending_codes: Vec<String> = Vec::new();
    let mut skip_next = false;
    for (i, part) in parts.iter().enumerate() {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        let key = place_key(part);
        let key_no_mode = strip_mode_words(&key, &mut mode);
        if key_no_mode.is_empty() {
            continue;
        }
        // A US place or county followed by its state's code ("Costa Mesa, CA", "San Diego
        // County, CA", "Paris, TX", "Carmel, IN 46032"): the code is the state, not a country —
        // unless the place is a listed city of the country the code names ("Waterloo, CA").
        if let Some(state) = parts.get(i + 1).and_then(|next| us_state_code(next, taxonomy))
            && taxonomy.us_places.has(&key_no_mode, state)
            && loc.country.as_deref().is_none_or(|c| c == "US")
            && listed_city_name(&key_no_mode, state, taxonomy).is_none()
        {
            let county = ["county", "parish", "borough"].iter().any(|w| key_no_mode.ends_with(&format!(" {w}")));
            if !county && loc.city.is_none() {
                loc.city = Some(listed_city_name(&key_no_mode, "US", taxonomy).unwrap_or_else(|| strip_mode_words_display(part)));
            }
            loc.region.get_or_insert_with(|| state.to_string());
            loc.country = Some("US".into());
            skip_next = true;
            continue;
        }
        // "CA 94105": a state code with a ZIP code is a US state wherever it stands.
        if let Some(state) = us_state_with_zip(part, taxonomy)
            && loc.country.as_deref().is_none_or(|c| c == "US")
        {
            loc.region.get_or_insert_with(|| state.to_string());
            loc.country = Some("US".into());
            continue;
        }
        let Some(refs) = taxonomy.compiled.places.get(&key_no_mode) else {
            continue;
        };
        // A two-letter upper-case code after a city is a region of the city's country ("Austin, TX",
        // "Toronto, ON"); standing alone it is a country ("Remote (US)").
        let is_short_code = part.trim().len() <= 3 && part.trim().chars().all(|c| c.is_ascii_uppercase());
        if is_short_code && refs.len() > 1 {
            pending_codes.push(part.trim().to_string());
            continue;
        }
        apply(&mut loc, refs, is_short_code, taxonomy);
    }
    for code in pending_codes {
        let refs = &taxonomy.compiled.places[&place_key(&code)];
        apply(&mut loc, refs, true, taxonomy);
    }
    (loc, mode)
}

/// The US state a location part names by its two-letter code, alone ("CA") or with a ZIP code
/// ("CA 92626", "CA 92626-1234").
fn us_state_code<'t>(part: &str, taxonomy: &'t Taxonomy) -> Option<&'t str> {
    let code = part.trim().split(' ').next()?;
    let rest = part.trim()[code.len()..].trim();
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) || !(rest.is_empty() || is_zip(rest)) {
        return None;
    }
    taxonomy.us_places.state(code)
}

/// The state of a part that is a state code followed by a ZIP code (only a US address has both).
fn us_state_with_zip<'t>(part: &str, taxonomy: &'t Taxonomy) -> Option<&'t str> {
    let (_, zip) = part.trim().split_once(' ')?;
    if is_zip(zip.trim()) { us_state_code(part, taxonomy) } else { None }
}

/// A US ZIP code: five digits, optionally -four more.
fn is_zip(s: &str) -> bool {
    let (five, four) = s.split_once('-').unwrap_or((s, ""));
    five.len() == 5 && five.bytes().all(|b| b.is_ascii_digit()) && (four.is_empty() || (four.len() == 4 && four.bytes().all(|b| b.is_ascii_digit())))
}

/// The display name of the listed city with this key in this country.
fn listed_city_name(key: &str, country: &str, taxonomy: &Taxonomy) -> Option<String> {
    taxonomy.compiled.places.get(key)?.iter().find_map(|r| match *r {
        PlaceRef::City(i) if taxonomy.cities[i].country == country => city_location(&taxonomy.cities[i]).city,
        _ => None,
    })
}

/// A place as written, for a city the taxonomy does not list: trimmed, single spaces, without
/// the work-mode words around it ("Remote - Costa Mesa" is Costa Mesa).
fn strip_mode_words_display(part: &str) -> String {
    let words: Vec<&str> = part.split_whitespace().collect();
    let is_mode = |w: &str| MODE_WORDS.iter().any(|(m, _)| m.eq_ignore_ascii_case(w));
    let start = words.iter().position(|w| !is_mode(w)).unwrap_or(words.len());
    let end = words.iter().rposition(|w| !is_mode(w)).map_or(start, |e| e + 1);
    words[start..end.max(start)].join(" ")
}

fn strip_mode_words(key: &str, mode: &mut Option<WorkMode>) -> String {
    let mut rest = key.replace('-', " ");
    for (word, m) in MODE_WORDS.iter().rev() {
        let at_start = rest.strip_prefix(word).is_some_and(|r| r.is_empty() || r.starts_with(' '));
        let at_end = rest.strip_suffix(word).is_some_and(|r| r.ends_with(' '));
        if at_start || at_end {
            if mode.is_none() || *m == WorkMode::Hybrid {
                *mode = Some(*m);
            }
            rest = if at_start { rest[word.len()..].trim().to_string() } else { rest[..rest.len() - word.len()].trim().to_string() };
        }
    }
    for filler in ["within", "in", "based", "only", "us based", "or", "and"] {
        if rest == filler {
            rest.clear();
        }
        if let Some(r) = rest.strip_suffix(filler).filter(|r| r.ends_with(' ')) {
            rest = r.trim_end().to_string();
        }
        if let Some(r) = rest.strip_prefix(filler).filter(|r| r.starts_with(' ')) {
            rest = r.trim_start().to_string();
        }
    }
    rest.trim().to_string()
}

fn apply(loc: &mut Location, refs: &[PlaceRef], short_code: bool, taxonomy: &Taxonomy) {
    // Prefer what fits what we already know.
    let fits = |r: &PlaceRef| match *r {
        PlaceRef::Country(i) => loc.country.as_deref().is_none_or(|c| c == taxonomy.countries[i].code),
        PlaceRef::Region(i) => loc.country.as_deref().is_none_or(|c| c == taxonomy.regions[i].country),
        PlaceRef::City(i) => loc.country.as_deref().is_none_or(|c| c == taxonomy.cities[i].country),
    };
    let prefer_region = short_code && loc.city.is_some();
    let chosen = refs
        .iter()
        .filter(|r| fits(r))
        .max_by_key(|r| match r {
            PlaceRef::Region(_) if prefer_region => 3,
            PlaceRef::Country(_) if short_code => 2,
            PlaceRef::City(_) => 2,
            PlaceRef::Country(_) => 1,
            PlaceRef::Region(_) => 0,
        })
        .copied();
    match chosen {
        Some(PlaceRef::Country(i)) => {
            loc.country.get_or_insert_with(|| taxonomy.countries[i].code.clone());
        }
        Some(PlaceRef::Region(i)) => {
            let r = &taxonomy.regions[i];
            loc.region.get_or_insert_with(|| r.code.clone());
            loc.country.get_or_insert_with(|| r.country.clone());
        }
        Some(PlaceRef::City(i)) => {
            let c = &taxonomy.cities[i];
            if loc.city.is_none() {
                let known = city_location(c);
                loc.city = known.city;
                if let Some(r) = known.region {
                    loc.region.get_or_insert(r);
                }
                loc.country.get_or_insert_with(|| c.country.clone());
            }
        }
        None => {}
    }
}

/// The location a known city stands for. Cities whose name another listed city shares carry a
/// country suffix in `cities.csv` ("Cambridge UK", "San José CR") so that a bare "Cambridge"
/// resolves to one place; the suffix is not part of the name shown.
fn city_location(c: &crate::taxonomy::City) -> Location {
    let name = c.name.strip_suffix(&format!(" {}", c.country)).or_else(|| c.name.strip_suffix(" UK")).unwrap_or(&c.name);
    Location { city: Some(name.to_string()), region: (!c.region.is_empty()).then(|| c.region.clone()), country: Some(c.country.clone()) }
}

/// Resolves a country field that may be a code or a name.
pub fn resolve_country(s: &str, taxonomy: &Taxonomy) -> Option<String> {
    let refs = taxonomy.compiled.places.get(&place_key(s))?;
    refs.iter().find_map(|r| match *r {
        PlaceRef::Country(i) => Some(taxonomy.countries[i].code.clone()),
        _ => None,
    })
}

/// Resolves the posting's location from structured fields first, then location strings.
/// Returns the primary location, all locations found, and the work mode named in them.
pub fn resolve(
    city: Option<&str>,
    region: Option<&str>,
    country: Option<&str>,
    locations: &[String],
    taxonomy: &Taxonomy,
    warnings: &mut Vec<String>,
) -> (Location, Vec<Location>, Option<WorkMode>) {
    let mut primary = Location::default();
    if let Some(c) = country {
        match resolve_country(c, taxonomy) {
            Some(code) => primary.country = Some(code),
            None => warnings.push(format!("field `country`: unknown country {c:?}; left unknown")),
        }
    }
    if let Some(r) = region {
        // A region code or name of the known country (the common case) needs no parsing.
        let direct = taxonomy.compiled.places.get(&place_key(r)).and_then(|refs| {
            refs.iter().find_map(|p| match *p {
                PlaceRef::Region(i) if primary.country.as_deref().is_none_or(|c| c == taxonomy.regions[i].country) => Some(&taxonomy.regions[i]),
                _ => None,
            })
        });
        match direct {
            Some(reg) => {
                primary.region = Some(reg.code.clone());
                primary.country.get_or_insert_with(|| reg.country.clone());
            }
            None => {
                let (l, _) = parse_location(&format!("{}, {}", r, primary.country.as_deref().unwrap_or("")), taxonomy);
                primary.region = l.region.or_else(|| Some(r.to_string()));
                if primary.country.is_none() {
                    primary.country = l.country;
                }
            }
        }
    }
    if let Some(c) = city {
        let direct = taxonomy.compiled.places.get(&place_key(c)).and_then(|refs| {
            refs.iter().find_map(|p| match *p {
                PlaceRef::City(i) if primary.country.as_deref().is_none_or(|cc| cc == taxonomy.cities[i].country) => Some(&taxonomy.cities[i]),
                _ => None,
            })
        });
        let l = match direct {
            Some(known) => city_location(known),
            None => parse_location(c, taxonomy).0,
        };
        let consistent = primary.country.is_none() || l.country.is_none() || l.country == primary.country;
        primary.city = if consistent { l.city.or_else(|| Some(c.to_string())) } else { Some(c.to_string()) };
        if primary.country.is_none() && consistent {
            primary.country = l.country;
        }
        if primary.region.is_none() && consistent {
            primary.region = l.region;
        }
    }
    let mut all = Vec::new();
    let mut mode = None;
    for s in locations {
        let (l, m) = parse_location(s, taxonomy);
        if m.is_some() && mode != Some(WorkMode::Hybrid) {
            mode = m;
        }
        if !l.is_empty() && !all.contains(&l) {
            all.push(l);
        }
    }
    if primary.is_empty() {
        if let Some(first) = all.first() {
            primary = first.clone();
        }
    } else {
        if let Some(first) = all.iter().find(|l| primary.country.is_none() || l.country == primary.country) {
            primary.city = primary.city.or_else(|| first.city.clone());
            primary.region = primary.region.or_else(|| first.region.clone());
            primary.country = primary.country.or_else(|| first.country.clone());
        }
        if !all.contains(&primary) {
            all.insert(0, primary.clone());
        }
    }
    (primary, all, mode)
}

/// Phrases that say a job is hybrid. "hybrid" alone is not one ("hybrid cloud").
pub const HYBRID_PHRASES: &[&str] = &[
    "hybrid role",
    "hybrid work",
    "hybrid working",
    "hybrid position",
    "hybrid model",
    "hybrid setup",
    "hybrid schedule",
    "hybrid arrangement",
    "days in the office",
    "days per week in the office",
    "days a week in the office",
    "days in office",
    "days on-site",
    "days onsite",
];
/// Phrases that say a job is fully remote. "remote" alone is not one ("remote sensing").
pub const REMOTE_PHRASES: &[&str] = &[
    "fully remote",
    "100% remote",
    "remote-first",
    "remote first",
    "work from anywhere",
    "remote position",
    "remote role",
    "remote job",
    "this is a remote",
    "work from home",
];
/// Phrases that say a job is on site.
pub const ONSITE_PHRASES: &[&str] =
    &["on-site role", "onsite role", "this role is on-site", "this is an on-site", "fully on-site", "on-site position", "in-office role"];

/// Work mode named in a short text such as a title ("Data Scientist (Remote)"): the phrases above,
/// "(remote)", or "hybrid" next to "days"/"office". Descriptions are read through the keyword
/// automaton with the same phrases (see `enrich::keyword_evidence`).
pub fn mode_from_text(text: &str) -> Option<WorkMode> {
    let lower = text.to_ascii_lowercase();
    if HYBRID_PHRASES.iter().any(|p| lower.contains(p))
        || lower.contains("(hybrid)")
        || lower.contains("hybrid") && (lower.contains("days") || lower.contains("office"))
    {
        return Some(WorkMode::Hybrid);
    }
    if REMOTE_PHRASES.iter().any(|p| lower.contains(p)) || lower.contains("(remote)") {
        return Some(WorkMode::Remote);
    }
    if ONSITE_PHRASES.iter().any(|p| lower.contains(p)) || lower.contains("(on-site)") || lower.contains("(onsite)") {
        return Some(WorkMode::Onsite);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str, city: Option<&str>, region: Option<&str>, country: Option<&str>, mode: Option<WorkMode>) {
        let t = crate::taxonomy::test_taxonomy();
        let (l, m) = parse_location(s, t);
        assert_eq!((l.city.as_deref(), l.region.as_deref(), l.country.as_deref(), m), (city, region, country, mode), "location: {s:?}");
    }

    #[test]
    fn location_strings() {
        check("San Francisco, CA", Some("San Francisco"), Some("CA"), Some("US"), None);
        check("Toronto, ON, Canada", Some("Toronto"), Some("ON"), Some("CA"), None);
        check("Remote (US)", None, None, Some("US"), Some(WorkMode::Remote));
        check("Brazil - Remote", None, None, Some("BR"), Some(WorkMode::Remote));
        check("London, UK (Hybrid)", Some("London"), Some("ENG"), Some("GB"), Some(WorkMode::Hybrid));
        check("US-CA-Mountain View", Some("Mountain View"), Some("CA"), Some("US"), None);
        check("München", Some("Munich"), Some("BY"), Some("DE"), None);
        check("Bangalore, India", Some("Bengaluru"), Some("KA"), Some("IN"), None);
        check("New York, NY, United States", Some("New York"), Some("NY"), Some("US"), None);
        check("Austin, TX", Some("Austin"), Some("TX"), Some("US"), None);
        check("Remote", None, None, None, Some(WorkMode::Remote));
        check("Atlantis", None, None, None, None);
        check("Zürich, Switzerland", Some("Zurich"), None, Some("CH"), None);
        check("Remote - EMEA", None, None, None, Some(WorkMode::Remote));
        check("Cambridge, MA", Some("Cambridge"), Some("MA"), Some("US"), None);
    }

    /// Issue 14: ", CA" after a US place is California, not Canada — and so for every state code
    /// that is also a country code; the country reading stays when nothing says US.
    #[test]
    fn a_state_code_after_a_us_place_is_the_state() {
        check("Costa Mesa, CA", Some("Costa Mesa"), Some("CA"), Some("US"), None);
        check("Newport Beach, CA", Some("Newport Beach"), Some("CA"), Some("US"), None);
        check("San Diego County, CA", None, Some("CA"), Some("US"), None);
        check("Costa Mesa, CA 92626", Some("Costa Mesa"), Some("CA"), Some("US"), None);
        check("Remote - Costa Mesa, CA", Some("Costa Mesa"), Some("CA"), Some("US"), Some(WorkMode::Remote));
        check("Paris, TX", Some("Paris"), Some("TX"), Some("US"), None);
        check("Carmel, IN", Some("Carmel"), Some("IN"), Some("US"), None);
        check("Wilmington, DE", Some("Wilmington"), Some("DE"), Some("US"), None);
        check("Alpharetta, GA", Some("Alpharetta"), Some("GA"), Some("US"), None);
        check("Huntsville, AL", Some("Huntsville"), Some("AL"), Some("US"), None);
        check("Bentonville, AR", Some("Bentonville"), Some("AR"), Some("US"), None);
        check("Scottsdale, AZ", Some("Scottsdale"), Some("AZ"), Some("US"), None);
        check("Boulder, CO", Some("Boulder"), Some("CO"), Some("US"), None);
        check("Boise, ID", Some("Boise"), Some("ID"), Some("US"), None);
        check("Naperville, IL", Some("Naperville"), Some("IL"), Some("US"), None);
        check("Baton Rouge, LA", Some("Baton Rouge"), Some("LA"), Some("US"), None);
        check("Burlington, MA", Some("Burlington"), Some("MA"), Some("US"), None);
        check("Bethesda, MD", Some("Bethesda"), Some("MD"), Some("US"), None);
        check("Portland, ME", Some("Portland"), Some("ME"), Some("US"), None);
        check("Rochester, MN", Some("Rochester"), Some("MN"), Some("US"), None);
        check("Bozeman, MT", Some("Bozeman"), Some("MT"), Some("US"), None);
        check("Durham, NC", Some("Durham"), Some("NC"), Some("US"), None);
        check("Omaha, NE", Some("Omaha"), Some("NE"), Some("US"), None);
        check("King of Prussia, PA", Some("King of Prussia"), Some("PA"), Some("US"), None);
        check("Greenville, SC", Some("Greenville"), Some("SC"), Some("US"), None);
        check("Sioux Falls, SD", Some("Sioux Falls"), Some("SD"), Some("US"), None);
        check("McLean, VA", Some("McLean"), Some("VA"), Some("US"), None);
        check("St. Louis, MO", Some("St. Louis"), Some("MO"), Some("US"), None);
        // Nothing says US: the code is the country.
        check("Remote (CA)", None, None, Some("CA"), Some(WorkMode::Remote));
        check("Toronto, CA", Some("Toronto"), Some("ON"), Some("CA"), None);
        check("Waterloo, CA", Some("Waterloo"), Some("ON"), Some("CA"), None);
        check("Pune, IN", Some("Pune"), Some("MH"), Some("IN"), None);
        check("Atlantis, CA", None, None, Some("CA"), None);
        check("Berlin, DE", Some("Berlin"), Some("BE"), Some("DE"), None);
    }

    #[test]
    fn modes_from_text() {
        assert_eq!(mode_from_text("This is a hybrid role with 3 days in the office."), Some(WorkMode::Hybrid));
        assert_eq!(mode_from_text("We are a remote-first company."), Some(WorkMode::Remote));
        assert_eq!(mode_from_text("Experience with remote sensing data."), None);
    }
}
