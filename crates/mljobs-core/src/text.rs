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
        return tidy_whitespace(html);
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
    tidy_whitespace(&out)
}

/// Whether text is HTML rather than plain text that happens to hold a `<` (anonymisation tokens
/// such as `<ORGANIZATION>`, "a < b"): a closing tag, a line break, a common block tag or an entity.
pub fn looks_like_html(s: &str) -> bool {
    const TAGS: [&[u8]; 20] = [
        b"/", b"br", b"p>", b"p ", b"div", b"li>", b"ul>", b"ol>", b"h1", b"h2", b"h3", b"h4", b"strong>", b"b>", b"em>", b"span", b"a href", b"table",
        b"script", b"style",
    ];
    const ENTITIES: [&[u8]; 6] = [b"amp;", b"lt;", b"gt;", b"nbsp;", b"quot;", b"#"];
    let bytes = s.as_bytes();
    let starts_with_ci = |at: usize, pat: &[u8]| bytes.len() >= at + pat.len() && bytes[at..at + pat.len()].eq_ignore_ascii_case(pat);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' if TAGS.iter().any(|t| starts_with_ci(i + 1, t)) => return true,
            b'&' if ENTITIES.iter().any(|e| starts_with_ci(i + 1, e)) => return true,
            b'/' if bytes.get(i + 1) == Some(&b'>') => return true,
            _ => {}
        }
    }
    false
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

/// Collapses runs of spaces and tabs, trims each line and drops blank lines.
pub fn tidy_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.lines() {
        let mut words = line.split_whitespace();
        if let Some(first) = words.next() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(first);
            for w in words {
                out.push(' ');
                out.push_str(w);
            }
        }
    }
    out
}

/// Normalises a short field (title, company, location): NFKC (full-width letters, ligatures),
/// common mojibake repaired, whitespace collapsed, trimmed. Returns `None` for an empty result.
pub fn clean_field(s: &str) -> Option<String> {
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
    if s.is_ascii() || unicode_normalization::is_nfkc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
        return s.into();
    }
    s.nfkc().collect::<String>().into()
}

/// Repairs the most common mojibake: UTF-8 text that was decoded as Windows-1252/Latin-1 and
/// encoded again ("MÃ¼nchen" → "München", "â€“" → "–"). Text without its tell-tale sequences is
/// returned unchanged.
pub fn repair_mojibake(s: &str) -> std::borrow::Cow<'_, str> {
    if !(s.contains('Ã') || s.contains('â') || s.contains('Â')) {
        return s.into();
    }
    // Map each char back to the single byte Windows-1252 would have produced, then re-decode.
    let mut bytes = Vec::with_capacity(s.len());
    for ch in s.chars() {
        match cp1252_byte(ch) {
            Some(b) => bytes.push(b),
            None => return s.into(),
        }
    }
    match String::from_utf8(bytes) {
        Ok(fixed) => fixed.into(),
        Err(_) => s.into(),
    }
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

/// Lower-cases ASCII letters only, so byte offsets stay valid against the original text.
pub fn ascii_lower(s: &str) -> String {
    s.to_ascii_lowercase()
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
    fn mojibake_is_repaired() {
        assert_eq!(clean_field("MÃ¼nchen").as_deref(), Some("München"));
        assert_eq!(clean_field("Data Scientist â€“ NLP").as_deref(), Some("Data Scientist – NLP"));
        assert_eq!(clean_field("São Paulo").as_deref(), Some("São Paulo"));
    }

    #[test]
    fn fullwidth_and_whitespace_are_normalised() {
        assert_eq!(clean_field("  Ｄａｔａ\tScientist \n").as_deref(), Some("Data Scientist"));
        assert_eq!(clean_field(" \t "), None);
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
