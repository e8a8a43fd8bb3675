"""Benchmark: grading latency for a 500-character reply and throughput on one core.

Targets (issue 3): p99 <= 5 ms for a 500-character reply; >= 1,000 replies/s on one core.
Run: python bench/bench_grader.py
"""

from __future__ import annotations

import itertools
import os
import time

from coachbot.content.library import load_library
from coachbot.grading import grade_reply


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def long_reply(text: str, n: int = 500) -> str:
    out = text
    while len(out) < n:
        out += text
    return out[:n]


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    lib, _ = load_library()
    pairs = [(ch, ex.text) for ch in lib.challenges.values() for ex in ch.examples]
    long_pairs = [(ch, long_reply(t)) for ch, t in pairs]
    for ch, t in long_pairs:
        grade_reply(ch, t, lib.shared)  # warm every challenge's compiled rubric: a first grading compiles it
    lat = []
    for ch, t in itertools.islice(itertools.cycle(long_pairs), 5000):
        t0 = time.perf_counter()
        grade_reply(ch, t, lib.shared)
        lat.append((time.perf_counter() - t0) * 1000)
    n = 0
    t0 = time.perf_counter()
    for ch, t in itertools.cycle(pairs):
        grade_reply(ch, t, lib.shared)
        n += 1
        if n % 200 == 0 and time.perf_counter() - t0 > 3:
            break
    rate = n / (time.perf_counter() - t0)
    print(f"500-char replies ({len(lat)} over {len(lib.challenges)} challenges): p50 {pct(lat, 50):.2f} ms, "
          f"p99 {pct(lat, 99):.2f} ms, max {max(lat):.2f} ms (target p99 <= 5 ms)")
    print(f"throughput, example replies, one core: {rate:,.0f} replies/s (target >= 1,000)")


if __name__ == "__main__":
    main()
