"""Cutting text to a platform's size limit, whatever the platform counts (bytes, UTF-16 units).

>>> cut("一二三四", 6, lambda ch: len(ch.encode()))
['一二', '三四']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


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


def pack(lines: Iterable[str], limit: int, size: Callable[[str], int], *, first: str = "") -> list[str]:
    """``lines`` joined by newlines into as few chunks as fit ``limit`` (as ``size`` measures a chunk),
    starting from ``first``; a line that fits no chunk with others starts its own. Never an empty list."""
    chunks: list[str] = []
    current = first
    for line in lines:
        joined = f"{current}\n{line}" if current else line
        if size(joined) <= limit:
            current = joined
            continue
        if current:
            chunks.append(current)
        current = line
    if current or not chunks:
        chunks.append(current)
    return chunks
