//! The ownership map (`--owners FILE`): who owns an API key, a service, a
//! user, a customer, a project, a model or a route, for requests that do
//! not say.
//!
//! The file is CSV with a header: `field,value` and any of the owner
//! columns `team,cost_center,project,service,environment,customer`.
//! `field` is one of [`KEYS`]; a `route` value matches as a path prefix
//! (`/v1/chat` matches `/v1/chat` and `/v1/chat/completions`, not
//! `/v1/chatter`; the longest prefix wins). An empty cell sets nothing.
//!
//! For each owner column, the row of the most specific matching field
//! (in the order of [`KEYS`]) that sets it wins. Rows match on the values
//! the request carries (after route templates), never on values the map
//! itself filled in. A value on the request beats the map unless
//! `--owners-override`. Two rows for the same field and value that set
//! different owners are an error naming both lines; so are an unknown
//! column and an invalid row (exit 2).

use std::fs;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use super::TextView;
use crate::record::Field;

/// The fields a map row can be keyed on, most specific first.
pub const KEYS: [Field; 7] = [
    Field::ApiKey,
    Field::Service,
    Field::User,
    Field::Customer,
    Field::Project,
    Field::Model,
    Field::Route,
];

/// The owner columns a map row can set.
pub const OWNERS: [Field; 6] = [
    Field::Team,
    Field::CostCenter,
    Field::Project,
    Field::Service,
    Field::Environment,
    Field::Customer,
];

/// Why an ownership map cannot be used: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum OwnersError {
    /// The file cannot be read.
    #[error("cannot read ownership map {path}: {message}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        message: String,
    },
    /// A problem at a line.
    #[error("{path}:{line}: {message}")]
    At {
        /// The file.
        path: String,
        /// The physical line, from 1.
        line: u64,
        /// What is wrong, and what is valid.
        message: String,
    },
}

/// One row of the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerRow {
    /// Its line in the file.
    pub line: u64,
    /// The field it is keyed on.
    pub key: Field,
    /// The value it matches.
    pub value: String,
    /// The owners it sets, by [`OWNERS`] index.
    pub sets: [Option<String>; OWNERS.len()],
}

/// A loaded ownership map.
#[derive(Debug, Clone)]
pub struct OwnerMap {
    /// The file it was read from.
    pub path: PathBuf,
    /// Its rows, in file order.
    pub rows: Vec<OwnerRow>,
    /// Per key field (by [`KEYS`] index, route excluded): value -> row.
    exact: Vec<FxHashMap<String, u32>>,
    /// Route prefixes, longest first, with their rows.
    routes: Vec<(String, u32)>,
}

fn key_index(f: Field) -> usize {
    KEYS.iter().position(|k| *k == f).unwrap_or(0)
}

fn owner_index(f: Field) -> Option<usize> {
    OWNERS.iter().position(|k| *k == f)
}

/// Returns true if and only if `prefix` is a path prefix of `route`.
pub fn route_prefix(prefix: &str, route: &str) -> bool {
    route.starts_with(prefix)
        && (route.len() == prefix.len()
            || prefix.ends_with('/')
            || route.as_bytes()[prefix.len()] == b'/')
}

impl OwnerMap {
    /// Reads a map file.
    pub fn load(path: &Path) -> Result<OwnerMap, OwnersError> {
        let text = fs::read(path).map_err(|e| OwnersError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        OwnerMap::parse(path, &text)
    }

    /// Parses the text of a map file.
    pub fn parse(path: &Path, text: &[u8]) -> Result<OwnerMap, OwnersError> {
        let name = path.display().to_string();
        let at = |line: u64, message: String| OwnersError::At {
            path: name.clone(),
            line,
            message,
        };
        let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(text);
        let mut records = reader.byte_records();
        let header = match records.next() {
            Some(Ok(h)) => h,
            Some(Err(e)) => return Err(at(1, format!("unreadable header: {e}"))),
            None => return Err(at(1, "empty file: no header".into())),
        };
        let header_line = header.position().map_or(1, |p| p.line());
        let mut field_col = None;
        let mut value_col = None;
        let mut owner_cols: Vec<(usize, usize)> = Vec::new();
        for (i, cell) in header.iter().enumerate() {
            let cell = String::from_utf8_lossy(cell).trim().to_string();
            match cell.as_str() {
                "field" => field_col = Some(i),
                "value" => value_col = Some(i),
                other => match Field::from_name(other).and_then(owner_index) {
                    Some(o) => owner_cols.push((i, o)),
                    None => {
                        return Err(at(
                            header_line,
                            format!(
                                "unknown column `{other}`; columns are field, value, {}",
                                OWNERS.map(Field::name).join(", ")
                            ),
                        ))
                    }
                },
            }
        }
        let (Some(field_col), Some(value_col)) = (field_col, value_col) else {
            return Err(at(
                header_line,
                "the header must name the columns `field` and `value`".into(),
            ));
        };
        let mut rows: Vec<OwnerRow> = Vec::new();
        let mut seen: FxHashMap<(Field, String), usize> = FxHashMap::default();
        for rec in records {
            let rec = rec.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                at(line, format!("unreadable CSV row: {e}"))
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            if rec.iter().all(|c| c.trim_ascii().is_empty()) {
                continue;
            }
            if rec.len() != header.len() {
                return Err(at(
                    line,
                    format!("{} cells, the header has {}", rec.len(), header.len()),
                ));
            }
            let cell = |i: usize| -> Result<String, OwnersError> {
                std::str::from_utf8(&rec[i])
                    .map(|s| s.trim().to_string())
                    .map_err(|_| at(line, "invalid UTF-8".into()))
            };
            let key_name = cell(field_col)?;
            let key = Field::from_name(&key_name)
                .filter(|f| KEYS.contains(f))
                .ok_or_else(|| {
                    at(
                        line,
                        format!(
                            "`{key_name}` is not a field a row can match; fields are {}",
                            KEYS.map(Field::name).join(", ")
                        ),
                    )
                })?;
            let value = cell(value_col)?;
            if value.is_empty() {
                return Err(at(line, "empty `value`".into()));
            }
            let mut sets: [Option<String>; OWNERS.len()] = Default::default();
            for &(col, o) in &owner_cols {
                let v = cell(col)?;
                if !v.is_empty() {
                    sets[o] = Some(v);
                }
            }
            if sets.iter().all(Option::is_none) {
                return Err(at(line, "the row sets no owner column".into()));
            }
            match seen.get(&(key, value.clone())) {
                Some(&prev) if rows[prev].sets == sets => continue,
                Some(&prev) => {
                    return Err(at(
                        line,
                        format!("conflicts with line {} for {key}={value}", rows[prev].line),
                    ))
                }
                None => {
                    seen.insert((key, value.clone()), rows.len());
                }
            }
            rows.push(OwnerRow {
                line,
                key,
                value,
                sets,
            });
        }
        let mut exact = vec![FxHashMap::default(); KEYS.len()];
        let mut routes = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            if row.key == Field::Route {
                routes.push((row.value.clone(), i as u32));
            } else {
                exact[key_index(row.key)].insert(row.value.clone(), i as u32);
            }
        }
        routes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Ok(OwnerMap {
            path: path.to_path_buf(),
            rows,
            exact,
            routes,
        })
    }

    /// The number of rows, for a hit bitset.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Returns true if and only if some row matches on `route`.
    pub fn has_routes(&self) -> bool {
        !self.routes.is_empty()
    }

    /// Returns true if and only if the map has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn matching(&self, text: &TextView<'_>, mut each: impl FnMut(u32)) {
        for (k, key) in KEYS.iter().enumerate() {
            let Some(value) = text[*key as usize] else {
                continue;
            };
            if *key == Field::Route {
                if let Some((_, row)) = self.routes.iter().find(|(p, _)| route_prefix(p, value)) {
                    each(*row);
                }
            } else if let Some(&row) = self.exact[k].get(value) {
                each(row);
            }
        }
    }

    /// Fills the owner fields of `text` from the map. Returns a bitmask (by
    /// `Field as usize`) of the fields the map set, and marks matched rows
    /// in `hits` (a bitset, one bit per row).
    pub fn apply<'m>(&'m self, text: &mut TextView<'m>, overrides: bool, hits: &mut [u64]) -> u32 {
        let mut found: [Option<&'m str>; OWNERS.len()] = [None; OWNERS.len()];
        self.matching(text, |row| {
            if let Some(word) = hits.get_mut(row as usize / 64) {
                *word |= 1 << (row % 64);
            }
            for (slot, set) in found.iter_mut().zip(&self.rows[row as usize].sets) {
                if slot.is_none() {
                    *slot = set.as_deref();
                }
            }
        });
        let mut from_map = 0;
        for (o, value) in OWNERS.iter().zip(found) {
            let Some(value) = value else { continue };
            let current = &mut text[*o as usize];
            if current.is_none() || overrides {
                *current = Some(value);
                from_map |= 1 << (*o as usize);
            }
        }
        from_map
    }

    /// Every row as `file:line: field=value`, in file order: how a row is
    /// named when it matched no record.
    pub fn row_names(&self) -> Vec<String> {
        self.rows
            .iter()
            .map(|r| format!("{}:{}: {}={}", self.path.display(), r.line, r.key, r.value))
            .collect()
    }
}

/// The rows of `rows` (as [`OwnerMap::row_names`] names them) whose bit in
/// `hits` is not set: rows that matched no record.
pub fn unmatched(rows: &[String], hits: &[u64]) -> Vec<String> {
    rows.iter()
        .enumerate()
        .filter(|(i, _)| hits.get(i / 64).is_none_or(|w| w & (1 << (i % 64)) == 0))
        .map(|(_, r)| r.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> Result<OwnerMap, OwnersError> {
        OwnerMap::parse(Path::new("owners.csv"), text.as_bytes())
    }

    #[test]
    fn the_most_specific_field_wins_per_column_and_requests_beat_the_map() {
        let m = map("field,value,team,cost_center\n\
             api_key,k1,keyteam,\n\
             service,checkout,svcteam,CC-9\n\
             route,/v1/chat,routeteam,CC-R\n")
        .unwrap();
        let mut text: TextView<'_> = [None; crate::record::Field::COUNT];
        text[Field::ApiKey as usize] = Some("k1");
        text[Field::Service as usize] = Some("checkout");
        let mut hits = vec![0u64; 1];
        let set = m.apply(&mut text, false, &mut hits);
        assert_eq!(text[Field::Team as usize], Some("keyteam"));
        assert_eq!(text[Field::CostCenter as usize], Some("CC-9"));
        assert_ne!(set & (1 << Field::Team as usize), 0);
        assert_eq!(
            unmatched(&m.row_names(), &hits),
            ["owners.csv:4: route=/v1/chat"]
        );

        let mut text: TextView<'_> = [None; crate::record::Field::COUNT];
        text[Field::Route as usize] = Some("/v1/chat/completions");
        text[Field::Team as usize] = Some("mine");
        m.apply(&mut text, false, &mut hits);
        assert_eq!(text[Field::Team as usize], Some("mine"));
        assert_eq!(text[Field::CostCenter as usize], Some("CC-R"));
        text[Field::Team as usize] = Some("mine");
        m.apply(&mut text, true, &mut hits);
        assert_eq!(text[Field::Team as usize], Some("routeteam"));
        assert!(unmatched(&m.row_names(), &hits).is_empty());
    }

    #[test]
    fn route_prefixes_respect_segments() {
        assert!(route_prefix("/v1/chat", "/v1/chat"));
        assert!(route_prefix("/v1/chat", "/v1/chat/x"));
        assert!(!route_prefix("/v1/chat", "/v1/chatter"));
        assert!(route_prefix("/v1/", "/v1/chatter"));
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = map("field,value,colour\n").unwrap_err().to_string();
        assert!(
            e.starts_with("owners.csv:1: unknown column `colour`"),
            "{e}"
        );
        let e = map("field,value,team\napi_key,k,a\nservice,s,b\napi_key,k,c\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "owners.csv:4: conflicts with line 2 for api_key=k");
        let e = map("field,value,team\nhost,x,a\n").unwrap_err().to_string();
        assert!(e.starts_with("owners.csv:2: `host` is not a field"), "{e}");
        let e = map("field,value,team\napi_key,k\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("owners.csv:2: 2 cells"), "{e}");
        // Identical repeats are fine.
        assert_eq!(
            map("field,value,team\napi_key,k,a\napi_key,k,a\n")
                .unwrap()
                .len(),
            1
        );
    }
}
