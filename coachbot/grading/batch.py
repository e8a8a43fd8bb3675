"""Grade a batch of replies in one process: JSON Lines in, JSON Lines out, order kept.

Each input line is ``{"challenge": ID, "text": REPLY, ...}``; each output line is
exactly the object ``coachbot grade ID --json`` prints for it, followed by the
input's other fields (a QA team's call id, agent, date) passed through. A grade
key wins over an input field of the same name. A line that cannot be graded (not JSON,
no such challenge, no text) gives ``{"line": N, "error": "..."}`` with the input's
other fields, so output line N always answers input line N.

>>> next(grade_lines(['{"challenge": "broken-promise", "text": "……", "call": 7}'], library))["call"]
7
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from coachbot.content.library import Library
from coachbot.domain.text import closest
from coachbot.grading.grader import grade_reply

INPUT_KEYS = ("challenge", "text")


def grade_line(line: str, number: int, library: Library) -> dict:
    """One output object for input line ``number`` (1-based)."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"line": number, "error": f"not JSON: {exc.msg} (column {exc.colno})"}
    if not isinstance(item, dict):
        return {"line": number, "error": "not a JSON object"}
    extra = {k: v for k, v in item.items() if k not in INPUT_KEYS}
    cid, text = item.get("challenge"), item.get("text")
    challenge = library.challenge(cid) if isinstance(cid, str) else None
    if challenge is None:
        close = closest(cid, library.challenges) if isinstance(cid, str) else []
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        return {**extra, "line": number, "error": f"no challenge {cid!r}{hint}"}
    if not isinstance(text, str):
        return {**extra, "line": number, "error": "no \"text\" string"}
    graded = grade_reply(challenge, text, library.shared).as_json()
    return {**graded, **{k: v for k, v in extra.items() if k not in graded}}


def grade_lines(lines: Iterable[str], library: Library) -> Iterator[dict]:
    """Grade every non-blank line, in order. A blank line is answered with an error object, not skipped."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            yield {"line": number, "error": "blank line"}
            continue
        yield grade_line(line, number, library)
