//! From what a user types to a tantivy query: the analyser, query syntax ("phrases", -exclusions),
//! typo tolerance and synonyms from the taxonomy.
//!
//! The word rules are those of the established engines (and of the benchmark kit in
//! `shared/bench`): runs of letters/digits (underscore and hyphen split), lower case, ASCII folding
//! (so "munchen" finds "München"), the Snowball English stop words dropped, Snowball English
//! stemming (the stemmer Xapian and PostgreSQL use). Every word must match.

use std::collections::HashMap;

use mljobs_core::Taxonomy;
use rustc_hash::FxHashMap;
use tantivy::Term;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RemoveLongFilter, StopWordFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};

/// The name the analyser is registered under. It is part of the schema, so a new name is how an
/// index analysed by older rules gets rebuilt (`SearchIndex::open` recreates an index of another
/// schema): `_v2` keeps the symbols of skill names ([`next_word`]).
pub(crate) const ANALYZER: &str = "en_snowball_v2";

/// The Snowball English stop list (snowballstem.org, BSD licence; the same 127 words as
/// PostgreSQL's `english.stop`). tantivy's own English list is Lucene's 33 words.
const STOP_WORDS: &str = "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers \
herself it its itself they them their theirs themselves what which who whom this that these those am is \
are was were be been being have has had having do does did doing a an the and but if or because as until \
while of at by for with about against between into through during before after above below to from up \
down in out on off over under again further then once here there when where why how all any both each few \
more most other some such no nor not only own same so than too very s t can will just don should now";

/// The analyser of the `text` field (and of queries against it).
pub(crate) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(STOP_WORDS.split_whitespace().map(str::to_string)))
        .filter(CachedStemmer)
        .build()
}

/// The next word of `text` at or after byte `from`: `(start, end, word)`. Words are runs of
/// letters and digits, as in tantivy's `SimpleTokenizer`, except that the symbols of skill names
/// are part of the word: "C++" is `cpp`, "C#" / "F#" `csharp` / `fsharp`, ".NET" `dotnet` (also in
/// "ASP.NET", "VB.NET"), so that they neither vanish nor search as a lone "C". The span covers the
/// symbols, so highlights show "C++". `word` is borrowed unless a symbol was spelled out.
pub(crate) fn next_word(text: &str, from: usize) -> Option<(usize, usize, std::borrow::Cow<'_, str>)> {
    use std::borrow::Cow;
    let bytes = text.as_bytes();
    let alnum_at = |i: usize| text.get(i..).and_then(|t| t.chars().next()).is_some_and(char::is_alphanumeric);
    let mut i = from;
    while i < text.len() {
        // ASCII bytes are decided on the byte (the indexing hot loop); others decoded as chars.
        let b = bytes[i];
        if b < 0x80 && !b.is_ascii_alphanumeric() {
            // ".NET" where it starts a word (or follows ASP/ADO/VB).
            if b == b'.' && text.get(i + 1..i + 4).is_some_and(|w| w.eq_ignore_ascii_case("net")) && !(i + 4 < text.len() && alnum_at(i + 4)) {
                let before = text[..i].trim_end_matches(|c: char| c.is_ascii_alphabetic());
                let prefix = &text[before.len()..i];
                if prefix.is_empty() || ["asp", "ado", "vb"].iter().any(|p| prefix.eq_ignore_ascii_case(p)) {
                    return Some((i, i + 4, Cow::Borrowed("dotnet")));
                }
            }
            i += 1;
            continue;
        }
        if b >= 0x80 && !alnum_at(i) {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let start = i;
        let mut end = i;
        while end < text.len() {
            let b = bytes[end];
            if b < 0x80 {
                if !b.is_ascii_alphanumeric() {
                    break;
                }
                end += 1;
            } else {
                match text[end..].chars().next() {
                    Some(c) if c.is_alphanumeric() => end += c.len_utf8(),
                    _ => break,
                }
            }
        }
        let after_symbol = |len: usize| !(end + len < text.len() && alnum_at(end + len));
        let word = &text[start..end];
        // "C++17": a version may follow the symbols.
        if text[end..].starts_with("++") && (after_symbol(2) || text[end + 2..].starts_with(|c: char| c.is_ascii_digit())) {
            return Some((start, end + 2, Cow::Owned(format!("{word}pp"))));
        }
        if text[end..].starts_with('#') && word.len() == 1 && word.chars().all(|c| c.is_ascii_alphabetic()) && after_symbol(1) {
            return Some((start, end + 1, Cow::Owned(format!("{word}sharp"))));
        }
        return Some((start, end, Cow::Borrowed(word)));
    }
    None
}

/// Splits text into words by [`next_word`].
#[derive(Clone, Default)]
pub(crate) struct WordTokenizer {
    token: Token,
}

pub(crate) struct WordTokenStream<'a> {
    text: &'a str,
    at: usize,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        WordTokenStream { text, at: 0, token: &mut self.token }
    }
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((start, end, word)) = next_word(self.text, self.at) else {
            self.at = self.text.len();
            return false;
        };
        self.at = end;
        self.token.text.clear();
        self.token.text.push_str(&word);
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Snowball English stemming with a memo: postings repeat a small vocabulary, and stemming was a
/// third of indexing time (perf, docs/benchmarks.md). The memo is per thread (no lock): indexing
/// threads and the server's workers keep theirs across documents and requests — an analyser clone
/// is made for every snippet generator and query, so a memo held by the clone started empty each
/// time. It stops growing at [`CachedStemmer::CAPACITY`] words.
#[derive(Clone, Copy)]
pub(crate) struct CachedStemmer;

impl CachedStemmer {
    const CAPACITY: usize = 200_000;
}

thread_local! {
    static STEMS: std::cell::RefCell<FxHashMap<Box<str>, Box<str>>> = std::cell::RefCell::new(FxHashMap::default());
}

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter { inner }
    }
}

#[derive(Clone)]
pub(crate) struct CachedStemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream { tail: self.inner.token_stream(text), stemmer: frostem::Stemmer::new(frostem::Algorithm::English) }
    }
}

pub(crate) struct CachedStemmerStream<S> {
    tail: S,
    stemmer: frostem::Stemmer,
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        STEMS.with_borrow_mut(|memo| {
            if let Some(stem) = memo.get(token.text.as_str()) {
                token.text.clear();
                token.text.push_str(stem);
                return;
            }
            let stem: Box<str> = self.stemmer.stem(&token.text).into();
            if memo.len() < CachedStemmer::CAPACITY {
                memo.insert(token.text.as_str().into(), stem.clone());
            }
            token.text.clear();
            token.text.push_str(&stem);
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Tokens of `text` with their positions, as the index sees them.
pub(crate) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = stream.token();
        out.push((t.position, t.text.clone()));
    }
    out
}

/// Query synonyms from the taxonomy: a skill's name and unambiguous aliases are one concept, so
/// "ml engineer" finds "machine learning engineer", "sklearn" finds "scikit-learn", and "pytorch"
/// finds postings tagged with the skill whatever their text says. Built once per taxonomy.
pub struct Synonyms {
    /// Lower-cased form (name or alias, split into words by the analyser's word rules) → skill.
    forms: HashMap<Vec<String>, usize>,
    /// Skill ids and names.
    skills: Vec<(String, String)>,
    /// Longest form, in words.
    longest: usize,
}

impl Synonyms {
    /// Synonym groups of the taxonomy's skills: the name and the aliases that are other names of
    /// the same thing ([`same_thing`]). Aliases that are narrower or related ("genomics" and
    /// "drug discovery" under Bioinformatics, "ggplot2" under R, "EKS" under Kubernetes) tag the
    /// skill in postings but are not query synonyms: a search for "genomics" is a search for that
    /// word, not for every posting tagged Bioinformatics.
    pub fn new(taxonomy: &Taxonomy) -> Synonyms {
        let mut analyzer = analyzer();
        let mut forms = HashMap::new();
        let mut skills = Vec::new();
        let mut longest = 1;
        for skill in &taxonomy.skills {
            let same = skill
                .aliases
                .iter()
                .map(String::as_str)
                .filter(|a| skill.same.iter().any(|x| x.eq_ignore_ascii_case(a)) || same_thing(a, &skill.name, &mut analyzer));
            let mut words_of: Vec<Vec<String>> = std::iter::once(&*skill.name).chain(same).map(words).collect();
            words_of.retain(|w| !w.is_empty());
            words_of.dedup();
            let n = skills.len();
            for w in &words_of {
                longest = longest.max(w.len());
                forms.entry(w.clone()).or_insert(n);
            }
            skills.push((skill.id.to_string(), skill.name.to_string()));
        }
        Synonyms { forms, skills, longest }
    }

    /// The longest run of `words` starting at `at` that names a skill: (words used, skill index).
    fn longest_match(&self, words: &[String], at: usize) -> Option<(usize, usize)> {
        (1..=self.longest.min(words.len() - at)).rev().find_map(|n| self.forms.get(&words[at..at + n]).map(|&s| (n, s)))
    }
}

/// Words that do not change what a skill name names ("R programming" is R, "statistical
/// analysis" is statistics, "Apache Spark" is Spark), as analysed (stemmed) tokens.
const NAME_FILLER: [&str; 25] = [
    "languag",
    "program",
    "framework",
    "librari",
    "platform",
    "analysi",
    "method",
    "techniqu",
    "tool",
    "softwar",
    "apach",
    "microsoft",
    "googl",
    "amazon",
    "aw",
    "js",
    "nvidia",
    "ibm",
    "facebook",
    "meta",
    "modern",
    "core",
    "ansi",
    "base",
    "scienc",
];

/// Whether `alias` is another name of the thing `name` names, not a narrower or related term:
/// the same letters ("time-series", "scikit learn"); an abbreviation of one by the other — one
/// word whose letters run in order through the other's, from the same first letter ("ML", "NLP",
/// "sklearn", "GenAI", "golang"); a numeronym ("k8s"); or the same stemmed words once version
/// numbers and [`NAME_FILLER`] words are left out ("R language", "statistical methods").
/// "Genomics" (Bioinformatics), "demand forecasting" (Forecasting), "GANs" (Generative AI) and
/// "EKS" (Kubernetes) are not.
pub(crate) fn same_thing(alias: &str, name: &str, analyzer: &mut TextAnalyzer) -> bool {
    // Letters only, lower case, British and American spellings made one.
    let letters = |s: &str| -> String {
        let l: String = s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
        l.replace("ization", "isation").replace("izing", "ising").replace("yze", "yse").replace("lling", "ling")
    };
    let (a, n) = (letters(alias), letters(name));
    if a.is_empty() || n.is_empty() {
        return false;
    }
    if a == n {
        return true;
    }
    if abbreviates(alias, name) || abbreviates(name, alias) {
        return true;
    }
    let numeronym = |short: &str, long: &str| {
        let digits: String = short.chars().filter(char::is_ascii_digit).collect();
        let (first, last) = (short.chars().next(), short.chars().last());
        short.len() == digits.len() + 2
            && digits.parse::<usize>().is_ok_and(|k| long.chars().count() == k + 2)
            && first == long.chars().next()
            && last == long.chars().last()
    };
    if numeronym(&a, &n) || numeronym(&n, &a) {
        return true;
    }
    let core = |s: &str, analyzer: &mut TextAnalyzer| -> std::collections::BTreeSet<String> {
        tokens(analyzer, s).into_iter().map(|(_, t)| t).filter(|t| !NAME_FILLER.contains(&t.as_str()) && !t.chars().all(|c| c.is_ascii_digit())).collect()
    };
    let (ca, cn) = (core(alias, analyzer), core(name, analyzer));
    !ca.is_empty() && ca == cn
}

/// Whether `short` (one word of two or more letters) abbreviates `long`: its letters run in
/// order through `long`'s words, starting each word with its first letter ("ML" → Machine
/// Learning, "sklearn" → scikit-learn, "GenAI" → Generative AI, "golang" ← Go). A longer name
/// that adds a word ("PyTorch Lightning", "TensorFlow Serving") is not abbreviated by "PyTorch".
fn abbreviates(short: &str, long: &str) -> bool {
    /// `s` split over `ws`: each word takes a non-empty run of `s`'s letters that starts with its
    /// first letter and runs in order through the rest of it.
    fn split_over(s: &[char], ws: &[Vec<char>]) -> bool {
        let Some((w, rest)) = ws.split_first() else { return s.is_empty() };
        if s.first() != w.first() {
            return false;
        }
        // Take 1..=k letters into this word (the letters after the first run through w[1..]).
        let mut at = 1;
        let mut k = 1;
        loop {
            if split_over(&s[k..], rest) {
                return true;
            }
            let Some(&c) = s.get(k) else { return false };
            match w[at..].iter().position(|&x| x == c) {
                Some(p) => {
                    at += p + 1;
                    k += 1;
                }
                None => return false,
            }
        }
    }
    let short_words = words(short);
    let [s] = short_words.as_slice() else { return false };
    let s: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
    let ws: Vec<Vec<char>> = words(long).iter().map(|w| w.chars().filter(|c| c.is_alphanumeric()).collect()).filter(|w: &Vec<char>| !w.is_empty()).collect();
    let long_len: usize = ws.iter().map(Vec::len).sum();
    s.len() >= 2 && s.len() < long_len && split_over(&s, &ws)
}

/// Lower-cased words by the analyser's splitting rule ([`next_word`]).
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some((_, end, w)) = next_word(s, at) {
        out.push(w.to_lowercase());
        at = end;
    }
    out
}

#[derive(Debug, PartialEq)]
pub(crate) enum QueryPart {
    Word(String),
    Phrase(String),
    Exclude(String),
}

/// Splits user input into words, "phrases" and -exclusions; an unclosed quote runs to the end.
pub(crate) fn split_query(q: &str) -> Vec<QueryPart> {
    let mut out = Vec::new();
    let mut rest = q.trim();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').unwrap_or(r.len());
            let phrase = r[..end].trim();
            if !phrase.is_empty() {
                out.push(QueryPart::Phrase(phrase.to_string()));
            }
            rest = r.get(end + 1..).unwrap_or("").trim_start();
            continue;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let token = &rest[..end];
        match token.strip_prefix('-') {
            Some(x) if !x.is_empty() => out.push(QueryPart::Exclude(x.to_string())),
            _ => out.push(QueryPart::Word(token.to_string())),
        }
        rest = rest[end..].trim_start();
    }
    out
}

/// The text part of a request after analysis, before it becomes a tantivy query (general path)
/// or a fast-path plan.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Clause {
    /// A required token (`letters`: length of the word typed, for typo distances).
    Word { token: String, letters: usize },
    /// Words naming a skill: the typed tokens (all required) or the skill tag.
    /// `name` holds the skill name's tokens when they differ from the typed ones ("ml" →
    /// machine, learning): a posting saying "Machine Learning Engineer" matches as strongly as
    /// one saying "ML Engineer".
    Concept { tokens: Vec<String>, letters: usize, skill: String, name: Vec<String> },
    /// A phrase: tokens with positions.
    Phrase(Vec<(usize, String)>),
    /// An excluded token.
    Exclude(String),
}

/// Analyses `q`: words, phrases, exclusions, and (with synonyms) runs of words naming a skill,
/// longest first, ending on a word boundary.
pub(crate) fn parse(q: &str, analyzer: &mut TextAnalyzer, synonyms: Option<&Synonyms>) -> Vec<Clause> {
    let mut out = Vec::new();
    let parts = split_query(q);
    let mut i = 0;
    while i < parts.len() {
        match &parts[i] {
            QueryPart::Phrase(p) => {
                let toks = tokens(analyzer, p);
                if !toks.is_empty() {
                    out.push(Clause::Phrase(toks));
                }
            }
            QueryPart::Exclude(w) => out.extend(tokens(analyzer, w).into_iter().map(|(_, t)| Clause::Exclude(t))),
            QueryPart::Word(_) => {
                let run: Vec<&str> = parts[i..]
                    .iter()
                    .map_while(|p| match p {
                        QueryPart::Word(w) => Some(w.as_str()),
                        _ => None,
                    })
                    .collect();
                parse_words(&run, analyzer, synonyms, &mut out);
                i += run.len();
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Plain words: each analysed token is required ("scikit-learn" → scikit AND learn); a run of
/// words naming a skill ("machine learning", "ml", "sklearn") becomes a concept.
fn parse_words(run: &[&str], analyzer: &mut TextAnalyzer, synonyms: Option<&Synonyms>, out: &mut Vec<Clause>) {
    let lowered: Vec<Vec<String>> = run.iter().map(|w| words(w)).collect();
    let mut at = 0;
    while at < run.len() {
        if let Some(syn) = synonyms {
            let flat: Vec<String> = lowered[at..].iter().flatten().cloned().collect();
            if !flat.is_empty()
                && let Some((n_words, skill)) = syn.longest_match(&flat, 0)
            {
                // Only use the match when it ends on a word boundary of the run.
                let mut used = 0;
                let mut consumed = 0;
                while used < n_words && at + consumed < run.len() {
                    used += lowered[at + consumed].len();
                    consumed += 1;
                }
                if used == n_words {
                    let literal = run[at..at + consumed].join(" ");
                    let letters = literal.chars().filter(|c| c.is_alphanumeric()).count();
                    let typed: Vec<String> = tokens(analyzer, &literal).into_iter().map(|(_, t)| t).collect();
                    let (id, name) = &syn.skills[skill];
                    let mut name: Vec<String> = tokens(analyzer, name).into_iter().map(|(_, t)| t).collect();
                    if name == typed {
                        name.clear();
                    }
                    out.push(Clause::Concept { tokens: typed, letters, skill: id.clone(), name });
                    at += consumed;
                    continue;
                }
            }
        }
        let letters = run[at].chars().filter(|c| c.is_alphanumeric()).count();
        out.extend(tokens(analyzer, run[at]).into_iter().map(|(_, token)| Clause::Word { token, letters }));
        at += 1;
    }
}

/// Builds the text part of a search against one analysed text field (title ×3, company ×2 and
/// description in one field, as Xapian's wdf weighting does) and the skill-tag field.
pub(crate) struct TextQueryBuilder<'a> {
    pub text: Field,
    /// The title alone (scored on top of the text field: [`TITLE_BOOST`]); `None`: no title score.
    pub title: Option<Field>,
    pub skill: Field,
    pub analyzer: TextAnalyzer,
    pub synonyms: Option<&'a Synonyms>,
    pub typos: bool,
    /// Whether a term occurs in the index: close spellings are tried only for words it does not
    /// know ("pytroch"), never for words it has ("python" stays "python").
    pub known: Option<&'a dyn Fn(&Term) -> bool>,
}

type Clauses = Vec<(Occur, Box<dyn Query>)>;

impl TextQueryBuilder<'_> {
    fn term(&self, t: &str) -> Term {
        Term::from_field_text(self.text, t)
    }

    /// A phrase (or a single term) from analysed tokens with their positions (stop words leave
    /// gaps, which the phrase keeps).
    fn phrase(&self, toks: &[(usize, String)]) -> Option<Box<dyn Query>> {
        match toks {
            [] => None,
            [(_, t)] => Some(Box::new(TermQuery::new(self.term(t), IndexRecordOption::WithFreqs))),
            _ => {
                let first = toks[0].0;
                Some(Box::new(PhraseQuery::new_with_offset(toks.iter().map(|(p, t)| (p - first, self.term(t))).collect())))
            }
        }
    }

    /// One analysed token: the exact term, plus close spellings when typos are forgiven and the
    /// index does not know the word (1 edit in words of ≥ 5 letters, 2 in words of ≥ 9, never the
    /// first letter) at half weight.
    fn word(&self, token: &str, letters: usize) -> Box<dyn Query> {
        let term = self.term(token);
        let known = self.known.is_some_and(|k| k(&term));
        let exact: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
        if !self.typos || letters < 5 || known {
            return exact;
        }
        let distance = if letters >= 9 { 2 } else { 1 };
        match crate::fuzzy::FirstLetterFuzzyQuery::new(self.text, token, distance) {
            Some(fuzzy) => Box::new(BooleanQuery::new(vec![(Occur::Should, exact), (Occur::Should, Box::new(BoostQuery::new(Box::new(fuzzy), 0.5)))])),
            None => exact,
        }
    }

    /// The query for `q`, or `None` when it has no words (every posting matches the text part).
    /// Matching: every word, concept and phrase is required. Scoring: BM25 of the text field, plus
    /// [`TITLE_BOOST`] × BM25 of the title field for each word (or concept spelling) the title has
    /// ([`title_groups`]), plus [`CONCEPT_TAG_SCORE`] when the enrichment tagged a concept's skill.
    pub fn build(&mut self, q: &str) -> Option<Box<dyn Query>> {
        let mut clauses: Clauses = Vec::new();
        let parsed = parse(q, &mut self.analyzer, self.synonyms);
        for clause in &parsed {
            match clause {
                Clause::Word { token, letters } => clauses.push((Occur::Must, self.word(token, *letters))),
                Clause::Concept { tokens, letters, skill, name } => clauses.push((Occur::Must, self.concept(tokens, *letters, skill, name))),
                Clause::Phrase(toks) => clauses.extend(self.phrase(toks).map(|q| (Occur::Must, q))),
                Clause::Exclude(t) => clauses.push((Occur::MustNot, Box::new(TermQuery::new(self.term(t), IndexRecordOption::Basic)))),
            }
        }
        if clauses.is_empty() {
            return None;
        }
        if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        for group in self.title.map(|_| title_groups(&parsed)).unwrap_or_default() {
            let all: Clauses = group
                .iter()
                .map(|t| {
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(
                            Term::from_field_text(self.title.expect("title groups only with a title field"), t),
                            IndexRecordOption::WithFreqs,
                        )) as Box<dyn Query>,
                    )
                })
                .collect();
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(BooleanQuery::new(all)), TITLE_BOOST))));
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// Words naming a skill: the words as typed (all required), the words of the skill's name, or
    /// the skill tag — which the enrichment sets wherever the posting names the skill by any of its
    /// forms, so "ml" finds "machine learning" without running a phrase query per alias (positions
    /// are the costly part of a search). The tag adds a constant ([`CONCEPT_TAG_SCORE`]): it says
    /// the enrichment read the word as the skill ("Spark", not "spark joy"), not how central the
    /// skill is — BM25 over a one-value-per-skill field would favour postings with few tags.
    fn concept(&self, typed: &[String], letters: usize, skill: &str, name: &[String]) -> Box<dyn Query> {
        let mut any: Clauses = Vec::new();
        if typed.len() == 1 {
            any.push((Occur::Should, self.word(&typed[0], letters)));
        } else if !typed.is_empty() {
            any.push((Occur::Should, Box::new(BooleanQuery::new(typed.iter().map(|t| (Occur::Must, self.word(t, 0))).collect()))));
        }
        if !name.is_empty() {
            let all: Clauses =
                name.iter().map(|t| (Occur::Must, Box::new(TermQuery::new(self.term(t), IndexRecordOption::WithFreqs)) as Box<dyn Query>)).collect();
            any.push((Occur::Should, Box::new(BooleanQuery::new(all))));
        }
        let tag = TermQuery::new(Term::from_field_text(self.skill, skill), IndexRecordOption::Basic);
        any.push((Occur::Should, Box::new(ConstScoreQuery::new(Box::new(tag), CONCEPT_TAG_SCORE))));
        Box::new(BooleanQuery::new(any))
    }
}

/// The groups of title words that score: each word, and each spelling of a concept (as typed, and
/// the skill's name when it differs) — a title with every word of a group adds [`TITLE_BOOST`] ×
/// their BM25 in the title field. Deduplicated, in query order. Phrases and exclusions do not
/// score in the title.
pub(crate) fn title_groups(clauses: &[Clause]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for c in clauses {
        let groups: Vec<&Vec<String>> = match c {
            Clause::Word { token, .. } => {
                let g = vec![token.clone()];
                if !out.contains(&g) {
                    out.push(g);
                }
                continue;
            }
            Clause::Concept { tokens, name, .. } => [tokens, name].into_iter().filter(|g| !g.is_empty()).collect(),
            _ => continue,
        };
        for g in groups {
            if !out.contains(g) {
                out.push(g.clone());
            }
        }
    }
    out
}

/// Weight of the title field's BM25 relative to the text field's. The text field already holds
/// the title three times (Xapian's within-document weighting), but term frequency saturates: a
/// word in a long description many times nearly equals one in the title. The separate field,
/// normalised by the title's length, says "the job is this": a title that *is* the query scores
/// highest. Chosen on the dev queries of `data/relevance` (docs/quality.md).
pub(crate) const TITLE_BOOST: f32 = 1.0;

/// Score a concept's skill tag adds (a constant: see [`TextQueryBuilder::concept`]). Chosen on
/// the dev queries of `data/relevance` (docs/quality.md).
pub(crate) const CONCEPT_TAG_SCORE: f32 = 0.5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_syntax() {
        assert_eq!(
            split_query(r#"ml "computer vision" -intern pytorch "unclosed"#),
            [
                QueryPart::Word("ml".into()),
                QueryPart::Phrase("computer vision".into()),
                QueryPart::Exclude("intern".into()),
                QueryPart::Word("pytorch".into()),
                QueryPart::Phrase("unclosed".into())
            ]
        );
        assert_eq!(split_query("   "), []);
    }

    #[test]
    fn the_stem_memo_gives_the_stemmers_answers() {
        let mut plain = TextAnalyzer::builder(tantivy::tokenizer::SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(tantivy::tokenizer::Stemmer::new(tantivy::tokenizer::Language::English))
            .build();
        let mut cached = TextAnalyzer::builder(tantivy::tokenizer::SimpleTokenizer::default()).filter(LowerCaser).filter(CachedStemmer).build();
        let text = "Deploying models; deployed model deploys running runs ran generously generous LLMs";
        for _ in 0..2 {
            assert_eq!(tokens(&mut cached, text), tokens(&mut plain, text));
        }
    }

    #[test]
    fn analyser_drops_stop_words_folds_and_stems() {
        let mut a = analyzer();
        let t: Vec<String> = tokens(&mut a, "Head of Deploying LLMs in München, scikit_learn").into_iter().map(|(_, t)| t).collect();
        assert_eq!(t, ["head", "deploy", "llms", "munchen", "scikit", "learn"]);
        // Positions keep the gap a stop word leaves, so phrases stay exact.
        let p: Vec<usize> = tokens(&mut a, "head of data").into_iter().map(|(p, _)| p).collect();
        assert_eq!(p, [0, 2]);
    }

    #[test]
    fn the_symbols_of_skill_names_survive_analysis() {
        let mut a = analyzer();
        let t = |s: &str| tokens(&mut analyzer(), s).into_iter().map(|(_, t)| t).collect::<Vec<_>>();
        assert_eq!(t("C++, C# and C; F# or .NET (ASP.NET Core, VB.NET)"), ["cpp", "csharp", "c", "fsharp", "dotnet", "asp", "dotnet", "core", "vb", "dotnet"]);
        assert_eq!(t("C/C++ and g++ on Linux; C++17"), ["c", "cpp", "gpp", "linux", "cpp", "17"], "C++17 is C++ then its version");
        assert_eq!(t("example.net, the net, #hashtag, a+b, a++b, issue #3, Cisco#"), ["exampl", "net", "net", "hashtag", "b", "b", "issu", "3", "cisco"]);
        // The span covers the symbols, so a highlight shows "C++", not a lone "C".
        let mut stream = a.token_stream("Modern C++ and .NET");
        let mut spans = Vec::new();
        while stream.advance() {
            let tok = stream.token();
            spans.push((tok.offset_from, tok.offset_to, tok.position));
        }
        assert_eq!(spans, [(0, 6, 0), (7, 10, 1), (15, 19, 3)]);
        assert_eq!(words("C#.NET"), ["csharp", "dotnet"]);
        assert_eq!(words("Ünïcödé++ x"), ["ünïcödépp", "x"]);
    }

    proptest::proptest! {
        #[test]
        fn text_without_skill_symbols_splits_as_tantivys_simple_tokenizer(text in "\\PC{0,120}") {
            let text = text.replace(['+', '#', '.'], " ");
            let mut simple = tantivy::tokenizer::SimpleTokenizer::default();
            let mut stream = simple.token_stream(&text);
            let mut expected = Vec::new();
            while stream.advance() {
                let t = stream.token();
                expected.push((t.offset_from, t.offset_to, t.text.clone()));
            }
            let mut got = Vec::new();
            let mut at = 0;
            while let Some((start, end, word)) = next_word(&text, at) {
                got.push((start, end, word.into_owned()));
                at = end;
            }
            proptest::prop_assert_eq!(got, expected);
        }

        #[test]
        fn any_text_splits_into_words_on_char_boundaries(text in "([a-zA-Zé0-9]{0,4}[ +#.–\\-]{0,3}(net|NET)?){0,12}") {
            let mut at = 0;
            while let Some((start, end, word)) = next_word(&text, at) {
                proptest::prop_assert!(start >= at && end > start && text.is_char_boundary(start) && text.is_char_boundary(end));
                proptest::prop_assert!(!word.is_empty());
                at = end;
            }
        }
    }

    #[test]
    fn only_other_names_of_a_skill_are_query_synonyms() {
        let mut a = analyzer();
        let mut same = |alias: &str, name: &str| same_thing(alias, name, &mut a);
        for (alias, name) in [
            ("ML", "Machine learning"),
            ("sklearn", "scikit-learn"),
            ("scikit learn", "scikit-learn"),
            ("GenAI", "Generative AI"),
            ("golang", "Go"),
            ("k8s", "Kubernetes"),
            ("time-series", "Time series analysis"),
            ("R language", "R"),
            ("statistical methods", "Statistics"),
            ("optimization", "Optimisation"),
            ("data modeling", "Data modelling"),
            ("apache kafka", "Kafka"),
            ("python3", "Python"),
        ] {
            assert!(same(alias, name), "{alias} is {name}");
        }
        for (alias, name) in [
            ("genomics", "Bioinformatics"),
            ("demand forecasting", "Forecasting"),
            ("GANs", "Generative AI"),
            ("EKS", "Kubernetes"),
            ("pytorch lightning", "PyTorch"),
            ("tensorflow serving", "TensorFlow"),
            ("ggplot2", "R"),
            ("RStudio", "R"),
            ("spark streaming", "Apache Spark"),
            ("time series forecasting", "Time series analysis"),
        ] {
            assert!(!same(alias, name), "{alias} is narrower than or related to {name}");
        }
        // The taxonomy names the synonyms no rule can see ("GCP", "ASR").
        let syn = Synonyms::new(&Taxonomy::embedded());
        for (form, id) in [("gcp", "gcp"), ("asr", "speech-recognition"), ("k8s", "kubernetes")] {
            let (_, s) = syn.longest_match(&words(form), 0).unwrap_or_else(|| panic!("{form} is a synonym"));
            assert_eq!(syn.skills[s].0, id);
        }
        assert!(syn.longest_match(&words("genomics"), 0).is_none());
    }

    #[test]
    #[ignore = "prints every alias with its classification, for review"]
    fn print_alias_classification() {
        let t = Taxonomy::embedded();
        let mut a = analyzer();
        for s in &t.skills {
            let (same, other): (Vec<&String>, Vec<&String>) = s.aliases.iter().partition(|x| same_thing(x, &s.name, &mut a));
            println!("{} | same: {:?} | not: {:?}", s.name, same, other);
        }
    }

    #[test]
    fn synonyms_find_the_longest_skill_form() {
        let syn = Synonyms::new(&Taxonomy::embedded());
        let w = |s: &str| words(s);
        let (n, s) = syn.longest_match(&w("machine learning engineer"), 0).unwrap();
        assert_eq!((n, syn.skills[s].0.as_str()), (2, "machine-learning"));
        let (n, s) = syn.longest_match(&w("ml engineer"), 0).unwrap();
        assert_eq!((n, syn.skills[s].0.as_str()), (1, "machine-learning"));
        assert!(syn.longest_match(&w("engineer"), 0).is_none());
    }
}
