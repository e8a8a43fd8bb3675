"""Which tip or challenge a team gets next.

Nothing repeats for a team until everything has been used; after that the
least recently posted comes back first. Unused content comes in a stable
per-team shuffle, so two teams do not march through it in lock-step.
Challenges lean toward the team's weakest skill.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence


def _shuffle_key(team_id: str, content_id: str) -> str:
    return hashlib.sha1(f"{team_id}:{content_id}".encode()).hexdigest()


def candidates(team_id: str, ids: Iterable[str], used: Sequence[str]) -> list[str]:
    """Unused ids in the team's order; if none, all ids least recently used first.

    ``used`` lists each posted id once, least recently posted first.
    """
    pool = list(ids)
    seen = set(used)
    fresh = sorted((c for c in pool if c not in seen), key=lambda c: _shuffle_key(team_id, c))
    if fresh:
        return fresh
    order = {c: i for i, c in enumerate(used)}
    return sorted(pool, key=lambda c: order.get(c, -1))


def pick_tip(team_id: str, tip_ids: Iterable[str], used: Sequence[str]) -> str | None:
    pool = candidates(team_id, tip_ids, used)
    return pool[0] if pool else None


def pick_challenge(team_id: str, tags_by_id: dict[str, tuple[str, ...]], used: Sequence[str],
                   weak_skills: Sequence[str]) -> tuple[str | None, str | None]:
    """(challenge id, the weak skill it targets or None)."""
    pool = candidates(team_id, tags_by_id, used)
    if not pool:
        return None, None
    if len(set(used) & set(tags_by_id)) < len(tags_by_id):
        window = pool            # a fresh cycle: any unused one may be chosen
    else:
        window = pool[: max(1, len(pool) // 2)]  # repeats: only from the older half
    for weak in weak_skills[:2]:
        for cid in window:
            if weak in tags_by_id[cid]:
                return cid, weak
    return pool[0], None
