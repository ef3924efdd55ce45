//! The customers file: `customer,margin_pct,name` (docs/design.md, Bill).
//! Every mistake exits 2 naming `file:line`.

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::csvfile::{self, FileError, Table};

/// The margins and names of customers, by customer value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Customers {
    /// Customer -> (margin in millionths of a percent, if set; name).
    pub rows: FxHashMap<String, (Option<i128>, String)>,
}

/// Parses a margin in percent: a decimal with at most 6 decimals, not
/// below -100 (a margin of -100% bills nothing) nor above 1,000,000.
pub fn parse_margin(text: &str) -> Result<i128, String> {
    let v = crate::money::parse_decimal(text, 6, true)
        .map_err(|e| format!("{e} (a margin in percent, at most 6 decimals)"))?;
    if v < -100_000_000 {
        return Err(format!("`{}` is below -100", text.trim()));
    }
    if v > 1_000_000_000_000 {
        return Err(format!("`{}` is above 1000000", text.trim()));
    }
    Ok(v)
}

const REQUIRED: [&str; 1] = ["customer"];
const OPTIONAL: [&str; 2] = ["margin_pct", "name"];

impl Customers {
    /// Reads and checks a customers file.
    pub fn load(path: &Path) -> Result<Customers, FileError> {
        check(csvfile::read(path, &REQUIRED, &OPTIONAL)?)
    }

    /// Parses and checks the text of a customers file.
    pub fn parse(name: &str, text: &[u8]) -> Result<Customers, FileError> {
        check(csvfile::parse(name, text, &REQUIRED, &OPTIONAL)?)
    }
}

fn check(table: Table) -> Result<Customers, FileError> {
    let mut rows = FxHashMap::default();
    let mut lines: FxHashMap<String, u64> = FxHashMap::default();
    for row in &table.rows {
        let cell = |i: usize| row.cells[i].clone().unwrap_or_default();
        let customer = cell(0);
        if customer.is_empty() {
            return Err(table.error(row.line, "empty `customer`"));
        }
        let margin = match cell(1) {
            m if m.is_empty() => None,
            m => Some(
                parse_margin(&m).map_err(|e| table.error(row.line, format!("margin_pct: {e}")))?,
            ),
        };
        if let Some(first) = lines.insert(customer.clone(), row.line) {
            return Err(table.error(
                row.line,
                format!("duplicate customer `{customer}`: line {first} names it too"),
            ));
        }
        rows.insert(customer, (margin, cell(2)));
    }
    Ok(Customers { rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margins_and_names_by_customer() {
        let c = Customers::parse(
            "c.csv",
            b"customer,margin_pct,name\nacme,15,ACME Corp\nglobex,,Globex\ninitech,-12.5,\n",
        )
        .unwrap();
        assert_eq!(c.rows["acme"], (Some(15_000_000), "ACME Corp".into()));
        assert_eq!(c.rows["globex"], (None, "Globex".into()));
        assert_eq!(c.rows["initech"], (Some(-12_500_000), String::new()));
    }

    #[test]
    fn bad_margins_and_duplicates_name_the_line() {
        let bad = |text: &str| {
            Customers::parse("c.csv", text.as_bytes())
                .unwrap_err()
                .to_string()
        };
        let h = "customer,margin_pct,name\n";
        assert!(bad(&format!("{h}acme,-100.5,A\n"))
            .starts_with("c.csv:2: margin_pct: `-100.5` is below -100"));
        assert!(bad(&format!("{h}acme,lots,A\n"))
            .starts_with("c.csv:2: margin_pct: `lots` is not a decimal"));
        assert!(
            bad(&format!("{h}a,1,\na,2,\n")).starts_with("c.csv:3: duplicate customer `a`: line 2")
        );
        assert!(bad("client,margin_pct\n").starts_with("c.csv:1: unknown column `client`"));
        assert_eq!(parse_margin("-100"), Ok(-100_000_000));
    }
}
