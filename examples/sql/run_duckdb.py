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
With `--ddl FILE` the rows are read through the view
`llmspend normalize --print-ddl duckdb --location USAGE` creates.
This script is run by tests/integration/interop.rs.
"""

import argparse
import os

import duckdb

SQL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "duckdb")


def out_path(a, query):
    """-o itself for one query; -o/QUERY_STEM.csv for several."""
    if len(a.query) == 1:
        return a.output
    os.makedirs(a.output, exist_ok=True)
    return os.path.join(a.output, os.path.splitext(os.path.basename(query))[0] + ".csv")


def write(path, columns, rows):
    """The column names, then each row, comma-separated, as they are: the
    report queries return one column holding the whole CSV line."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(columns) + "\n")
        for r in rows:
            f.write(",".join("" if v is None else str(v) for v in r) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("usage", help="the folder normalize wrote")
    ap.add_argument("query", nargs="+", help=".sql files reading the view `usage`")
    ap.add_argument("-o", "--output", required=True,
                    help="the CSV; with several queries a folder, one QUERY_STEM.csv each")
    ap.add_argument("--dedupe", action="store_true")
    ap.add_argument("--ddl", help="read through the view this `--print-ddl duckdb` file creates")
    a = ap.parse_args()

    con = duckdb.connect()
    if a.ddl:
        con.execute(open(a.ddl).read())
        con.execute("CREATE VIEW usage_all AS SELECT * FROM llmspend_usage")
    else:
        glob = os.path.join(a.usage, "**", "*.parquet").replace("'", "''")
        con.execute("CREATE VIEW usage_all AS SELECT * FROM read_parquet('%s', hive_partitioning = false)"
                    % glob)
    if a.dedupe:
        con.execute(open(os.path.join(SQL, "usage_dedupe.sql")).read())
    else:
        con.execute("CREATE VIEW usage AS SELECT * FROM usage_all")
    con.execute(open(os.path.join(SQL, "csv_cells.sql")).read())
    for path in a.query:
        rel = con.sql(open(path).read())
        write(out_path(a, path), rel.columns, rel.fetchall())


if __name__ == "__main__":
    main()
