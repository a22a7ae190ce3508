//! The model's training salaries kept compactly: each text value once (interned), a record as a
//! row of integer codes. At a 1M-posting store the model holds about a million salaries; as
//! [`Labelled`] records (a dozen heap strings each) they took ~550 MB of the server's memory, as
//! rows ~100 MB. Saved and read as the same JSON array of records as before (the file format does
//! not change), read element by element without building the records first.

use std::collections::HashMap;

use serde::de::{SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Labelled, Profile, Source};

/// Training salaries, in the order given.
#[derive(Default)]
pub(crate) struct Records {
    /// Every distinct text value of every field (fields share it).
    strings: Vec<String>,
    rows: Vec<Row>,
    /// Skill codes (into `strings`); each row's a range of this.
    skills: Vec<u32>,
    /// Posting ids, one after another; each row's a range of this.
    ids: String,
}

/// One salary; text fields are indexes into [`Records::strings`] or [`NONE`].
struct Row {
    title: u32,
    level: u32,
    country: u32,
    residence: u32,
    company_size: u32,
    industry: u32,
    employment_type: u32,
    skills: (u32, u32),
    posting_id: (u32, u32),
    /// NaN: not given.
    years: f64,
    salary_usd: f64,
    year: u16,
    /// [`NO_RATIO`]: not given.
    remote_ratio: u8,
    source: Source,
}

/// A text value not given.
const NONE: u32 = u32::MAX;
/// A remote ratio not given (ratios are 0, 50 or 100).
const NO_RATIO: u8 = u8::MAX;

/// One record, borrowed: what the comparables' pass reads without building a [`Labelled`].
pub(crate) struct RecordRef<'a> {
    records: &'a Records,
    row: &'a Row,
}

impl<'a> RecordRef<'a> {
    fn text(&self, code: u32) -> Option<&'a str> {
        (code != NONE).then(|| self.records.strings[code as usize].as_str())
    }
    pub fn title(&self) -> &'a str {
        self.text(self.row.title).unwrap_or_default()
    }
    pub fn level(&self) -> Option<&'a str> {
        self.text(self.row.level)
    }
    pub fn country(&self) -> Option<&'a str> {
        self.text(self.row.country)
    }
    pub fn company_size(&self) -> Option<&'a str> {
        self.text(self.row.company_size)
    }
    pub fn industry(&self) -> Option<&'a str> {
        self.text(self.row.industry)
    }
    pub fn remote_ratio(&self) -> Option<u8> {
        (self.row.remote_ratio != NO_RATIO).then_some(self.row.remote_ratio)
    }
    pub fn skills(&self) -> impl Iterator<Item = &'a str> + 'a {
        let (records, (a, b)) = (self.records, self.row.skills);
        records.skills[a as usize..b as usize].iter().map(move |&c| records.strings[c as usize].as_str())
    }
    pub fn year(&self) -> u16 {
        self.row.year
    }
    pub fn salary_usd(&self) -> f64 {
        self.row.salary_usd
    }

    /// The record as it was given.
    pub fn to_labelled(&self) -> Labelled {
        let text = |c: u32| self.text(c).map(String::from);
        let (a, b) = self.row.posting_id;
        Labelled {
            profile: Profile {
                title: self.title().to_string(),
                level: text(self.row.level),
                years: (!self.row.years.is_nan()).then_some(self.row.years),
                country: text(self.row.country),
                residence: text(self.row.residence),
                remote_ratio: self.remote_ratio(),
                company_size: text(self.row.company_size),
                industry: text(self.row.industry),
                skills: self.skills().map(String::from).collect(),
                employment_type: text(self.row.employment_type),
            },
            year: self.row.year,
            salary_usd: self.row.salary_usd,
            source: self.row.source,
            posting_id: (a != NONE).then(|| self.records.ids[a as usize..b as usize].to_string()),
        }
    }
}

/// Adds records, interning their values.
#[derive(Default)]
struct Builder {
    records: Records,
    codes: HashMap<String, u32>,
}

impl Builder {
    fn code(&mut self, v: Option<&str>) -> u32 {
        let Some(v) = v else { return NONE };
        if let Some(&c) = self.codes.get(v) {
            return c;
        }
        let c = self.records.strings.len() as u32;
        self.records.strings.push(v.to_string());
        self.codes.insert(v.to_string(), c);
        c
    }

    fn push(&mut self, r: &Labelled) {
        let p = &r.profile;
        let start = self.records.skills.len() as u32;
        for s in &p.skills {
            let c = self.code(Some(s));
            self.records.skills.push(c);
        }
        let skills = (start, self.records.skills.len() as u32);
        let posting_id = match &r.posting_id {
            None => (NONE, NONE),
            Some(id) => {
                let a = self.records.ids.len() as u32;
                self.records.ids.push_str(id);
                (a, self.records.ids.len() as u32)
            }
        };
        let row = Row {
            title: self.code(Some(&p.title)),
            level: self.code(p.level.as_deref()),
            country: self.code(p.country.as_deref()),
            residence: self.code(p.residence.as_deref()),
            company_size: self.code(p.company_size.as_deref()),
            industry: self.code(p.industry.as_deref()),
            employment_type: self.code(p.employment_type.as_deref()),
            skills,
            posting_id,
            years: p.years.unwrap_or(f64::NAN),
            salary_usd: r.salary_usd,
            year: r.year,
            remote_ratio: p.remote_ratio.unwrap_or(NO_RATIO),
            source: r.source,
        };
        self.records.rows.push(row);
    }

    fn finish(mut self) -> Records {
        self.records.rows.shrink_to_fit();
        self.records.skills.shrink_to_fit();
        self.records.ids.shrink_to_fit();
        self.records
    }
}

impl Records {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn get(&self, i: usize) -> RecordRef<'_> {
        RecordRef { records: self, row: &self.rows[i] }
    }

    pub fn iter(&self) -> impl Iterator<Item = RecordRef<'_>> + '_ {
        self.rows.iter().map(move |row| RecordRef { records: self, row })
    }
}

impl From<&[Labelled]> for Records {
    fn from(data: &[Labelled]) -> Records {
        let mut b = Builder::default();
        for r in data {
            b.push(r);
        }
        b.finish()
    }
}

impl Serialize for Records {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for r in self.iter() {
            seq.serialize_element(&r.to_labelled())?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Records {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Records, D::Error> {
        struct Each;
        impl<'de> Visitor<'de> for Each {
            type Value = Records;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of labelled salaries")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Records, A::Error> {
                let mut b = Builder::default();
                while let Some(r) = seq.next_element::<Labelled>()? {
                    b.push(&r);
                }
                Ok(b.finish())
            }
        }
        d.deserialize_seq(Each)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Labelled> {
        let posted = Labelled {
            profile: Profile {
                title: "Senior ML Engineer".into(),
                level: Some("SE".into()),
                years: Some(5.0),
                country: Some("US".into()),
                residence: None,
                remote_ratio: Some(100),
                company_size: None,
                industry: Some("healthcare".into()),
                skills: vec!["pytorch".into(), "python".into()],
                employment_type: Some("FT".into()),
            },
            year: 2026,
            salary_usd: 185_000.0,
            source: Source::Posting,
            posting_id: Some("gh-1234".into()),
        };
        let surveyed = Labelled {
            profile: Profile {
                title: "Data Scientist".into(),
                level: Some("MI".into()),
                years: None,
                country: Some("DE".into()),
                residence: Some("DE".into()),
                remote_ratio: Some(0),
                company_size: Some("M".into()),
                industry: None,
                skills: Vec::new(),
                employment_type: Some("FT".into()),
            },
            year: 2024,
            salary_usd: 72_500.5,
            source: Source::Survey,
            posting_id: None,
        };
        let bare = Labelled { profile: Profile { title: "Data Scientist".into(), ..Profile::default() }, ..surveyed.clone() };
        vec![posted, surveyed, bare]
    }

    #[test]
    fn records_give_back_what_they_were_given() {
        let data = sample();
        let records = Records::from(&data[..]);
        assert_eq!(records.len(), 3);
        let back: Vec<Labelled> = records.iter().map(|r| r.to_labelled()).collect();
        assert_eq!(back, data);
        let r = records.get(0);
        assert_eq!((r.title(), r.level(), r.country(), r.remote_ratio()), ("Senior ML Engineer", Some("SE"), Some("US"), Some(100)));
        assert_eq!(r.skills().collect::<Vec<_>>(), ["pytorch", "python"]);
        assert_eq!((records.get(2).level(), records.get(2).remote_ratio(), records.get(2).industry()), (None, None, None));
        // "Data Scientist" is kept once.
        assert_eq!(records.strings.iter().filter(|s| *s == "Data Scientist").count(), 1);
    }

    #[test]
    fn the_saved_form_is_the_array_of_records() {
        let data = sample();
        let json = serde_json::to_string(&Records::from(&data[..])).unwrap();
        assert_eq!(json, serde_json::to_string(&data).unwrap());
        let read: Records = serde_json::from_str(&json).unwrap();
        assert_eq!(read.iter().map(|r| r.to_labelled()).collect::<Vec<_>>(), data);
        let err = serde_json::from_str::<Records>(r#"[{"year": 2024}]"#).err().unwrap().to_string();
        assert!(err.contains("missing field"), "{err}");
    }
}
