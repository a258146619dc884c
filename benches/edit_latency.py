#!/usr/bin/env python3
"""Time from saving an edit to a postmortem until a dev server serves the new text.

A copy of ../shared/bench/edit_latency.py extended for front-matter edits: the shared
script can only append a line to the body, which changes no page but the postmortem's
own; a writer also edits titles, severities and root causes, which change every page
that lists the postmortem. `--edit title` puts the marker at the end of the title
instead, and `--also-url` (repeatable) waits, after the edited page has shown the
marker, for each of those pages (e.g. the root-cause page listing it) to show it too.

Starts the server command given after `--`, waits until URL answers 200, then
TRIALS times: writes the edit with a unique marker to FILE, and polls URL (every 2 ms)
until the marker is in the response. Prints each latency and the median, in ms.
The file is restored afterwards. Only 127.0.0.1 is ever contacted.

Usage: edit_latency.py --file content/x.md --url http://127.0.0.1:1111/x/ \
           [--edit append|title] [--also-url URL]... [--trials 10] [--timeout 30] \
           -- SERVER COMMAND...
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None, ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", required=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--edit", choices=["append", "title"], default="append",
                    help="append a line to the body (default) or add the marker to the title")
    ap.add_argument("--also-url", action="append", default=[],
                    help="a page that must show the marker too (timed after URL)")
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for one change")
    ap.add_argument("--startup-timeout", type=float, default=300.0)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    for url in [args.url, *args.also_url]:
        if not url.startswith("http://127.0.0.1:"):
            ap.error("--url and --also-url must be on 127.0.0.1")
    original = open(args.file, encoding="utf-8").read()
    title = re.search(r'^title: *"?(.*?)"? *$', original, re.M)
    if args.edit == "title" and title is None:
        ap.error(f"{args.file} has no `title:` line")

    def edited(marker):
        if args.edit == "append":
            return original + f"\n\n{marker}\n"
        return original[: title.start()] + f'title: "{title.group(1)} {marker}"' + original[title.end():]

    log_path = f"/tmp/edit_latency_server-{os.getpid()}.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    latencies = []
    try:
        t_start = time.perf_counter()
        while True:
            status, _ = fetch(args.url)
            if status == 200:
                break
            if proc.poll() is not None or time.perf_counter() - t_start > args.startup_timeout:
                sys.exit(f"server did not come up (see {log_path})")
            time.sleep(0.05)
        print(f"server up after {time.perf_counter() - t_start:.2f} s", flush=True)
        time.sleep(2.0)
        for trial in range(args.trials):
            marker = f"edit-marker-{os.getpid()}-{trial}"
            t0 = time.perf_counter()
            with open(args.file, "w", encoding="utf-8") as f:
                f.write(edited(marker))
            times = []
            for url in [args.url, *args.also_url]:
                while True:
                    _, body = fetch(url)
                    if marker in body:
                        break
                    if time.perf_counter() - t0 > args.timeout:
                        sys.exit(f"trial {trial}: change not served at {url} within {args.timeout} s")
                    time.sleep(0.002)
                times.append((time.perf_counter() - t0) * 1000)
            ms = times[0]
            latencies.append(ms)
            also = "".join(f", also-url {i + 1}: {t:.0f} ms" for i, t in enumerate(times[1:]))
            print(f"trial {trial}: {ms:.0f} ms{also}", flush=True)
            time.sleep(1.5)
    finally:
        with open(args.file, "w", encoding="utf-8") as f:
            f.write(original)
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    if latencies:
        print(f"median {statistics.median(latencies):.0f} ms, min {min(latencies):.0f}, max {max(latencies):.0f} "
              f"over {len(latencies)} edits")


if __name__ == "__main__":
    main()
