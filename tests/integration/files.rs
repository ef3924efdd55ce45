//! Inputs that are hard to read: symlink loops, unreadable files and
//! folders, dangling links. Each is reported and the rest is processed.

use std::os::unix::fs::{symlink, PermissionsExt};

use crate::util::*;

const LINE: &str =
    r#"{"timestamp":"2026-10-03T09:14:02Z","team":"t","model":"gpt-4o","input_tokens":1}"#;

fn report(args: &[&std::path::Path]) -> (serde_json::Value, String) {
    let mut cmd = llmspend();
    // The unreadable ones are named; `--skip-unreadable` keeps the exit 0.
    cmd.args([
        "report",
        "--format",
        "json",
        "--by",
        "team",
        "--skip-unreadable",
    ]);
    for a in args {
        cmd.arg(a);
    }
    let out = run(&mut cmd, 0);
    (
        json(&String::from_utf8(out.stdout).unwrap()),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn requests(v: &serde_json::Value) -> u64 {
    v["totals"]["requests"].as_u64().unwrap()
}

#[test]
fn symlink_loops_are_reported_and_walked_once() {
    // Regression: two links back to the folder doubled the walk at every
    // level down to the depth guard (2^64 paths: a hang), and a folder
    // reached through two links was read twice.
    let dir = TestDir::new();
    let root = dir.path().join("logs");
    dir.create("logs/a.jsonl", format!("{LINE}\n"));
    dir.create("shared/b.jsonl", format!("{LINE}\n{LINE}\n"));
    symlink(&root, root.join("loop1")).unwrap();
    symlink("..", root.join("loop2")).unwrap();
    symlink(dir.path().join("shared"), root.join("s1")).unwrap();
    symlink(dir.path().join("shared"), root.join("s2")).unwrap();
    let (v, stderr) = report(&[&root]);
    assert_eq!(requests(&v), 3, "{v}");
    let unreadable = v["accounting"]["unreadable"].to_string();
    assert!(unreadable.contains("loop1"), "{unreadable}");
    assert!(unreadable.contains("symlink loop"), "{unreadable}");
    assert!(stderr.contains("symlink loop"), "{stderr}");
    // Without the flag an unreadable input makes the exit 2.
    run(llmspend().args(["report"]).arg(&root), 2);
}

#[test]
fn dangling_links_and_unreadable_files_are_reported_and_the_rest_read() {
    let dir = TestDir::new();
    let root = dir.path().join("logs");
    dir.create("logs/a.jsonl", format!("{LINE}\n"));
    symlink(root.join("gone.jsonl"), root.join("dangling.jsonl")).unwrap();
    let locked = dir.create("logs/locked.jsonl", format!("{LINE}\n"));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let closed = root.join("closed");
    dir.create("logs/closed/c.jsonl", format!("{LINE}\n"));
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o000)).unwrap();
    let (v, _) = report(&[&root]);
    let unreadable = v["accounting"]["unreadable"].to_string();
    assert!(unreadable.contains("dangling.jsonl"), "{unreadable}");
    // Root reads anything: the permission cases only hold for other users.
    let as_root = std::fs::File::open(&locked).is_ok();
    if as_root {
        assert_eq!(requests(&v), 3, "{v}");
    } else {
        assert_eq!(requests(&v), 1, "{v}");
        assert!(unreadable.contains("locked.jsonl"), "{unreadable}");
        assert!(unreadable.contains("closed"), "{unreadable}");
    }
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn the_same_file_given_twice_is_read_once() {
    // However it is spelled: the same path, a folder holding it, the
    // folder through `..`, the file through `.` or a symlink.
    let dir = TestDir::new();
    let f = dir.create("logs/a.jsonl", format!("{LINE}\n"));
    symlink(&f, dir.path().join("link.jsonl")).unwrap();
    let (v, _) = report(&[
        &f,
        &f,
        &dir.path().join("logs"),
        &dir.path().join("logs/../logs"),
        &dir.path().join("logs/./a.jsonl"),
        &dir.path().join("link.jsonl"),
    ]);
    assert_eq!(requests(&v), 1, "{v}");
}

/// `-o /dev/null` (benches/paired.sh uses it) writes to the device: the
/// output layer must never rename its temporary file over a device.
#[test]
fn output_to_a_device_leaves_the_device_in_place() {
    use std::os::unix::fs::FileTypeExt;
    run(
        llmspend().args(["report", "samples/", "--format", "csv", "-o", "/dev/null"]),
        0,
    );
    let meta = std::fs::symlink_metadata("/dev/null").unwrap();
    assert!(meta.file_type().is_char_device());
}

/// A failed run leaves no file where `-o` points, and no temporary file.
#[test]
fn a_failed_run_leaves_no_output_file() {
    let dir = TestDir::new();
    let out = dir.path().join("report.csv");
    run(
        llmspend()
            .args(["report", "no/such/input.jsonl", "--format", "csv", "-o"])
            .arg(&out),
        2,
    );
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
