//! Partials: the partials of the parts of an input, merged, finish to the
//! report of the whole, merged in any order and grouping; a partial read
//! back from its JSON is the same partial; partials of different runs are
//! refused.

use proptest::prelude::*;

use llmspend::dimension::Dimension;
use llmspend::input::Input;
use llmspend::pipeline::{self, ReadOptions};
use llmspend::price::card::RateCard;
use llmspend::record::Field;
use llmspend::report::Partial;
use llmspend::worker::Plan;

use super::chunking::line;
use super::config;

/// `--by team,cost_center,model,day` with coverage of cost_center and team, offenders
/// by model, and team spellings collected: every part of a partial is
/// filled.
fn plan(card: &RateCard) -> Plan<'_> {
    let mut plan = super::plan(
        card,
        vec![
            Dimension::Team,
            Dimension::CostCenter,
            Dimension::Model,
            Dimension::Day,
        ],
        Default::default(),
        1 << 20,
    );
    plan.attribution.required = vec![Field::CostCenter, Field::Team];
    plan.attribution.offender_dims = vec![Dimension::Model];
    plan.attribution.value_fields = vec![Field::Team];
    plan.attribution.track_origin = true;
    plan
}

fn tally(paths: &[std::path::PathBuf], plan: &Plan<'_>, threads: usize) -> Partial {
    let inputs: Vec<Input> = paths.iter().cloned().map(Input::File).collect();
    let options = ReadOptions {
        threads,
        chunk_bytes: 512,
        ..ReadOptions::default()
    };
    pipeline::tally(&inputs, plan, &options).unwrap()
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn merged_partials_of_the_parts_finish_to_the_whole(
        lines in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), 0u32..200_000, any::<u8>()), 1..200),
        cuts in proptest::collection::vec(any::<u16>(), 1..4),
        seed in any::<u64>(),
        threads in 1usize..4,
    ) {
        let card = RateCard::embedded().unwrap();
        let plan = plan(&card);
        let text: Vec<String> = lines.iter().map(|&(k, t, m, n, d)| line(k, t, m, n, d)).collect();
        let mut at: Vec<usize> = cuts.iter().map(|&c| c as usize % (text.len() + 1)).collect();
        at.push(0);
        at.push(text.len());
        at.sort_unstable();
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<_> = at
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                let path = dir.path().join(format!("part-{i}.jsonl"));
                let mut body = text[w[0]..w[1]].join("\n");
                body.push('\n');
                std::fs::write(&path, body).unwrap();
                path
            })
            .collect();
        let whole = tally(&paths, &plan, threads).finish();
        let parts: Vec<Partial> = paths
            .iter()
            .map(|p| tally(std::slice::from_ref(p), &plan, threads))
            .collect();
        for p in &parts {
            let back: Partial = serde_json::from_str(&serde_json::to_string(p).unwrap()).unwrap();
            prop_assert_eq!(&back, p);
        }
        let in_order = parts
            .iter()
            .cloned()
            .reduce(|a, b| a.merge(b).unwrap())
            .unwrap()
            .finish();
        prop_assert_eq!(format!("{whole:?}"), format!("{in_order:?}"));
        consistent(&whole)?;
        // Any order and any grouping: partials are merged as a random
        // tree, and give the same report, samples included.
        let mut pool = parts;
        let mut x = seed | 1;
        let mut next = || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 33) as usize
        };
        while pool.len() > 1 {
            let i = next() % pool.len();
            let a = pool.swap_remove(i);
            let j = next() % pool.len();
            let b = pool.swap_remove(j);
            let merged = if next() % 2 == 0 { a.merge(b) } else { b.merge(a) };
            pool.push(merged.unwrap());
        }
        let any = pool.pop().unwrap().finish();
        prop_assert_eq!(format!("{whole:?}"), format!("{any:?}"));
    }
}

/// Figures a report states twice agree: the totals are the sum of the
/// groups, the unattributed shares are the groups without a team or cost
/// center, and each required field's offenders add up to what lacks it.
fn consistent(r: &llmspend::report::Report) -> Result<(), TestCaseError> {
    use llmspend::report::Totals;
    let sum = |keep: &dyn Fn(&[Option<String>]) -> bool| {
        let mut t = Totals::default();
        for g in r.groups.iter().filter(|g| keep(&g.values)) {
            t.merge(&g.totals);
        }
        t
    };
    prop_assert_eq!(&sum(&|_| true), &r.totals);
    prop_assert_eq!(&sum(&|v| v[0].is_none()), &r.coverage.no_team);
    prop_assert_eq!(&sum(&|v| v[1].is_none()), &r.coverage.no_cost_center);
    prop_assert_eq!(&r.coverage.required[0].missing, &r.coverage.no_cost_center);
    prop_assert_eq!(&r.coverage.required[1].missing, &r.coverage.no_team);
    for f in &r.coverage.required {
        let mut t = Totals::default();
        for o in &f.offenders {
            t.merge(&o.totals);
        }
        prop_assert_eq!(&t, &f.missing);
    }
    prop_assert!(r.accounting.counts.balanced());
    Ok(())
}

#[test]
fn partials_of_different_runs_are_refused() {
    let card = RateCard::embedded().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.jsonl");
    std::fs::write(&path, line(3, 0, 0, 1000, 1) + "\n").unwrap();
    let by_team = plan(&card);
    let mut by_model = plan(&card);
    by_model.dims = vec![Dimension::Model];
    let a = tally(std::slice::from_ref(&path), &by_team, 1);
    let b = tally(std::slice::from_ref(&path), &by_model, 1);
    let err = a.clone().merge(b).unwrap_err();
    assert!(err.to_string().contains("dimensions differ"), "{err}");
    let mut other_card = RateCard::embedded().unwrap();
    other_card
        .add_csv(
            "mine.csv",
            "provider,model,input_per_mtok,output_per_mtok\nopenai,gpt-4o,1,1\n",
            llmspend::price::card::Layer::User,
        )
        .unwrap();
    let c = tally(std::slice::from_ref(&path), &plan(&other_card), 1);
    let err = a.merge(c).unwrap_err();
    assert!(err.to_string().contains("rate card differ"), "{err}");
}
