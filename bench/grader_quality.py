"""The grader's figures on labelled sets, as docs/grader-quality.md reports them.

Per set: violating replies flagged (by any verdict, and by certain verdicts alone), every labelled category
named, each category named, false flags per label (certain, and provisional: only the learned signal's
suspicion), excellent replies passing, and better label outscoring worse (a flagged reply ranks below an
unflagged one it ties with; strict: higher scores only).

Run: python bench/grader_quality.py tests/data/grader-G1.yaml [...] [--json] [-v]   (-v lists misses)
"""

from __future__ import annotations

import itertools
import json
import sys
from collections import Counter
from pathlib import Path

import yaml

from coachbot.content.library import load_library
from coachbot.content.models import LABEL_RANK
from coachbot.grading import grade_reply


def figures(lib, path: Path, verbose: bool = False) -> dict:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    graded = [(it, grade_reply(lib.challenges[it["challenge"]], it["text"], lib.shared)) for it in items]
    labels = Counter(it["label"] for it, _ in graded)
    out: dict = {"set": path.name, "n": len(items)}
    viol = [(it, g) for it, g in graded if it["label"] == "violating"]
    flagged = sum(bool(g.violations) for _, g in viol)
    certain = sum(any(v.certain for v in g.violations) for _, g in viol)
    every = sum(bool(g.violations) and set(it["categories"]) <= {v.category for v in g.violations} for it, g in viol)
    every_c = sum(set(it["categories"]) <= {v.category for v in g.violations if v.certain} for it, g in viol)
    total, named = Counter(), Counter()
    misses = []
    for it, g in viol:
        got = {v.category for v in g.violations}
        for c in it["categories"]:
            total[c] += 1
            named[c] += c in got
        if not set(it["categories"]) <= got:
            misses.append(f"MISS {it['challenge']} want={sorted(it['categories'])} got={sorted(got)}: {it['text'][:60]}")
    out["violating_flagged"] = f"{flagged}/{len(viol)}"
    out["violating_flagged_certain"] = f"{certain}/{len(viol)}"
    out["every_category"] = f"{every}/{len(viol)}"
    out["every_category_certain"] = f"{every_c}/{len(viol)}"
    out["per_category"] = {c: f"{named[c]}/{total[c]}" for c in sorted(total)}
    ff: dict[str, str] = {}
    for label in ("excellent", "adequate", "weak"):
        rows = [g for it, g in graded if it["label"] == label]
        cert = sum(g.certain and bool(g.violations) for g in rows)
        prov = sum(not g.certain for g in rows)
        ff[label] = f"{cert + prov}/{len(rows)} ({cert} certain, {prov} provisional)"
        for it, g in graded:
            if it["label"] == label and g.violations:
                misses.append(f"FALSE {label} {it['challenge']} {[(v.category, v.flag_id) for v in g.violations]}: "
                              f"{it['text'][:60]}")
    out["false_flags"] = ff
    exc = [g for it, g in graded if it["label"] == "excellent"]
    out["excellent_pass"] = f"{sum(g.passed for g in exc)}/{len(exc)}"
    pairs = ordered = strict = 0
    by: dict[str, list] = {}
    for it, g in graded:
        by.setdefault(it["challenge"], []).append((it, g))
    for rows in by.values():
        for (a, ga), (b, gb) in itertools.combinations(rows, 2):
            if LABEL_RANK[a["label"]] == LABEL_RANK[b["label"]]:
                continue
            (_, hi), (_, lo) = ((a, ga), (b, gb)) if LABEL_RANK[a["label"]] > LABEL_RANK[b["label"]] else ((b, gb), (a, ga))
            pairs += 1
            strict += hi.score > lo.score
            ordered += hi.score > lo.score or (hi.score == lo.score and bool(lo.violations) and not hi.violations)
    out["ordering"] = f"{ordered}/{pairs} = {ordered / max(1, pairs):.1%}"
    out["ordering_strict"] = f"{strict / max(1, pairs):.1%}"
    out["labels"] = dict(labels)
    if verbose:
        out["misses"] = misses
    return out


def main() -> None:
    lib, _ = load_library()
    paths = [Path(a) for a in sys.argv[1:] if not a.startswith("-")]
    for path in paths:
        f = figures(lib, path, verbose="-v" in sys.argv)
        if "--json" in sys.argv:
            print(json.dumps(f, ensure_ascii=False))
            continue
        print(f"{f['set']} ({f['n']} replies: {f['labels']})")
        for key in ("violating_flagged", "violating_flagged_certain", "every_category", "every_category_certain",
                    "per_category", "false_flags", "excellent_pass", "ordering", "ordering_strict"):
            print(f"  {key}: {f[key]}")
        for line in f.get("misses", []):
            print("  " + line)


if __name__ == "__main__":
    main()
