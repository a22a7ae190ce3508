//! A resume's text from the file a person has. Bytes in, text (or JSON) out: nothing is opened,
//! stored or logged here — the CLI reads the file, the web server the upload, and both drop the
//! bytes when the profile is made.
//!
//! Formats, told by their first bytes (the name only breaks ties):
//! - **PDF**: the text layer, by `pdf-extract` (ligature code points mapped back, NFKC after). A PDF
//!   with no text layer (a scan) is [`ResumeError::NoText`]; an encrypted one
//!   [`ResumeError::Encrypted`]; a broken one [`ResumeError::Broken`].
//! - **DOCX**: `word/document.xml` of the zip, paragraph by paragraph (`w:p` → a line, `w:tab` →
//!   a tab, `w:br` → a line break), tables row by row.
//! - **JSON**: an mljobs profile or a JSON Resume, passed on as JSON.
//! - **Text and Markdown**: UTF-8 (a BOM dropped); Latin-1 bytes are read as such; an HTML page
//!   (a resume saved from the web) as its text.

use std::io::Read;

/// What a resume file held.
#[derive(Debug, Clone, PartialEq)]
pub enum ResumeDoc {
    /// The resume's text.
    Text(String),
    /// A JSON document (a profile or a JSON Resume).
    Json(serde_json::Value),
}

/// Why a file gave no resume.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResumeError {
    /// Nothing in it.
    #[error("{0}: the file is empty")]
    Empty(String),
    /// A PDF that is only images.
    #[error("{0}: this PDF has no text layer (a scanned image?); export it with text, or paste the text")]
    NoText(String),
    /// A PDF with a password.
    #[error("{0}: this PDF is encrypted; save a copy without a password")]
    Encrypted(String),
    /// A file that claims a format and is broken.
    #[error("{0}: {1}")]
    Broken(String, String),
    /// A format we do not read.
    #[error("{0}: {1} files are not read; use PDF, DOCX, plain text, Markdown or JSON")]
    Unsupported(String, String),
}

/// The largest file read (5 MB): a resume is a few pages.
pub const MAX_BYTES: usize = 5 << 20;

/// Reads a resume from its bytes; `name` is the file's name, for messages and ties.
pub fn read(name: &str, bytes: &[u8]) -> Result<ResumeDoc, ResumeError> {
    let n = || name.to_string();
    if bytes.len() > MAX_BYTES {
        return Err(ResumeError::Broken(n(), format!("{} bytes; resumes up to {} MB are read", bytes.len(), MAX_BYTES >> 20)));
    }
    let trimmed = trim_ascii_start(bytes);
    if trimmed.is_empty() {
        return Err(ResumeError::Empty(n()));
    }
    if bytes.starts_with(b"%PDF") {
        return pdf(name, bytes).map(ResumeDoc::Text);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return docx(name, bytes).map(ResumeDoc::Text);
    }
    for (magic, kind) in [(&b"\xD0\xCF\x11\xE0"[..], "old Word (.doc)"), (b"{\\rtf", "RTF"), (b"\x89PNG", "PNG image"), (b"\xFF\xD8\xFF", "JPEG image")] {
        if bytes.starts_with(magic) {
            return Err(ResumeError::Unsupported(n(), kind.into()));
        }
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}').to_string(),
        // Not UTF-8: Windows-1252/Latin-1 text, unless it is binary.
        Err(_) if bytes.iter().filter(|b| **b < 0x09 || (0x0e..0x20).contains(*b)).count() * 100 < bytes.len() => bytes.iter().map(|&b| b as char).collect(),
        Err(_) => return Err(ResumeError::Unsupported(n(), "binary".into())),
    };
    if trimmed.starts_with(b"{") {
        return match serde_json::from_str(&text) {
            Ok(v) => Ok(ResumeDoc::Json(v)),
            Err(e) if name.to_ascii_lowercase().ends_with(".json") => Err(ResumeError::Broken(n(), format!("invalid JSON: {e}"))),
            Err(_) => Ok(ResumeDoc::Text(text)),
        };
    }
    // A resume saved as a web page: its text.
    let lower_head: String = text.trim_start().chars().take(15).collect::<String>().to_ascii_lowercase();
    let text = if lower_head.starts_with("<!doctype html") || lower_head.starts_with("<html") { mljobs_core::text::html_to_text(&text) } else { text };
    if text.trim().is_empty() {
        return Err(ResumeError::Empty(n()));
    }
    Ok(ResumeDoc::Text(text))
}

/// A profile read from a resume, and the text its evidence offsets point into.
#[derive(Debug, Clone)]
pub struct ReadProfile {
    /// The profile.
    pub profile: mljobs_core::profile::Profile,
    /// The resume's normalised text (none for JSON).
    pub text: Option<String>,
}

/// The profile of what [`read`] gave: a text through the profile reader (the offsets point into
/// its normalised text, kept beside it), a JSON profile or JSON Resume as such.
pub fn to_profile(
    doc: ResumeDoc,
    taxonomy: &mljobs_core::Taxonomy,
    month: mljobs_core::profile::YearMonth,
) -> Result<ReadProfile, mljobs_core::profile::ProfileError> {
    use mljobs_core::profile;
    Ok(match doc {
        ResumeDoc::Text(text) => ReadProfile { profile: profile::from_text(&text, taxonomy, month)?, text: Some(profile::normalised(&text)) },
        ResumeDoc::Json(v) => ReadProfile { profile: profile::from_json(&v, taxonomy, month)?, text: None },
    })
}

fn trim_ascii_start(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    &b[i..]
}

/// The text layer of a PDF.
fn pdf(name: &str, bytes: &[u8]) -> Result<String, ResumeError> {
    // An encryption dictionary in the trailer: pdf-extract would fail or return nothing.
    if bytes.windows(8).any(|w| w == b"/Encrypt") {
        return Err(ResumeError::Encrypted(name.into()));
    }
    // pdf-extract panics on some malformed files; a resume upload must not take the server down.
    let extracted = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes));
    let text = match extracted {
        Ok(Ok(t)) => t,
        Ok(Err(e)) => return Err(ResumeError::Broken(name.into(), format!("not a readable PDF ({e})"))),
        Err(_) => return Err(ResumeError::Broken(name.into(), "not a readable PDF".into())),
    };
    // Ligatures some fonts map to private-use code points.
    let text = text.replace('\u{f001}', "fi").replace('\u{f002}', "fl").replace('\u{0c}', "\n");
    let text = mljobs_core::text::nfkc(&text).into_owned();
    if text.chars().filter(|c| c.is_alphanumeric()).count() < 20 {
        return Err(ResumeError::NoText(name.into()));
    }
    Ok(text)
}

/// The text of a DOCX: its main document part, paragraph by paragraph.
fn docx(name: &str, bytes: &[u8]) -> Result<String, ResumeError> {
    let broken = |why: String| ResumeError::Broken(name.into(), why);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| broken(format!("not a readable DOCX ({e})")))?;
    let mut xml = String::new();
    {
        let part = zip.by_name("word/document.xml").map_err(|_| ResumeError::Unsupported(name.into(), "zip files other than DOCX".into()))?;
        if part.size() > (MAX_BYTES * 8) as u64 {
            return Err(broken("the document part is too large".into()));
        }
        part.take((MAX_BYTES * 8) as u64).read_to_string(&mut xml).map_err(|e| broken(format!("not a readable DOCX ({e})")))?;
    }
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) => match e.local_name().as_ref() {
                "t" => in_text = true,
                "tab" => out.push('\t'),
                _ => {}
            },
            Ok(quick_xml::events::Event::Empty(e)) => match e.local_name().as_ref() {
                "tab" => out.push('\t'),
                "br" | "cr" => out.push('\n'),
                _ => {}
            },
            Ok(quick_xml::events::Event::End(e)) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => out.push('\n'),
                "tc" => out.push('\t'),
                _ => {}
            },
            Ok(quick_xml::events::Event::Text(t)) if in_text => {
                out.push_str(&t.into_inner());
            }
            Ok(quick_xml::events::Event::GeneralRef(r)) if in_text => {
                // &amp; &lt; … and character references inside a run's text.
                let name: &str = r.as_ref();
                let ch = match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16).ok().and_then(char::from_u32),
                    n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                    _ => None,
                };
                if let Some(c) = ch {
                    out.push(c);
                }
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Err(e) => return Err(broken(format!("bad XML in the document ({e})"))),
            _ => {}
        }
    }
    if out.trim().is_empty() {
        return Err(ResumeError::Empty(name.into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal DOCX: the zip with its document part (Word adds more parts; only this one is read).
    fn docx_bytes(body: &str) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(
            &mut z,
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#).as_bytes(),
        )
        .unwrap();
        z.finish().unwrap();
        buf.into_inner()
    }

    #[test]
    fn docx_paragraphs_runs_tabs_and_entities() {
        let doc = docx_bytes(
            r#"<w:p><w:r><w:t>Jane Doe</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">Data Scientist </w:t></w:r><w:r><w:t>&amp; ML Engineer</w:t></w:r></w:p><w:p><w:r><w:t>Acme</w:t><w:tab/><w:t>2019 – Present</w:t></w:r></w:p>"#,
        );
        assert_eq!(read("cv.docx", &doc).unwrap(), ResumeDoc::Text("Jane Doe\nData Scientist & ML Engineer\nAcme\t2019 – Present\n".into()));
    }

    #[test]
    fn formats_and_errors() {
        assert!(matches!(read("cv.txt", b"  \n "), Err(ResumeError::Empty(_))));
        assert!(matches!(read("cv.doc", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), Err(ResumeError::Unsupported(_, k)) if k.contains(".doc")));
        assert!(matches!(read("cv.json", b"{\"basics\": {\"name\": \"A\"}}"), Ok(ResumeDoc::Json(_))));
        assert!(matches!(read("cv.json", b"{broken"), Err(ResumeError::Broken(..))));
        assert!(matches!(read("cv.pdf", b"%PDF-1.7\n1 0 obj << /Encrypt 2 0 R >>"), Err(ResumeError::Encrypted(_))));
        assert!(matches!(read("cv.pdf", b"%PDF-1.4\ngarbage"), Err(ResumeError::Broken(..))));
        let zip_not_docx = {
            let mut buf = std::io::Cursor::new(Vec::new());
            let mut z = zip::ZipWriter::new(&mut buf);
            z.start_file("photo.txt", zip::write::SimpleFileOptions::default()).unwrap();
            z.finish().unwrap();
            buf.into_inner()
        };
        assert!(matches!(read("cv.zip", &zip_not_docx), Err(ResumeError::Unsupported(..))));
        assert_eq!(read("cv.md", "\u{feff}# Jane\nPython".as_bytes()).unwrap(), ResumeDoc::Text("# Jane\nPython".into()));
        assert_eq!(read("cv.txt", b"Caf\xe9 au lait, Python").unwrap(), ResumeDoc::Text("Café au lait, Python".into()), "Latin-1");
    }
}
