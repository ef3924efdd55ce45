//! The FinOps Foundation's own validator, focus-validator 2.2.1, on the
//! FOCUS CSV and Parquet exports of `tests/fixtures/focus/` (docs/focus.md,
//! "Validation"). It exits 0 even when rules fail, so its report is read:
//! any `FAIL` line fails the test, except the failing alternative of an OR
//! that passed (InvoiceId-C-005-C under InvoiceId-C-003-C).
//!
//! The validator lives in `target/focus-venv` (`tools/focus-venv.sh`, run
//! by `.ci/run`, and by this test when the venv is missing), or where
//! `LLMSPEND_FOCUS_VALIDATOR` points. A validator that is missing and
//! cannot be installed fails the test unless
//! `LLMSPEND_SKIP_FOCUS_VALIDATOR=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::util::{llmspend, run, TestDir};

const CRITERIA: &str = "ACCOUNT_NAMING_SUPPORTED,PUBLIC_PRICE_LIST_SUPPORTED,\
UNIT_PRICING_SUPPORTED,USAGE_MEASUREMENT_SUPPORTED,TAGGING_SUPPORTED,\
SUB_ACCOUNT_SUPPORTED,NEGOTIATED_PRICING_SUPPORTED,MULTIPLE_PRICING_CATEGORIES_SUPPORTED";

/// Failed rules that are alternatives inside an OR, with the OR that must
/// have passed for the failure to be ignored.
const OR_ALTERNATIVES: [(&str, &str); 1] = [("InvoiceId-C-005-C", "InvoiceId-C-003-C")];

/// The validator's executable, or `None` when skipping is allowed.
fn validator() -> Option<PathBuf> {
    let path = std::env::var_os("LLMSPEND_FOCUS_VALIDATOR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/focus-venv/bin/focus-validator")
        });
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("LLMSPEND_FOCUS_VALIDATOR").is_none() && create_venv() && path.exists() {
        return Some(path);
    }
    if std::env::var_os("LLMSPEND_SKIP_FOCUS_VALIDATOR").is_some_and(|v| v == "1") {
        eprintln!("focus-validator not found: skipped (LLMSPEND_SKIP_FOCUS_VALIDATOR=1)");
        return None;
    }
    panic!(
        "focus-validator not found at {}: run tools/focus-venv.sh (or set \
         LLMSPEND_SKIP_FOCUS_VALIDATOR=1 to skip locally)",
        path.display()
    );
}

/// Creates `target/focus-venv` with `tools/focus-venv.sh`, once per test
/// run (so `cargo test` on a fresh checkout installs it); returns whether
/// it succeeded.
fn create_venv() -> bool {
    static CREATED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *CREATED.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        Command::new("bash")
            .arg(root.join("tools/focus-venv.sh"))
            .current_dir(root)
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Runs the validator on a file and returns its report.
fn validate(validator: &Path, data: &Path) -> String {
    let python = validator.with_file_name("python");
    let out = Command::new(&python)
        .args([
            "-c",
            "import focus_validator,os;print(os.path.dirname(os.path.dirname(focus_validator.__file__)))",
        ])
        .output()
        .expect("run the venv's python");
    let site = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(!site.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    // It opens its currency list relative to the working directory, and
    // writes a log there: work in a copy-free temp dir would crash it.
    let out = Command::new(validator)
        .current_dir(&site)
        .arg("--data-file")
        .arg(data)
        .args(["--validate-version", "1.2", "--block-download"])
        .args(["--applicability-criteria", CRITERIA, "--show-violations"])
        .output()
        .expect("run focus-validator");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    text
}

/// The rules the report lists as failed, minus OR alternatives whose OR
/// passed.
fn failures(report: &str) -> Vec<String> {
    let status = |rule: &str, word: &str| {
        report
            .lines()
            .any(|l| l.contains(&format!("{rule}: {word}")))
    };
    assert!(
        report.lines().any(|l| l.starts_with("Total: ")),
        "no summary line in the validator's report:\n{report}"
    );
    report
        .lines()
        .filter(|l| l.contains(": FAIL"))
        .filter(|l| {
            !OR_ALTERNATIVES
                .iter()
                .any(|(alt, or)| l.contains(&format!("{alt}: FAIL")) && status(or, "PASS"))
        })
        .map(str::to_string)
        .collect()
}

fn export(dir: &TestDir, format: &str, name: &str) -> PathBuf {
    let out = dir.path().join(name);
    run(
        llmspend()
            .args([
                "export",
                "tests/fixtures/focus",
                "--rates",
                "tests/focus/card.csv",
                "--month",
                "2026-10",
                "--format",
                format,
                "-q",
                "-o",
            ])
            .arg(&out),
        0,
    );
    out
}

#[test]
fn the_focus_csv_and_parquet_pass_focus_validator_1_2() {
    let Some(v) = validator() else { return };
    let dir = TestDir::new();
    for (format, name) in [
        ("focus", "x.focus.csv"),
        ("focus-parquet", "x.focus.parquet"),
    ] {
        let file = export(&dir, format, name);
        let report = validate(&v, &file);
        let failed = failures(&report);
        assert!(failed.is_empty(), "{format}: {failed:#?}\n{report}");
        // It read rows: the mandatory-column rules passed, not skipped.
        assert!(report.contains("BilledCost-C-000-M: PASS"), "{report}");
    }
}

#[test]
fn the_validator_check_fails_on_a_defect_it_catches() {
    let Some(v) = validator() else { return };
    let dir = TestDir::new();
    let file = export(&dir, "focus", "x.focus.csv");
    let text = std::fs::read_to_string(&file).unwrap();
    // A unit that is not a whole-number block (UnitFormat).
    let bad = dir.create("bad.csv", text.replace("1000000 Tokens", "1M Tokens"));
    let failed = failures(&validate(&v, &bad));
    assert!(
        failed.iter().any(|l| l.contains("PricingUnit")),
        "{failed:#?}"
    );
}
