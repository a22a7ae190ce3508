//! A first salary estimator (issue 4, in progress): gradient-boosted trees (forust-ml, squared loss)
//! on log annual USD salary, with features from the five factors, and a split-conformal P10–P90
//! interval from held-out residuals of the latest year. Deterministic (seeded).
//!
//! Features: year; experience level (ordinal EN < MI < SE < EX); employment type; remote ratio;
//! company size (ordinal S < M < L); employee and company country, job title and role (our
//! taxonomy, from the title) as out-of-fold, smoothed target encodings (mean log salary); whether
//! the employee lives in the company's country; seniority and specialisation words of the title.

use std::collections::HashMap;

use forust_ml::objective::ObjectiveType;
use forust_ml::{GradientBooster, Matrix};

use crate::Taxonomy;
use crate::survey::{SurveyRow, percentile};

/// Title words that carry seniority or specialisation.
const TITLE_WORDS: [&str; 16] = [
    "senior",
    "lead",
    "principal",
    "staff",
    "head",
    "director",
    "manager",
    "junior",
    "intern",
    "research",
    "engineer",
    "scientist",
    "analyst",
    "architect",
    "machine",
    "data",
];
/// Smoothing of target encodings (pseudo-count of the global mean).
const SMOOTHING: f64 = 30.0;
const FOLDS: usize = 5;
const SEED: u64 = 42;

/// The fitted estimator.
pub struct SalaryModel {
    booster: GradientBooster,
    encodings: [Encoding; 4],
    roles: HashMap<String, String>,
    /// log-residual quantiles (P10, P90) from the calibration rows.
    residual_q: (f64, f64),
}

/// An estimate in annual USD.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Estimate {
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

#[derive(Default, Clone)]
struct Encoding {
    mean: f64,
    by: HashMap<String, (f64, f64)>,
}

impl Encoding {
    fn fit<'a>(keys: impl Iterator<Item = &'a str>, ys: &[f64]) -> Encoding {
        let mean = ys.iter().sum::<f64>() / ys.len().max(1) as f64;
        let mut by: HashMap<String, (f64, f64)> = HashMap::new();
        for (k, y) in keys.zip(ys) {
            let e = by.entry(k.to_string()).or_default();
            e.0 += y;
            e.1 += 1.0;
        }
        Encoding { mean, by }
    }

    fn get(&self, key: &str) -> f64 {
        let (sum, n) = self.by.get(key).copied().unwrap_or((0.0, 0.0));
        (sum + SMOOTHING * self.mean) / (n + SMOOTHING)
    }
}

fn level(l: &str) -> f64 {
    match l {
        "EN" => 0.0,
        "MI" => 1.0,
        "SE" => 2.0,
        "EX" => 3.0,
        _ => f64::NAN,
    }
}

fn size(s: &str) -> f64 {
    match s {
        "S" => 0.0,
        "M" => 1.0,
        "L" => 2.0,
        _ => f64::NAN,
    }
}

fn employment(e: &str) -> f64 {
    match e {
        "FT" => 0.0,
        "PT" => 1.0,
        "CT" => 2.0,
        "FL" => 3.0,
        _ => f64::NAN,
    }
}

/// Keys of the four encoded columns: employee country, company country, title, role.
fn keys<'a>(r: &'a SurveyRow, roles: &'a HashMap<String, String>) -> [&'a str; 4] {
    [&r.residence, &r.company_location, &r.title, roles.get(&r.title).map_or("other", String::as_str)]
}

const N_FEATURES: usize = 7 + 4 + TITLE_WORDS.len();

/// Column-major feature matrix.
fn features(rows: &[SurveyRow], enc: &[Vec<f64>; 4]) -> Vec<f64> {
    let n = rows.len();
    let mut m = vec![0.0; n * N_FEATURES];
    for (i, r) in rows.iter().enumerate() {
        let title = r.title.to_lowercase();
        let mut row = vec![
            f64::from(r.year),
            level(&r.level),
            employment(&r.employment_type),
            f64::from(r.remote_ratio),
            size(&r.company_size),
            f64::from(u8::from(r.residence == r.company_location)),
            title.split_whitespace().count() as f64,
        ];
        row.extend(enc.iter().map(|e| e[i]));
        row.extend(TITLE_WORDS.iter().map(|w| f64::from(u8::from(title.split(|c: char| !c.is_alphanumeric()).any(|t| t == *w)))));
        for (j, v) in row.into_iter().enumerate() {
            m[j * n + i] = v;
        }
    }
    m
}

/// A seeded shuffle index (xorshift), for folds and the calibration split.
fn shuffled(n: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    let mut s = SEED;
    for i in (1..n).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        idx.swap(i, (s % (i as u64 + 1)) as usize);
    }
    idx
}

impl SalaryModel {
    /// Trains on survey rows: a seeded quarter of the latest year calibrates the interval, the
    /// rest fit the trees.
    pub fn train(rows: &[SurveyRow], taxonomy: &Taxonomy) -> Result<SalaryModel, String> {
        if rows.len() < 50 {
            return Err(format!("{} salaries are too few to train on (50 at least)", rows.len()));
        }
        let roles = crate::survey::title_roles(rows, taxonomy);
        // Calibration rows: a seeded quarter of the latest year — salaries drift from year to
        // year, and the interval is for the next one, so it is calibrated on the most recent.
        let latest = rows.iter().map(|r| r.year).max().unwrap_or(0);
        let order = shuffled(rows.len());
        let (mut fit_rows, mut cal_rows) = (Vec::new(), Vec::new());
        for (k, &i) in order.iter().enumerate() {
            if rows[i].year == latest && k % 4 == 0 { cal_rows.push(rows[i].clone()) } else { fit_rows.push(rows[i].clone()) }
        }
        let y: Vec<f64> = fit_rows.iter().map(|r| r.salary_usd.ln()).collect();
        // Out-of-fold encodings for the rows the trees learn from (no row sees its own salary).
        let mut oof: [Vec<f64>; 4] = std::array::from_fn(|_| vec![0.0; fit_rows.len()]);
        for fold in 0..FOLDS {
            let (inside, outside): (Vec<usize>, Vec<usize>) = (0..fit_rows.len()).partition(|i| i % FOLDS != fold);
            for (c, col) in oof.iter_mut().enumerate() {
                let ys: Vec<f64> = inside.iter().map(|&i| y[i]).collect();
                let e = Encoding::fit(inside.iter().map(|&i| keys(&fit_rows[i], &roles)[c]), &ys);
                for &i in &outside {
                    col[i] = e.get(keys(&fit_rows[i], &roles)[c]);
                }
            }
        }
        let encodings: [Encoding; 4] = std::array::from_fn(|c| Encoding::fit(fit_rows.iter().map(|r| keys(r, &roles)[c]), &y));
        let data = features(&fit_rows, &oof);
        let matrix = Matrix::new(&data, fit_rows.len(), N_FEATURES);
        let mut booster = GradientBooster::default()
            .set_objective_type(ObjectiveType::SquaredLoss)
            .set_iterations(300)
            .set_learning_rate(0.05)
            .set_max_depth(5)
            .set_min_leaf_weight(20.0)
            .set_seed(SEED)
            .set_parallel(true);
        booster.fit_unweighted(&matrix, &y, None).map_err(|e| e.to_string())?;
        let mut model = SalaryModel { booster, encodings, roles, residual_q: (0.0, 0.0) };
        let pred = model.predict_log(&cal_rows);
        let mut residuals: Vec<f64> = cal_rows.iter().zip(&pred).map(|(r, p)| r.salary_usd.ln() - p).collect();
        residuals.sort_by(f64::total_cmp);
        model.residual_q = (percentile(&residuals, 0.1), percentile(&residuals, 0.9));
        Ok(model)
    }

    fn predict_log(&self, rows: &[SurveyRow]) -> Vec<f64> {
        let enc: [Vec<f64>; 4] = std::array::from_fn(|c| rows.iter().map(|r| self.encodings[c].get(keys(r, &self.roles)[c])).collect());
        let data = features(rows, &enc);
        self.booster.predict(&Matrix::new(&data, rows.len(), N_FEATURES), false)
    }

    /// Estimates for these rows (their salary fields are ignored).
    pub fn estimate(&self, rows: &[SurveyRow]) -> Vec<Estimate> {
        self.predict_log(rows).into_iter().map(|p| Estimate { p10: (p + self.residual_q.0).exp(), p50: p.exp(), p90: (p + self.residual_q.1).exp() }).collect()
    }
}

/// Evaluation metrics in annual USD.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Metrics {
    /// Rows evaluated.
    pub rows: usize,
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Coefficient of determination (of USD).
    pub r2: f64,
    /// Median absolute percentage error.
    pub mdape: f64,
    /// Share of salaries inside P10–P90.
    pub coverage_p10_p90: f64,
    /// Mean P90 − P10.
    pub mean_width: f64,
}

/// Metrics of estimates against the true salaries.
pub fn evaluate(truth: &[f64], est: &[Estimate]) -> Metrics {
    let n = truth.len().max(1) as f64;
    let mean = truth.iter().sum::<f64>() / n;
    let (mut abs, mut sq, mut tot, mut inside, mut width) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let mut ape = Vec::with_capacity(truth.len());
    for (y, e) in truth.iter().zip(est) {
        abs += (e.p50 - y).abs();
        sq += (e.p50 - y).powi(2);
        tot += (y - mean).powi(2);
        inside += f64::from(u8::from(*y >= e.p10 && *y <= e.p90));
        width += e.p90 - e.p10;
        ape.push((e.p50 - y).abs() / y);
    }
    ape.sort_by(f64::total_cmp);
    let r = |x: f64, d: f64| (x * d).round() / d;
    Metrics {
        rows: truth.len(),
        mae: r(abs / n, 10.0),
        rmse: r((sq / n).sqrt(), 10.0),
        r2: r(1.0 - sq / tot, 10_000.0),
        mdape: r(if ape.is_empty() { 0.0 } else { percentile(&ape, 0.5) * 100.0 }, 100.0),
        coverage_p10_p90: r(inside / n, 10_000.0),
        mean_width: r(width / n, 10.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::{EMBEDDED, parse};

    #[test]
    fn estimates_are_deterministic_ordered_and_rise_with_experience() {
        let t = Taxonomy::embedded();
        let rows = parse(EMBEDDED, "survey").unwrap();
        let train: Vec<SurveyRow> = rows.iter().filter(|r| r.year <= 2023).cloned().collect();
        let a = SalaryModel::train(&train, &t).unwrap();
        let b = SalaryModel::train(&train, &t).unwrap();
        let probe = |level: &str| SurveyRow {
            year: 2023,
            level: level.into(),
            employment_type: "FT".into(),
            title: "Machine Learning Engineer".into(),
            salary_usd: 0.0,
            residence: "US".into(),
            remote_ratio: 0,
            company_location: "US".into(),
            company_size: "M".into(),
        };
        let probes = [probe("EN"), probe("MI"), probe("SE")];
        let (ea, eb) = (a.estimate(&probes), b.estimate(&probes));
        assert_eq!(ea, eb, "seeded: the same estimates twice");
        assert!(ea[0].p50 <= ea[1].p50 && ea[1].p50 <= ea[2].p50, "{ea:?}");
        assert!(ea.iter().all(|e| e.p10 < e.p50 && e.p50 < e.p90), "{ea:?}");
        assert!((80_000.0..400_000.0).contains(&ea[2].p50), "{ea:?}");
    }
}
