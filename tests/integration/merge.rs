//! `report --format partial` and `merge` through the binary: a partial per
//! file, merged in any order or as a tree, gives the report of all the
//! files byte for byte, in every format, stderr included; partials that
//! cannot be added are refused, naming the file.

use std::path::{Path, PathBuf};

use crate::util::*;

/// The report of `inputs` in `format`: (stdout, stderr).
fn report(inputs: &[PathBuf], format: &str, by: &str) -> (Vec<u8>, Vec<u8>) {
    let out = llmspend()
        .args(["report", "--format", format, "--by", by])
        .args(inputs)
        .output()
        .unwrap();
    assert!(out.status.code() == Some(0), "{out:?}");
    (out.stdout, out.stderr)
}

fn partial(dir: &Path, input: &Path, by: &str) -> PathBuf {
    let name = input.to_string_lossy().replace('/', "_");
    let path = dir.join(format!("{name}.partial.jsonl"));
    run(
        llmspend()
            .args(["report", "--format", "partial", "--quiet", "--by", by])
            .arg(input)
            .arg("-o")
            .arg(&path),
        0,
    );
    path
}

fn merge(partials: &[PathBuf], args: &[&str]) -> std::process::Output {
    llmspend()
        .arg("merge")
        .args(args)
        .args(partials)
        .output()
        .unwrap()
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .filter(|p| p.extension().is_some_and(|e| e != "md"))
        .map(|p| {
            p.strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap()
                .to_path_buf()
        })
        .filter(|p| !p.ends_with("card.csv"))
        .collect();
    out.sort();
    out
}

#[test]
fn partials_of_each_file_merge_to_the_report_of_all_in_every_format() {
    let dir = TestDir::new();
    for (set, by) in [
        (files("samples"), "team,model"),
        (files("tests/corpus"), "team,day"),
        (files("tests/fixtures/otel"), "service,model"),
    ] {
        let parts: Vec<PathBuf> = set.iter().map(|f| partial(dir.path(), f, by)).collect();
        let mut reversed = parts.clone();
        reversed.reverse();
        for format in ["table", "csv", "json", "md", "partial"] {
            let want = report(&set, format, by);
            let got = merge(&reversed, &["--format", format]);
            assert_eq!(got.status.code(), Some(0), "{got:?}");
            assert_eq!(
                String::from_utf8_lossy(&got.stdout),
                String::from_utf8_lossy(&want.0),
                "{format} of {set:?}"
            );
            assert_eq!(
                String::from_utf8_lossy(&got.stderr),
                String::from_utf8_lossy(&want.1),
                "{format} of {set:?}"
            );
        }
    }
}

#[test]
fn merged_partials_merge_again_and_roll_up() {
    let dir = TestDir::new();
    let set = files("tests/corpus");
    let parts: Vec<PathBuf> = set
        .iter()
        .map(|f| partial(dir.path(), f, "team,model"))
        .collect();
    // A tree: odd and even files apart, then the two halves.
    let halves: Vec<PathBuf> = [0, 1]
        .iter()
        .map(|&k| {
            let half: Vec<PathBuf> = parts.iter().skip(k).step_by(2).cloned().collect();
            let path = dir.path().join(format!("half{k}.jsonl"));
            let out = merge(
                &half,
                &["--format", "partial", "-o", path.to_str().unwrap()],
            );
            assert_eq!(out.status.code(), Some(0), "{out:?}");
            path
        })
        .collect();
    let got = merge(&halves, &["--format", "csv"]);
    assert_eq!(got.stdout, report(&set, "csv", "team,model").0);
    let rolled = merge(&halves, &["--format", "csv", "--by", "model"]);
    assert_eq!(rolled.status.code(), Some(0), "{rolled:?}");
    assert_eq!(rolled.stdout, report(&set, "csv", "model").0);
}

#[test]
fn partials_that_cannot_be_added_are_refused_naming_the_file() {
    let dir = TestDir::new();
    let a = partial(dir.path(), Path::new("samples/gateway.jsonl"), "team,model");
    let b = partial(dir.path(), Path::new("samples/gateway.csv"), "team");
    let out = merge(&[a.clone(), b.clone()], &["--format", "csv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("dimensions differ"), "{err}");
    assert!(
        err.contains(&*a.to_string_lossy()) && err.contains(&*b.to_string_lossy()),
        "{err}"
    );

    let text = std::fs::read_to_string(&a).unwrap();
    let cut = dir.create(
        "cut.jsonl",
        text.lines().take(5).collect::<Vec<_>>().join("\n"),
    );
    let out = merge(std::slice::from_ref(&cut), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cut.jsonl: no accounting line"), "{err}");

    let out = merge(&[PathBuf::from("samples/gateway.csv")], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("samples/gateway.csv:1: not a line of a partial"),
        "{err}"
    );

    let out = merge(&[a], &["--by", "service"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`service` is not a dimension"));
}

/// `--show-reported` (and the accounting warnings a partial carries)
/// survive a merge: the merge of per-file partials shows, in every
/// format, what the report over the union shows.
#[test]
fn merged_partials_keep_reported_costs_and_warnings() {
    let dir = TestDir::new();
    for (set, by) in [(
        files("tests/fixtures/reconcile/openai"),
        "day,model,project",
    )] {
        let parts: Vec<PathBuf> = set.iter().map(|f| partial(dir.path(), f, by)).collect();
        for format in ["table", "csv", "json", "md"] {
            let want = llmspend()
                .args(["report", "--show-reported", "--format", format, "--by", by])
                .args(&set)
                .output()
                .unwrap();
            assert_eq!(want.status.code(), Some(0), "{want:?}");
            let got = merge(&parts, &["--show-reported", "--format", format]);
            assert_eq!(got.status.code(), Some(0), "{got:?}");
            assert_eq!(
                String::from_utf8_lossy(&got.stdout),
                String::from_utf8_lossy(&want.stdout),
                "{format} of {set:?}"
            );
            assert_eq!(
                String::from_utf8_lossy(&got.stderr),
                String::from_utf8_lossy(&want.stderr),
                "{format} of {set:?}"
            );
        }
    }
}
