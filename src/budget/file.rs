//! The budgets file: `scope,value,period,amount_usd,warn_pct,parent`
//! (docs/design.md, Budgets). Every mistake exits 2 naming `file:line`.

use std::path::Path;

use rustc_hash::FxHashMap;

use super::{Budget, Budgets, Period, Scope, SCOPES};
use crate::csvfile::{self, FileError, Table};
use crate::dimension::Dimension;
use crate::money::{parse_decimal, Money};

const REQUIRED: [&str; 4] = ["scope", "value", "period", "amount_usd"];
const OPTIONAL: [&str; 2] = ["warn_pct", "parent"];

/// Reads and checks a budgets file.
pub fn load(path: &Path) -> Result<Budgets, FileError> {
    check(csvfile::read(path, &REQUIRED, &OPTIONAL)?)
}

/// Parses and checks the text of a budgets file.
pub fn parse(name: &str, text: &[u8]) -> Result<Budgets, FileError> {
    check(csvfile::parse(name, text, &REQUIRED, &OPTIONAL)?)
}

fn scope_of(name: &str) -> Option<Scope> {
    if name == "*" {
        return Some(Scope::All);
    }
    Dimension::from_name(name)
        .filter(|d| SCOPES.contains(d))
        .map(Scope::Dim)
}

fn check(table: Table) -> Result<Budgets, FileError> {
    let mut rows = Vec::new();
    let mut parents = Vec::new();
    let mut seen: FxHashMap<(Scope, Option<String>, Period), u64> = FxHashMap::default();
    for row in &table.rows {
        let line = row.line;
        let cell = |i: usize| row.cells[i].clone().unwrap_or_default();
        let err = |m: String| table.error(line, m);
        let scope_name = cell(0);
        let scope = scope_of(&scope_name).ok_or_else(|| {
            err(format!(
                "unknown scope `{scope_name}`; scopes are *, {}",
                SCOPES.map(Dimension::name).join(", ")
            ))
        })?;
        let value = cell(1);
        let value = match (scope, value.is_empty()) {
            (Scope::All, true) => None,
            (Scope::All, false) => {
                return Err(err(format!(
                    "scope `*` takes an empty value, not `{value}`"
                )))
            }
            (Scope::Dim(d), true) => return Err(err(format!("scope `{d}` needs a value"))),
            (Scope::Dim(_), false) => Some(value),
        };
        let period_name = cell(2);
        let period = Period::from_name(&period_name).ok_or_else(|| {
            err(format!(
                "unknown period `{period_name}`; periods are day, week, month"
            ))
        })?;
        let amount = parse_decimal(&cell(3), 6, false).map_err(|e| {
            err(format!(
                "amount_usd: {e} (a non-negative decimal, at most 6 decimals)"
            ))
        })?;
        let warn = match cell(4) {
            w if w.is_empty() => 80_000,
            w => {
                let v = parse_decimal(&w, 3, false)
                    .map_err(|e| err(format!("warn_pct: {e} (0 to 100, at most 3 decimals)")))?;
                if v > 100_000 {
                    return Err(err(format!("warn_pct: `{w}` is above 100")));
                }
                v
            }
        };
        if let Some(first) = seen.insert((scope, value.clone(), period), line) {
            return Err(err(format!(
                "duplicate budget: line {first} has the same scope, value and period"
            )));
        }
        parents.push(cell(5));
        rows.push(Budget {
            line,
            scope,
            value,
            period,
            amount: Money(amount as u128 * 1_000_000),
            warn_milli_pct: warn as u128,
            parent: None,
        });
    }
    for i in 0..rows.len() {
        let text = &parents[i];
        if text.is_empty() {
            continue;
        }
        let p = resolve_parent(&rows, text).map_err(|m| table.error(rows[i].line, m))?;
        if p == i {
            return Err(table.error(rows[i].line, "a budget cannot be its own parent"));
        }
        rows[i].parent = Some(p);
    }
    for (i, row) in rows.iter().enumerate() {
        let mut at = row.parent;
        let mut steps = 0;
        while let Some(p) = at {
            steps += 1;
            if p == i || steps > rows.len() {
                return Err(table.error(row.line, "parent cycle: this budget is its own ancestor"));
            }
            at = rows[p].parent;
        }
    }
    let warnings = rows
        .iter()
        .filter_map(|r| {
            let p = &rows[r.parent?];
            (r.amount > p.amount).then(|| {
                format!(
                    "{}:{}: amount {} is above its parent's ({}, line {})",
                    table.path,
                    r.line,
                    r.amount.to_usd_string(2),
                    p.amount.to_usd_string(2),
                    p.line
                )
            })
        })
        .collect();
    Ok(Budgets { rows, warnings })
}

/// Finds the row a `parent` cell names: `*`, `scope:value`, either with
/// `:period` (required when the key has rows for several periods).
fn resolve_parent(rows: &[Budget], text: &str) -> Result<usize, String> {
    let matching = |key: &str, period: Option<Period>| -> Vec<usize> {
        (0..rows.len())
            .filter(|&i| rows[i].key() == key && period.is_none_or(|p| rows[i].period == p))
            .collect()
    };
    let whole = matching(text, None);
    let found = if !whole.is_empty() {
        whole
    } else {
        match text.rsplit_once(':') {
            Some((key, p)) if Period::from_name(p).is_some() => matching(key, Period::from_name(p)),
            _ => Vec::new(),
        }
    };
    match found.as_slice() {
        [] => Err(format!("parent `{text}` names no budget row")),
        [one] => Ok(*one),
        _ => Err(format!(
            "parent `{text}` has rows for several periods; add `:day`, `:week` or `:month`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Budgets {
        parse("b.csv", text.as_bytes()).unwrap()
    }

    fn bad(text: &str) -> String {
        parse("b.csv", text.as_bytes()).unwrap_err().to_string()
    }

    const HEAD: &str = "scope,value,period,amount_usd,warn_pct,parent\n";

    #[test]
    fn rows_parse_with_defaults_and_parents() {
        let b = ok(&format!(
            "{HEAD}*,,month,1000,,\nteam,platform,month,400.5,90,*\nteam,platform,day,20,,team:platform:month\nservice,chat,month,100,,team:platform:month\n"
        ));
        assert_eq!(b.rows.len(), 4);
        assert_eq!(b.rows[0].scope, Scope::All);
        assert_eq!(b.rows[0].warn_milli_pct, 80_000);
        assert_eq!(b.rows[1].amount, Money(400_500_000_000_000));
        assert_eq!(b.rows[1].warn_milli_pct, 90_000);
        assert_eq!(b.rows[1].parent, Some(0));
        assert_eq!(b.rows[2].parent, Some(1));
        assert_eq!(b.rows[3].parent, Some(1));
        assert!(b.warnings.is_empty());
        let b = ok("scope,value,period,amount_usd\nteam,a,week,5\n");
        assert_eq!(b.rows[0].period, Period::Week);
    }

    #[test]
    fn every_bad_input_names_its_line() {
        let cases = [
            ("colour,red,month,1,,", "b.csv:2: unknown scope `colour`"),
            ("route,/x,month,1,,", "b.csv:2: unknown scope `route`"),
            ("team,a,month,-1,,", "b.csv:2: amount_usd: `-1` is negative"),
            (
                "team,a,month,ten,,",
                "b.csv:2: amount_usd: `ten` is not a decimal",
            ),
            (
                "team,a,month,1.0000001,,",
                "b.csv:2: amount_usd: `1.0000001` has more than 6",
            ),
            ("team,a,year,1,,", "b.csv:2: unknown period `year`"),
            (
                "team,a,month,1,,team:b",
                "b.csv:2: parent `team:b` names no budget row",
            ),
            (
                "team,a,month,1,,team:a",
                "b.csv:2: a budget cannot be its own parent",
            ),
            (
                "team,a,month,1,120,",
                "b.csv:2: warn_pct: `120` is above 100",
            ),
            ("team,,month,1,,", "b.csv:2: scope `team` needs a value"),
        ];
        for (row, want) in cases {
            let got = bad(&format!("{HEAD}{row}\n"));
            assert!(got.starts_with(want), "{row}: {got}");
        }
        let dup = bad(&format!("{HEAD}team,a,month,1,,\nteam,a,month,2,,\n"));
        assert!(
            dup.starts_with("b.csv:3: duplicate budget: line 2"),
            "{dup}"
        );
        let cycle = bad(&format!(
            "{HEAD}team,a,month,1,,team:b\nteam,b,month,1,,team:a\n"
        ));
        assert!(cycle.starts_with("b.csv:2: parent cycle"), "{cycle}");
        let ambiguous = bad(&format!(
            "{HEAD}team,a,month,1,,\nteam,a,day,1,,\nservice,s,day,1,,team:a\n"
        ));
        assert!(
            ambiguous.starts_with("b.csv:4: parent `team:a` has rows for several"),
            "{ambiguous}"
        );
    }

    #[test]
    fn a_child_above_its_parent_is_a_warning() {
        let b = ok(&format!("{HEAD}*,,month,10,,\nteam,a,month,11,,*\n"));
        assert_eq!(
            b.warnings,
            ["b.csv:3: amount 11.00 is above its parent's (10.00, line 2)"]
        );
    }
}
