#!/usr/bin/env python3
"""How large hindsight's output is: the largest HTML page and the bytes per postmortem.

Usage: benches/size_budget.py [--sizes 1000,10000[,100000]] [--no-search] [--keep]

For each size, generates the synthetic corpus of ../shared/bench/gen_corpus.py (once; the
corpora are kept in BENCH_DIR, default /tmp/hindsight-size, and reused), builds it with
the release binary (full default theme, search on unless --no-search), and prints:

- the whole output: files, bytes, bytes per postmortem, and how many postmortems fit in
  GitHub Pages' 1 GB at that rate;
- the HTML pages: how many, their bytes per postmortem, the largest one, how many are over
  1 MB, and the largest page of each kind (home, postmortem, root cause, ..., timeline);
- the bytes of each top-level folder (postmortems/, pagefind/, ...) per postmortem.

Sizes are file sizes (what GitHub Pages counts), not disk blocks. The budget of issue 20:
no HTML page over 1 MB at 100,000 postmortems unless its size does not grow with the
library, and 30,000 postmortems in 1 GB (at most 33,333 bytes per postmortem).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
GITHUB_PAGES_LIMIT = 1_000_000_000  # "Published GitHub Pages sites may be no larger than 1 GB."
MB = 1_000_000


def say(text):
    print(text, file=sys.stderr, flush=True)


def corpus(work, n):
    site = work / f"hs-{n}"
    if not (site / ".complete").exists():
        say(f"generating {n} postmortems")
        subprocess.run(["rm", "-rf", str(site)], check=True)
        (site / "content").mkdir(parents=True)
        subprocess.run(
            [sys.executable, str(GEN), "--n", str(n), "--out", str(site / "content"),
             "--format", "hindsight", "--site-toml", str(site / "site.toml")],
            check=True, stderr=subprocess.DEVNULL)
        (site / ".complete").touch()
    return site


def kind(path):
    """The page kind of an output path (page 2 on of a list counts as its list)."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[-3] == "page" and parts[-2].isdigit():
        parts = parts[:-3] + ["index.html"]
    if len(parts) == 1:
        return "home" if parts[0] == "index.html" else parts[0]
    top = parts[0]
    names = {
        ("postmortems", 3): "postmortem",
        ("root-causes", 2): "root-cause index",
        ("root-causes", 3): "root cause",
        ("root-causes", 4): "root cause x severity",
        ("services", 2): "service index",
        ("services", 3): "service",
        ("services", 4): "service x severity",
        ("severities", 3): "severity",
        ("years", 3): "year",
        ("action-items", 2): "action items",
        ("action-items", 3): "action items of an owner",
        ("timeline", 2): "timeline index",
        ("timeline", 3): "timeline year",
        ("insights", 2): "insights",
        ("search", 2): "search",
    }
    return names.get((top, len(parts)), "/".join(parts))


def measure(out):
    files = []
    for dirpath, _, names in os.walk(out):
        for name in names:
            full = os.path.join(dirpath, name)
            files.append((os.path.relpath(full, out).replace(os.sep, "/"), os.path.getsize(full)))
    return files


def report(n, files, elapsed):
    total = sum(size for _, size in files)
    html = [(p, s) for p, s in files if p.endswith(".html")]
    html_total = sum(s for _, s in html)
    largest = max(html, key=lambda f: f[1])
    over = [p for p, s in html if s > MB]
    print(f"## {n:,} postmortems (built in {elapsed:.1f} s)")
    print()
    print(f"| | |")
    print(f"|---|---|")
    print(f"| whole output | {len(files):,} files, {total / MB:,.1f} MB |")
    print(f"| bytes per postmortem | {total / n:,.0f} |")
    print(f"| postmortems in GitHub Pages' 1 GB at that rate | {GITHUB_PAGES_LIMIT * n // total:,} |")
    print(f"| HTML pages | {len(html):,}, {html_total / MB:,.1f} MB, {html_total / n:,.0f} bytes per postmortem |")
    print(f"| largest HTML page | `{largest[0]}`, {largest[1] / 1000:,.1f} KB |")
    print(f"| HTML pages over 1 MB | {len(over)}{': ' + ', '.join(over[:5]) if over else ''} |")
    print()
    by_kind = {}
    for path, size in html:
        k = kind(path)
        count, biggest, where, bytes_ = by_kind.get(k, (0, 0, "", 0))
        if size > biggest:
            biggest, where = size, path
        by_kind[k] = (count + 1, biggest, where, bytes_ + size)
    print("| page kind | pages | bytes per postmortem | largest page |")
    print("|---|---:|---:|---|")
    for k, (count, biggest, where, bytes_) in sorted(by_kind.items(), key=lambda kv: -kv[1][3]):
        print(f"| {k} | {count:,} | {bytes_ / n:,.0f} | {biggest / 1000:,.1f} KB `{where}` |")
    print()
    folders = {}
    for path, size in files:
        top = path.split("/")[0] if "/" in path else "(root files)"
        folders[top] = folders.get(top, 0) + size
    print("| folder | bytes per postmortem |")
    print("|---|---:|")
    for top, size in sorted(folders.items(), key=lambda kv: -kv[1]):
        print(f"| `{top}` | {size / n:,.0f} |")
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the outputs in BENCH_DIR")
    args = parser.parse_args()
    work = Path(os.environ.get("BENCH_DIR", "/tmp/hindsight-size"))
    work.mkdir(parents=True, exist_ok=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    say("building hindsight (release)")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    binary = target / "release" / "hindsight"
    say(f"machine: {os.cpu_count()} cores; {subprocess.run([str(binary), '--version'], capture_output=True, text=True).stdout.strip()}"
        f" at {subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=ROOT, capture_output=True, text=True).stdout.strip()}")
    for n in [int(s) for s in args.sizes.split(",")]:
        site = corpus(work, n)
        out = work / f"out-{n}"
        # No cache of an earlier build beside it: every page is rendered.
        subprocess.run(["rm", "-rf", str(out), str(work / f".out-{n}.hindsight-cache")], check=True)
        command = [str(binary), "build", "--root", str(site), "--output", str(out)]
        if args.no_search:
            command.append("--no-search")
        say(" ".join(command))
        started = time.monotonic()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        elapsed = time.monotonic() - started
        report(n, measure(out), elapsed)
        if not args.keep:
            subprocess.run(["rm", "-rf", str(out), str(work / f".out-{n}.hindsight-cache")], check=True)


if __name__ == "__main__":
    main()
