"""How well /script finds the right script on the blind query sets (tests/data/lookup/lookup-L*.yaml).

    python bench/lookup_quality.py                      # every set
    python bench/lookup_quality.py tests/data/lookup/lookup-L5.yaml

match: the right script is the answer; top 4: the answer or one of the first three suggestions;
confident wrong: a wrong script given as the answer. The index is the one the bot builds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from coachbot.content.library import load_library  # noqa: E402
from coachbot.content.lookup import ScriptIndex  # noqa: E402


def measure(index: ScriptIndex, path: Path) -> dict[str, int]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = {"n": len(items), "match": 0, "top4": 0, "wrong": 0}
    for item in items:
        ok = {item["expect"], *(item.get("also_ok") or [])}
        result = index.lookup(item["query"]).as_json()
        candidates = ([result["match"]] if result["match"] else []) + result["suggestions"][:3]
        out["match"] += result["match"] in ok
        out["top4"] += bool(ok & set(candidates))
        out["wrong"] += bool(result["match"]) and result["match"] not in ok
    return out


def main() -> None:
    library, _ = load_library()
    index = ScriptIndex(library.scripts, synonyms=library.synonyms)
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "tests" / "data" / "lookup").glob("lookup-L*.yaml"))
    print("| set | queries | match | top 4 | confident wrong |\n|---|---:|---:|---:|---:|")
    for path in paths:
        r = measure(index, path)
        print(f"| {path.stem} | {r['n']} | {r['match'] / r['n']:.0%} | {r['top4'] / r['n']:.0%} | {r['wrong']} |")


if __name__ == "__main__":
    main()
