"""DuckDB over `llmspend normalize`'s Parquet: the report, exactly.

    python examples/sql/run_duckdb.py usage/ examples/sql/duckdb/report_team_model.sql \\
        -o report.csv [--dedupe]

The DuckDB twin of examples/spark/sql.py: the view `usage_all` reads
`usage/**/*.parquet` (the `day` column from inside the files), `usage` is
the same rows or, with `--dedupe`, what examples/sql/duckdb/usage_dedupe.sql
keeps; then examples/sql/duckdb/csv_cells.sql and the query run, and the
result is written as CSV: the column names, then each row, as is. With the
duckdb CLI the same files run as
`duckdb -csv -noheader` after `CREATE VIEW usage AS SELECT * FROM read_parquet(...)`.
This script is run by tests/integration/interop.rs.
"""

import argparse
import os

import duckdb

SQL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "duckdb")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("usage", help="the folder normalize wrote")
    ap.add_argument("query", help="a .sql file reading the view `usage`")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--dedupe", action="store_true")
    a = ap.parse_args()

    con = duckdb.connect()
    glob = os.path.join(a.usage, "**", "*.parquet").replace("'", "''")
    con.execute("CREATE VIEW usage_all AS SELECT * FROM read_parquet('%s', hive_partitioning = false)" % glob)
    if a.dedupe:
        con.execute(open(os.path.join(SQL, "usage_dedupe.sql")).read())
    else:
        con.execute("CREATE VIEW usage AS SELECT * FROM usage_all")
    con.execute(open(os.path.join(SQL, "csv_cells.sql")).read())
    rel = con.sql(open(a.query).read())
    with open(a.output, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(rel.columns) + "\n")
        for r in rel.fetchall():
            f.write(",".join("" if v is None else str(v) for v in r) + "\n")


if __name__ == "__main__":
    main()
