//! Salary: read what a posting states — structured fields or free text ("$120k–150k",
//! "£45/hour", "60.000–80.000 € brutto/Jahr", "up to $200,000 DOE", "₹25 LPA") — keep it as stated,
//! and derive the annual figure (hour ×2080, day ×260, week ×52, month ×12) and its US-dollar value
//! through the dated FX table. An unknown currency or period stays unknown.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::taxonomy::FxTable;

/// Pay period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Period {
    /// Per hour.
    Hour,
    /// Per day.
    Day,
    /// Per week.
    Week,
    /// Per month.
    Month,
    /// Per year.
    Year,
}

impl Period {
    /// The period as a word: hour, day, week, month, year.
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Hour => "hour",
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Year => "year",
        }
    }
}

impl Period {
    /// Multiplier to a year (Google's convention).
    pub fn per_year(self) -> f64 {
        match self {
            Period::Hour => 2080.0,
            Period::Day => 260.0,
            Period::Week => 52.0,
            Period::Month => 12.0,
            Period::Year => 1.0,
        }
    }

    /// Reads a structured period ("YEAR", "1 HOUR", "per-month", "annual", "yearly", "hourly").
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim().to_ascii_lowercase();
        let s =
            s.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ').trim_start_matches("per").trim_matches(|c: char| c == '-' || c == '_' || c == ' ');
        Some(match s {
            "hour" | "hourly" | "hr" | "h" | "hours" => Period::Hour,
            "day" | "daily" | "days" => Period::Day,
            "week" | "weekly" | "weeks" | "wk" => Period::Week,
            "month" | "monthly" | "months" | "mo" => Period::Month,
            "year" | "yearly" | "annual" | "annually" | "years" | "yr" | "annum" | "year-salary" | "salary" => Period::Year,
            _ => return None,
        })
    }
}

/// Where the salary figure came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SalarySource {
    /// Structured fields (baseSalary, salary_min/max columns, ATS pay ranges).
    Structured,
    /// A salary text field.
    Text,
    /// Found in the description.
    Description,
}

/// A salary as stated, with the derived annual figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Salary {
    /// Minimum as stated (per `period`).
    pub min: Option<f64>,
    /// Maximum as stated.
    pub max: Option<f64>,
    /// ISO 4217 code; `None` when the posting did not say.
    pub currency: Option<String>,
    /// True when the currency came from a bare `$`/`¥`/`kr` read with the posting's country
    /// (or as US dollars when the country is unknown).
    pub currency_assumed: bool,
    /// Period; `None` when unknown.
    pub period: Option<Period>,
    /// True when no period was stated and a yearly one was inferred from the magnitude.
    pub period_inferred: bool,
    /// Annual minimum in the stated currency.
    pub annual_min: Option<f64>,
    /// Annual maximum in the stated currency.
    pub annual_max: Option<f64>,
    /// Annual minimum in US dollars.
    pub annual_usd_min: Option<f64>,
    /// Annual maximum in US dollars.
    pub annual_usd_max: Option<f64>,
    /// The FX rate used (USD per unit), when converted.
    pub fx_rate: Option<f64>,
    /// The FX table's date, when converted.
    pub fx_date: Option<String>,
    /// Where it came from.
    pub source: SalarySource,
    /// The text it was read from (or a rendering of the structured fields).
    pub raw: String,
    /// When the posting states several ranges (by location zone, by level): each, with its label
    /// as written ("Zone 1", "San Francisco Bay Area"); `min`/`max` above are their span.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<SalaryRange>,
}

/// One of several ranges a posting states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SalaryRange {
    /// What the range is for, as written before it ("Zone 1", "Level III"); may be empty.
    pub label: String,
    /// Minimum as stated.
    pub min: Option<f64>,
    /// Maximum as stated.
    pub max: Option<f64>,
    /// ISO 4217 code, as for the salary.
    pub currency: Option<String>,
    /// Period, as for the salary.
    pub period: Option<Period>,
}

/// A salary parsed from text, before normalisation.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedAmount {
    /// Lower bound.
    pub min: Option<f64>,
    /// Upper bound.
    pub max: Option<f64>,
    /// Currency code if stated.
    pub currency: Option<String>,
    /// Whether the currency is a bare symbol resolved by country.
    pub currency_assumed: bool,
    /// Period if stated.
    pub period: Option<Period>,
    /// True when the period was not stated but read from contract cues or the amount's size.
    pub period_inferred: bool,
}

impl ParsedAmount {
    /// Whether it is a range: two different bounds.
    pub fn is_range(&self) -> bool {
        self.min.is_some() && self.max.is_some() && self.min != self.max
    }
}

static CURRENCY: LazyLock<Regex> = LazyLock::new(|| {
    // Symbols and unambiguous codes/words in any case; codes that are also words ("TRY", "PHP",
    // "PEN", "COP", "SAR") only in upper case.
    Regex::new(r"((?i:US\$|CA\$|C\$|AU\$|A\$|NZ\$|S\$|SG\$|HK\$|R\$|MX\$)|\$|€|£|₹|¥|₩|₪|₱|円|zł|(?-u:\b)(?i:usd|eur|gbp|cad|aud|nzd|chf|sek|nok|dkk|pln|czk|huf|inr|jpy|cny|rmb|sgd|hkd|brl|mxn|zar|ils|aed|krw|ron|euros?|dollars?|pounds?|rupees|rs\.?|yuan|kr)(?-u:\b)|(?-u:\b)(?:TRY|ARS|CLP|COP|PEN|UAH|TWD|THB|MYR|IDR|PHP|VND|NGN|KES|PKR|BDT|EGP|SAR|QAR|BGN|ISK)(?-u:\b))").unwrap()
});

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    // 120,000 | 120.000 | 120 000 | 140'000 | 120000 | 1.5 | 45,50 ; optional k/m/lakh suffix.
    // Indian grouping (20,00,000) first; 万 (ten thousand) for Japanese/Chinese amounts.
    Regex::new(
        r"(?i)(\d{1,2}(?:,\d{2})+,\d{3}|\d{1,3}(?:[,.'’ ]\d{3})+|\d+)(?:[.,](\d{1,2}))?(?:\s?(k|m|mio|million|lpa|lakhs?|lacs?|cr|crores?)(?-u:\b)|(万))?",
    )
    .unwrap()
});

static RAND: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?-u:\b)R\s?(\d)").unwrap());

static RANGE_SEP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^\s*(?:-|to|bis|à|a|and|y|et|until)\s*$").unwrap());

static PERIODS: LazyLock<[(Period, Regex); 5]> = LazyLock::new(|| {
    [
        (Period::Hour, Regex::new(r"(?i)(?:(?-u:\b)(?:per|an|a|each)\s+(?:hour|hr)(?-u:\b)|\d\s?hrs?(?-u:\b)|/\s?(?:hour|hr|h|std|heure|hora|uur)(?-u:\b)|(?-u:\b)per uur(?-u:\b)|(?-u:\b)hourly(?-u:\b)|(?-u:\b)pro stunde(?-u:\b)|(?-u:\b)stündlich|(?-u:\b)de l'heure(?-u:\b)|(?-u:\b)par heure(?-u:\b)|(?-u:\b)por hora(?-u:\b)|(?-u:\b)la hora(?-u:\b)|(?-u:\b)p/h(?-u:\b)|(?-u:\b)ph(?-u:\b))").unwrap()),
        (Period::Day, Regex::new(r"(?i)(?:(?-u:\b)(?:per|a)\s+day(?-u:\b)|/\s?(?:day|tag|jour|día|dia)(?-u:\b)|(?-u:\b)daily(?-u:\b)|(?-u:\b)day rate(?-u:\b)|(?-u:\b)pro tag(?-u:\b)|(?-u:\b)par jour(?-u:\b)|(?-u:\b)por d[ií]a(?-u:\b)|(?-u:\b)al d[ií]a(?-u:\b)|(?-u:\b)p/d(?-u:\b))").unwrap()),
        (Period::Week, Regex::new(r"(?i)(?:(?-u:\b)(?:per|a)\s+week(?-u:\b)|/\s?(?:week|wk|woche|semaine|semana)(?-u:\b)|(?-u:\b)weekly(?-u:\b)|(?-u:\b)pro woche(?-u:\b)|(?-u:\b)par semaine(?-u:\b)|(?-u:\b)por semana(?-u:\b))").unwrap()),
        (Period::Month, Regex::new(r"(?i)(?:(?-u:\b)(?:per|a)\s+month(?-u:\b)|/\s?(?:month|mo|mth|monat|mois|mes)(?-u:\b)|(?-u:\b)monthly(?-u:\b)|(?-u:\b)pro monat(?-u:\b)|(?-u:\b)monatlich|(?-u:\b)par mois(?-u:\b)|(?-u:\b)mensuel|(?-u:\b)al mes(?-u:\b)|(?-u:\b)por mes(?-u:\b)|(?-u:\b)mensual|(?-u:\b)per maand(?-u:\b)|/\s?m[aå]n(?-u:\b)|(?-u:\b)m[aå]ned(?-u:\b)|(?-u:\b)månad(?-u:\b)|(?-u:\b)miesi[eę]cznie(?-u:\b)|(?-u:\b)por m[eê]s(?-u:\b)|(?-u:\b)mensais(?-u:\b)|(?-u:\b)ayl[ıi]k(?-u:\b)|(?-u:\b)lunar(?-u:\b)|(?-u:\b)p\.?\s?m\.?(?:\s|$))").unwrap()),
        (Period::Year, Regex::new(r"(?i)(?:(?-u:\b)(?:per|a)\s+(?:year|annum)(?-u:\b)|/\s?(?:year|yr|annum|jahr|an|año|ano|jaar)(?-u:\b)|(?-u:\b)per annum(?-u:\b)|(?-u:\b)p\.\s?a\.|(?-u:\b)p\.?a\.?(?:\s|$|,|\))|(?-u:\b)pa(?-u:\b)|(?-u:\b)annually(?-u:\b)|(?-u:\b)annual(?-u:\b)|(?-u:\b)yearly(?-u:\b)|(?-u:\b)pro jahr(?-u:\b)|(?-u:\b)im jahr(?-u:\b)|(?-u:\b)jährlich|(?-u:\b)jahresgehalt|(?-u:\b)brutto/?jahr|(?-u:\b)par an(?-u:\b)|(?-u:\b)annuel|(?-u:\b)brut annuel|(?-u:\b)al año(?-u:\b)|(?-u:\b)por año(?-u:\b)|(?-u:\b)anual(?-u:\b)|(?-u:\b)lpa(?-u:\b)|(?-u:\b)bruto anual(?-u:\b)|(?-u:\b)salary range(?-u:\b)|年収|年俸)").unwrap()),
    ]
});

static UP_TO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:up to|upto|bis zu|jusqu'?à|hasta|max(?:imum)?\.?(?: of)?|not to exceed|no more than)\s*$").unwrap());
static FROM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:from|starting at|starting from|starts at|ab|à partir de|a partir de|desde|min(?:imum)?\.?(?: of)?|at least)\s*$").unwrap()
});

/// Maps a currency token to an ISO code. Bare `$`, `¥` and `kr` are resolved with the posting's
/// country; the second value says the code was resolved that way.
pub fn currency_code(token: &str, country: Option<&str>) -> Option<(String, bool)> {
    let t = token.trim().to_ascii_lowercase();
    let code = match t.as_str() {
        "us$" | "usd" => "USD",
        "ca$" | "c$" | "cad" => "CAD",
        "au$" | "a$" | "aud" => "AUD",
        "nz$" | "nzd" => "NZD",
        "s$" | "sg$" | "sgd" => "SGD",
        "hk$" | "hkd" => "HKD",
        "r$" | "brl" => "BRL",
        "mx$" | "mxn" => "MXN",
        "€" | "eur" | "euro" | "euros" => "EUR",
        "£" | "gbp" | "pound" | "pounds" => "GBP",
        "₹" | "inr" | "rupees" | "rs" | "rs." => "INR",
        "₩" | "krw" => "KRW",
        "₪" | "ils" => "ILS",
        "₱" => "PHP",
        "円" => "JPY",
        "zł" | "pln" => "PLN",
        "rmb" | "cny" | "yuan" => "CNY",
        "jpy" => "JPY",
        "chf" => "CHF",
        "sek" => "SEK",
        "nok" => "NOK",
        "dkk" => "DKK",
        "czk" => "CZK",
        "huf" => "HUF",
        "zar" => "ZAR",
        "aed" => "AED",
        "ron" => "RON",
        code if code.len() == 3 && token.trim().bytes().all(|b| b.is_ascii_uppercase()) => return Some((token.trim().to_string(), false)),
        "$" | "dollar" | "dollars" => {
            let c = match country {
                Some("CA") => "CAD",
                Some("AU") => "AUD",
                Some("NZ") => "NZD",
                Some("SG") => "SGD",
                Some("HK") => "HKD",
                Some("MX") => "MXN",
                Some("US") => return Some(("USD".into(), false)),
                _ => "USD",
            };
            return Some((c.into(), true));
        }
        "¥" => return Some((if country == Some("CN") { "CNY" } else { "JPY" }.into(), true)),
        "kr" => {
            let c = match country {
                Some("SE") => "SEK",
                Some("NO") => "NOK",
                Some("DK") => "DKK",
                Some("IS") => "ISK",
                _ => return None,
            };
            return Some((c.into(), true));
        }
        _ => return None,
    };
    Some((code.into(), false))
}

fn is_lakh(s: &str) -> bool {
    s == "lpa" || s.starts_with("lakh") || s.starts_with("lac")
}

fn parse_number(m: &regex::Captures<'_>) -> Option<(f64, Option<String>)> {
    let int_part: String = m.get(1)?.as_str().chars().filter(char::is_ascii_digit).collect();
    let mut value: f64 = int_part.parse().ok()?;
    if let Some(dec) = m.get(2) {
        let d: f64 = format!("0.{}", dec.as_str()).parse().ok()?;
        value += d;
    }
    let suffix = m.get(3).or_else(|| m.get(4)).map(|s| s.as_str().to_ascii_lowercase());
    match suffix.as_deref() {
        Some("k") => value *= 1_000.0,
        Some("m" | "mio" | "million") => value *= 1_000_000.0,
        Some("lpa" | "lakh" | "lakhs" | "lac" | "lacs") => value *= 100_000.0,
        Some("cr" | "crore" | "crores") => value *= 10_000_000.0,
        Some("万") => value *= 10_000.0,
        _ => {}
    }
    Some((value, suffix))
}

/// Parses a salary from a short text. Returns `None` when the text states no amount
/// ("competitive", "DOE").
pub fn parse_text(text: &str, country: Option<&str>) -> Option<ParsedAmount> {
    let norm: String = text
        .chars()
        .map(|c| match c {
            '–' | '—' | '‒' | '−' | '~' | '〜' | '～' => '-',
            '\u{a0}' | '\u{202f}' | '\u{2009}' => ' ',
            other => other,
        })
        .collect();
    // South African rand written "R900 000": only with the posting in ZA ("R" is too common).
    let norm = if country == Some("ZA") { RAND.replace_all(&norm, "ZAR $1").into_owned() } else { norm };
    let numbers: Vec<regex::Captures<'_>> = NUMBER.captures_iter(&norm).collect();
    // Take the first number that is not a year, a percentage or a count of years.
    let mut first = None;
    for (i, caps) in numbers.iter().enumerate() {
        let whole = caps.get(0).unwrap();
        let after = norm[whole.end()..].trim_start();
        let (value, suffix) = parse_number(caps)?;
        let is_year = suffix.is_none() && (1990.0..=2100.0).contains(&value) && !norm[..whole.start()].trim_end().ends_with(['$', '€', '£']);
        if after.starts_with('%') || after.to_ascii_lowercase().starts_with("year") && value < 60.0 || is_year || after.starts_with('+') && value < 30.0 {
            continue;
        }
        first = Some((i, value, suffix));
        break;
    }
    let (first_idx, mut min_value, first_suffix) = first?;
    let first_match = numbers[first_idx].get(0).unwrap();
    let mut max_value = None;
    let mut end_of_amounts = first_match.end();
    let mut range_suffix = None;
    if let Some(next) = numbers.get(first_idx + 1) {
        let next_match = next.get(0).unwrap();
        let gap = &norm[first_match.end()..next_match.start()];
        let gap_clean: String = CURRENCY.replace_all(gap, "").into_owned();
        if RANGE_SEP.is_match(&gap_clean) || gap_clean.trim().is_empty() && gap.contains('-') {
            let (mut v, suffix) = parse_number(next)?;
            // "$120-150k": the suffix of the second number applies to the first.
            if first_suffix.is_none() && suffix.as_deref() == Some("k") && min_value < 1000.0 {
                min_value *= 1000.0;
            }
            // "18-24 LPA": lakhs per annum apply to both.
            if first_suffix.is_none() && suffix.as_deref().is_some_and(is_lakh) && min_value < 1000.0 {
                min_value *= 100_000.0;
            }
            if suffix.is_none() && first_suffix.as_deref() == Some("k") && v < 1000.0 {
                v *= 1000.0;
            }
            // "$110- $120,000": the first bound shares the second's thousands.
            if first_suffix.is_none() && min_value < 1000.0 && v >= 10_000.0 && min_value * 1000.0 <= v && min_value * 1000.0 >= v / 3.0 {
                min_value *= 1000.0;
            }
            max_value = Some(v);
            end_of_amounts = next_match.end();
            range_suffix = suffix;
        }
    }
    let before_first = &norm[..first_match.start()];
    let (mut min, mut max) = (Some(min_value), max_value);
    if max.is_none() {
        if UP_TO.is_match(before_first.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '.')) {
            (min, max) = (None, Some(min_value));
        } else if FROM.is_match(before_first.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '.')) || norm[first_match.end()..].starts_with('+') {
            // "from 90k", "$85,000+": a floor, no ceiling.
            (min, max) = (Some(min_value), None);
        } else {
            max = Some(min_value);
        }
    }
    if let (Some(a), Some(b)) = (min, max)
        && a > b
    {
        (min, max) = (Some(b), Some(a));
    }
    // Currency: nearest token before the first number, else right after the amounts.
    let window_start = crate::text::floor_char_boundary(&norm, first_match.start().saturating_sub(12));
    // An explicit code or symbol wins over a bare `$`/`¥`/`kr` ("$110,000 - $130,000 CAD").
    let mut currency: Option<(String, bool)> = None;
    for m in CURRENCY.find_iter(&norm[window_start..]) {
        let abs = window_start + m.start();
        if abs > end_of_amounts + 16 {
            break;
        }
        if let Some(c) = currency_code(m.as_str(), country) {
            let bare = c.1 || matches!(m.as_str(), "$" | "¥");
            if currency.is_none() {
                currency = Some(c);
            } else if !bare {
                currency = Some(c);
                break;
            }
            if !bare {
                break;
            }
        }
    }
    let suffix_lpa = first_suffix.as_deref().is_some_and(is_lakh) || range_suffix.as_deref().is_some_and(is_lakh);
    if currency.is_none() && suffix_lpa {
        currency = Some(("INR".into(), country != Some("IN")));
    }
    let tail_start = crate::text::floor_char_boundary(&norm, first_match.start().saturating_sub(40));
    let period_window = &norm[tail_start..];
    let period = if suffix_lpa {
        Some(Period::Year)
    } else {
        let amounts_mid = first_match.start() - tail_start;
        PERIODS.iter().filter_map(|(p, re)| re.find(period_window).map(|m| (*p, m.start().abs_diff(amounts_mid)))).min_by_key(|(_, d)| *d).map(|(p, _)| p)
    };
    let (currency, currency_assumed) = match currency {
        Some((c, assumed)) => (Some(c), assumed),
        None => (None, false),
    };
    Some(ParsedAmount { min, max, currency, currency_assumed, period, period_inferred: false })
}

/// Normalises a parsed amount into a [`Salary`]: annual figures, USD via the FX table. With no
/// stated period, a yearly period is inferred only when the amount is clearly an annual salary
/// (at least 20,000 USD-equivalent as a yearly figure and not plausible as a monthly one).
pub fn normalise(parsed: ParsedAmount, source: SalarySource, raw: String, fx: &FxTable) -> Option<Salary> {
    if parsed.min.is_none() && parsed.max.is_none() {
        return None;
    }
    let rate = parsed.currency.as_deref().and_then(|c| fx.usd_per_unit.get(c).copied());
    let mut period = parsed.period;
    let mut period_inferred = parsed.period_inferred;
    if period.is_none()
        && let Some(rate) = rate
    {
        let usd = parsed.min.or(parsed.max).unwrap_or(0.0) * rate;
        if usd >= 20_000.0 {
            period = Some(Period::Year);
            period_inferred = true;
        }
    }
    let annual = |v: Option<f64>| Some(v? * period?.per_year());
    let annual_min = annual(parsed.min);
    let annual_max = annual(parsed.max);
    let usd = |v: Option<f64>| Some((v? * rate?).round());
    Some(Salary {
        min: parsed.min,
        max: parsed.max,
        currency: parsed.currency,
        currency_assumed: parsed.currency_assumed,
        period,
        period_inferred,
        annual_min,
        annual_max,
        annual_usd_min: usd(annual_min),
        annual_usd_max: usd(annual_max),
        fx_rate: annual_min.or(annual_max).and(rate),
        fx_date: annual_min.or(annual_max).and(rate).map(|_| fx.date.clone()),
        source,
        raw,
        ranges: Vec::new(),
    })
}

/// Annual salaries in US dollars a posting can plausibly state (full-time equivalent): from a
/// part-time job's few thousand to an executive's millions. Outside it, a figure is a typo or not
/// a salary; the same bounds keep such figures out of the salary model's training data.
pub const PLAUSIBLE_ANNUAL_USD: std::ops::RangeInclusive<f64> = 1_000.0..=5_000_000.0;

/// Why a salary is not plausible, if it is not: an amount that is not positive, or an annual USD
/// equivalent outside [`PLAUSIBLE_ANNUAL_USD`].
pub fn implausible(s: &Salary) -> Option<String> {
    if let Some(v) = [s.min, s.max].into_iter().flatten().find(|v| !(v.is_finite() && *v > 0.0)) {
        return Some(format!("{v} is not a positive amount"));
    }
    let (lo, hi) = (PLAUSIBLE_ANNUAL_USD.start(), PLAUSIBLE_ANNUAL_USD.end());
    [s.annual_usd_min, s.annual_usd_max].into_iter().flatten().find(|v| !PLAUSIBLE_ANNUAL_USD.contains(v)).map(|v| {
        format!(
            "{} a year in US dollars is not a plausible salary (expected {} to {})",
            crate::text::thousands(v),
            crate::text::thousands(*lo),
            crate::text::thousands(*hi)
        )
    })
}

/// An amount marked as money: a currency before or after it, or "LPA".
const MONEY: &str = r"(?i)(?:US\$|CA\$|C\$|AU\$|A\$|\$|€|£|₹|(?-u:\b)(?:usd|eur|gbp|cad|aud|chf|inr|sgd)(?-u:\b))\s?\d|\d(?:[\d,.' ]*\d)?\s?(?:k\s?)?(?:€|(?-u:\b)(?:eur|usd|gbp|chf|euros?)(?-u:\b))|(?-u:\b)\d+(?:\.\d)?\s?lpa(?-u:\b)";

/// Words that say an amount near them is pay.
// ASCII word boundaries keep the lazy DFA usable on non-ASCII text (a Unicode `\b` makes the
// regex engine fall back to a slow backtracker over whole descriptions).
const PAY_WORDS: &str = r"(?i)(?-u:\b)(?:salary|salaries|pay|compensation|base|wage|wages|rate|range|ote|earnings|gehalt|vergütung|salaire|rémunération|sueldo|salario|ctc|per (?:year|annum|hour|month)|annual|annually|hourly|/h(?:ou)?r|/year|/yr|lpa|c2c|w2|1099)(?-u:\b)";

static PAY_CONTEXT: LazyLock<Regex> = LazyLock::new(|| Regex::new(PAY_WORDS).unwrap());

/// Where pay can be in a description: pattern 0 [`MONEY`], pattern 1 [`PAY_WORDS`] — one regex,
/// so the whole text is scanned once (a scan each was ~4 % of enrichment). A money match that
/// swallows a pay word ("18 LPA") is itself the candidate that word would have led to.
static PAY_ANCHORS: LazyLock<regex_automata::meta::Regex> = LazyLock::new(|| regex_automata::meta::Regex::new_many(&[MONEY, PAY_WORDS]).unwrap());

/// Words that make an amount near them something other than pay: the company's money (funding,
/// revenue, customers' transactions), benefits and one-off payments (stipends, budgets, 401(k),
/// tuition, relocation, referral and sign-on bonuses), counts.
static NOT_PAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(million|billion|bn|funding|funded|raised|revenue|valuation|series [a-f]|investors?|budgets?|customers|users|transactions|assets|tuition|reimburse\w*|stipends?|allowance|bonus of|sign-on|signing|relocation|referral|401k|401\(k\)|equipment|learning|conferences?|fitness|wellness|gym|commuter|home office|toward|towards|per campaign|requests|donat\w*|grants?|prize|worth|contracts|deals|portfolio|spend|loans?|arr|pension|pensions|superannuation)(?-u:\b)").unwrap()
});

/// Cues that an amount without a period is an hourly rate: contract terms.
static HOURLY_CUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)(c2c|corp[- ]to[- ]corp|w-?2|1099|bill rate|pay rate|hourly|contract|contractor|rate)(?-u:\b)").unwrap());

/// Period units written on a bound ("$25/hr", "$55hr", "$140,000/year"), removed from the gap
/// between two bounds before deciding they form a range.
static BOUND_UNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:/\s?(?:hour|hr|h|year|yr|annum|month|mo)|hr|per (?:hour|year|annum|month)|an? (?:hour|year)|usd|eur|gbp|cad)(?-u:\b)").unwrap()
});

/// A line holding only a range of salary-sized numbers, with k or thousands separators.
static BARE_RANGE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^[ \t]*\d{2,3}(?:[.,]\d{3}|[kK])[ \t]*(?:-|–|—|to)[ \t]*\d{2,3}(?:[.,]\d{3}|[kK])[ \t]*$").unwrap());

/// The first bound of a range just before an anchor: "60-", "18 - ", "120k to ".
static RANGE_START: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\d[\d,.]*\s?k?\s?(?:-|–|—|to)\s?$").unwrap());

/// A pay range found in a description, with where it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundPay {
    /// What was read (several ranges: their span).
    pub parsed: ParsedAmount,
    /// The statement's text: the heading above it, if any, and its line(s).
    pub raw: String,
    /// Byte offsets of the amounts in the description.
    pub start: usize,
    /// End of the amounts.
    pub end: usize,
    /// Every range when the posting states several (zones, levels), in order; empty for one.
    pub ranges: Vec<(String, ParsedAmount)>,
}

/// One candidate amount or range.
struct Candidate {
    parsed: ParsedAmount,
    start: usize,
    end: usize,
    line_start: usize,
    /// Evidence that it is pay (pay words in its clause or heading, a stated period).
    score: i32,
}

/// The currency of a country whose postings state pay without a symbol ("Salary: 120k - 150k" in
/// a US posting). Countries outside the table leave the currency unknown.
fn country_currency(country: &str) -> Option<&'static str> {
    Some(match country {
        "US" => "USD",
        "GB" => "GBP",
        "CA" => "CAD",
        "AU" => "AUD",
        "NZ" => "NZD",
        "IN" => "INR",
        "SG" => "SGD",
        "CH" => "CHF",
        "SE" => "SEK",
        "NO" => "NOK",
        "DK" => "DKK",
        "PL" => "PLN",
        "JP" => "JPY",
        "DE" | "FR" | "NL" | "ES" | "IT" | "IE" | "AT" | "BE" | "PT" | "FI" | "GR" | "LU" | "EE" | "LV" | "LT" | "SK" | "SI" => "EUR",
        _ => return None,
    })
}

/// How far the finder looks for a line's start or end: a "line" of a text without line breaks
/// (a wall of legal text) ends there, so the work per amount is bounded and the scan stays linear
/// in the text's length.
const LINE_REACH: usize = 400;

/// The start of the line holding `at` (at most [`LINE_REACH`] bytes back).
fn line_start(text: &str, at: usize) -> usize {
    let floor = crate::text::floor_char_boundary(text, at.saturating_sub(LINE_REACH));
    text[floor..at].rfind('\n').map_or(floor, |i| floor + i + 1)
}

/// The end of the line holding `at` (at most [`LINE_REACH`] bytes on).
fn line_end(text: &str, at: usize) -> usize {
    let ceil = crate::text::floor_char_boundary(text, (at + LINE_REACH).min(text.len()));
    text[at..ceil].find('\n').map_or(ceil, |i| at + i)
}

/// The heading above the line starting at `start`: the previous non-empty line (blank lines
/// between allowed), when it is short — "California Pay Range:", "Compensation".
fn heading_above(text: &str, start: usize) -> Option<&str> {
    let floor = crate::text::floor_char_boundary(text, start.saturating_sub(LINE_REACH));
    let before = text[floor..start].trim_end();
    let from = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before[from..].trim();
    (!line.is_empty() && line.len() <= 90 && (line.ends_with(':') || PAY_CONTEXT.is_match(line))).then_some(line)
}

/// The clause before an amount: back to the line's start, the end of the previous sentence
/// (". ", "; ", "| ") or 80 bytes, whichever is nearest.
fn clause_before(text: &str, at: usize) -> usize {
    let ls = line_start(text, at);
    let mut floor = crate::text::floor_char_boundary(text, at.saturating_sub(80)).max(ls);
    // Not from inside a word ("thly salary" of "monthly salary"): back to its start, 24 bytes at most.
    let word_floor = crate::text::floor_char_boundary(text, floor.saturating_sub(24)).max(ls);
    while floor > word_floor && text[..floor].chars().next_back().is_some_and(char::is_alphanumeric) {
        floor = crate::text::floor_char_boundary(text, floor - 1);
    }
    let seg = &text[floor..at];
    let cut = [". ", "; ", "| ", " • "].iter().filter_map(|sep| seg.rfind(sep).map(|i| i + sep.len())).max().unwrap_or(0);
    floor + cut
}

/// Reads the amount or range that starts at `at` (a number, or the currency symbol before one).
fn candidate_at(text: &str, at: usize, country: Option<&str>) -> Option<Candidate> {
    let ls = line_start(text, at);
    // The amounts and what follows them on the line (a range's second bound, a period, a code).
    let le = line_end(text, at).min(crate::text::floor_char_boundary(text, at + 160));
    let window = &text[at..le];
    let joined = join_bounds(window);
    let mut parsed = parse_text(&joined, country)?;
    // Where the amounts end, in the original text: past the second bound when there is one.
    let numbers: Vec<regex::Match<'_>> = NUMBER.find_iter(window).take(2).collect();
    let first = numbers.first()?;
    let last = if parsed.is_range() { numbers.last().unwrap_or(first) } else { first };
    let end = at + last.end();
    // A currency written just before the amount ("US Dollar (USD) 119,500").
    if parsed.currency.is_none() {
        let back = crate::text::floor_char_boundary(text, at.saturating_sub(20)).max(ls);
        if let Some(c) = CURRENCY.find_iter(&text[back..at]).last().and_then(|m| currency_code(m.as_str(), country)) {
            (parsed.currency, parsed.currency_assumed) = (Some(c.0), c.1);
        }
    }
    // Evidence.
    let clause = clause_before(text, at);
    let before = &text[clause..at];
    let after = &text[end..line_end(text, end).min(crate::text::floor_char_boundary(text, end + 40))];
    let heading = if text[ls..at].trim().is_empty() || before.trim().is_empty() { heading_above(text, ls) } else { None };
    let alone = BARE_RANGE_LINE.is_match(&text[ls..line_end(text, at)]);
    let pay = alone || PAY_CONTEXT.is_match(before) || heading.is_some_and(|h| PAY_CONTEXT.is_match(h)) || PAY_CONTEXT.is_match(after);
    // After the amount, only the words that belong to it ("$2,000 home office stipend", "$5M in
    // funding"): up to the next comma or full stop.
    let own_words = after.split([',', '.', ';', '|', '(']).next().unwrap_or("");
    let negative = NOT_PAY.is_match(before) || NOT_PAY.is_match(own_words);
    if negative {
        return None;
    }
    // "The monthly salary … is 27.220 DKK": a period named before the amount — in its clause
    // after any other amount, or in its heading — when none follows it.
    if parsed.period.is_none() {
        let since_other = &before[before.rfind(|c: char| c.is_ascii_digit()).map_or(0, |i| i + 1)..];
        let said = |t: &str| PERIODS.iter().find(|(_, re)| re.is_match(t)).map(|(p, _)| *p);
        if let Some(p) = said(since_other).or_else(|| heading.and_then(said)) {
            parsed.period = Some(p);
        }
    }
    if parsed.period.is_none() && (HOURLY_CUE.is_match(before) || heading.is_some_and(|h| HOURLY_CUE.is_match(h)) || HOURLY_CUE.is_match(after)) {
        // Contract rates above ~250 are day rates as often as hourly ones: left unknown.
        let v = parsed.max.or(parsed.min).unwrap_or(0.0);
        if v <= 250.0 {
            parsed.period = Some(Period::Hour);
            parsed.period_inferred = true;
        }
    }
    // "up to $200,000", "from $90,000": the window began at the amount, the words are before it.
    if parsed.min == parsed.max {
        // "up to DKK 434.179": the currency between the words and the amount is left out.
        let mut words = before.trim_end();
        if let Some(c) = CURRENCY.find_iter(words).last().filter(|c| c.end() == words.len()) {
            words = &words[..c.start()];
        }
        let words = words.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '.');
        if UP_TO.is_match(words) {
            parsed.min = None;
        } else if FROM.is_match(words) {
            parsed.max = None;
        }
    }
    let mut score = 0;
    if pay {
        score += 2;
    }
    if parsed.period.is_some() && !parsed.period_inferred {
        score += 1;
    }
    if parsed.is_range() {
        score += 1;
    }
    Some(Candidate { parsed, start: at, end, line_start: ls, score })
}

/// The window with period units and codes between two bounds taken out ("$25/hr - $30/hr" →
/// "$25 - $30/hr"), so that the range reads as one.
fn join_bounds(window: &str) -> String {
    let mut numbers = NUMBER.find_iter(window);
    let (Some(first), Some(second)) = (numbers.next(), numbers.next()) else {
        return window.to_string();
    };
    let gap = &window[first.end()..second.start()];
    match BOUND_UNIT.find(gap) {
        Some(u) if u.start() == 0 || gap[..u.start()].trim().is_empty() => {
            format!("{}{}{}", &window[..first.end()], &gap[u.end()..], &window[second.start()..])
        }
        _ => window.to_string(),
    }
}

/// Whether a candidate reads as a salary once its period is known or inferred: hourly 7–500,
/// daily 50–5,000, weekly 200–20,000, monthly 500–100,000, yearly 10,000 and up; with no period,
/// a range or amount of a yearly salary's size, or an hourly rate's when the clause says pay.
fn plausible(c: &mut Candidate) -> bool {
    let v = c.parsed.max.or(c.parsed.min).unwrap_or(0.0);
    let lo = c.parsed.min.or(c.parsed.max).unwrap_or(0.0);
    if lo <= 0.0 {
        return false;
    }
    match c.parsed.period {
        Some(Period::Hour) => (7.0..=500.0).contains(&v),
        Some(Period::Day) => (50.0..=5_000.0).contains(&v),
        Some(Period::Week) => (200.0..=20_000.0).contains(&v),
        Some(Period::Month) => (500.0..=100_000.0).contains(&v),
        Some(Period::Year) => v >= 10_000.0 && lo >= 5_000.0 && v <= 10_000_000.0,
        None if lo >= 10_000.0 && v <= 10_000_000.0 => true,
        None if c.score >= 2 && (7.0..=500.0).contains(&v) => {
            // "$45-$60 DOE" in a pay clause: an hourly rate.
            c.parsed.period = Some(Period::Hour);
            c.parsed.period_inferred = true;
            true
        }
        None => false,
    }
}

/// Finds the pay a description states: every amount or range in the text — marked by a currency,
/// or after pay words ("Salary: 120k - 150k") — read with its context (pay words in its clause or
/// the heading above it, a period, what it sits next to). Amounts whose clause speaks of funding,
/// budgets, benefits or one-off payments are not pay, and neither are amounts whose size does not
/// fit a salary of their period; a veto elsewhere on the line does not hide a real range. Several
/// ranges of one block (zones, levels) are read as their span, each kept in `ranges`. Without a
/// currency symbol, the currency is the posting country's (marked assumed), or unknown.
pub fn find_pay(description: &str, country: Option<&str>) -> Option<FoundPay> {
    let text = description;
    let mut starts: Vec<usize> = Vec::new();
    let mut contexts: Vec<usize> = Vec::new();
    for m in PAY_ANCHORS.find_iter(text) {
        match m.pattern().as_usize() {
            0 => starts.push(m.start()),
            _ => contexts.push(m.end()),
        }
    }
    // Amounts without a currency after pay words: the rest of the pay word's line and the two
    // lines after a heading.
    for ctx_end in contexts {
        let mut end = line_end(text, ctx_end);
        if text[ctx_end..end].trim().trim_end_matches(':').trim().len() < 3 {
            for _ in 0..2 {
                if end < text.len() {
                    end = line_end(text, end + 1);
                }
            }
        }
        let end = end.min(crate::text::floor_char_boundary(text, ctx_end + 240));
        for m in NUMBER.find_iter(&text[ctx_end..end]) {
            let v = m.as_str();
            let big = v.chars().filter(char::is_ascii_digit).count() >= 4 || v.to_ascii_lowercase().ends_with('k');
            if big {
                starts.push(ctx_end + m.start());
            }
        }
    }
    // A line that is nothing but a range of salary-sized numbers ("150K-280K", "98,100 - 171,398").
    // Only lines that start with a digit can be one (cheaper than a regex over the whole text).
    let mut line = 0;
    while line < text.len() {
        let end = memchr::memchr(b'\n', &text.as_bytes()[line..]).map_or(text.len(), |i| line + i);
        let first = text.as_bytes()[line..end].iter().position(|&b| b != b' ' && b != b'\t').map(|i| line + i);
        if let Some(first) = first.filter(|&i| text.as_bytes()[i].is_ascii_digit())
            && BARE_RANGE_LINE.is_match(&text[line..end])
        {
            starts.push(first);
        }
        line = end + 1;
    }
    // An anchor on a range's second bound ("60-75k EUR", "18-24 LPA": the currency or unit follows
    // the second number) starts at the first.
    for at in &mut starts {
        let from = crate::text::floor_char_boundary(text, at.saturating_sub(24)).max(line_start(text, *at));
        if let Some(m) = RANGE_START.find(&text[from..*at]) {
            *at = from + m.start();
        }
    }
    starts.sort_unstable();
    starts.dedup();
    let mut found: Vec<Candidate> = Vec::new();
    for at in starts {
        if found.last().is_some_and(|c| at < c.end) {
            continue;
        }
        let Some(mut c) = candidate_at(text, at, country) else { continue };
        if !plausible(&mut c) {
            continue;
        }
        if c.parsed.currency.is_none()
            && let Some(cur) = country.and_then(country_currency)
        {
            if c.score < 2 {
                continue;
            }
            (c.parsed.currency, c.parsed.currency_assumed) = (Some(cur.to_string()), true);
        }
        // Pay words, a stated period, or a range of a salary's size.
        if c.score >= 2 || (c.score >= 1 && c.parsed.currency.is_some()) {
            found.push(c);
        }
    }
    let best = found.iter().enumerate().max_by_key(|(i, c)| (c.score, std::cmp::Reverse(*i)))?.0;
    // The block of ranges around the best one: same currency and period, each within 400 bytes
    // of the next.
    // An unstated period of a salary-sized amount is the year normalise will infer.
    let period = |c: &Candidate| c.parsed.period.or_else(|| (c.parsed.min.or(c.parsed.max).unwrap_or(0.0) >= 10_000.0).then_some(Period::Year));
    // Several ranges (zones, levels) are each a range; single amounts near each other ("£7.50 an
    // hour (£300 for a basic 40 hours)", a salary and a pension) are not zones.
    let same = |c: &Candidate, other: &Candidate| {
        c.parsed.currency == found[best].parsed.currency && period(c) == period(&found[best]) && c.parsed.is_range() && other.parsed.is_range()
    };
    let (mut a, mut b) = (best, best);
    while a > 0 && same(&found[a - 1], &found[a]) && found[a].start - found[a - 1].end <= 400 {
        a -= 1;
    }
    while b + 1 < found.len() && same(&found[b + 1], &found[b]) && found[b + 1].start - found[b].end <= 400 {
        b += 1;
    }
    let block = &found[a..=b];
    // The statement as written: the heading above it (when the amounts open their line), else
    // from the first amount's clause, to the end of the last amount's sentence.
    let ls = block[0].line_start;
    let floor = crate::text::floor_char_boundary(text, ls.saturating_sub(LINE_REACH));
    let opens_line = text[ls..block[0].start].trim_start_matches(['-', '•', '*', ' ', '\t']).len() < 3;
    let head_start = match heading_above(text, ls) {
        Some(h) if opens_line || block.len() > 1 => text[floor..ls].rfind(h).map_or(ls, |i| floor + i),
        _ => clause_before(text, block[0].start),
    };
    let last_end = block[block.len() - 1].end;
    let line_stop = line_end(text, last_end);
    let raw_end = text[last_end..line_stop].find(". ").map_or(line_stop, |i| last_end + i + 1);
    let raw: String = text[head_start..raw_end].split_whitespace().collect::<Vec<_>>().join(" ");
    let mut parsed = block[0].parsed.clone();
    let mut ranges = Vec::new();
    if block.len() > 1 {
        parsed.min = block.iter().filter_map(|c| c.parsed.min).min_by(f64::total_cmp);
        parsed.max = block.iter().filter_map(|c| c.parsed.max).max_by(f64::total_cmp);
        for c in block {
            let label = text[c.line_start..c.start].trim().trim_end_matches([':', '-', '–', '|']).trim().trim_start_matches(['-', '•', '*', '·', '|']).trim();
            ranges.push((label.to_string(), c.parsed.clone()));
        }
    }
    Some(FoundPay { parsed, raw, start: block[0].start, end: block[block.len() - 1].end, ranges })
}

/// [`find_pay`]'s reading and the statement's text.
pub fn find_in_description(description: &str, country: Option<&str>) -> Option<(ParsedAmount, String)> {
    find_pay(description, country).map(|f| (f.parsed, f.raw))
}

/// The salary a description states ([`find_pay`]), normalised, with its ranges when several.
pub fn from_description(description: &str, country: Option<&str>, fx: &FxTable) -> Option<Salary> {
    let found = find_pay(description, country)?;
    let mut salary = normalise(found.parsed.clone(), SalarySource::Description, found.raw, fx)?;
    salary.ranges = found
        .ranges
        .into_iter()
        .map(|(label, p)| SalaryRange {
            label,
            min: p.min,
            max: p.max,
            currency: p.currency,
            // The period the span was normalised with (a yearly one inferred from the size).
            period: p.period.or(salary.period),
        })
        .collect();
    Some(salary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx() -> FxTable {
        crate::taxonomy::test_taxonomy().fx.clone()
    }

    /// (min, max, currency, period, annual_usd_min)
    type Expect<'a> = (Option<f64>, Option<f64>, Option<&'a str>, Option<Period>, Option<f64>);

    /// (text, country) → [`Expect`]
    fn check(text: &str, country: Option<&str>, expect: Expect<'_>) {
        let parsed = parse_text(text, country).unwrap_or_else(|| panic!("no salary in {text:?}"));
        let s = normalise(parsed, SalarySource::Text, text.into(), &fx()).unwrap();
        assert_eq!((s.min, s.max, s.currency.as_deref(), s.period, s.annual_usd_min), expect, "text: {text:?}");
    }

    #[test]
    fn common_forms() {
        check("$120k–$150k", Some("US"), (Some(120000.0), Some(150000.0), Some("USD"), Some(Period::Year), Some(120000.0)));
        check("USD 120,000 - 150,000 per year", None, (Some(120000.0), Some(150000.0), Some("USD"), Some(Period::Year), Some(120000.0)));
        check("£45/hour", None, (Some(45.0), Some(45.0), Some("GBP"), Some(Period::Hour), Some(119808.0)));
        check("€60.000–80.000 brutto/Jahr", None, (Some(60000.0), Some(80000.0), Some("EUR"), Some(Period::Year), Some(64800.0)));
        check("60 000 € par an", None, (Some(60000.0), Some(60000.0), Some("EUR"), Some(Period::Year), Some(64800.0)));
        check("₹25 LPA", None, (Some(2_500_000.0), Some(2_500_000.0), Some("INR"), Some(Period::Year), Some(30000.0)));
        check("CHF 140'000", None, (Some(140000.0), Some(140000.0), Some("CHF"), Some(Period::Year), Some(159600.0)));
        check("up to $200K DOE", Some("US"), (None, Some(200000.0), Some("USD"), Some(Period::Year), None));
        check("$50-60/hr W2", Some("US"), (Some(50.0), Some(60.0), Some("USD"), Some(Period::Hour), Some(104000.0)));
        check("from 90k EUR a year", None, (Some(90000.0), None, Some("EUR"), Some(Period::Year), Some(97200.0)));
        check("4.500 € pro Monat", None, (Some(4500.0), Some(4500.0), Some("EUR"), Some(Period::Month), Some(58320.0)));
        check("$120-150k", Some("US"), (Some(120000.0), Some(150000.0), Some("USD"), Some(Period::Year), Some(120000.0)));
        check("45.000 - 55.000 euros al año", None, (Some(45000.0), Some(55000.0), Some("EUR"), Some(Period::Year), Some(48600.0)));
        check("$600 per day", Some("US"), (Some(600.0), Some(600.0), Some("USD"), Some(Period::Day), Some(156000.0)));
        check("ARS 1.200.000 por mes", None, (Some(1_200_000.0), Some(1_200_000.0), Some("ARS"), Some(Period::Month), Some(15696.0)));
        check("PHP 80,000 monthly", None, (Some(80000.0), Some(80000.0), Some("PHP"), Some(Period::Month), Some(16800.0)));
    }

    /// The table of real-world salary strings (`testdata/salary/parse-table.tsv`): every row must
    /// read as listed; all failures are reported together.
    #[test]
    fn parse_table() {
        let table = include_str!("../../../../testdata/salary/parse-table.tsv");
        let num = |s: &str| if s.is_empty() { None } else { Some(s.parse::<f64>().expect("number in table")) };
        let mut failures = Vec::new();
        let mut rows = 0;
        for (n, line) in table.lines().enumerate().filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty()) {
            rows += 1;
            let f: Vec<&str> = line.split('\t').collect();
            let (text, country) = (f[0], Some(f[1]).filter(|c| !c.is_empty()));
            let got = parse_text(text, country).and_then(|p| normalise(p, SalarySource::Text, text.into(), &fx()));
            let got = got.map(|s| (s.min, s.max, s.currency, s.period));
            if f.get(2) == Some(&"not-a-salary") {
                // Text around a number that is not pay: the description scan must not take it.
                if let Some(found) = find_in_description(text, country) {
                    failures.push(format!("line {}: {text:?}: read as a salary from a description: {found:?}", n + 1));
                }
                continue;
            }
            let want = if f.get(2) == Some(&"none") {
                None
            } else {
                Some((num(f[2]), num(f[3]), Some(f[4]).filter(|c| !c.is_empty()).map(String::from), Period::parse(f[5])))
            };
            if got != want {
                failures.push(format!("line {}: {text:?}: got {got:?}, want {want:?}", n + 1));
            }
        }
        assert!(rows >= 150, "{rows} rows");
        assert!(failures.is_empty(), "{} of {rows} rows fail:\n{}", failures.len(), failures.join("\n"));
    }

    #[test]
    fn unknown_stays_unknown() {
        assert_eq!(parse_text("Competitive", None), None);
        assert_eq!(parse_text("DOE", None), None);
        // No currency: amounts kept, nothing converted.
        let p = parse_text("50,000 - 60,000 per annum", None).unwrap();
        assert_eq!(p.currency, None);
        let s = normalise(p, SalarySource::Text, String::new(), &fx()).unwrap();
        assert_eq!((s.annual_min, s.annual_usd_min), (Some(50000.0), None));
        // Small amount without a period: the period stays unknown.
        let s = normalise(parse_text("€3,000", None).unwrap(), SalarySource::Text, String::new(), &fx()).unwrap();
        assert_eq!((s.period, s.annual_usd_min), (None, None));
        // A currency we have no rate for keeps its code and gets no USD figure.
        let s = normalise(
            ParsedAmount {
                min: Some(1.0),
                max: None,
                currency: Some("XYZ".into()),
                currency_assumed: false,
                period: Some(Period::Year),
                period_inferred: false,
            },
            SalarySource::Structured,
            String::new(),
            &fx(),
        )
        .unwrap();
        assert_eq!((s.currency.as_deref(), s.annual_usd_min), (Some("XYZ"), None));
    }

    #[test]
    fn bare_dollar_follows_country() {
        let p = parse_text("$100,000", Some("CA")).unwrap();
        assert_eq!((p.currency.as_deref(), p.currency_assumed), (Some("CAD"), true));
        let p = parse_text("$100,000", None).unwrap();
        assert_eq!((p.currency.as_deref(), p.currency_assumed), (Some("USD"), true));
    }

    #[test]
    fn description_salary_ignores_funding() {
        let d = "We raised $50M in Series B funding.\nThe base salary range for this role is $140,000 - $180,000 per year.";
        let (p, line) = find_in_description(d, Some("US")).unwrap();
        assert_eq!((p.min, p.max), (Some(140000.0), Some(180000.0)));
        assert!(line.starts_with("The base salary"));
        assert_eq!(find_in_description("Learning budget of $2,000 per year.", Some("US")), None);
    }

    proptest::proptest! {
        #[test]
        fn parser_never_panics(text in "\\PC{0,80}", lead in "[$€£₹ ~–-]{0,3}[0-9.,' ]{0,12}[kK]?") {
            let s = format!("{lead}{text}");
            if let Some(p) = parse_text(&s, Some("US")) {
                let _ = normalise(p, SalarySource::Text, s.clone(), &fx());
            }
            let _ = find_in_description(&format!("Salary: {s}\nPay {text} per year"), None);
        }
    }

    proptest::proptest! {
        /// Any mix of amounts, pay words, vetoes, separators and line breaks: no panic, and what
        /// is found lies inside the text with its amounts in order.
        #[test]
        fn the_finder_never_panics(parts in proptest::collection::vec(proptest::sample::select(vec![
            "$", "€", "£", "USD ", "120,000", "150k", "98.100", "45", "1.5", "-", " – ", " to ", "/hr", "hr", " per year", "Salary:", "Pay range",
            "Zone 1: ", "funding", " raised ", "401(k)", "\n", "\n\n", ". ", "W2", " on C2C", "LPA", "up to ", "from ", "é", "₹", " ", "K",
        ]), 0..80)) {
            let text = parts.concat();
            for country in [Some("US"), Some("DE"), None] {
                if let Some(f) = find_pay(&text, country) {
                    proptest::prop_assert!(f.start <= f.end && f.end <= text.len());
                }
            }
        }
    }

    /// Linear in the text's length: every amount is read within a bounded window, so a megabyte
    /// of amounts on one line (no line breaks to stop a search) is read in one pass.
    #[test]
    fn the_finder_reads_a_megabyte_of_amounts_on_one_line() {
        let text = "Salary: $120,000 - $150,000 per year, funding $5M, 401(k) $1,200/year; ".repeat(15_000);
        assert!(text.len() > 1_000_000);
        let started = std::time::Instant::now();
        let f = find_pay(&text, Some("US")).expect("a range");
        assert_eq!((f.parsed.min, f.parsed.max), (Some(120_000.0), Some(150_000.0)));
        // Quadratic work over a megabyte would take minutes; this is a generous bound for a debug build.
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
    }

    /// Issue 14's classes, one each (the development set has hundreds): the statement under a
    /// heading, no currency after pay words, bounds with units, zones as their span, a veto on
    /// the same line that does not hide the range.
    #[test]
    fn the_finder_reads_the_layouts_of_real_postings() {
        let read = |t: &str, c: Option<&str>| find_pay(t, c).map(|f| (f.parsed.min, f.parsed.max, f.parsed.currency, f.parsed.period, f.ranges.len()));
        let usd = |lo: Option<f64>, hi: Option<f64>, p: Period, n: usize| Some((lo, hi, Some("USD".to_string()), Some(p), n));
        assert_eq!(
            read("About us.\n\nCalifornia Pay Range:\n$140,100—$210,100 USD\n\nBenefits", Some("US")),
            usd(Some(140100.0), Some(210100.0), Period::Year, 0).map(|(a, b, c, _, n)| (a, b, c, None, n))
        );
        assert_eq!(read("Salary: 120k - 130k", Some("US")), Some((Some(120000.0), Some(130000.0), Some("USD".into()), None, 0)));
        assert_eq!(read("Salary: 120k - 130k", None), Some((Some(120000.0), Some(130000.0), None, None, 0)), "no country: the amounts, no currency guessed");
        assert_eq!(read("Pay: $25/hr - $30/hr", Some("US")), usd(Some(25.0), Some(30.0), Period::Hour, 0));
        assert_eq!(read("Base: $110- $120,000", Some("US")).map(|r| (r.0, r.1)), Some((Some(110000.0), Some(120000.0))));
        assert_eq!(
            read("Zone 1: $329,000 – $399,000/year\nZone 2: $296,000 – $359,000/year", Some("US")),
            usd(Some(296000.0), Some(399000.0), Period::Year, 2)
        );
        let zones = find_pay("Pay by zone:\n- Zone 1 (SF, NYC): $180,000 - $220,000\n- Zone 2: $150,000 - $190,000", Some("US")).unwrap();
        let labels: Vec<(&str, Option<f64>)> = zones.ranges.iter().map(|(l, p)| (l.as_str(), p.min)).collect();
        assert_eq!(labels, [("Zone 1 (SF, NYC)", Some(180000.0)), ("Zone 2", Some(150000.0))]);
        assert_eq!(read("Rate: $65 on C2C", Some("US")).map(|r| (r.0, r.3)), Some((Some(65.0), Some(Period::Hour))));
        assert_eq!(
            read("Up to $500 per year for learning. The base salary is $150,000 - $180,000.", Some("US")).map(|r| (r.0, r.1)),
            Some((Some(150000.0), Some(180000.0)))
        );
        assert_eq!(read("We raised $50M. Learning budget of $2,000 per year. 401(k) match.", Some("US")), None);
    }

    #[test]
    fn implausible_salaries_are_named() {
        let f = fx();
        let make = |min: f64, max: f64, period: Period| {
            let p = ParsedAmount {
                min: Some(min),
                max: Some(max),
                currency: Some("USD".into()),
                currency_assumed: false,
                period: Some(period),
                period_inferred: false,
            };
            normalise(p, SalarySource::Structured, String::new(), &f).unwrap()
        };
        assert!(implausible(&make(-50_000.0, 100_000.0, Period::Year)).is_some_and(|w| w.contains("-50000 is not a positive amount")));
        assert!(implausible(&make(100_000.0, 99_999_999_999.0, Period::Year)).is_some_and(|w| w.contains("99,999,999,999") && w.contains("not a plausible")));
        assert!(implausible(&make(5.0, 8.0, Period::Year)).is_some(), "$5 a year");
        assert_eq!(implausible(&make(25.0, 30.0, Period::Hour)), None, "$25-30 an hour is fine");
        assert_eq!(implausible(&make(150_000.0, 250_000.0, Period::Year)), None);
    }

    #[test]
    fn structured_periods() {
        assert_eq!(Period::parse("1 HOUR"), Some(Period::Hour));
        assert_eq!(Period::parse("per-month"), Some(Period::Month));
        assert_eq!(Period::parse("YEAR"), Some(Period::Year));
        assert_eq!(Period::parse("fortnight"), None);
    }
}
