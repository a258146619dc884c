#!/usr/bin/env python3
"""Scores `hindsight import` against a truth table, field by field.

    import_score.py DIR MANIFEST TRUTH.tsv...

DIR: the folder of documents. MANIFEST: what scripts/import-check.sh collected, a line per
document: its file name, `declined` or `imported`, then the paths written, in the order
the importer reported them, tab-separated. TRUTH.tsv: one row per incident (see
tests/import-truth/README.md for the columns and how the values were read); a row counts
for a document of DIR when its `sha256` column is the start of the document's SHA-256,
so a truth file scores the documents it was read from whatever their folder is called.

With MISSED=1 in the environment, the stated values left out are listed too.

A value is *written* when the importer wrote it, *stated* when the truth has one, and
*right* when the two agree: dates exactly, instants within a minute, durations within a
minute or 3 %, counts exactly; `|` in the truth separates answers a careful reader would
accept. Precision is right / written, recall is right / stated. Writing a value where
the truth says the document does not state one counts against precision.
"""

import csv
import datetime as dt
import hashlib
import os
import re
import sys

import yaml

FIELDS = ["date", "started", "resolved", "duration", "timeline", "actions"]


def parse_instant(text):
    text = str(text).strip().replace("Z", "+00:00")
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else None


def parse_duration(text):
    """Minutes from the schema's duration (`2h 30m`, `45m`, `1d 2h`) or a number."""
    text = str(text).strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    total, seen = 0, False
    for number, unit in re.findall(r"(\d+)\s*([dhms])", text):
        seen = True
        total += int(number) * {"d": 1440, "h": 60, "m": 1, "s": 1 / 60}[unit]
    return total if seen else None


def written_values(fm):
    """The six scored values of one imported postmortem's front matter, or None each."""
    values = dict.fromkeys(FIELDS)
    if fm.get("date") is not None:
        values["date"] = str(fm["date"])
    started = parse_instant(fm["started"]) if fm.get("started") else None
    resolved = parse_instant(fm["resolved"]) if fm.get("resolved") else None
    values["started"], values["resolved"] = started, resolved
    if fm.get("duration") is not None:
        values["duration"] = parse_duration(fm["duration"])
    elif started and resolved:
        values["duration"] = (resolved - started).total_seconds() / 60
    timeline = fm.get("timeline") or []
    values["timeline"] = len(timeline) if timeline else None
    actions = fm.get("action_items") or []
    values["actions"] = len(actions) if actions else None
    return values


def alternatives(cell):
    cell = (cell or "").strip()
    if cell in ("", "-"):
        return []
    return [a.strip() for a in cell.split("|") if a.strip()]


def agrees(field, value, truth_cell):
    for answer in alternatives(truth_cell):
        if field == "date" and value == answer:
            return True
        if field in ("started", "resolved"):
            instant = parse_instant(answer)
            if instant and abs((instant - value).total_seconds()) < 60:
                return True
        if field == "duration":
            minutes = parse_duration(answer)
            if minutes is not None and abs(minutes - value) <= max(1, 0.03 * minutes):
                return True
        if field in ("timeline", "actions") and str(value) == answer:
            return True
    return False


def is_stated(field, truth_cell):
    answers = alternatives(truth_cell)
    if field in ("timeline", "actions"):
        return any(a != "0" for a in answers)
    return bool(answers)


def show(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def front_matter(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not text.startswith("---\n"):
        return {}
    end = text.find("\n---\n", 4)
    return yaml.safe_load(text[4:end]) or {}


def read_manifest(path):
    imported = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            imported[parts[0]] = {
                "declined": parts[1] == "declined",
                "postmortems": [front_matter(p) for p in parts[2:] if p],
            }
    return imported


def truth_for(folder, truth_paths):
    """Truth rows by file name of `folder`, matched on the documents' SHA-256."""
    digests = {}
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                digests[hashlib.sha256(f.read()).hexdigest()] = name
    by_file = {}
    for truth_path in truth_paths:
        with open(truth_path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                match = [n for d, n in digests.items() if d.startswith(row["sha256"])]
                if match:
                    by_file.setdefault(match[0], []).append(row)
    return by_file


def main():
    folder, manifest = sys.argv[1], sys.argv[2]
    by_file = truth_for(folder, sys.argv[3:])
    if not by_file:
        print("no truth table row matches a document of this folder: nothing scored")
        return
    imported = read_manifest(manifest)
    tally = {field: {"written": 0, "right": 0, "stated": 0} for field in FIELDS}
    wrong_lines = []
    declined_right = declined_wrong = not_pm = 0
    scored_files = 0

    for file, truth_rows in sorted(by_file.items()):
        doc = imported.get(file)
        if doc is None:
            continue
        scored_files += 1
        truth_rows.sort(key=lambda r: int(r.get("incident") or 1))
        if truth_rows[0]["kind"] == "not-postmortem":
            not_pm += 1
            if doc["declined"]:
                declined_right += 1
            else:
                wrong_lines.append(f"{file}: not a postmortem, imported anyway")
            continue
        if doc["declined"]:
            declined_wrong += 1
            wrong_lines.append(f"{file}: a postmortem, declined")
        outputs = [written_values(fm) for fm in doc["postmortems"]]
        if len(outputs) != len(truth_rows) and outputs:
            wrong_lines.append(
                f"{file}: {len(outputs)} postmortems written for {len(truth_rows)} incidents"
            )
        for i in range(max(len(outputs), len(truth_rows))):
            values = outputs[i] if i < len(outputs) else dict.fromkeys(FIELDS)
            truth = truth_rows[i] if i < len(truth_rows) else {}
            for field in FIELDS:
                column = "duration_min" if field == "duration" else field
                cell = truth.get(column, "-")
                stated = is_stated(field, cell)
                value = values[field]
                t = tally[field]
                t["stated"] += stated
                if value is None:
                    if stated and os.environ.get("MISSED"):
                        wrong_lines.append(f"{file}#{i + 1}: {field}: missed, truth {cell}")
                    continue
                t["written"] += 1
                if agrees(field, value, cell):
                    t["right"] += 1
                else:
                    wrong_lines.append(
                        f"{file}#{i + 1}: {field}: wrote {show(value)}, truth {cell or '-'}"
                    )

    for line in wrong_lines:
        print(f"  {line}")
    print()
    print(f"scored documents: {scored_files}")
    print(f"{'field':<10} {'written':>8} {'right':>6} {'stated':>7} {'precision':>10} {'recall':>7}")
    total = {"written": 0, "right": 0, "stated": 0}
    for field in FIELDS:
        t = tally[field]
        for k in total:
            total[k] += t[k]
        print(row_text(field, t))
    print(row_text("all", total))
    print(f"not postmortems declined: {declined_right} of {not_pm}")
    print(f"postmortems declined:     {declined_wrong}")


def row_text(name, t):
    precision = f"{100 * t['right'] / t['written']:.1f} %" if t["written"] else "-"
    recall = f"{100 * t['right'] / t['stated']:.1f} %" if t["stated"] else "-"
    return f"{name:<10} {t['written']:>8} {t['right']:>6} {t['stated']:>7} {precision:>10} {recall:>7}"


if __name__ == "__main__":
    main()
