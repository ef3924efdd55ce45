"""llmspend as a Spark map step: exact partials per file, merged once.

    spark-submit --files target/release/llmspend examples/spark/partials.py \\
        's3a://logs/gateway/2026/10/*.jsonl.gz' -o october.csv \\
        [--by team,model] [--format csv] [-- LLMSPEND_REPORT_OPTIONS...]

Each task gets one whole file as its compressed bytes (`binaryFiles`) and
gives them to `llmspend report - --format partial` on stdin, named with
`--stdin-name` as the file's URL; llmspend detects gzip and zstd by their
magic bytes, so Spark never decompresses or splits lines. The driver
collects the partials (one small JSONL per file: a header, one line per
group, the accounting) and `llmspend merge` adds them up and renders any
report format, byte for byte what `llmspend report` gives over the same
files when no request_id crosses files (docs/distributed.md; for duplicates
across files use examples/spark/dedupe.py).

The binary is shipped with `--files` and found with `SparkFiles.get`. Any
file it reads (`--rates`, `--owners`) is shipped the same way; pass its
base name and the task resolves it (see `shipped`). This script is run by
tests/integration/interop.rs.
"""

import argparse
import os
import stat
import subprocess
import sys
import tempfile

from pyspark import SparkFiles
from pyspark.sql import SparkSession

# Options whose value is a file shipped with --files.
FILE_OPTIONS = {"--rates", "--owners"}


def binary():
    """The llmspend shipped with `--files`, executable."""
    exe = SparkFiles.get("llmspend")
    if not os.path.exists(exe):
        raise RuntimeError("no llmspend in SparkFiles: ship the binary, named llmspend, "
                           "with spark-submit --files path/to/llmspend")
    mode = os.stat(exe).st_mode
    if not mode & stat.S_IXUSR:
        os.chmod(exe, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return exe


def shipped(args):
    """`--rates card.csv` -> the task's copy of card.csv (shipped with
    --files) when there is one; other options as given."""
    out = list(args)
    for i, a in enumerate(out[:-1]):
        if a in FILE_OPTIONS:
            local = SparkFiles.get(os.path.basename(out[i + 1]))
            if os.path.exists(local):
                out[i + 1] = local
    return out


def run(cmd, data, what):
    p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # 0: done; 1: a gate failed (the output is still whole). 2 and up: not
    # a partial (usage error, unreadable input): fail the task, so Spark
    # retries it or the job stops, never merges a part of the data.
    if p.returncode > 1:
        raise RuntimeError("%s: llmspend exited %d: %s"
                           % (what, p.returncode, p.stderr.decode(errors="replace")))
    return p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input", help="files, a folder or a glob: anything binaryFiles reads")
    ap.add_argument("-o", "--output", required=True, help="the merged report")
    ap.add_argument("--by", default="team,model")
    ap.add_argument("--format", default="csv", help="merge's --format")
    ap.add_argument("--partitions", type=int, default=None)
    # After `--`: more `report` options (--no-dedupe, --tz, --rates ...).
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    a = ap.parse_args(argv[:cut])
    a.report_options = argv[cut + 1:]

    spark = SparkSession.builder.appName("llmspend-partials").getOrCreate()
    sc = spark.sparkContext
    by, extra = a.by, a.report_options

    def partial(item):
        url, data = item
        cmd = [binary(), "report", "-", "--stdin-name", url, "--by", by,
               "--format", "partial", "-q"] + shipped(extra)
        return run(cmd, data, url)

    files = sc.binaryFiles(a.input, minPartitions=a.partitions or sc.defaultParallelism)
    partials = files.map(partial).collect()
    if not partials:
        sys.exit("no input files under %s" % a.input)

    with tempfile.TemporaryDirectory() as tmp:
        names = []
        for i, p in enumerate(partials):
            names.append(os.path.join(tmp, "p-%05d.jsonl" % i))
            with open(names[-1], "wb") as f:
                f.write(p)
        cmd = [binary(), "merge", *names, "--format", a.format, "-q", "-o", a.output]
        run(cmd, None, "merge")
    spark.stop()


if __name__ == "__main__":
    main()
