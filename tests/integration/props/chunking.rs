//! A report does not depend on how its input is read: shuffled lines,
//! random chunk sizes and any thread count give the same report as one
//! sequential pass (issue 2, item 12), and so does every small
//! chunk size over the bad-input corpus.

use proptest::prelude::*;

use llmspend::dimension::Dimension;
use llmspend::filter::Window;
use llmspend::price::card::RateCard;
use llmspend::render::{self, ReportFormat};
use llmspend::report::Report;

use super::{config, plan, read, run};

/// One of ten kinds of line (six of them records, in three shapes) for
/// generated numbers.
pub(super) fn line(kind: u8, team: u8, model: u8, tokens: u32, day: u8) -> String {
    let team = ["search", "payments", "", "growth"][team as usize % 4];
    let model = [
        "gpt-4o-2024-08-06",
        "claude-sonnet-4-5-20250929",
        "gemini-2.5-flash",
        "acme-7b",
    ][model as usize % 4];
    let day = 1 + day % 28;
    match kind % 10 {
        0 => "{\"truncated\":".to_string(),
        1 => String::new(),
        2 => format!("{{\"timestamp\":\"2026-10-{day:02}T01:02:03Z\",\"team\":\"{team}\",\"model\":\"{model}\",\"input_tokens\":-1}}"),
        3..=5 => format!(
            "{{\"timestamp\":\"2026-10-{day:02}T01:02:03Z\",\"team\":\"{team}\",\"model\":\"{model}\",\"usage\":{{\"prompt_tokens\":{},\"completion_tokens\":{},\"prompt_tokens_details\":{{\"cached_tokens\":{}}}}}}}",
            tokens,
            tokens / 3,
            tokens / 2
        ),
        _ => format!(
            "{{\"ts\":{},\"metadata\":{{\"team\":\"{team}\",\"cost_center\":\"CC-{}\"}},\"model\":\"{model}\",\"input_tokens\":\"{tokens}\",\"output_tokens\":{}}}",
            1_790_000_000 + u64::from(day) * 86_400,
            team.len(),
            tokens % 977
        ),
    }
}

/// The report by team and model, priced by the embedded card.
fn report(path: &std::path::Path, card: &RateCard, threads: usize, chunk_bytes: usize) -> Report {
    let plan = plan(
        card,
        vec![Dimension::Team, Dimension::Model],
        Window::default(),
        1 << 20,
    );
    read(path, &plan, chunk_bytes, threads, true)
}

fn csv_and_counts(r: &Report) -> (Vec<u8>, String) {
    let mut summary = Vec::new();
    render::summary::write(r, &mut summary).unwrap();
    // The summary names the file; compare everything but the path.
    let summary = String::from_utf8(summary).unwrap();
    let counts = summary.lines().next().unwrap_or("").to_string();
    (
        {
            let mut csv = Vec::new();
            ReportFormat::Csv
                .renderer()
                .unwrap()
                .render(r, &mut csv)
                .unwrap();
            csv
        },
        counts,
    )
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn any_order_chunking_and_threads_give_the_same_report(
        lines in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), 0u32..200_000, any::<u8>()), 1..300),
        seed in any::<u64>(),
        chunk_bytes in 1usize..4096,
        threads in 1usize..5,
    ) {
        let card = RateCard::embedded().unwrap();
        let text: Vec<String> = lines.iter().map(|&(k, t, m, n, d)| line(k, t, m, n, d)).collect();
        let mut shuffled = text.clone();
        // Fisher-Yates with a seeded LCG: deterministic per case.
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (x >> 33) as usize % (i + 1));
        }
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.jsonl");
        let b = dir.path().join("b.jsonl");
        std::fs::write(&a, text.join("\n") + "\n").unwrap();
        std::fs::write(&b, shuffled.join("\n") + "\n").unwrap();
        let reference = report(&a, &card, 1, usize::MAX / 2);
        let other = report(&b, &card, threads, chunk_bytes);
        prop_assert!(reference.accounting.counts.balanced());
        prop_assert_eq!(reference.accounting.counts.lines_read, text.len() as u64);
        prop_assert_eq!(csv_and_counts(&reference), csv_and_counts(&other));
        prop_assert_eq!(reference.totals, other.totals);
    }
}

/// Every chunk size from 1 to 64 bytes (and a few larger), over every
/// file of the bad-input corpus: the same accounting, samples and groups
/// as one chunk. A bad line never takes a neighbour with it at a boundary.
#[test]
fn every_small_chunk_size_over_the_corpus_gives_one_report() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            (name.ends_with(".jsonl") || name.ends_with(".csv")) && name != "card.csv"
        })
        .collect();
    names.sort();
    assert!(names.len() >= 20);
    let key = |r: &Report| {
        (
            r.accounting.clone(),
            r.groups
                .iter()
                .map(|g| (g.values.clone(), g.totals.clone()))
                .collect::<Vec<_>>(),
            r.totals.clone(),
        )
    };
    for path in names {
        let reference = key(&run(&path, usize::MAX, 1));
        assert!(reference.0.counts.balanced(), "{path:?}");
        for target in (1..=64).chain([100, 333, 1000]) {
            let got = key(&run(&path, target, 1 + target % 3));
            assert_eq!(got, reference, "{path:?} at --chunk-bytes {target}");
        }
    }
}
