"""Spark SQL over `llmspend normalize`'s Parquet: the report, exactly.

    spark-submit examples/spark/sql.py usage/ -o report.csv \\
        examples/sql/spark/report_team_model.sql [--dedupe]

Defines the view `usage_all` over the Parquet folder (`day=YYYY-MM-DD/`
partitions; Spark skips `_llmspend/` and dot-prefixed temporary files),
and `usage`: the same rows, or with `--dedupe` the rows
examples/sql/spark/usage_dedupe.sql keeps (several normalize runs that may
hold the same request). Then runs examples/sql/spark/csv_cells.sql and the
query, and writes its result as CSV: the column names, then each row, as
is. The report queries render their one column as llmspend's CSV line, so
the file is byte for byte `llmspend report --format csv` over the same
logs (docs/distributed.md). The session time zone does not matter: the
queries use the `day` column normalize wrote, never the timestamp's date
in the session's zone. With `--ddl FILE` the rows are read through the
table `llmspend normalize --print-ddl spark --location USAGE` creates
(its partitions recovered) instead of straight from the folder. This
script is run by tests/integration/interop.rs.
"""

import argparse
import os

from pyspark.sql import SparkSession

SQL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sql", "spark")


def statements(path):
    """The statements of a .sql file (split at a `;` ending a line)."""
    with open(path) as f:
        text = f.read()
    out = []
    for chunk in text.replace(";\n", ";\x00").split("\x00"):
        body = "\n".join(l for l in chunk.splitlines() if not l.lstrip().startswith("--"))
        body = body.strip().rstrip(";")
        if body:
            out.append(body)
    return out


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
    ap.add_argument("usage", help="the folder normalize wrote (local path or URL)")
    ap.add_argument("query", nargs="+", help=".sql files reading the view `usage`")
    ap.add_argument("-o", "--output", required=True,
                    help="the CSV; with several queries a folder, one QUERY_STEM.csv each")
    ap.add_argument("--dedupe", action="store_true",
                    help="dedupe by request_id across runs (usage_dedupe.sql)")
    ap.add_argument("--ddl", help="read through the table this `--print-ddl spark` file creates")
    a = ap.parse_args()

    spark = SparkSession.builder.appName("llmspend-sql").getOrCreate()
    if a.ddl:
        for s in statements(a.ddl):
            spark.sql(s)
        # The day=YYYY-MM-DD folders become the table's partitions.
        spark.sql("MSCK REPAIR TABLE llmspend_usage")
        spark.sql("CREATE OR REPLACE TEMPORARY VIEW usage_all AS SELECT * FROM llmspend_usage")
    else:
        spark.read.parquet(a.usage).createOrReplaceTempView("usage_all")
    if a.dedupe:
        for s in statements(os.path.join(SQL, "usage_dedupe.sql")):
            spark.sql(s)
    else:
        spark.sql("CREATE OR REPLACE TEMPORARY VIEW usage AS SELECT * FROM usage_all")
    for s in statements(os.path.join(SQL, "csv_cells.sql")):
        spark.sql(s)
    for path in a.query:
        *setup, query = statements(path)
        for s in setup:
            spark.sql(s)
        df = spark.sql(query)
        write(out_path(a, path), df.columns, df.collect())
    spark.stop()


if __name__ == "__main__":
    main()
