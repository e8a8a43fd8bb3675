"""Benchmark: /script lookups in-process, over the whole library and every kind of query.

Queries are made from the library itself, so the run needs nothing outside the
repository: every slug, alias and title; each as Traditional, as raw pinyin and
as initials; every customer line (``says`` and the challenges'); every challenge
situation (a long narration); the when-to-use lines; 2,000 characters pasted at
once; a few that find nothing.
Target (issue "/script that understands the situation"): p99 <= 20 ms.

Run: python bench/bench_lookup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import time

import opencc
from pypinyin import Style, lazy_pinyin

from coachbot.content.library import load_library
from coachbot.content.lookup import ScriptIndex


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def queries(lib) -> dict[str, list[str]]:
    s2t = opencc.OpenCC("s2t")
    names = [n for s in lib.scripts.values() for n in (s.id, s.title, *s.aliases)]
    chinese = [n for n in names if not n.isascii()]
    return {
        "names": names,
        "traditional": [s2t.convert(n) for n in chinese],
        "pinyin": ["".join(lazy_pinyin(n)) for n in chinese],
        "initials": ["".join(lazy_pinyin(n, style=Style.FIRST_LETTER)) for n in chinese],
        "customer lines": [line for s in lib.scripts.values() for line in (*s.says, *(c[0] for c in s.cases))],
        "narrations": [c.situation for c in lib.challenges.values()],
        "when lines": [s.when for s in lib.scripts.values()],
        "pasted": ["".join(c.situation for c in lib.challenges.values())[i * 50:i * 50 + 2000] for i in range(5)],
        "nothing": ["哈哈哈哈", "asdfgh", "今天天气不错", "？？？"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    lib, problems = load_library()
    assert not problems, problems
    t0 = time.perf_counter()
    index = ScriptIndex(lib.scripts, synonyms=lib.synonyms)
    build_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    ScriptIndex(lib.scripts, synonyms=lib.synonyms)
    rebuild_ms = (time.perf_counter() - t0) * 1000
    kinds = queries(lib)
    every: list[float] = []
    print(f"library: {len(lib.scripts)} scripts, {len(lib.challenges)} challenges; "
          f"index build {build_ms:.0f} ms first in a process (pypinyin loads), then {rebuild_ms:.0f} ms")
    for kind, items in kinds.items():
        lat = []
        for _ in range(args.rounds):
            for q in items:
                t0 = time.perf_counter()
                index.lookup(q)
                lat.append((time.perf_counter() - t0) * 1000)
        every += lat
        longest = max(len(q) for q in items)
        print(f"  {kind:<15} {len(items):>4} queries (up to {longest:>3} chars): "
              f"p50 {pct(lat, 50):.2f} ms, p99 {pct(lat, 99):.2f} ms, max {max(lat):.2f} ms")
    print(f"all {len(every):,} lookups: p50 {pct(every, 50):.2f} ms, p99 {pct(every, 99):.2f} ms, "
          f"max {max(every):.2f} ms (target p99 <= 20 ms)")


if __name__ == "__main__":
    main()
