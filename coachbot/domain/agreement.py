"""How often two raters agree on yes/no judgements: the rate, and Cohen's κ (agreement beyond chance).

    >>> agreement("x", [(True, True), (True, False), (False, False), (False, False)]).kappa
    0.5

κ = (p_o − p_e) / (1 − p_e), where p_o is the share of items the two agree on and p_e the agreement
expected by chance from how often each says yes. When both raters say the same thing on every item,
chance already explains all of it (p_e = 1): κ is undefined (None), and the rate alone is reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Agreement:
    part: str
    n: int            # items both judged
    agree: int
    a_yes: int        # rater A's yes (the grader, or the first lead)
    b_yes: int        # rater B's yes
    label: str = ""

    @property
    def rate(self) -> float | None:
        return self.agree / self.n if self.n else None

    @property
    def disagree(self) -> int:
        return self.n - self.agree

    @property
    def kappa(self) -> float | None:
        if not self.n:
            return None
        p_o = self.agree / self.n
        pa, pb = self.a_yes / self.n, self.b_yes / self.n
        p_e = pa * pb + (1 - pa) * (1 - pb)
        if p_e >= 1:
            return None
        return round((p_o - p_e) / (1 - p_e), 6)


def agreement(part: str, pairs: Iterable[tuple[bool, bool]], *, label: str = "") -> Agreement:
    """Agreement over ``(rater A, rater B)`` judgements of the same items."""
    items = list(pairs)
    return Agreement(part, len(items), sum(a == b for a, b in items), sum(a for a, _ in items),
                     sum(b for _, b in items), label)


def pooled(name: str, rows: Iterable[Agreement]) -> Agreement:
    """Several parts' counts added up (one rate and κ over every judgement)."""
    rows = list(rows)
    return Agreement(name, sum(r.n for r in rows), sum(r.agree for r in rows), sum(r.a_yes for r in rows),
                     sum(r.b_yes for r in rows))
