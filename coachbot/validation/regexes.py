"""Whether a regular expression from content may be used: it compiles, and it cannot take exponential time.

A repetition inside a repetition (``(a+)+``, ``(\\w+\\s?)*``, ``(.*,){50}``) can
try exponentially many ways to split a reply before it gives up: one rule in a
team's own content would stall grading for everyone. Such patterns are refused
when content is validated or loaded; grading still has a hard time budget for
slow patterns this check cannot see (overlapping alternatives such as ``(a|aa)+``).

    >>> regex_problem("(a+)+$")
    'a repetition inside a repetition ((…+)+) can take exponential time on some replies; repeat the inner part only'
    >>> regex_problem("还款(日期|时间)?") is None
    True
"""

from __future__ import annotations

import re

# The regex parser (Python >= 3.11), used only to read a pattern's structure.
import re._constants as _sc  # type: ignore[import-not-found]
import re._parser as _sp  # type: ignore[import-not-found]
from functools import cache

LARGE = 32   # a bounded repetition this large counts as unbounded: {1,1000} nested is as slow as +
_REPEATS = (_sc.MAX_REPEAT, _sc.MIN_REPEAT)   # possessive repetition never backtracks, so it is not here


def _height(items) -> int:
    """How deeply large repetitions nest in a parsed pattern (``a+`` is 1, ``(a+)+`` is 2)."""
    best = 0
    for op, av in items:
        if op in _REPEATS:
            _lo, hi, sub = av
            best = max(best, _height(sub) + (1 if hi == _sc.MAXREPEAT or hi >= LARGE else 0))
        elif op is _sc.SUBPATTERN:
            best = max(best, _height(av[-1]))
        elif op is _sc.BRANCH:
            best = max(best, *(_height(branch) for branch in av[1]))
        elif op in (_sc.ASSERT, _sc.ASSERT_NOT):
            best = max(best, _height(av[1]))
        elif op is _sc.GROUPREF_EXISTS:
            best = max(best, *(_height(branch) for branch in av[1:] if branch is not None))
    return best


@cache
def regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used in content, or None. Cached: the catalogue holds over a thousand."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return str(exc)
    if _height(_sp.parse(pattern)) >= 2:
        return ("a repetition inside a repetition ((…+)+) can take exponential time on some replies; "
                "repeat the inner part only")
    return None
