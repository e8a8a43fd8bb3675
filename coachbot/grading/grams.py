"""Necessary grams: the characters or character pairs a pattern cannot match without.

Most replies match no red flag, yet each flag's alternation of a few hundred
branches is tried at every position of the reply. A flag whose every branch
needs one of a few character pairs (坐牢, 法院, 家人 …) cannot match a reply that
holds none of them, and a set test says so at once:

    >>> g = necessary(("不还(就|的话)坐牢", "[叫让]你家人"))
    >>> sorted(g)
    ['你家', '坐牢']
    >>> g.isdisjoint(grams("您看明天先还一千可以吗"))
    True

The answer is exact, never approximate: ``None`` (no gate) whenever a pattern
holds a construct this module does not read, or a branch that needs nothing.
"""

from __future__ import annotations

import re
import re._constants as _sc  # type: ignore[import-not-found]
import re._parser as _sp  # type: ignore[import-not-found]
from collections.abc import Iterable
from functools import lru_cache

# Characters so common in replies that a gate on them alone rarely rules anything out.
_COMMON = frozenset("的了是我你您不就在有这那个一人们吗呢吧啊还款要说会好么么也都到得去来给把跟和对")
_MAX_CLASS = 8      # a character class wider than this is not worth a gate
_MAX_PAIRS = 16     # nor a product of two classes larger than this

Gate = frozenset[str]


def grams(text: str) -> frozenset[str]:
    """Every character and every pair of adjacent characters of ``text``."""
    return frozenset(text) | frozenset(text[i:i + 2] for i in range(len(text) - 1))


def necessary(patterns: Iterable[str]) -> Gate | None:
    """Grams one of which every match of any of ``patterns`` contains, or ``None`` if some pattern needs none."""
    out: set[str] = set()
    for p in patterns:
        need = _of_pattern(p)
        if need is None:
            return None
        out |= need
    return frozenset(out)


@lru_cache(maxsize=8192)
def _of_pattern(pattern: str) -> Gate | None:
    try:
        parsed = _sp.parse(pattern)
    except Exception:   # a construct ``re`` does not read (a team's ``regex`` pattern): no gate
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    need = _of_seq(list(parsed))
    return None if need is None else frozenset(need)


def _cost(gate: set[str]) -> int:
    """How likely a reply is to hold one of ``gate``: common characters and lone characters cost most."""
    total = 0
    for g in gate:
        common = sum(c in _COMMON for c in g)
        total += (20 if common else 6) if len(g) == 1 else 1 + 2 * common
    return total


def _chars(op, av) -> set[str] | None:
    """The characters a one-character item matches, if it is a literal or a small plain class."""
    if op is _sc.LITERAL:
        return {chr(av)}
    if op is _sc.IN:
        chars: set[str] = set()
        for o, a in av:
            if o is _sc.LITERAL:
                chars.add(chr(a))
            elif o is _sc.RANGE and a[1] - a[0] < _MAX_CLASS:
                chars.update(map(chr, range(a[0], a[1] + 1)))
            else:
                return None    # [^…], \w, a wide range
        return chars if len(chars) <= _MAX_CLASS else None
    return None


def _of_seq(items: list) -> set[str] | None:
    """The cheapest gate among a sequence's items and pairs of adjacent characters."""
    candidates: list[set[str]] = []
    previous: set[str] | None = None     # the characters matched just before, if one item matched them
    for op, av in items:
        chars = _chars(op, av)
        if chars is not None:
            candidates.append(chars)
            if previous is not None and len(previous) * len(chars) <= _MAX_PAIRS:
                candidates.append({a + b for a in previous for b in chars})
            previous = chars
            continue
        if op in (_sc.AT, _sc.ASSERT, _sc.ASSERT_NOT):
            continue      # zero width: the characters either side are still adjacent
        previous = None
        need = _of_op(op, av)
        if need is not None:
            candidates.append(need)
    if not candidates:
        return None
    return min(candidates, key=_cost)


def _of_op(op, av) -> set[str] | None:
    if op is _sc.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & re.IGNORECASE:
            return None
        return _of_seq(list(sub))
    if op is _sc.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            need = _of_seq(list(branch))
            if need is None:
                return None
            out |= need
        return out
    if op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT, _sc.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _of_seq(list(sub)) if low >= 1 else None
    if op is _sc.ATOMIC_GROUP:
        return _of_seq(list(av))
    return None
