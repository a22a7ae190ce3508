//! Typo tolerance like the established engines: a word matches index terms within 1 edit (words of
//! 5+ letters) or 2 edits (9+), but never with a different first letter — "pytroch" finds
//! "pytorch", "cat" stays "cat", "bodel" does not become "model". tantivy's `FuzzyTermQuery` has no
//! such rule, so this is its Levenshtein automaton gated on the first byte, run over the term
//! dictionary through tantivy's `AutomatonWeight`.

use std::sync::{Arc, LazyLock};

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::query::{AutomatonWeight, EnableScoring, Query, Weight};
use tantivy::schema::Field;

static BUILDERS: LazyLock<[LevenshteinAutomatonBuilder; 3]> =
    LazyLock::new(|| [LevenshteinAutomatonBuilder::new(0, true), LevenshteinAutomatonBuilder::new(1, true), LevenshteinAutomatonBuilder::new(2, true)]);

/// A Levenshtein automaton that rejects terms not starting with the word's first byte.
pub struct FirstLetterLevenshtein {
    first: u8,
    dfa: DFA,
}

impl tantivy_fst::Automaton for FirstLetterLevenshtein {
    /// (bytes seen so far > 0, DFA state)
    type State = (bool, u32);

    fn start(&self) -> Self::State {
        (false, self.dfa.initial_state())
    }

    fn is_match(&self, state: &Self::State) -> bool {
        state.0 && matches!(self.dfa.distance(state.1), Distance::Exact(_))
    }

    fn can_match(&self, state: &Self::State) -> bool {
        state.1 != SINK_STATE
    }

    fn accept(&self, state: &Self::State, byte: u8) -> Self::State {
        if !state.0 && byte != self.first {
            return (true, SINK_STATE);
        }
        (true, self.dfa.transition(state.1, byte))
    }
}

/// Matches terms of `field` within `distance` edits of `text` sharing its first letter.
#[derive(Clone)]
pub struct FirstLetterFuzzyQuery {
    field: Field,
    text: String,
    automaton: Arc<FirstLetterLevenshtein>,
}

impl std::fmt::Debug for FirstLetterFuzzyQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FirstLetterFuzzyQuery").field("field", &self.field).field("text", &self.text).finish()
    }
}

impl FirstLetterFuzzyQuery {
    /// `distance` is capped at 2. Returns `None` for an empty term.
    pub fn new(field: Field, text: &str, distance: u8) -> Option<Self> {
        let first = *text.as_bytes().first()?;
        let dfa = BUILDERS[usize::from(distance.min(2))].build_dfa(text);
        Some(FirstLetterFuzzyQuery { field, text: text.to_string(), automaton: Arc::new(FirstLetterLevenshtein { first, dfa }) })
    }
}

impl Query for FirstLetterFuzzyQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<FirstLetterLevenshtein>::new(self.field, self.automaton.clone())))
    }
}
