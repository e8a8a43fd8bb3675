"""Print the grader's figures on the held-out set (tests/data/heldout.yaml).

Run: python bench/heldout_report.py [heldout.yaml|dev-replies.yaml] [-v]
"""

from __future__ import annotations

import sys
from pathlib import Path

from coachbot.content.library import load_library
from coachbot.grading.evaluate import evaluate, load_cases

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
PATH = DATA / (sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "heldout.yaml")


def main() -> None:
    lib, _ = load_library()
    cases = load_cases(PATH)
    r = evaluate(lib, cases)
    print(f"held-out replies: {r.cases} across {len({c.challenge for c in cases})} challenges")
    print(f"violation recall: {r.recalled}/{r.violating} = {r.recall:.1%} (flagged at all: {r.flagged_any}/{r.violating}; target 100%)")
    print(f"false-flag rate on clean replies: {r.false_flags}/{r.clean} = {r.false_flag_rate:.1%} (target <= 5%)")
    print(f"better label outscores worse: {r.ordered}/{r.pairs} = {r.ordering:.1%} "
          f"(strict, no tie-break: {r.ordered_strict}/{r.pairs} = {r.ordered_strict / max(1, r.pairs):.1%}; target >= 90%)")
    if "-v" in sys.argv:
        print("\n".join(r.misses))


if __name__ == "__main__":
    main()
