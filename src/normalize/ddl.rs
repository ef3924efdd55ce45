//! `normalize --print-ddl ENGINE`: the table over normalize's Parquet,
//! generated from [`COLUMNS`](super::COLUMNS), partitioned by `day` (the
//! `day=YYYY-MM-DD` folders; the same value is inside every file).

use super::{Type, COLUMNS, SCHEMA};

/// The engines DDL is printed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// Spark SQL (a Parquet datasource table).
    Spark,
    /// Trino's Hive connector.
    Trino,
    /// Amazon Athena, with partition projection on `day`.
    Athena,
    /// DuckDB (a view over read_parquet).
    Duckdb,
    /// BigQuery (an external table with hive partitioning).
    Bigquery,
}

/// The table's name in every DDL.
pub const TABLE: &str = "llmspend_usage";

fn type_name(engine: Engine, ty: Type) -> &'static str {
    use Engine::*;
    match (engine, ty) {
        (Bigquery, Type::Timestamp) => "TIMESTAMP",
        (Bigquery, Type::Date) => "DATE",
        (Bigquery, Type::Text) => "STRING",
        (Bigquery, Type::Int) => "INT64",
        (Bigquery, Type::Bool) => "BOOL",
        (Bigquery, Type::Decimal) => "BIGNUMERIC(38, 12)",
        (Spark | Athena, Type::Text) => "STRING",
        (Trino | Duckdb, Type::Text) => "VARCHAR",
        (Trino, Type::Timestamp) => "TIMESTAMP(6) WITH TIME ZONE",
        (Duckdb, Type::Timestamp) => "TIMESTAMPTZ",
        (_, Type::Timestamp) => "TIMESTAMP",
        (_, Type::Date) => "DATE",
        (_, Type::Int) => "BIGINT",
        (_, Type::Bool) => "BOOLEAN",
        (_, Type::Decimal) => "DECIMAL(38,12)",
    }
}

fn quoted(engine: Engine, name: &str) -> String {
    match engine {
        Engine::Athena | Engine::Spark | Engine::Bigquery => format!("`{name}`"),
        Engine::Trino | Engine::Duckdb => format!("\"{name}\""),
    }
}

/// The DDL for `engine` over the files under `location`.
pub fn ddl(engine: Engine, location: &str) -> String {
    let loc = location.trim_end_matches('/');
    // Hive-style engines list the partition column apart, after the rest.
    let partition_apart = matches!(engine, Engine::Trino | Engine::Athena | Engine::Bigquery);
    let cols: Vec<String> = COLUMNS
        .iter()
        .filter(|c| !(partition_apart && c.name == "day"))
        .map(|c| {
            let not_null = match (c.nullable, engine) {
                (false, Engine::Spark | Engine::Bigquery) => " NOT NULL",
                _ => "",
            };
            format!(
                "  {} {}{not_null}",
                quoted(engine, c.name),
                type_name(engine, c.ty)
            )
        })
        .collect();
    let cols = cols.join(",\n");
    let head = format!("-- {SCHEMA}: one priced row per usage record, written by `llmspend normalize`; see docs/normalize.md\n");
    let body = match engine {
        Engine::Spark => format!(
            "CREATE TABLE IF NOT EXISTS {TABLE} (\n{cols}\n)\nUSING PARQUET\nPARTITIONED BY (day)\nLOCATION '{loc}';\n\
             -- Sum cost_usd and round once with bround(sum(cost_usd), 6).\n"
        ),
        Engine::Trino => format!(
            "CREATE TABLE IF NOT EXISTS {TABLE} (\n{cols},\n  \"day\" DATE\n)\nWITH (\n  format = 'PARQUET',\n  partitioned_by = ARRAY['day'],\n  external_location = '{loc}'\n);\n\
             CALL system.sync_partition_metadata(current_schema, '{TABLE}', 'ADD');\n\
             -- Trino's round() is half-up: sum exactly and round half-even outside (llmspend merge reads the sums).\n"
        ),
        Engine::Athena => format!(
            "CREATE EXTERNAL TABLE IF NOT EXISTS {TABLE} (\n{cols}\n)\nPARTITIONED BY (\n  `day` DATE\n)\nSTORED AS PARQUET\nLOCATION '{loc}/'\nTBLPROPERTIES (\n  'projection.enabled' = 'true',\n  'projection.day.type' = 'date',\n  'projection.day.format' = 'yyyy-MM-dd',\n  'projection.day.range' = '2020-01-01,NOW',\n  'projection.day.interval' = '1',\n  'projection.day.interval.unit' = 'DAYS',\n  'storage.location.template' = '{loc}/day=${{day}}/'\n);\n"
        ),
        Engine::Duckdb => format!(
            "CREATE OR REPLACE VIEW {TABLE} AS\nSELECT * FROM read_parquet('{loc}/day=*/*.parquet', hive_partitioning = false);\n\
             -- `day` is inside every file; sum cost_usd and round once with round_even(sum(cost_usd), 6).\n"
        ),
        Engine::Bigquery => format!(
            "CREATE EXTERNAL TABLE IF NOT EXISTS {TABLE} (\n{cols}\n)\nWITH PARTITION COLUMNS (\n  `day` DATE\n)\nOPTIONS (\n  format = 'PARQUET',\n  uris = ['{loc}/*'],\n  hive_partition_uri_prefix = '{loc}/'\n);\n"
        ),
    };
    format!("{head}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_lists_every_column_once_with_day_as_partition() {
        for engine in [
            Engine::Spark,
            Engine::Trino,
            Engine::Athena,
            Engine::Bigquery,
        ] {
            let d = ddl(engine, "s3://b/usage/");
            for c in &COLUMNS {
                let q = quoted(engine, c.name);
                assert_eq!(
                    d.matches(&format!("  {q} ")).count(),
                    1,
                    "{engine:?} {}",
                    c.name
                );
            }
            assert!(d.contains("usage"), "{d}");
            assert!(!d.contains("usage//"), "{d}");
        }
        let a = ddl(Engine::Athena, "s3://finops/usage/");
        assert!(a.contains("'storage.location.template' = 's3://finops/usage/day=${day}/'"));
        assert!(a.contains("`cost_usd` DECIMAL(38,12)"));
        assert!(ddl(Engine::Duckdb, "u").contains("read_parquet('u/day=*/*.parquet'"));
    }
}
