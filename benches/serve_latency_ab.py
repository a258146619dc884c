#!/usr/bin/env python3
"""Save → served for two `hindsight serve` binaries side by side, trial by trial.

benches/serve_latency.sh measures one binary after the other; on a machine shared with
other work the load moves between the two runs, and the comparison with it. Here both
binaries serve their own copy of the same site at once, and the trials alternate between
them (A, B, A, B, ...), so both see the same load. Each trial is the edit of
benches/edit_latency.py: the marker appended to the body (`--edit append`) or added to
the title (`--edit title`); it is timed until the postmortem's page serves it, then
until each `--also` page does (polled every 2 ms, as edit_latency.py does). `--edit
severity`, `root-cause` and `services` add the marker to the title and, every other
trial, also change that front-matter key (the severity one step, the root cause to
another of the site's, one service more), so each trial changes it: pass as `--also`
pages that list the postmortem either way (home's, a related postmortem's).

Usage: serve_latency_ab.py --site DIR --postmortem content/x.md --page postmortems/x/ \
           [--also root-causes/y/] [--edit append|title|severity|root-cause|services] [--trials 20] BINARY_A BINARY_B

Prints the median and p90 (nearest rank) of each binary and page. Only 127.0.0.1 is
contacted; the copies of the site are removed afterwards.
"""

import argparse
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None, ""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def p90(values):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def replace_line(text, key, change, postmortem):
    line = re.search(rf"^{key}: *(.*?) *$", text, re.M)
    if line is None:
        sys.exit(f"{postmortem} has no `{key}:` line")
    return text[: line.start()] + f"{key}: {change(line.group(1))}" + text[line.end():]


def other_severity(value):
    rank = int(value.strip('"').upper().removeprefix("SEV") or 3)
    return f"SEV{rank - 1 if rank > 1 else 2}"


def other_root_cause(value):
    return "network" if value.strip('"') != "network" else "database"


def one_service_more(value):
    services = [s.strip() for s in value.strip("[]").split(",") if s.strip()]
    extra = "checkout" if "checkout" not in services else "search"
    return "[" + ", ".join([*services, extra]) + "]"


FRONT_MATTER_EDITS = {
    "severity": lambda text, pm: replace_line(text, "severity", other_severity, pm),
    "root-cause": lambda text, pm: replace_line(text, "root_cause", other_root_cause, pm),
    "services": lambda text, pm: replace_line(text, "services", one_service_more, pm),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", required=True, help="the site folder (copied once per binary)")
    ap.add_argument("--postmortem", required=True, help="the file edited, relative to the site")
    ap.add_argument("--page", required=True, help="its page, relative to the site's root URL")
    ap.add_argument("--also", action="append", default=[], help="a page that lists it")
    ap.add_argument("--edit", choices=["append", "title", *FRONT_MATTER_EDITS],
                    default="append")
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("binaries", nargs=2)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="hindsight-ab-")
    servers = []
    try:
        for i, binary in enumerate(args.binaries):
            root = os.path.join(work, str(i))
            shutil.copytree(args.site, root, ignore=shutil.ignore_patterns("public", "target"))
            port = free_port()
            log = open(os.path.join(work, f"serve-{i}.log"), "w")
            proc = subprocess.Popen(
                [binary, "serve", "--root", root, "--port", str(port)],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            servers.append({"binary": binary, "root": root, "proc": proc,
                            "url": f"http://127.0.0.1:{port}/", "times": {}})
        for server in servers:
            started = time.perf_counter()
            while fetch(server["url"] + args.page)[0] != 200:
                if server["proc"].poll() is not None or time.perf_counter() - started > 300:
                    sys.exit(f"{server['binary']} did not come up (logs in {work})")
                time.sleep(0.05)
        time.sleep(2.0)

        originals = [open(os.path.join(s["root"], args.postmortem), encoding="utf-8").read()
                     for s in servers]
        for trial in range(args.trials):
            for index, server in enumerate(servers):
                path = os.path.join(server["root"], args.postmortem)
                original = originals[index]
                marker = f"ab-marker-{trial}-{index}"
                if args.edit == "append":
                    edited = original + f"\n\n{marker}\n"
                else:
                    title = re.search(r'^title: *"?(.*?)"? *$', original, re.M)
                    if title is None:
                        sys.exit(f"{args.postmortem} has no `title:` line")
                    edited = (original[: title.start()] + f'title: "{title.group(1)} {marker}"'
                              + original[title.end():])
                    if args.edit in FRONT_MATTER_EDITS and trial % 2 == 0:
                        edited = FRONT_MATTER_EDITS[args.edit](edited, args.postmortem)
                t0 = time.perf_counter()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(edited)
                for page in [args.page, *args.also]:
                    while marker not in fetch(server["url"] + page)[1]:
                        if time.perf_counter() - t0 > args.timeout:
                            sys.exit(f"trial {trial}: {page} not served within {args.timeout} s")
                        time.sleep(0.002)
                    server["times"].setdefault(page, []).append((time.perf_counter() - t0) * 1000)
                # As edit_latency.py does; with a title edit, pass the pages that list the
                # postmortem as --also, so that the other server's trial does not run
                # while this one still renders them.
                time.sleep(1.5)
    finally:
        for server in servers:
            os.killpg(server["proc"].pid, signal.SIGTERM)
            server["proc"].wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)

    for server in servers:
        for page, times in server["times"].items():
            print(f"{server['binary']}: /{page}: median {statistics.median(times):.1f} ms, "
                  f"p90 {p90(times):.0f} ms over {len(times)} edits")


if __name__ == "__main__":
    main()
