#!/usr/bin/env python3
"""Checks that the docs and code comments name files that exist.

Reads the Markdown docs and the comments (`//`, `///`, `//!`) of every Rust
file under src/, genlogs/, benches/, tests/, fuzz/ and examples/, and takes
from them:

- every path that starts at a top-level folder (`src/...`, `docs/...`,
  `benches/...`, `tests/...`, `tools/...`, `genlogs/...`, `examples/...`,
  `fuzz/...`, `rates/...`, `samples/...`): it must exist;
- every other file name with a known extension (`card.rs`,
  `parse/csv_row.rs`, `paired.sh`): some file of the repository must end
  with it.

Placeholders (`<name>`, `*`, `{...}`, `NAME`), URLs and the paths in
other projects' repositories that docs/sources.md cites are skipped. Also
checks that the Layout list of docs/design.md names every top-level
module of src/. Prints each dangling path with where it is named; exits 1
if there is any.

Usage: python3 tools/docpaths.py [repo root]
"""

import os
import re
import subprocess
import sys

DOCS = [
    "README.md",
    "docs/design.md",
    "docs/internals.md",
    "docs/sources.md",
    "benches/README.md",
    "rates/README.md",
    "samples/README.md",
    "fuzz/README.md",
    "tests/corpus/README.md",
]
CODE_DIRS = ["src", "genlogs", "benches", "tests", "fuzz", "examples"]
TOP = "src|docs|benches|tests|tools|genlogs|examples|fuzz|rates|samples"
ROOTED = re.compile(r"(?<![\w./-])((?:%s)/[\w./<>*{}-]*)" % TOP)
NAMED = re.compile(r"(?<![\w./-])([\w./<>*{}-]*\.(?:rs|py|sh|md|toml))(?![\w])")
URL = re.compile(r"\w+://\S+")
PLACEHOLDER = re.compile(r"[<>*{}]|(^|/)NAME\b")
# Files of other projects that the source notes cite as references.
EXTERNAL = {
    "litellm/proxy/_types.py",
    "litellm/types/utils.py",
    "spend_tracking_utils.py",
    "docs/my-website/docs/proxy/cost_tracking.md",
    "examples/trace.json",
    # The config file's names where it is looked for (docs/design.md).
    "llmspend.toml",
    "XDG_CONFIG_HOME/llmspend/config.toml",
}
COMMENT = re.compile(r"^\s*//")


def files(root):
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    return [f for f in out if f]


def sources(root, tracked):
    """(path, line number, text) of every doc line and Rust comment line."""
    for doc in DOCS:
        with open(os.path.join(root, doc), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                yield doc, n, line
    for path in tracked:
        if path.endswith(".rs") and path.split("/")[0] in CODE_DIRS:
            with open(os.path.join(root, path), encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if COMMENT.match(line):
                        yield path, n, line


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    tracked = files(root)
    present = set(tracked)
    for f in tracked:
        parts = f.split("/")
        for i in range(1, len(parts)):
            present.add("/".join(parts[:i]))
    dangling = []
    for where, n, line in sources(root, tracked):
        line = URL.sub(" ", line)
        seen = set()
        for m in ROOTED.finditer(line):
            path = m.group(1).rstrip(".,:;)")
            seen.add(m.start(1))
            if PLACEHOLDER.search(path) or path in EXTERNAL:
                continue
            if path.rstrip("/") not in present:
                dangling.append((where, n, path))
        for m in NAMED.finditer(line):
            if m.start(1) in seen:
                continue
            path = m.group(1)
            if PLACEHOLDER.search(path) or re.match(r"(%s)/" % TOP, path):
                continue
            if path in EXTERNAL:
                continue
            path = path.lstrip("./")
            if not any(f == path or f.endswith("/" + path) for f in tracked):
                dangling.append((where, n, path))
    # The Layout list of docs/design.md names every top-level module.
    with open(os.path.join(root, "docs/design.md"), encoding="utf-8") as f:
        design = f.read()
    layout = design.split("\n## Layout\n", 1)[-1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^- `(src/[\w.]+/?)`", layout, re.M))
    modules = sorted(
        {
            "/".join(f.split("/")[:2]) + ("/" if f.count("/") > 1 else "")
            for f in tracked
            if f.startswith("src/") and f.endswith(".rs")
        }
    )
    for m in modules:
        if m not in listed:
            dangling.append(("docs/design.md", 0, m + " (missing from Layout)"))
    for m in sorted(listed - set(modules)):
        dangling.append(("docs/design.md", 0, m + " (in Layout, not in src/)"))
    for where, n, path in dangling:
        print(f"{where}:{n}: {path}")
    print(f"{len(dangling)} dangling path(s)")
    return 1 if dangling else 0


if __name__ == "__main__":
    sys.exit(main())
