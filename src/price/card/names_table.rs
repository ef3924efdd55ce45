//! The display-name table of the rate card folder: a CSV with the header
//! `provider,display_name,model` (e.g. `rates/display_names.csv`) maps the
//! names a provider's console writes (`Claude Sonnet 4.5` in Anthropic's
//! Console cost CSV) to the model ids its usage exports write, so those
//! rows group, price and reconcile with the usage (docs/sources.md,
//! Reconciling usage and cost exports). Read by the same loader as the
//! rates, embedded or `--rates`; a later file's row for the same name
//! wins.

use super::{RateCard, RateCardError};

/// The header that marks a names table.
pub const HEADER: [&str; 3] = ["provider", "display_name", "model"];

impl RateCard {
    /// Adds the rows of a names table.
    pub(super) fn add_display_names(
        &mut self,
        file: &str,
        records: csv::StringRecordsIter<'_, &[u8]>,
    ) -> Result<(), RateCardError> {
        for record in records {
            let line = |r: &csv::StringRecord| r.position().map_or(0, |p| p.line());
            let record = record.map_err(|e| RateCardError {
                file: file.to_string(),
                line: e.position().map_or(0, |p| p.line()),
                message: e.to_string(),
            })?;
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let cell = |i: usize| record.get(i).map(str::trim).unwrap_or_default();
            let (name, model) = (cell(1), cell(2));
            if name.is_empty() || model.is_empty() {
                return Err(RateCardError {
                    file: file.to_string(),
                    line: line(&record),
                    message: "a names row needs `display_name` and `model`".into(),
                });
            }
            let key = name.to_ascii_lowercase();
            self.display_names.retain(|(k, _)| *k != key);
            self.display_names.push((key, model.to_string()));
        }
        Ok(())
    }

    /// The model id a display name stands for (case-insensitive), if the
    /// names table has it. Only a name with a space is looked up: model ids
    /// have none.
    pub fn model_of_display_name(&self, name: &str) -> Option<&str> {
        if !name.contains(' ') {
            return None;
        }
        let name = name.trim();
        self.display_names
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, m)| m.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::price::card::Layer;

    #[test]
    fn a_names_table_maps_display_names() {
        let mut card = RateCard::default();
        card.add_csv(
            "names.csv",
            "# Console names\nprovider,display_name,model\nanthropic,Claude Sonnet 4.5,claude-sonnet-4-5-20250929\n",
            Layer::User,
        )
        .unwrap();
        assert_eq!(
            card.model_of_display_name("claude sonnet 4.5"),
            Some("claude-sonnet-4-5-20250929")
        );
        assert_eq!(card.model_of_display_name("claude-sonnet-4-5"), None);
        let bad = card.add_csv(
            "n.csv",
            "provider,display_name,model\nanthropic,,x\n",
            Layer::User,
        );
        assert!(bad.unwrap_err().message.contains("display_name"));
    }

    #[test]
    fn the_embedded_table_maps_both_word_orders() {
        let card = RateCard::embedded().unwrap();
        for (name, id) in [
            ("Claude Haiku 4.5", "claude-haiku-4-5-20251001"),
            ("Claude Sonnet 3.7", "claude-3-7-sonnet-20250219"),
            ("Claude 3.7 Sonnet", "claude-3-7-sonnet-20250219"),
            ("Claude 3.5 Haiku", "claude-3-5-haiku-20241022"),
        ] {
            assert_eq!(card.model_of_display_name(name), Some(id), "{name}");
        }
    }
}
