"""The two-stage Spark job: dedupe by request_id across files, exactly.

    spark-submit --files target/release/llmspend examples/spark/dedupe.py \\
        's3a://logs/gateway/2026/10/*.jsonl.gz' -o october.csv \\
        [--by team,model] [--format csv] [--partitions N] [-- NORMALIZE_OPTIONS...]

examples/spark/partials.py counts a request_id logged in two files twice,
once in each file's partial. This job dedupes like `llmspend report` over
all the files:

1. map: each file's compressed bytes go to
   `llmspend normalize - --stdin-name URL --format jsonl --no-dedupe -o -`,
   which prices every record (rates, owners, filters and --tz apply here)
   and writes one JSON line per record plus a trailer with the file's
   accounting;
2. shuffle: the lines are keyed by request_id (records without one by
   their file and line: they are never deduped; the trailers share one
   key), so all copies of a request meet in one partition, sorted by
   (source_file, source_line), llmspend's keep-rule order;
3. map: each partition goes to `llmspend report - --format partial`, which
   reads the normalized lines (source `llmspend`: costs as written, never
   re-priced), keeps the earliest copy of each request_id, and adds the
   trailers' counts to its accounting;
4. the driver merges the partials with `llmspend merge`.

The result is byte for byte `llmspend report` over the same files
(docs/distributed.md). The binary is shipped with `--files` and found with
`SparkFiles.get`. The merged accounting (`--accounting FILE`) is
`report`'s too: the trailers carry each file's line counts, malformed and
ignored lines and samples, and stage 3 counts the duplicates. This script
is run by tests/integration/interop.rs.
"""

import argparse
import json
import os
import sys
import tempfile
import zlib

from pyspark.sql import SparkSession

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from partials import binary, run, shipped  # noqa: E402  (shipped beside this file)


def keyed(line):
    """(shuffle key, (is_trailer, source_file, source_line, line)) for one
    normalized line; a record without a request_id gets a key of its own."""
    rec = json.loads(line)
    if "_llmspend" in rec:  # the trailer: the file's accounting, after the rows
        return ("trailer", (1, "", 0, line))
    f, n = rec.get("source_file") or "", rec.get("source_line") or 0
    rid = rec.get("request_id")
    key = "id:" + rid if rid else "line:%s:%d" % (f, n)
    return (key, (0, f, n, line))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input", help="files, a folder or a glob: anything binaryFiles reads")
    ap.add_argument("-o", "--output", required=True, help="the merged report")
    ap.add_argument("--by", default="team,model")
    ap.add_argument("--format", default="csv", help="merge's --format")
    ap.add_argument("--partitions", type=int, default=None, help="shuffle partitions")
    ap.add_argument("--accounting", default=None, help="write the merged accounting JSON here")
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    a = ap.parse_args(argv[:cut])
    extra = argv[cut + 1:]

    spark = SparkSession.builder.appName("llmspend-dedupe").getOrCreate()
    sc = spark.sparkContext
    sc.addPyFile(os.path.join(os.path.dirname(os.path.abspath(__file__)), "partials.py"))
    parts = a.partitions or sc.defaultParallelism * 2
    by = a.by

    def normalize(item):
        url, data = item
        cmd = [binary(), "normalize", "-", "--stdin-name", url, "--format", "jsonl",
               "--no-dedupe", "-q", "-o", "-"] + shipped(extra)
        return run(cmd, data, url).decode("utf-8").splitlines()

    def partial(rows):
        rows = sorted(rows, key=lambda r: r[:3])
        if not rows:
            return []
        data = "".join(r[3] + "\n" for r in rows).encode("utf-8")
        cmd = [binary(), "report", "-", "--source", "llmspend", "--by", by,
               "--format", "partial", "-q"]
        return [run(cmd, data, "report of a shuffle partition")]

    # Python's str hash differs between worker processes: partition by a
    # stable one.
    def place(key):
        return zlib.crc32(key.encode("utf-8"))

    lines = sc.binaryFiles(a.input, minPartitions=sc.defaultParallelism).flatMap(normalize)
    shuffled = lines.map(keyed).partitionBy(parts, place).values()
    partials = shuffled.mapPartitions(partial).collect()
    if not partials:
        sys.exit("no input files under %s" % a.input)

    with tempfile.TemporaryDirectory() as tmp:
        names = []
        for i, p in enumerate(partials):
            names.append(os.path.join(tmp, "p-%05d.jsonl" % i))
            with open(names[-1], "wb") as f:
                f.write(p)
        acc = ["--accounting", a.accounting] if a.accounting else []
        run([binary(), "merge", *names, "--format", a.format, "-q", "-o", a.output] + acc,
            None, "merge")
    spark.stop()


if __name__ == "__main__":
    main()
