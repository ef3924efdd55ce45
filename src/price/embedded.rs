//! The rate card compiled into the binary: every `rates/*.csv`, listed by
//! `build.rs` in sorted order and parsed at run time by the same code as
//! `--rates` (so a bad data file fails the tests, not a user's run).

/// `(name, contents)` of each embedded rate file.
pub static FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_rates.rs"));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::price::card::RateCard;

    #[test]
    fn every_embedded_file_parses_without_ties() {
        assert!(
            FILES.len() >= 3,
            "rates/ should hold openai, anthropic and google"
        );
        let card = RateCard::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert!(card.rows().len() > 100);
    }

    #[test]
    fn the_list_matches_the_rates_folder() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rates");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".csv"))
            .map(|n| format!("rates/{n}"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = FILES.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(embedded, on_disk);
    }

    #[test]
    fn every_file_names_its_source_and_check_date() {
        for (name, text) in FILES {
            let first = text.lines().next().unwrap_or("");
            assert!(
                first.starts_with("# source:"),
                "{name} must start with `# source:`"
            );
            assert!(
                first.contains("checked 20"),
                "{name} must say when it was checked"
            );
        }
    }
}
