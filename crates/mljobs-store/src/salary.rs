//! The salary model on disk: `<data dir>/models/salary.json`, versioned by
//! [`mljobs_core::salary_model::FORMAT`]. Trained from the bundled survey and the store's postings
//! that state a salary; a missing file, or one of another format, is retrained (under a second on
//! two cores), never guessed around.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use mljobs_core::Taxonomy;
use mljobs_core::salary_model::{Labelled, SalaryModel};

use crate::{Store, StoreError};

/// Where the model lives in a data directory.
pub fn model_path(data_dir: &Path) -> PathBuf {
    data_dir.join("models").join("salary.json")
}

/// What to train on.
pub struct TrainingData {
    /// Survey answers (the bundled survey: [`TrainingData::bundled`]).
    pub survey: Vec<mljobs_core::survey::SurveyRow>,
    /// Also the store's postings that state a salary.
    pub postings: bool,
}

impl TrainingData {
    /// The bundled survey, and the store's postings when `postings`.
    pub fn bundled(postings: bool) -> TrainingData {
        let survey = mljobs_core::survey::parse(mljobs_core::survey::EMBEDDED, "data/salaries/aijobs-salaries-2020-2024.csv")
            .expect("the bundled survey reads whole (tested in mljobs-core)");
        TrainingData { survey, postings }
    }
}

fn model_err(data_dir: &Path, message: String) -> StoreError {
    StoreError::DataDir { path: model_path(data_dir).display().to_string(), message }
}

/// Trains a model and saves it in the data directory (written to a temporary file, then renamed).
pub fn train(data_dir: &Path, what: &TrainingData, taxonomy: &Taxonomy, now: DateTime<Utc>) -> Result<SalaryModel, StoreError> {
    let mut data: Vec<Labelled> = what.survey.iter().map(Labelled::from_survey).collect();
    if what.postings {
        data.extend(Store::open_reader(data_dir)?.training_salaries(taxonomy)?);
    }
    let model = SalaryModel::train(data, taxonomy, &now.to_rfc3339()).map_err(|e| model_err(data_dir, format!("training: {e}")))?;
    save(data_dir, &model)?;
    Ok(model)
}

fn save(data_dir: &Path, model: &SalaryModel) -> Result<(), StoreError> {
    let path = model_path(data_dir);
    let io = |e: std::io::Error| model_err(data_dir, e.to_string());
    std::fs::create_dir_all(path.parent().expect("model path has a parent")).map_err(io)?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, model.to_json().map_err(|e| model_err(data_dir, e))?).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)
}

/// The saved model; `Err(reason)` inside when there is none or it cannot be used (another format).
pub fn load(data_dir: &Path) -> Result<Result<SalaryModel, String>, StoreError> {
    let path = model_path(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Err(format!("no salary model in {}", path.display()))),
        Err(e) => return Err(model_err(data_dir, e.to_string())),
    };
    Ok(SalaryModel::from_json(&text).map_err(|e| format!("{}: {e}", path.display())))
}

/// The saved model, trained (on the bundled survey and the store's postings) and saved first when
/// there is none or it cannot be used; then the reason it was trained is returned with it.
pub fn load_or_train(data_dir: &Path, taxonomy: &Taxonomy, now: DateTime<Utc>) -> Result<(SalaryModel, Option<String>), StoreError> {
    match load(data_dir)? {
        Ok(m) => Ok((m, None)),
        Err(why) => Ok((train(data_dir, &TrainingData::bundled(true), taxonomy, now)?, Some(why))),
    }
}
