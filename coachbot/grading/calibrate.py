"""Grade every shipped example and check it lands inside its labelled band."""

from __future__ import annotations

from dataclasses import dataclass

from coachbot.content.library import Library
from coachbot.content.models import Example
from coachbot.grading.grader import Grade, grade_reply


@dataclass(frozen=True)
class ExampleResult:
    challenge: str
    example: Example
    grade: Grade

    @property
    def inside(self) -> bool:
        lo, hi = self.example.band
        if not lo <= self.grade.score <= hi:
            return False
        if self.example.label == "violating":
            found = {v.category for v in self.grade.violations}
            return bool(found) and set(self.example.categories) <= found
        return not self.grade.violations


def calibrate(library: Library, challenge_ids: list[str] | None = None) -> list[ExampleResult]:
    ids = challenge_ids or sorted(library.challenges)
    out: list[ExampleResult] = []
    for cid in ids:
        challenge = library.challenges[cid]
        for example in challenge.examples:
            out.append(ExampleResult(cid, example, grade_reply(challenge, example.text, library.shared)))
    return out
