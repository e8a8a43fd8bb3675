"""Cutting text to a platform's size limit, whatever the platform counts (bytes, UTF-16 units).

>>> cut("一二三四", 6, lambda ch: len(ch.encode()))
['一二', '三四']
"""

from __future__ import annotations

from collections.abc import Callable


def cut(line: str, budget: int, cost: Callable[[str], int]) -> list[str]:
    """``line`` as pieces whose summed ``cost`` per character fits ``budget``, cut between characters
    (never inside one; a single character over the budget stands alone)."""
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    for ch in line:
        size = cost(ch)
        if used + size > budget and current:
            pieces.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += size
    pieces.append("".join(current))
    return pieces
