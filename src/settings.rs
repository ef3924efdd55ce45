//! The config file: the defaults people retype every run (`rates`,
//! `owners`, `map`, `alias`, `by`, `tz`, `require`, gate thresholds), read
//! from `--config FILE`, else `llmspend.toml` in the current folder or the
//! nearest parent, else `$XDG_CONFIG_HOME/llmspend/config.toml`. A flag
//! given on the command line beats the file; the file beats the built-in
//! default. Unknown keys are errors naming `file:line` (docs/design.md,
//! "Config file"). Beside `config.rs`, the one module that reads the
//! command line's types (it fills them in before they are resolved).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Deserialize;
use toml::Spanned;

use crate::cli::{AttributionArgs, FilterArgs, GateArgs, InputArgs};
use crate::dimension::Dimension;

/// A string or a list of strings (`by = "team,model"` or `["team", "model"]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum List {
    One(String),
    Many(Vec<String>),
}

impl List {
    fn items(&self) -> Vec<String> {
        match self {
            List::One(s) => s.split(',').map(|p| p.trim().to_string()).collect(),
            List::Many(v) => v.iter().map(|p| p.trim().to_string()).collect(),
        }
    }
}

/// A percentage as a number or a string (`5`, `2.5`, `"5"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Pct {
    Int(i64),
    Float(f64),
    Text(String),
}

impl Pct {
    fn text(&self) -> String {
        match self {
            Pct::Int(n) => n.to_string(),
            Pct::Float(f) => f.to_string(),
            Pct::Text(s) => s.clone(),
        }
    }
}

/// The keys of a config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Keys {
    rates: Option<Spanned<PathBuf>>,
    owners: Option<Spanned<PathBuf>>,
    map: Option<Spanned<Vec<String>>>,
    alias: Option<Spanned<Vec<String>>>,
    by: Option<Spanned<List>>,
    tz: Option<Spanned<String>>,
    require: Option<Spanned<List>>,
    max_unattributed: Option<Spanned<Pct>>,
    basis: Option<Spanned<String>>,
    max_malformed: Option<Spanned<Pct>>,
    fail_on_unpriced: Option<Spanned<bool>>,
}

/// A loaded config file (or none).
#[derive(Debug, Default)]
pub struct Settings {
    /// The file read, `None` when there is none.
    pub path: Option<PathBuf>,
    text: String,
    keys: Keys,
    /// The arguments given on the command line (clap ids); `None` when
    /// unknown, and then the file is not applied (a flag must never lose).
    given: Option<HashSet<String>>,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();
static GIVEN: OnceLock<HashSet<String>> = OnceLock::new();

/// Records which arguments of the subcommand were typed (not defaults),
/// from clap's matches; `main` calls it before [`load`].
pub fn note_given(matches: &clap::ArgMatches) {
    let Some((_, sub)) = matches.subcommand() else {
        return;
    };
    let given = sub
        .ids()
        .filter(|id| sub.value_source(id.as_str()) == Some(clap::parser::ValueSource::CommandLine))
        .map(|id| id.as_str().to_string())
        .collect();
    let _ = GIVEN.set(given);
}

/// Where the config file is: `explicit`, else `llmspend.toml` in `cwd` or
/// the nearest parent, else `$XDG_CONFIG_HOME/llmspend/config.toml`
/// (`~/.config` when unset); `None` when there is none.
pub fn find(explicit: Option<&Path>, cwd: &Path) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if std::env::var_os("LLMSPEND_NO_CONFIG").is_some() {
        return None;
    }
    for dir in cwd.ancestors() {
        let p = dir.join("llmspend.toml");
        if p.is_file() {
            return Some(p);
        }
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    let p = base.join("llmspend").join("config.toml");
    p.is_file().then_some(p)
}

/// Reads and checks a config file: unknown keys and bad values are errors
/// naming `file:line`.
pub fn read(path: &Path) -> anyhow::Result<Settings> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read config file {}: {e}", path.display()))?;
    let keys: Keys = toml::from_str(&text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(&text, s.start));
        anyhow::anyhow!("{}:{line}: {}", path.display(), e.message().trim())
    })?;
    let s = Settings {
        path: Some(path.to_path_buf()),
        text,
        keys,
        given: None,
    };
    s.check()?;
    Ok(s)
}

/// Finds and reads the config file once per run; `run` calls it.
pub fn load(explicit: Option<&Path>) -> anyhow::Result<()> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut s = match find(explicit, &cwd) {
        Some(p) => read(&p)?,
        None => Settings::default(),
    };
    s.given = GIVEN.get().cloned();
    let _ = SETTINGS.set(s);
    Ok(())
}

/// The run's settings (empty when none were loaded).
pub fn get() -> &'static Settings {
    SETTINGS.get_or_init(Settings::default)
}

fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

impl Settings {
    fn line<T>(&self, v: &Spanned<T>) -> usize {
        line_of(&self.text, v.span().start)
    }

    /// `file:line` of a key's value.
    fn at<T>(&self, v: &Spanned<T>) -> String {
        let path = self.path.as_deref().unwrap_or(Path::new("?"));
        format!("{}:{}", path.display(), self.line(v))
    }

    fn check(&self) -> anyhow::Result<()> {
        let k = &self.keys;
        for list in [&k.by, &k.require].into_iter().flatten() {
            for name in list.get_ref().items() {
                if crate::dimension::Dimension::parse_loose(&name).is_none() {
                    anyhow::bail!("{}: unknown dimension `{name}`", self.at(list));
                }
            }
        }
        if let Some(tz) = &k.tz {
            if crate::zone::Zone::parse(tz.get_ref()).is_none() {
                anyhow::bail!("{}: `{}` is not a time zone", self.at(tz), tz.get_ref());
            }
        }
        if let Some(b) = &k.basis {
            if !["requests", "tokens", "cost"].contains(&b.get_ref().as_str()) {
                anyhow::bail!("{}: basis is requests, tokens or cost", self.at(b));
            }
        }
        Ok(())
    }

    /// Returns true if and only if the file applies to argument `id`: the
    /// file sets it and the command line did not.
    fn applies(&self, id: &str) -> bool {
        self.given.as_ref().is_some_and(|g| !g.contains(id))
    }

    /// A path relative to the file's folder.
    fn path_of(&self, p: &Path) -> PathBuf {
        match self.path.as_deref().and_then(Path::parent) {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }

    /// Fills in what the command line left out: `rates`, `owners`, `map`,
    /// `alias`, then `tz` and the gates when given.
    pub fn apply(
        &self,
        input: &mut InputArgs,
        attribution: &mut AttributionArgs,
        filter: Option<&mut FilterArgs>,
        gates: Option<&mut GateArgs>,
    ) {
        self.apply_input(input, attribution);
        if let Some(f) = filter {
            self.apply_tz(f);
        }
        if let Some(g) = gates {
            self.apply_gates(g);
        }
    }

    /// Fills in `rates`, `owners`, `map` and `alias` the command line left out.
    pub fn apply_input(&self, input: &mut InputArgs, attribution: &mut AttributionArgs) {
        let k = &self.keys;
        if let (Some(r), true) = (&k.rates, self.applies("rates")) {
            input.rates = Some(self.path_of(r.get_ref()));
        }
        if let (Some(o), true) = (&k.owners, self.applies("owners")) {
            attribution.owners = Some(self.path_of(o.get_ref()));
        }
        if let (Some(m), true) = (&k.map, self.applies("maps")) {
            input.maps = m.get_ref().clone();
        }
        if let (Some(a), true) = (&k.alias, self.applies("aliases")) {
            attribution.aliases = a.get_ref().clone();
        }
    }

    /// Fills in `tz`.
    pub fn apply_tz(&self, filter: &mut FilterArgs) {
        if let (Some(tz), true) = (&self.keys.tz, self.applies("tz")) {
            filter.tz = tz.get_ref().clone();
        }
    }

    /// Fills in report's `by`.
    pub fn apply_by(&self, by: &mut Vec<Dimension>) {
        if let (Some(b), true) = (&self.keys.by, self.applies("by")) {
            *by = dims(b.get_ref());
        }
    }

    /// Fills in `require` and the gate thresholds.
    pub fn apply_gates(&self, gates: &mut GateArgs) {
        let k = &self.keys;
        if let (Some(r), true) = (&k.require, self.applies("require")) {
            gates.require = dims(r.get_ref());
        }
        if let (Some(p), true) = (&k.max_unattributed, self.applies("max_unattributed")) {
            gates.max_unattributed = Some(p.get_ref().text());
        }
        if let (Some(p), true) = (&k.max_malformed, self.applies("max_malformed")) {
            gates.max_malformed = Some(p.get_ref().text());
        }
        if let (Some(b), true) = (&k.basis, self.applies("basis")) {
            use clap::ValueEnum;
            if let Ok(b) = crate::gate::Basis::from_str(b.get_ref(), true) {
                gates.basis = b;
            }
        }
        if let (Some(f), true) = (&k.fail_on_unpriced, self.applies("fail_on_unpriced")) {
            gates.fail_on_unpriced = *f.get_ref();
        }
    }

    /// Each setting with its effective value and where it came from (the
    /// file's `file:line`, or the built-in default), for `llmspend config`.
    pub fn effective(&self) -> Vec<(&'static str, String, String)> {
        let k = &self.keys;
        let mut out = Vec::new();
        let mut row = |name: &'static str, set: Option<(String, String)>, default: &str| {
            out.push(match set {
                Some((v, at)) => (name, v, at),
                None => (name, default.to_string(), "default".to_string()),
            });
        };
        let path = |v: &Option<Spanned<PathBuf>>| {
            v.as_ref()
                .map(|p| (self.path_of(p.get_ref()).display().to_string(), self.at(p)))
        };
        let list = |v: &Option<Spanned<List>>| {
            v.as_ref().map(|l| {
                let names: Vec<String> = dims(l.get_ref())
                    .iter()
                    .map(|d| d.name().to_string())
                    .collect();
                (names.join(","), self.at(l))
            })
        };
        let strings = |v: &Option<Spanned<Vec<String>>>| {
            v.as_ref().map(|l| (l.get_ref().join(" "), self.at(l)))
        };
        let pct = |v: &Option<Spanned<Pct>>| v.as_ref().map(|p| (p.get_ref().text(), self.at(p)));
        row("rates", path(&k.rates), "(embedded card)");
        row("owners", path(&k.owners), "(none)");
        row("map", strings(&k.map), "(none)");
        row("alias", strings(&k.alias), "(none)");
        row("by", list(&k.by), "team,model");
        row(
            "tz",
            k.tz.as_ref().map(|t| (t.get_ref().clone(), self.at(t))),
            "UTC",
        );
        row("require", list(&k.require), "cost_center");
        row("max_unattributed", pct(&k.max_unattributed), "(no gate)");
        row(
            "basis",
            k.basis.as_ref().map(|b| (b.get_ref().clone(), self.at(b))),
            "requests",
        );
        row("max_malformed", pct(&k.max_malformed), "(no gate)");
        row(
            "fail_on_unpriced",
            k.fail_on_unpriced
                .as_ref()
                .map(|f| (f.get_ref().to_string(), self.at(f))),
            "false",
        );
        out
    }
}

/// The dimensions of a checked list.
fn dims(list: &List) -> Vec<Dimension> {
    list.items()
        .iter()
        .filter_map(|n| Dimension::parse_loose(n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("llmspend.toml");
        std::fs::write(&p, "by = \"team\"\n\n# note\ncolour = \"blue\"\n").unwrap();
        let e = read(&p).unwrap_err().to_string();
        assert!(e.contains("llmspend.toml:4:"), "{e}");
        assert!(e.contains("colour"), "{e}");
        std::fs::write(&p, "tz = \"UTC\"\nby = \"team,colour\"\n").unwrap();
        let e = read(&p).unwrap_err().to_string();
        assert!(
            e.contains("llmspend.toml:2: unknown dimension `colour`"),
            "{e}"
        );
    }

    #[test]
    fn the_nearest_file_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("a/b");
        std::fs::create_dir_all(&inner).unwrap();
        std::fs::write(dir.path().join("llmspend.toml"), "").unwrap();
        assert_eq!(find(None, &inner), Some(dir.path().join("llmspend.toml")));
        std::fs::write(inner.join("llmspend.toml"), "").unwrap();
        assert_eq!(find(None, &inner), Some(inner.join("llmspend.toml")));
    }
}
