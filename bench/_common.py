"""What the benchmarks share: progress on stderr, percentiles, load workers, and a bot process's CPU and log."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def log_problems(path: Path) -> str:
    """Lines at WARNING or above in a bot's log, counted by their ``event=`` (or logger)."""
    kinds: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if " WARNING " in line or " ERROR " in line:
            words = line.split()
            key = next((w for w in words if w.startswith("event=")), " ".join(words[2:5]))
            kinds[key] = kinds.get(key, 0) + 1
    return ", ".join(f"{k} ×{n}" for k, n in sorted(kinds.items())) or "none"


def run_workers(workers: int, target: Callable[[], None], start: float) -> float:
    """Run ``workers`` threads of ``target`` to the end; seconds from ``start`` (a perf_counter time)."""
    threads = [threading.Thread(target=target) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start
