//! Text helpers shared by decoders and enrichment: HTML to plain text, normalisation, word
//! boundaries.

use unicode_normalization::UnicodeNormalization;

/// Turns posting HTML (possibly entity-escaped twice, as Greenhouse sends it) into plain text:
/// tags dropped, block elements become line breaks, entities decoded, whitespace collapsed per line.
/// Plain text passes through unchanged apart from entity decoding and whitespace tidying.
pub fn html_to_text(input: &str) -> String {
    // Greenhouse `content` is HTML whose markup is itself entity-escaped ("&lt;p&gt;").
    let unescaped;
    let html = if input.contains("&lt;") && !input.contains('<') {
        unescaped = html_escape::decode_html_entities(input).into_owned();
        unescaped.as_str()
    } else {
        input
    };
    if !looks_like_html(html) {
        return tidy_whitespace(html, true);
    }
    let mut out = String::with_capacity(html.len());
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut text_start = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            // Only treat it as a tag when a tag name or / or ! follows; "a < b" stays text.
            let next = bytes.get(i + 1).copied().unwrap_or(b' ');
            if !(next.is_ascii_alphabetic() || next == b'/' || next == b'!') {
                i += 1;
                continue;
            }
            out.push_str(&decode_entities(&html[text_start..i]));
            let Some(rel_end) = html[i..].find('>') else {
                // An unclosed tag: keep the rest as text rather than lose it.
                text_start = i;
                break;
            };
            let tag = &html[i + 1..i + rel_end];
            let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
            let mut end = i + rel_end + 1;
            if name == "script" || name == "style" {
                // Drop the element's content too.
                if !tag.starts_with('/') {
                    let close = format!("</{name}");
                    let lower_rest = html[end..].to_ascii_lowercase();
                    end = match lower_rest.find(&close) {
                        Some(p) => end + p + html[end + p..].find('>').map_or(close.len(), |g| g + 1),
                        None => html.len(),
                    };
                }
            } else if is_block(&name) {
                if name == "li" && !tag.starts_with('/') {
                    out.push_str("\n- ");
                } else {
                    out.push('\n');
                }
            } else if !out.ends_with(' ')
                && !out.ends_with('\n')
                && name != "span"
                && name != "a"
                && name != "b"
                && name != "strong"
                && name != "em"
                && name != "i"
                && name != "u"
            {
                out.push(' ');
            }
            i = end;
            text_start = end;
            continue;
        }
        i += 1;
    }
    if text_start < html.len() {
        out.push_str(&decode_entities(&html[text_start..]));
    }
    tidy_whitespace(&out, false)
}

/// Whether text is HTML rather than plain text that happens to hold a `<` (anonymisation tokens
/// such as `<ORGANIZATION>`, "a < b"): a closing tag, a line break, a common block tag or an entity.
pub fn looks_like_html(s: &str) -> bool {
    const TAGS: [&[u8]; 24] = [
        b"/", b"br", b"p>", b"p ", b"div", b"li>", b"li ", b"ul>", b"ol>", b"h1", b"h2", b"h3", b"h4", b"strong>", b"b>", b"em>", b"i>", b"span", b"a href",
        b"table", b"script", b"style", b"img", b"hr",
    ];
    const ENTITIES: [&[u8]; 6] = [b"amp;", b"lt;", b"gt;", b"nbsp;", b"quot;", b"#"];
    let bytes = s.as_bytes();
    let starts_with_ci = |at: usize, pat: &[u8]| bytes.len() >= at + pat.len() && bytes[at..at + pat.len()].eq_ignore_ascii_case(pat);
    memchr::memchr2_iter(b'<', b'&', bytes)
        .any(|i| if bytes[i] == b'<' { TAGS.iter().any(|t| starts_with_ci(i + 1, t)) } else { ENTITIES.iter().any(|e| starts_with_ci(i + 1, e)) })
}

fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('&') { html_escape::decode_html_entities(s) } else { s.into() }
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "table"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "blockquote"
            | "pre"
            | "hr"
            | "dd"
            | "dt"
    )
}

/// Collapses runs of spaces and tabs and trims each line. Blank lines: with `keep_paragraphs`, a
/// run of them becomes one (paragraph breaks of plain text survive), otherwise they are dropped
/// (text made from HTML, whose blocks already end lines). Non-ASCII whitespace (no-break space,
/// thin space, ...) counts as whitespace. Already-tidy text is copied as it is.
pub fn tidy_whitespace(s: &str, keep_paragraphs: bool) -> String {
    let bytes = s.as_bytes();
    if is_tidy(bytes, keep_paragraphs) {
        return s.to_string();
    }
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    // Pending separator before the next word: 0 none, 1 space, 2 newline, 3 blank line.
    let mut pending = 0u8;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let ws_len = if BYTE_CLASS[b as usize] & SPACE != 0 {
            1
        } else if b == b'\n' {
            pending = if pending >= 2 && keep_paragraphs { 3 } else { 2 };
            i += 1;
            continue;
        } else if b >= 0x80 {
            unicode_space_len(&bytes[i..])
        } else {
            0
        };
        if ws_len > 0 {
            pending = pending.max(1);
            i += ws_len;
            continue;
        }
        // A run of non-whitespace bytes.
        let run_start = i;
        while i < bytes.len() {
            let c = bytes[i];
            if BYTE_CLASS[c as usize] & SPACE != 0 || c == b'\n' || (c >= 0xC2 && unicode_space_len(&bytes[i..]) > 0) {
                break;
            }
            i += 1;
        }
        if !out.is_empty() {
            match pending {
                3 => out.extend_from_slice(b"\n\n"),
                2 => out.push(b'\n'),
                1 => out.push(b' '),
                _ => {}
            }
        }
        pending = 0;
        out.extend_from_slice(&bytes[run_start..i]);
    }
    // Only whole UTF-8 sequences were copied or skipped, so this cannot fail.
    String::from_utf8(out).unwrap_or_default()
}

/// Whether [`tidy_whitespace`] would return the text unchanged: no leading or trailing
/// whitespace, single spaces between words, single newlines, no tabs or Unicode spaces.
fn is_tidy(bytes: &[u8], keep_paragraphs: bool) -> bool {
    use memchr::memmem;
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return true };
    if BYTE_CLASS[first as usize] & SPACE != 0 || BYTE_CLASS[last as usize] & SPACE != 0 || first == b'\n' || last == b'\n' {
        return false;
    }
    // Vectorised searches for everything tidying would change.
    if memchr::memchr3(b'\t', b'\r', 0x0b, bytes).is_some() || memchr::memchr(0x0c, bytes).is_some() {
        return false;
    }
    let blank_run: &[u8] = if keep_paragraphs { b"\n\n\n" } else { b"\n\n" };
    if [b"  ".as_slice(), b" \n", b"\n ", blank_run].iter().any(|pat| memmem::find(bytes, pat).is_some()) {
        return false;
    }
    let unicode_space = |i: usize| unicode_space_len(&bytes[i..]) > 0;
    !(memchr::memchr3_iter(0xC2, 0xE1, 0xE2, bytes).any(unicode_space) || memchr::memchr_iter(0xE3, bytes).any(unicode_space))
}

/// Length of the Unicode whitespace character at the start of `b` (0 when it is not one).
fn unicode_space_len(b: &[u8]) -> usize {
    match b {
        [0xC2, 0x85 | 0xA0, ..] => 2,
        [0xE1, 0x9A, 0x80, ..] => 3,
        [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..] => 3,
        [0xE2, 0x81, 0x9F, ..] => 3,
        [0xE3, 0x80, 0x80, ..] => 3,
        _ => 0,
    }
}

/// Normalises a short field (title, company, location): NFKC (full-width letters, ligatures),
/// common mojibake repaired, whitespace collapsed, trimmed. Returns `None` for an empty result.
pub fn clean_field(s: &str) -> Option<String> {
    // Fast path: printable ASCII with single spaces needs only trimming.
    let trimmed = s.trim();
    if trimmed.bytes().all(|b| (0x21..0x7f).contains(&b) && b != b'&' || b == b' ') && !trimmed.contains("  ") {
        return (!trimmed.is_empty()).then(|| trimmed.to_string());
    }
    let repaired = repair_mojibake(s);
    let mut out = String::with_capacity(repaired.len());
    let mut last_space = true;
    let decoded = decode_entities(&repaired);
    for ch in decoded.nfkc() {
        if ch.is_whitespace() || ch.is_control() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(ch);
            last_space = false;
        }
    }
    let trimmed = out.trim();
    if trimmed.is_empty() { None } else { Some(trimmed.to_string()) }
}

/// NFKC-normalises text (full-width letters, ligatures, compatibility forms) when it is not
/// already in that form; ASCII and already-normal text is returned without copying.
pub fn nfkc(s: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{IsNormalized, is_nfkc_quick};
    if s.is_ascii() {
        return s.into();
    }
    // Normalise only the runs of non-ASCII characters that need it (each with the ASCII character
    // before it, which a combining mark may compose with): ASCII characters are starters that
    // never compose with what precedes them, so the text can be cut before each of them.
    let bytes = s.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            i += 1;
            continue;
        }
        let run_start = if i > 0 { i - 1 } else { i };
        let mut run_end = i;
        while run_end < bytes.len() && bytes[run_end] >= 0x80 {
            run_end += 1;
        }
        let run = &s[run_start..run_end];
        if is_nfkc_quick(run.chars()) != IsNormalized::Yes {
            let o = out.get_or_insert_with(|| String::with_capacity(s.len()));
            o.push_str(&s[copied..run_start]);
            o.extend(run.nfkc());
            copied = run_end;
        }
        i = run_end;
    }
    match out {
        Some(mut o) => {
            o.push_str(&s[copied..]);
            o.into()
        }
        None => s.into(),
    }
}

/// Repairs the most common mojibake: UTF-8 text that was decoded as Windows-1252/Latin-1 and
/// encoded again ("MÃ¼nchen" → "München", "â€“" → "–"). Text without its tell-tale sequences is
/// returned unchanged.
pub fn repair_mojibake(s: &str) -> std::borrow::Cow<'_, str> {
    // Windows-1252 bytes read as Latin-1 leave C1 control characters (U+0080–U+009F, UTF-8 C2 80–
    // C2 9F) where quotes and dashes were ("you\u{92}ve"): read them as Windows-1252.
    let bytes = s.as_bytes();
    let is_c1 = |i: usize| bytes.get(i + 1).is_some_and(|b| (0x80..=0x9F).contains(b));
    let s: std::borrow::Cow<'_, str> = if memchr::memchr_iter(0xC2, bytes).any(is_c1) {
        let mut out = String::with_capacity(s.len() + 16);
        let mut copied = 0;
        for i in memchr::memchr_iter(0xC2, bytes).filter(|&i| is_c1(i)) {
            out.push_str(&s[copied..i]);
            out.push(cp1252_char(bytes[i + 1]));
            copied = i + 2;
        }
        out.push_str(&s[copied..]);
        out.into()
    } else {
        s.into()
    };
    // UTF-8 read as Windows-1252 shows "Ã", "Â" or "â" (C3 83, C3 82, C3 A2) before other junk.
    let b = s.as_bytes();
    if !memchr::memchr_iter(0xC3, b).any(|i| matches!(b.get(i + 1), Some(0x82 | 0x83 | 0xA2))) {
        return s;
    }
    // Map each char back to the single byte Windows-1252 would have produced, then re-decode.
    // Sequence by sequence, so a text pasted from two sources (one garbled, one not) is mended
    // where it is garbled and left alone elsewhere.
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let need = match cp1252_byte(chars[i]) {
            Some(0xC2..=0xDF) => 1,
            Some(0xE0..=0xEF) => 2,
            Some(0xF0..=0xF4) => 3,
            _ => 0,
        };
        if need > 0 && i + need < chars.len() {
            let mut seq = vec![cp1252_byte(chars[i]).unwrap_or(0)];
            seq.extend(chars[i + 1..=i + need].iter().map(|&c| cp1252_byte(c).filter(|b| (0x80..=0xBF).contains(b)).unwrap_or(0)));
            if let Ok(decoded) = std::str::from_utf8(&seq)
                && decoded.chars().all(|c| !c.is_control())
            {
                out.push_str(decoded);
                i += need + 1;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    if out == s { s } else { out.into() }
}

/// The Windows-1252 character of a byte in 0x80–0x9F (undefined ones stay as they are).
fn cp1252_char(b: u8) -> char {
    (0x80u32..=0x9f)
        .zip([
            '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜',
            '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
        ])
        .find(|(code, _)| *code == u32::from(b))
        .map_or(b as char, |(_, c)| c)
}

fn cp1252_byte(ch: char) -> Option<u8> {
    let c = ch as u32;
    if c < 0x80 || (0xA0..=0xFF).contains(&c) {
        return Some(c as u8);
    }
    let b = match ch {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    };
    Some(b)
}

/// True when the byte at `i` in `s` continues a word (letter, digit, `+`, `#`, or `_`), so a match
/// ending or starting next to it is not a whole word. Non-ASCII letters count as word bytes.
#[inline]
pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Whether `s[start..end]` stands as a whole word: not glued to letters or digits on either side,
/// and not followed by `+`/`#` (so "C" in "C++" or "C#" is not "C").
#[inline]
pub fn is_whole_word(s: &[u8], start: usize, end: usize) -> bool {
    let before_ok = start == 0 || {
        let b = s[start - 1];
        !is_word_byte(b) || (b >= 0x80 && !prev_char_is_alphanumeric(s, start))
    };
    let after_ok = end >= s.len() || {
        let a = s[end];
        !(a.is_ascii_alphanumeric() || a == b'_' || a == b'+' || a == b'#' || a >= 0x80 && next_char_is_alphanumeric(s, end))
    };
    before_ok && after_ok
}

fn prev_char_is_alphanumeric(s: &[u8], end: usize) -> bool {
    let mut start = end - 1;
    while start > 0 && (s[start] & 0xC0) == 0x80 {
        start -= 1;
    }
    std::str::from_utf8(&s[start..end]).ok().and_then(|t| t.chars().next()).is_some_and(char::is_alphanumeric)
}

fn next_char_is_alphanumeric(s: &[u8], start: usize) -> bool {
    let end = (start + 4).min(s.len());
    let chunk = &s[start..end];
    let valid = match std::str::from_utf8(chunk) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&chunk[..e.valid_up_to()]).unwrap_or(""),
    };
    valid.chars().next().is_some_and(char::is_alphanumeric)
}

/// Byte offsets where a word can start: an ASCII letter, digit or `.` (".NET") that does not
/// continue a word. Skill and keyword automata are searched anchored at these positions only.
pub fn word_starts(text: &str) -> Vec<u32> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 4 + 1);
    // 64 bytes at a time: bit masks of "can start" and "continues a word" bytes, then
    // start = can_start & !(previous byte continues a word); set bits are read with trailing_zeros.
    let mut prev_word_carry = 0u64; // bit 0: the byte before this chunk continues a word
    let mut prev_high_carry = 0u64; // bit 0: the byte before this chunk is non-ASCII
    for (chunk_idx, chunk) in bytes.chunks(64).enumerate() {
        let (can_start, word, high) = chunk_masks(chunk);
        let prev_word = (word << 1) | prev_word_carry;
        let prev_high = (high << 1) | prev_high_carry;
        let mut starts = can_start & !prev_word;
        // After a non-ASCII byte a word starts unless that character is a letter or digit
        // ("•Project" starts a word; "Zürich" has none inside).
        let mut after_non_ascii = can_start & prev_word & prev_high;
        while after_non_ascii != 0 {
            let bit = after_non_ascii.trailing_zeros() as usize;
            after_non_ascii &= after_non_ascii - 1;
            if !prev_char_is_alphanumeric(bytes, chunk_idx * 64 + bit) {
                starts |= 1 << bit;
            }
        }
        while starts != 0 {
            let bit = starts.trailing_zeros() as usize;
            starts &= starts - 1;
            out.push((chunk_idx * 64 + bit) as u32);
        }
        let last = chunk.len() - 1;
        prev_word_carry = (word >> last) & 1;
        prev_high_carry = (high >> last) & 1;
    }
    out
}

/// Bit masks of a chunk of at most 64 bytes: (can start a word: ASCII alphanumeric or `.`;
/// continues a word: ASCII alphanumeric, `_` or non-ASCII; non-ASCII). Eight bytes at a time in
/// a `u64` (SWAR): about 10 % of enrichment went to the byte-at-a-time loop.
#[inline]
fn chunk_masks(chunk: &[u8]) -> (u64, u64, u64) {
    let (mut can_start, mut word, mut high) = (0u64, 0u64, 0u64);
    let mut parts = chunk.chunks_exact(8);
    for (k, part) in parts.by_ref().enumerate() {
        let (c, w, h) = masks8(u64::from_le_bytes(part.try_into().expect("8 bytes")));
        can_start |= c << (8 * k);
        word |= w << (8 * k);
        high |= h << (8 * k);
    }
    let done = chunk.len() - parts.remainder().len();
    for (j, &b) in parts.remainder().iter().enumerate() {
        let class = BYTE_CLASS[b as usize] as u64;
        can_start |= ((class & CAN_START as u64) >> 1) << (done + j);
        word |= (class & WORD as u64) << (done + j);
        high |= u64::from(b >> 7) << (done + j);
    }
    (can_start, word, high)
}

/// [`chunk_masks`] of eight bytes (byte `i` of `x` little-endian → bit `i`). Each byte's low seven
/// bits are compared in its own lane (sums stay below 0x100, so no carry crosses lanes); the
/// lane's top bit is the answer, and non-ASCII bytes are excluded from every ASCII class.
#[inline]
fn masks8(x: u64) -> (u64, u64, u64) {
    const LANES: u64 = 0x0101_0101_0101_0101;
    const TOP: u64 = LANES * 0x80;
    let rep = |b: u8| LANES * u64::from(b);
    let high = x & TOP;
    let y = x & !TOP;
    // Lane >= lo: y + (0x80 - lo) reaches the top bit. Lane <= hi: y + (0x7f - hi) does not.
    let within = |y: u64, lo: u8, hi: u8| (y + rep(0x80 - lo)) & !(y + rep(0x7f - hi)) & TOP;
    let equals = |c: u8| !((y ^ rep(c)) + rep(0x7f)) & TOP;
    let alnum = (within(y, b'0', b'9') | within(y | rep(0x20), b'a', b'z')) & !high;
    let can_start = alnum | (equals(b'.') & !high);
    let word = alnum | (equals(b'_') & !high) | high;
    // Gather each lane's top bit into the low byte.
    let gather = |m: u64| ((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56;
    (gather(can_start), gather(word), gather(high))
}

const WORD: u8 = 1;
const CAN_START: u8 = 2;
const SPACE: u8 = 4;

/// Per byte: WORD (continues a word: ASCII alphanumeric, `_`, any non-ASCII byte), CAN_START
/// (ASCII alphanumeric or `.`), SPACE (ASCII whitespace other than newline).
static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = WORD | CAN_START;
        } else if c == b'_' || c >= 0x80 {
            t[b] = WORD;
        } else if c == b'.' {
            t[b] = CAN_START;
        } else if c == b' ' || c == b'\t' || c == b'\r' || c == 0x0b || c == 0x0c {
            t[b] = SPACE;
        }
        b += 1;
    }
    t
};

/// A set of phrases matched (ASCII case-insensitively, longest first) only where a whole word starts
/// and ends.
///
/// Built on aho-corasick's contiguous NFA, stepped by hand from each word start (see
/// [`word_starts`]) until it dies: a few transitions per word and no search set-up per call,
/// which matters because this is the hot loop of enrichment. A phrase can therefore never match
/// inside a word ("r" in "for", "rag" in "storage"). The contiguous NFA (dense near the root,
/// sparse below; 360 KB for the 1,765 skill forms) stays in cache where the DFA of the same
/// phrases (megabytes) missed on nearly every step: ~8 % faster enrichment.
///
/// Most word starts ("the", "and", "with") begin no phrase at all. Before stepping, a word start
/// is checked against two bit sets (8 KB each, they stay in L1): the phrases' first four bytes
/// (lower-cased, hashed), and the phrases of one to three bytes, tried only where the text's word
/// ends after that many bytes. A start that fails both cannot begin a whole-word match.
pub struct WordMatcher {
    nfa: aho_corasick::nfa::contiguous::NFA,
    start: aho_corasick::automaton::StateID,
    /// Hashed lower-cased first four bytes of phrases of four bytes or more.
    prefix: Box<[u64; PREFIX_WORDS]>,
    /// Hashed lower-cased phrases of one to three bytes.
    short: Box<[u64; PREFIX_WORDS]>,
    /// Each phrase's class (see [`WordMatcher::with_classes`]).
    classes: Vec<u8>,
}

const PREFIX_WORDS: usize = (1 << 16) / 64;

/// A 16-bit hash of up to four bytes, lower-cased; `len` (1–4) keeps "ab" and "ab\0" apart.
#[inline]
fn prefix_key(len: u32, b: [u8; 4]) -> usize {
    let mut k = u32::from_le_bytes(b.map(|x| x.to_ascii_lowercase()));
    if len < 4 {
        k &= (1 << (8 * len)) - 1;
    }
    let h = (k ^ (len << 29)).wrapping_mul(0x9E37_79B1);
    (h >> 16) as usize
}

#[inline]
fn bit(set: &[u64; PREFIX_WORDS], k: usize) -> bool {
    set[k >> 6] >> (k & 63) & 1 == 1
}

impl std::fmt::Debug for WordMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordMatcher").finish_non_exhaustive()
    }
}

impl WordMatcher {
    /// Compiles the phrases; pattern ids are their indexes.
    pub fn new<P: AsRef<[u8]>>(phrases: impl IntoIterator<Item = P>) -> Result<WordMatcher, String> {
        WordMatcher::with_classes(phrases.into_iter().map(|p| (p, 0)))
    }

    /// Compiles phrases of two classes (0 and 1) into one automaton, so that two phrase sets
    /// (skills and keywords) cost one walk per word start. Each class keeps its own longest
    /// match and its own skipping, exactly as two matchers would; pattern ids are the indexes.
    pub fn with_classes<P: AsRef<[u8]>>(phrases: impl IntoIterator<Item = (P, u8)>) -> Result<WordMatcher, String> {
        use aho_corasick::automaton::Automaton;
        let (phrases, classes): (Vec<P>, Vec<u8>) = phrases.into_iter().unzip();
        if let Some(c) = classes.iter().find(|&&c| c > 1) {
            return Err(format!("phrase class {c}: only 0 and 1"));
        }
        let mut prefix = Box::new([0u64; PREFIX_WORDS]);
        let mut short = Box::new([0u64; PREFIX_WORDS]);
        for p in &phrases {
            let p = p.as_ref();
            let mut b = [0u8; 4];
            let n = p.len().min(4);
            b[..n].copy_from_slice(&p[..n]);
            let (set, k) = if p.len() >= 4 { (&mut prefix, prefix_key(4, b)) } else { (&mut short, prefix_key(n as u32, b)) };
            if n > 0 {
                set[k >> 6] |= 1 << (k & 63);
            }
        }
        let nfa = aho_corasick::nfa::contiguous::NFA::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(&phrases)
            .map_err(|e| e.to_string())?;
        let start = nfa.start_state(aho_corasick::Anchored::Yes).map_err(|e| e.to_string())?;
        Ok(WordMatcher { nfa, start, prefix, short, classes })
    }

    /// Whether a whole-word phrase may start at `at` (no false negatives; see the type's docs).
    #[inline]
    fn may_start(&self, bytes: &[u8], at: usize) -> bool {
        let get = |i: usize| bytes.get(at + i).copied().unwrap_or(0);
        let b = [get(0), get(1), get(2), get(3)];
        let ends_word = |i: usize| !(b[i].is_ascii_alphanumeric() || b[i] == b'_');
        bit(&self.prefix, prefix_key(4, b)) || (1..4).any(|n| ends_word(n) && bit(&self.short, prefix_key(n as u32, b)))
    }

    /// The longest phrase of each class that matches `bytes` at `at`: (pattern id, end offset).
    ///
    /// A state of the automaton also carries the phrases that end there but start later (a
    /// suffix of the path: "+" inside "a +aa"); only a phrase as long as the path matches at `at`.
    #[inline]
    pub fn longest_at(&self, bytes: &[u8], at: usize) -> [Option<(usize, usize)>; 2] {
        use aho_corasick::automaton::Automaton;
        let mut sid = self.start;
        let mut best = [None; 2];
        for (i, &b) in bytes[at..].iter().enumerate() {
            sid = self.nfa.next_state(aho_corasick::Anchored::Yes, sid, b);
            if self.nfa.is_special(sid) {
                if self.nfa.is_dead(sid) {
                    break;
                }
                if self.nfa.is_match(sid) {
                    let len = i + 1;
                    let mut found = [false; 2];
                    for k in 0..self.nfa.match_len(sid) {
                        let pid = self.nfa.match_pattern(sid, k);
                        let class = usize::from(self.classes[pid.as_usize()]);
                        if !found[class] && self.nfa.pattern_len(pid) == len {
                            found[class] = true;
                            best[class] = Some((pid.as_usize(), at + len));
                        }
                    }
                }
            }
        }
        best
    }

    /// Calls `on_match(pattern, start, end)` with the longest phrase at each of `starts` when it
    /// stands as a whole word ([`is_whole_word`]); when it returns `true` (accepted), starts
    /// inside that match are skipped, so accepted matches never overlap. (One class: see
    /// [`WordMatcher::for_each_classed`].)
    #[inline]
    pub fn for_each(&self, text: &str, starts: &[u32], mut on_match: impl FnMut(usize, usize, usize) -> bool) {
        self.for_each_classed(text, starts, |class, pid, start, end| class == 0 && on_match(pid, start, end));
    }

    /// [`WordMatcher::for_each`] for both classes in one walk: `on_match(class, pattern, start,
    /// end)`, with the longest match and the skipping of accepted matches kept per class.
    #[inline]
    pub fn for_each_classed(&self, text: &str, starts: &[u32], mut on_match: impl FnMut(usize, usize, usize, usize) -> bool) {
        let bytes = text.as_bytes();
        let mut next_free = [0usize; 2];
        for &start in starts {
            let start = start as usize;
            if start < next_free[0].min(next_free[1]) || !self.may_start(bytes, start) {
                continue;
            }
            for (class, found) in self.longest_at(bytes, start).into_iter().enumerate() {
                if let Some((pid, end)) = found
                    && start >= next_free[class]
                    && is_whole_word(bytes, start, end)
                    && on_match(class, pid, start, end)
                {
                    next_free[class] = end;
                }
            }
        }
    }
}

/// The largest char boundary of `s` at or before `i`.
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `s` at or after `i` (at most `s.len()`).
pub fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text_with_line_breaks_and_entities() {
        let html = "<p>We use <b>PyTorch</b> &amp; JAX.</p><ul><li>Python</li><li>SQL</li></ul><script>alert(1)</script>";
        assert_eq!(html_to_text(html), "We use PyTorch & JAX.\n- Python\n- SQL");
    }

    #[test]
    fn greenhouse_double_escaped_html_is_decoded() {
        let html = "&lt;p&gt;Build &amp;amp; ship models&lt;/p&gt;&lt;p&gt;Python&lt;/p&gt;";
        assert_eq!(html_to_text(html), "Build & ship models\nPython");
    }

    #[test]
    fn less_than_in_text_is_not_a_tag() {
        assert_eq!(html_to_text("latency < 10ms and p99 <b>fast</b>"), "latency < 10ms and p99 fast");
    }

    #[test]
    fn plain_text_with_angle_brackets_is_not_html() {
        let t = "Join <ORGANIZATION> in <LOCATION>\nWe use R & Python";
        assert_eq!(html_to_text(t), t);
    }

    #[test]
    fn whitespace_is_tidied_including_unicode_spaces() {
        assert_eq!(tidy_whitespace("  a \t b\u{a0}c\r\n\n \n d\u{2009}\u{202f}e  \n", false), "a b c\nd e");
        assert_eq!(tidy_whitespace("  a \t b\u{a0}c\r\n\n \n d\u{2009}\u{202f}e  \n", true), "a b c\n\nd e");
        assert_eq!(tidy_whitespace("Para one.\n\nPara two.\nLine.", true), "Para one.\n\nPara two.\nLine.");
        assert_eq!(tidy_whitespace("Zürich – São Paulo", false), "Zürich – São Paulo");
        assert_eq!(tidy_whitespace(" \n\t ", true), "");
    }

    #[test]
    fn mojibake_is_repaired() {
        assert_eq!(clean_field("MÃ¼nchen").as_deref(), Some("München"));
        assert_eq!(clean_field("Data Scientist â€“ NLP").as_deref(), Some("Data Scientist – NLP"));
        assert_eq!(clean_field("São Paulo").as_deref(), Some("São Paulo"));
        assert_eq!(repair_mojibake("Where you\u{92}ve been \u{93}quoted\u{94}"), "Where you’ve been “quoted”");
        // Pasted from two sources: the garbled part mended, the rest (and real accents) kept.
        assert_eq!(repair_mojibake("EXPÃ‰RIENCE, Rhône â€“ aujourdâ€™hui, Ã©tÃ© — voilà…"), "EXPÉRIENCE, Rhône – aujourd’hui, été — voilà…");
    }

    #[test]
    fn nfkc_normalises_only_what_needs_it() {
        assert_eq!(nfkc("plain ASCII"), "plain ASCII");
        assert_eq!(nfkc("Zürich – “quoted”"), "Zürich – “quoted”");
        assert_eq!(nfkc("ＰｙＴｏｒｃｈ™ and ﬁne… e\u{301}"), "PyTorchTM and fine... é");
    }

    #[test]
    fn fullwidth_and_whitespace_are_normalised() {
        assert_eq!(clean_field("  Ｄａｔａ\tScientist \n").as_deref(), Some("Data Scientist"));
        assert_eq!(clean_field(" \t "), None);
    }

    #[test]
    fn words_start_after_punctuation_but_not_inside_words() {
        let text = "•Project Zürich über-cool";
        let starts: Vec<&str> = word_starts(text).iter().map(|&i| &text[i as usize..]).collect();
        assert_eq!(starts, ["Project Zürich über-cool", "Zürich über-cool", "cool"]);
    }

    proptest::proptest! {
        #[test]
        fn word_starts_match_the_byte_by_byte_definition(text in "[a-zA-Z0-9 .,_•ü\\-]{0,200}") {
            let b = text.as_bytes();
            let expected: Vec<u32> = (0..b.len())
                .filter(|&i| (b[i].is_ascii_alphanumeric() || b[i] == b'.') && (i == 0 || !is_word_byte(b[i - 1]) || (b[i - 1] >= 0x80 && !prev_char_is_alphanumeric(b, i))))
                .map(|i| i as u32)
                .collect();
            proptest::prop_assert_eq!(word_starts(&text), expected);
        }
    }

    #[test]
    fn word_matcher_matches_longest_phrase_at_word_starts_only() {
        let m = WordMatcher::new(["r", "rag", "machine learning", "machine", ".net", "c++"]).unwrap();
        let text = "storage: Machine Learning on .NET and C++ with RAG, r";
        let starts = word_starts(text);
        let mut found = Vec::new();
        m.for_each(text, &starts, |pid, s, e| {
            found.push((pid, &text[s..e]));
            true
        });
        assert_eq!(found, [(2, "Machine Learning"), (4, ".NET"), (5, "C++"), (1, "RAG"), (0, "r")]);
        // A phrase that ends inside another's path ("cd" in "ci/cd pipelines") is not read at the
        // path's start: "ci" is not "cd".
        let m = WordMatcher::new(["ci/cd pipelines", "cd"]).unwrap();
        let text = "ci/cd tools";
        let mut found = Vec::new();
        m.for_each(text, &word_starts(text), |pid, s, e| {
            found.push((pid, s, e));
            true
        });
        assert_eq!(found, [(1, 3, 5)]);
    }

    /// The eight-byte masks agree with the byte table for every byte value in every lane, next
    /// to neighbours that would carry into it if lanes leaked (0x7f, 0xff).
    #[test]
    fn eight_byte_masks_match_the_byte_table() {
        for b in 0..=255u8 {
            for filler in [0x00, 0x7f, 0x80, 0xff, b'a', b'.', b'_'] {
                for lane in 0..8 {
                    let mut bytes = [filler; 8];
                    bytes[lane] = b;
                    let (c, w, h) = masks8(u64::from_le_bytes(bytes));
                    for (i, &x) in bytes.iter().enumerate() {
                        let class = BYTE_CLASS[x as usize];
                        assert_eq!((c >> i) & 1 == 1, class & CAN_START != 0, "can start {x:#x} in {bytes:?}");
                        assert_eq!((w >> i) & 1 == 1, class & WORD != 0, "word {x:#x} in {bytes:?}");
                        assert_eq!((h >> i) & 1 == 1, x >= 0x80, "high {x:#x} in {bytes:?}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        // Rare shapes (a phrase ending inside another's path) need more than the default 256 cases.
        #![proptest_config(proptest::test_runner::Config::with_cases(3000))]
        /// The prefix bit sets never hide a match: the same matches as trying every phrase at
        /// every word start, on phrases of every length (1–6 bytes, so the short sets and the
        /// four-byte prefixes are both exercised) and text made of them.
        #[test]
        fn word_matcher_finds_what_trying_every_phrase_finds(
            phrases in proptest::collection::vec(("[abcAB+.][abc +#]{0,5}", 0u8..2), 1..40),
            pieces in proptest::collection::vec("[abcAB+. ,#_\\n]{1,7}|ü", 0..40),
        ) {
            let text = pieces.concat();
            let m = WordMatcher::with_classes(phrases.iter().map(|(p, c)| (p, *c))).unwrap();
            let starts = word_starts(&text);
            let mut found = Vec::new();
            m.for_each_classed(&text, &starts, |class, pid, s, e| {
                assert_eq!(usize::from(phrases[pid].1), class);
                found.push((s, class, phrases[pid].0.to_ascii_lowercase(), e));
                true
            });
            // Each class alone, by trying every phrase of it at every start.
            let bytes = text.as_bytes();
            let mut expected = Vec::new();
            for class in 0..2u8 {
                let mut next_free = 0;
                for &s in &starts {
                    let s = s as usize;
                    if s < next_free {
                        continue;
                    }
                    let longest = phrases
                        .iter()
                        .filter(|(p, c)| *c == class && bytes.len() >= s + p.len() && bytes[s..s + p.len()].eq_ignore_ascii_case(p.as_bytes()))
                        .max_by_key(|(p, _)| p.len());
                    if let Some((p, _)) = longest.filter(|(p, _)| is_whole_word(bytes, s, s + p.len())) {
                        expected.push((s, usize::from(class), p.to_ascii_lowercase(), s + p.len()));
                        next_free = s + p.len();
                    }
                }
            }
            expected.sort();
            proptest::prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn whole_word_rules() {
        let s = b"C++ and C, R&D";
        assert!(is_whole_word(s, 0, 3));
        assert!(!is_whole_word(s, 0, 1));
        assert!(is_whole_word(s, 8, 9));
        assert!(!is_whole_word("aür".as_bytes(), 0, 1), "a letter glued to ü is not a word");
    }
}

/// A number rounded to a whole with thousands separators: 123456.7 → "123,457".
pub fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.round().abs());
    let mut out = String::from(if x.round() < 0.0 { "-" } else { "" });
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod thousands_tests {
    #[test]
    fn thousands_are_separated() {
        assert_eq!(super::thousands(123_456.7), "123,457");
        assert_eq!(super::thousands(999.0), "999");
        assert_eq!(super::thousands(-1234.0), "-1,234");
        assert_eq!(super::thousands(0.0), "0");
    }
}
