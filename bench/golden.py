"""Write (--write) or check the golden verdicts in tests/golden/: one file per labelled set.

Run: python bench/golden.py          (print every reply whose verdict moved; exit 1 if any)
     python bench/golden.py --write  (rewrite the files after a change you mean)
"""

from __future__ import annotations

import sys
from pathlib import Path

from coachbot.content.library import load_library
from coachbot.grading.golden import example_items, labelled_set, moved, parse, render, verdicts

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
GOLDEN = ROOT / "tests" / "golden"


def sets() -> list[tuple[str, list[tuple[str, str, str]]]]:
    lib, _ = load_library()
    out = [("examples", example_items(lib))]
    out += [(p.stem, labelled_set(p)) for p in sorted(DATA.glob("*.yaml"))]
    return out


def main() -> int:
    lib, _ = load_library()
    total = 0
    for name, items in sets():
        rows = verdicts(lib, name, items)
        path = GOLDEN / f"{name}.tsv"
        if "--write" in sys.argv:
            path.write_text(render(rows), encoding="utf-8")
            continue
        lines = moved(parse(path.read_text(encoding="utf-8")) if path.exists() else [], rows)
        total += len(lines)
        if lines:
            print("\n".join(lines))
    if "--write" not in sys.argv:
        print(f"{total} verdicts moved")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
