//! Dedupe helpers: canonical URLs and SimHash fingerprints of posting text. The decisions (update,
//! same posting, near-duplicate group) are taken by the store, which sees every posting.

/// Canonical form of a posting URL: scheme and host lower-cased, `www.` dropped, tracking
/// parameters (`utm_*`, `gh_src`, `source`, `ref`, `lever-source`...) and the fragment removed,
/// remaining parameters sorted, trailing slash dropped. `None` for something that is not an
/// http(s) URL.
pub fn canonical_url(s: &str) -> Option<String> {
    let mut url = url::Url::parse(s.trim()).ok()?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    let mut params: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            !(k.starts_with("utm_")
                || matches!(
                    k.as_str(),
                    "gh_src"
                        | "source"
                        | "src"
                        | "ref"
                        | "referrer"
                        | "lever-source"
                        | "lever-origin"
                        | "trk"
                        | "trackingid"
                        | "fbclid"
                        | "gclid"
                        | "mc_cid"
                        | "mc_eid"
                ))
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    params.sort();
    url.set_fragment(None);
    url.set_query(None);
    let path = url.path().trim_end_matches('/').to_string();
    let mut out = format!("https://{host}{path}");
    if !params.is_empty() {
        out.push('?');
        let q: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.push_str(&q.join("&"));
    }
    Some(out)
}

/// 64-bit SimHash over word 3-shingles of the lower-cased text (FNV-1a per shingle). Near-identical
/// texts differ in few bits; see [`hamming`].
pub fn simhash(text: &str) -> u64 {
    // Word hashes without allocating: FNV-1a over the lower-cased bytes of each run of
    // alphanumeric characters (non-ASCII bytes taken as they are).
    let mut word_hashes: Vec<u64> = Vec::with_capacity(text.len() / 5);
    let mut h: u64 = 0;
    let mut in_word = false;
    for &b in text.as_bytes() {
        let is_word = b.is_ascii_alphanumeric() || b >= 0x80;
        if is_word {
            if !in_word {
                h = 0xcbf2_9ce4_8422_2325;
                in_word = true;
            }
            h ^= u64::from(b.to_ascii_lowercase());
            h = h.wrapping_mul(0x0100_0000_01b3);
        } else if in_word {
            word_hashes.push(h);
            in_word = false;
        }
    }
    if in_word {
        word_hashes.push(h);
    }
    if word_hashes.is_empty() {
        return 0;
    }
    let mut counts = [0i32; 64];
    let shingle = 3.min(word_hashes.len());
    for w in word_hashes.windows(shingle) {
        // Combine the shingle's word hashes, then avalanche (splitmix64) so nearby values spread
        // over all bits.
        let mut x = w.iter().fold(0x9e37_79b9_7f4a_7c15u64, |acc, &wh| (acc ^ wh).wrapping_mul(0x0100_0000_01b3).rotate_left(29));
        x ^= x >> 30;
        x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x ^= x >> 27;
        x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^= x >> 31;
        for (bit, count) in counts.iter_mut().enumerate() {
            *count += ((x >> bit) & 1) as i32 * 2 - 1;
        }
    }
    counts.iter().enumerate().fold(0u64, |acc, (bit, &c)| if c > 0 { acc | 1 << bit } else { acc })
}

/// Number of differing bits.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Largest SimHash distance at which two postings of the same company (and the same normalised
/// title) are grouped as near-duplicates. Unrelated texts differ by about 32 bits; a repost with a
/// sentence edited differs by a few bits (fewer, the longer the text).
pub const NEAR_DUPLICATE_BITS: u32 = 10;

/// A title reduced for comparison: lower case, letters and digits only, seniority-neutral words kept.
pub fn title_key(title: &str) -> String {
    title.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_urls() {
        assert_eq!(canonical_url("https://WWW.Acme.example/jobs/123/?utm_source=x&gh_src=abc#apply").as_deref(), Some("https://acme.example/jobs/123"));
        assert_eq!(canonical_url("http://acme.example/jobs?id=7&utm_medium=y").as_deref(), Some("https://acme.example/jobs?id=7"));
        assert_eq!(canonical_url("mailto:jobs@acme.example"), None);
        assert_eq!(canonical_url("not a url"), None);
    }

    #[test]
    fn simhash_separates_near_and_far() {
        let a = "We are looking for a machine learning engineer to build recommendation models in PyTorch and deploy them on AWS. You will work with data scientists and product managers. Benefits include health insurance and a learning budget. We value curiosity, ownership and clear writing, and we ship small changes often with careful code review and good tests.";
        let b = "We are looking for a machine learning engineer to build recommendation models in PyTorch and deploy them on AWS. You will work with data scientists and product managers. Benefits include health insurance and a generous learning budget. We value curiosity, ownership and clear writing, and we ship small changes often with careful code review and good tests.";
        let c = "Our data engineering team builds streaming pipelines with Kafka and Spark, owns the warehouse in Snowflake and the dbt models, and supports analysts across the company with reliable data.";
        assert!(hamming(simhash(a), simhash(b)) <= NEAR_DUPLICATE_BITS, "{}", hamming(simhash(a), simhash(b)));
        assert!(hamming(simhash(a), simhash(c)) > 2 * NEAR_DUPLICATE_BITS, "{}", hamming(simhash(a), simhash(c)));
    }
}
