"""Benchmark: content library load time and /script lookup latency (in-process).

Targets (issue 2): whole library loads in < 1 s; a lookup answers in < 20 ms p99.
Run: python bench/bench_content.py
"""

from __future__ import annotations

import statistics
import time

from coachbot.content.library import load_library
from coachbot.content.lookup import ScriptIndex

QUERIES = ["broken-promise", "爽约", "broken-promis", "承诺还款又没还", "屢次爽約", "broken promise", "客户说没钱",
           "家属说人去世了", "利息太高了", "情绪", "哈哈哈", "idenity dispute", "分期还款", "不接电话", "第三方接听"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    loads = []
    for _ in range(5):
        t0 = time.perf_counter()
        lib, problems = load_library()
        loads.append(time.perf_counter() - t0)
    assert not problems
    items = len(lib.tips) + len(lib.scripts) + len(lib.challenges)
    t0 = time.perf_counter()
    index = ScriptIndex(lib.scripts)
    build_ms = (time.perf_counter() - t0) * 1000
    lat = []
    for _ in range(200):
        for q in QUERIES:
            t0 = time.perf_counter()
            index.lookup(q)
            lat.append((time.perf_counter() - t0) * 1000)
    print(f"library load ({items} items): median {statistics.median(loads) * 1000:.0f} ms, max {max(loads) * 1000:.0f} ms (target < 1000 ms)")
    print(f"script index build: {build_ms:.1f} ms")
    print(f"lookup over {len(lat)} queries: p50 {pct(lat, 50):.3f} ms, p99 {pct(lat, 99):.3f} ms, max {max(lat):.3f} ms (target p99 < 20 ms)")


if __name__ == "__main__":
    main()
