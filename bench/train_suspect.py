"""Train the learned second compliance signal (coachbot/grading/suspect_model.json).

Deterministic (fixed seed, fixed order). Data: tests/data/dev-replies*.yaml and
grader-G1..G4.yaml, challenge examples and model answers, the red flags' own
fixtures (match: violating, no_match: clean), playbook steps (clean) and avoid
lines (violating). Never the held-out or blind sets (nor G5).

Learning: a reply is a bag of spans (clauses and adjacent clause pairs, see
coachbot.grading.suspect.units). Every span of a clean reply is a negative.
A violating reply contributes its offending span(s): where a red flag matches,
the span holding the flag's quote; otherwise (multiple-instance learning) the
span the current model finds most suspicious. Logistic regression by SGD on
character 1-3-grams; a softmax model over the same features names the category.

The threshold is chosen by 5-fold cross-validation so that at most TARGET_FP of
the clean replies the red flags leave alone are flagged by the model. The
shipped model is the average of the five fold models (see ``average``), so the
threshold is chosen on models like the one shipped.

The model file (coachbot/grading/suspect_model.tsv) records what it was trained on:
a hash of the training rows, a hash of the red-flag catalogue that marked them,
the hyper-parameters and the cross-validated figures.

Run: python bench/train_suspect.py            (train, cross-validate, write the model)
     python bench/train_suspect.py --cv-only  (figures only)
     python bench/train_suspect.py --check    (retrain into a temporary file, compare byte for byte: make retrain-check)
     python bench/train_suspect.py --out PATH (write the model elsewhere)
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

from coachbot.content.library import load_library
from coachbot.content.models import CATEGORIES
from coachbot.grading.flags import compile_flag
from coachbot.grading.grader import compiled, find_violations
from coachbot.grading.prepared import prepare
from coachbot.grading.suspect import MODEL_PATH, from_json, grams, read_spans, span_logits, to_text, units

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
# Never the held-out or blind sets: the dev sets, and the issue sets G1-G4 once measured blind (G5 is held out).
DEV = sorted(p.name for p in [*DATA.glob("dev-replies*.yaml"), *DATA.glob("grader-G*.yaml")])
SEED = 20240611
FOLDS = 5
TARGET_FP = 0.01         # at most this share of clean replies newly flagged, in cross-validation (total budget 5%)
EPOCHS = 12
LR = 0.2
L2 = 3e-4
POS_WEIGHT = 3.0
MIN_DF = 2
MIL_ROUNDS = 2
KEEP_WEIGHT = 0.08       # weights smaller than this are dropped from the shipped model
KEEP_CAT_WEIGHT = 0.15
HEAD_PRECISION = 0.85   # an extra category a head adds must be right this often (cross-validated)
DIGITS = 3
HYPER = ("SEED", "FOLDS", "TARGET_FP", "EPOCHS", "LR", "L2", "POS_WEIGHT", "MIN_DF", "MIL_ROUNDS", "KEEP_WEIGHT",
         "KEEP_CAT_WEIGHT", "HEAD_PRECISION", "DIGITS")


class Reply:
    __slots__ = (
        "categories",
        "challenge",
        "feats",
        "prepared",
        "regex_hit",
        "regex_spans",
        "source",
        "spans",
        "text",
        "violating",
    )

    def __init__(self, source, challenge, violating, categories, text):
        self.source, self.challenge, self.violating = source, challenge, violating
        self.categories, self.text = tuple(categories), text
        self.prepared = prepare(text)
        self.spans = units(self.prepared)
        self.feats = [grams(self.prepared.flat[s:e]) for s, e in self.spans]
        self.regex_spans: dict[int, set[str]] = {}   # span index -> categories a red flag found there
        self.regex_hit = False


def load_replies(lib) -> list[Reply]:
    rows: list[tuple] = []
    for name in DEV:
        for d in yaml.safe_load((DATA / name).read_text(encoding="utf-8")):
            rows.append((name, d["challenge"], d["label"] == "violating", d.get("categories") or (), d["text"]))
    for cid in sorted(lib.challenges):
        ch = lib.challenges[cid]
        for ex in ch.examples:
            rows.append(("examples", cid, ex.label == "violating", ex.categories, ex.text))
        rows.append(("model_answers", cid, False, (), ch.model_answer))
    flags = [*lib.shared.red_flags, *(f for cid in sorted(lib.challenges) for f in lib.challenges[cid].red_flags)]
    for f in flags:   # each red flag's own fixtures: what it must catch, and lawful near misses
        rows.extend(("flag_fixtures", None, True, (f.category, *f.also), t) for t in f.examples.match)
        rows.extend(("flag_fixtures", None, False, (), t) for t in f.examples.no_match)
    for sid in sorted(lib.scripts):
        s = lib.scripts[sid]
        for step in s.steps:
            rows.extend(("playbook_steps", None, False, (), t) for t in step.say)
        rows.extend(("playbook_avoid", None, True, (), a.say) for a in s.avoid)
    seen: set[str] = set()
    out = []
    for r in rows:
        if r[4] not in seen:
            seen.add(r[4])
            out.append(Reply(*r))
    return [r for r in out if r.spans]   # a reply of fillers alone ("嗯。") has nothing to learn from


def mark_regex(replies: list[Reply], lib) -> None:
    shared = tuple(compile_flag(f) for f in lib.shared.red_flags)
    for r in replies:
        flags = compiled(lib.challenges[r.challenge], lib.shared).flags if r.challenge else shared
        found = find_violations(r.prepared, flags)
        r.regex_hit = bool(found)
        for v in found:
            best = None
            for i, (s, e) in enumerate(r.spans):
                if v.evidence and v.evidence in r.prepared.span_text(s, e):
                    if best is None or e - s < r.spans[best][1] - r.spans[best][0]:
                        best = i
            if best is not None:
                r.regex_spans.setdefault(best, set()).add(v.category)
        if r.violating and not r.categories:
            r.categories = tuple(sorted({c for cs in r.regex_spans.values() for c in cs}))


# ---------------------------------------------------------------- learning

def sgd_steps(n: int, seed: int):
    """(example index, learning rate) for EPOCHS shuffled passes over ``n`` examples."""
    rng = random.Random(seed)
    order = list(range(n))
    for epoch in range(EPOCHS):
        rng.shuffle(order)
        lr = LR / (1 + epoch)
        for i in order:
            yield i, lr


def sgd_logistic(examples, vocab, seed):
    """examples: list of (features, label, weight). Returns (bias, weights)."""
    w: dict[str, float] = {}
    b = 0.0
    for i, lr in sgd_steps(len(examples), seed):
        feats, y, weight = examples[i]
        fs = [f for f in feats if f in vocab]
        z = b + sum(w.get(f, 0.0) for f in fs)
        p = 1 / (1 + math.exp(-z)) if z > -30 else 0.0
        g = (p - y) * weight * lr
        b -= g
        for f in fs:
            w[f] = w.get(f, 0.0) * (1 - lr * L2) - g
    return b, w


def sgd_heads(examples, k, vocab, seed):
    """One-vs-rest logistic heads trained together.

    examples: list of (features, set of class indices). Returns (biases, {feature: [k weights]}).
    """
    w: dict[str, list[float]] = {}
    b = [0.0] * k
    for i, lr in sgd_steps(len(examples), seed):
        feats, ys = examples[i]
        fs = [f for f in feats if f in vocab]
        z = b[:]
        for f in fs:
            row = w.get(f)
            if row:
                for j in range(k):
                    z[j] += row[j]
        grad = [((1 / (1 + math.exp(-v)) if v > -30 else 0.0) - (j in ys)) * lr for j, v in enumerate(z)]
        for j in range(k):
            b[j] -= grad[j]
        for f in fs:
            row = w.setdefault(f, [0.0] * k)
            for j in range(k):
                row[j] = row[j] * (1 - lr * L2) - grad[j]
    return b, w


def logit(model, feats):
    b, w = model
    return b + sum(w.get(f, 0.0) for f in feats)


def head_logit(heads, feats, j):
    b, w = heads
    return b[j] + sum(row[j] for row in (w.get(f) for f in feats) if row)


def train(replies: list[Reply], seed: int):
    """Binary span model and category heads, in multiple-instance rounds."""
    df = Counter()
    for r in replies:
        for feats in r.feats:
            df.update(set(feats))
    vocab = {f for f, n in df.items() if n >= MIN_DF}
    index = {c: j for j, c in enumerate(CATEGORIES)}

    def positives(model, heads):
        """(reply, span index, categories) for every offending span of every violating reply.

        A span a red flag found carries the flag's categories (those the label confirms).
        A labelled category no red flag found goes to the span the current models
        find likeliest for it; a reply no red flag touched, to its most suspicious span.
        """
        out = []
        for r in replies:
            if not r.violating:
                continue
            labelled = set(r.categories)
            if r.regex_spans:
                for i in sorted(r.regex_spans):
                    cats = r.regex_spans[i]
                    out.append((r, i, (cats & labelled) or cats))
                left = labelled - {c for cs in r.regex_spans.values() for c in cs}
                if left and model is not None:
                    for c in sorted(left):
                        j = index[c]
                        i = max(range(len(r.spans)),
                                key=lambda i: logit(model, r.feats[i]) + head_logit(heads, r.feats[i], j))
                        out.append((r, i, {c}))
            elif model is not None:
                i = max(range(len(r.spans)), key=lambda i: logit(model, r.feats[i]))
                out.append((r, i, labelled))
        return out

    def fit(pos):
        merged: dict[tuple[int, int], set[str]] = {}
        spans: dict[tuple[int, int], list] = {}
        for r, i, cats in pos:
            key = (id(r), i)
            merged.setdefault(key, set()).update(cats)
            spans[key] = r.feats[i]
        model = sgd_logistic(negatives + [(f, 1, POS_WEIGHT) for f in spans.values()], vocab, seed)
        heads = sgd_heads([(spans[key], {index[c] for c in cats}) for key, cats in merged.items() if cats],
                          len(CATEGORIES), vocab, seed)
        return model, heads

    negatives = [(f, 0, 1.0) for r in replies if not r.violating for f in r.feats]
    model = heads = None
    for _ in range(MIL_ROUNDS):
        model, heads = fit(positives(model, heads))
    return prune(model, heads)


def prune(model, heads):
    """The model as shipped: small weights dropped, the rest rounded (cross-validation scores this form)."""
    b, w = model
    cb, cw = heads
    w = {f: round(v, DIGITS) for f, v in w.items() if abs(v) >= KEEP_WEIGHT}
    cw = {f: [round(v, DIGITS) if abs(v) >= KEEP_CAT_WEIGHT else 0.0 for v in row] for f, row in cw.items()}
    return (round(b, DIGITS), w), ([round(v, DIGITS) for v in cb], {f: r for f, r in cw.items() if any(r)})


def reply_score(model, r: Reply) -> tuple[float, int]:
    best = max(range(len(r.spans)), key=lambda i: logit(model, r.feats[i]))
    return logit(model, r.feats[best]), best


def folds(replies: list[Reply]) -> list[int]:
    rng = random.Random(SEED)
    fold = [0] * len(replies)
    for group in (True, False):
        idx = [i for i, r in enumerate(replies) if r.violating == group]
        rng.shuffle(idx)
        for n, i in enumerate(idx):
            fold[i] = n % FOLDS
    return fold


def threshold_for(clean_scores: list[float], target: float) -> float:
    """Smallest logit threshold flagging at most ``target`` of the clean scores (strictly above the rest)."""
    s = sorted(clean_scores, reverse=True)
    allowed = int(math.floor(target * len(s)))
    # flag when score >= t; t just above the (allowed+1)-th highest clean score
    return s[allowed] + 1e-6 if allowed < len(s) else -math.inf


def cross_validate(replies: list[Reply]):
    """Out-of-fold scores: (top span logit, its category) per reply, and every span's logit and head
    probabilities for violating replies (to choose the heads' thresholds)."""
    fold = folds(replies)
    oof: list[tuple[float, str]] = [(0.0, "")] * len(replies)
    span_heads: list[list | None] = [None] * len(replies)
    trained = []
    for k in range(FOLDS):
        tr = [r for r, f in zip(replies, fold) if f != k]
        trained.append(train(tr, SEED))
        m = from_json(export(*trained[-1], 0.0, ()))
        for i, (r, f) in enumerate(zip(replies, fold)):
            if f != k:
                continue
            flat = r.prepared.flat
            logits = span_logits(flat, r.spans, m)
            best = max(range(len(r.spans)), key=logits.__getitem__)
            s, e = r.spans[best]
            oof[i] = (logits[best], m.category(flat[s:e]))
            if r.violating:
                span_heads[i] = [(z, (s, e), m.category_scores(flat[s:e])) for z, (s, e) in zip(logits, r.spans)]
    return fold, oof, span_heads, trained


def average(trained):
    """The fold models averaged into one (for linear models: the mean of their logits).

    The threshold is chosen on the fold models' out-of-fold scores; their average scores
    unseen text like one of them, with less variance, so that threshold stays honest.
    """
    n = len(trained)
    b = sum(m[0][0] for m in trained) / n
    w: dict[str, float] = {}
    for (_, wk), _ in trained:
        for f, v in wk.items():
            w[f] = w.get(f, 0.0) + v / n
    k = len(trained[0][1][0])
    cb = [sum(m[1][0][j] for m in trained) / n for j in range(k)]
    cw: dict[str, list[float]] = {}
    for _, (_, cwk) in trained:
        for f, row in cwk.items():
            acc = cw.setdefault(f, [0.0] * k)
            for j in range(k):
                acc[j] += row[j] / n
    return prune((b, w), (cb, cw))


def suspected_categories(spans, t):
    """What suspect.suspicions would find: (categories named by apart spans, best head probability of the rest)."""
    named: set[str] = set()
    best: dict[str, float] = {}
    for (_, _, scores), apart in read_spans(spans, t):
        top = max(scores, key=scores.get)
        if apart:
            named.add(top)
        for c, p in scores.items():
            if c != top or not apart:
                best[c] = max(best.get(c, 0.0), p)
    return named, best


def head_thresholds(replies, span_heads, t) -> tuple[float, ...]:
    """Per category, the lowest head probability at which the categories it adds are right at least
    HEAD_PRECISION of the time in cross-validation (never below 0.5; 1.1 switches a head off).
    The red flags are ignored here: they find every category of the tuned dev sets, and fresh
    wording is what the heads are for."""
    cands: dict[str, list[tuple[float, bool]]] = {c: [] for c in CATEGORIES}
    for r, sh in zip(replies, span_heads):
        if sh is None:
            continue
        named, best = suspected_categories(sh, t)
        for c, p in best.items():
            if c not in named:
                cands[c].append((p, c in r.categories))
    out = []
    for c in CATEGORIES:
        ranked = sorted(cands[c], key=lambda x: -x[0])
        chosen, right = 1.1, 0
        for n, (p, ok) in enumerate(ranked, 1):
            right += ok
            if p >= 0.5 and right / n >= HEAD_PRECISION:
                chosen = p
        out.append(round(chosen - 1e-4, 4) if chosen <= 1.0 else chosen)
    return tuple(out)


def category_recall(replies, span_heads, t, cat_t) -> tuple[int, int, int]:
    """Violating replies with every labelled category found by the model alone: (named, + heads)."""
    limits = dict(zip(CATEGORIES, cat_t))
    b = c = 0
    for r, sh in zip(replies, span_heads):
        if sh is None:
            continue
        want = set(r.categories)
        named, best = suspected_categories(sh, t)
        added = {k for k, p in best.items() if p >= limits[k]}
        b += want <= named
        c += want <= named | added
    return b, c


def report(replies, oof, t, title):
    clean = [(r, s) for r, s in zip(replies, oof) if not r.violating and not r.regex_hit]
    viol = [(r, s) for r, s in zip(replies, oof) if r.violating]
    misses = [(r, s) for r, s in viol if not r.regex_hit]
    fp = sum(s[0] >= t for _, s in clean)
    print(f"{title}: threshold p >= {1 / (1 + math.exp(-t)):.3f} (logit {t:.3f})")
    print(f"  false flags on clean replies the red flags pass: {fp}/{len(clean)} = {fp / len(clean):.2%}")
    hit = sum(s[0] >= t for _, s in viol)
    cat_ok = sum(s[0] >= t and s[1] in r.categories for r, s in viol)
    print(f"  model alone, violating replies: {hit}/{len(viol)} = {hit / len(viol):.1%} "
          f"(category right {cat_ok}/{hit})")
    if misses:
        mh = sum(s[0] >= t for _, s in misses)
        print(f"  violating replies the red flags miss: {mh}/{len(misses)} = {mh / len(misses):.1%}")
    by_src = Counter()
    for r, s in viol:
        by_src[(r.source, s[0] >= t)] += 1
    print("  by source: " + ", ".join(f"{src} {by_src[(src, True)]}/{by_src[(src, True)] + by_src[(src, False)]}"
                                       for src in dict.fromkeys(r.source for r, _ in viol)))
    figures = {"threshold_p": round(1 / (1 + math.exp(-t)), 4), "clean_flagged": f"{fp}/{len(clean)}",
               "violating_flagged_by_model_alone": f"{hit}/{len(viol)}", "category_right": f"{cat_ok}/{hit}"}
    if misses:
        figures["red_flag_misses_flagged"] = f"{mh}/{len(misses)}"
    return figures


def data_hash(replies: list[Reply]) -> str:
    """sha256 of the training rows (source, challenge, label, categories, text) in training order."""
    rows = [[r.source, r.challenge, r.violating, list(r.categories), r.text] for r in replies]
    return "sha256:" + hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def catalogue_hash(lib) -> str:
    """sha256 of every red flag that marks the training data: shared and per-challenge, id, category,
    patterns, unless and extra categories (wording, citations and fixtures do not change training)."""
    flags = [("", f) for f in lib.shared.red_flags]
    flags += [(cid, f) for cid in sorted(lib.challenges) for f in lib.challenges[cid].red_flags]
    rows = [[cid, f.id, f.category, list(f.patterns), list(f.unless), list(getattr(f, "also", ())),
             bool(f.threatening)] for cid, f in flags]
    return "sha256:" + hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def model_text(data: dict, meta: dict) -> str:
    return to_text(data, meta)


def old_catalogue_misses(replies: list[Reply], rev: str = "67cbb03^") -> set[int] | None:
    """Dev-4 violating replies the red flags missed before dev-4 was used to tune them (fresh wording)."""
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tar = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "challenges"],
                                 capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=tar, check=True)
            old, _ = load_library(root=Path(tmp))
    except (OSError, subprocess.CalledProcessError):
        return None
    out = set()
    for i, r in enumerate(replies):
        if r.source == "dev-replies-4.yaml" and r.violating and r.challenge in old.challenges:
            if not find_violations(r.prepared, compiled(old.challenges[r.challenge], old.shared).flags):
                out.add(i)
    return out


def export(model, heads, threshold: float, cat_thresholds: tuple[float, ...]) -> dict:
    b, w = model
    weights = dict(sorted(w.items()))
    cb, cw = heads
    tables = [{f: row[j] for f, row in sorted(cw.items()) if row[j]} for j in range(len(CATEGORIES))]
    return {"version": 2, "features": "char 1-3-grams of ^clause$ over Prepared.flat",
            "threshold": round(1 / (1 + math.exp(-threshold)), 4), "bias": b, "weights": weights,
            "categories": list(CATEGORIES), "heads": "one-vs-rest", "cat_bias": cb, "cat_weights": tables,
            "cat_thresholds": list(cat_thresholds)}


def override_from_env() -> None:
    """SUSPECT_HP="L2=1e-4,EPOCHS=20" overrides hyper-parameters (for experiments with --cv-only)."""
    import os
    for item in filter(None, os.environ.get("SUSPECT_HP", "").split(",")):
        name, value = item.split("=")
        globals()[name] = type(globals()[name])(value)
        print(f"override {name} = {globals()[name]}")


def main() -> None:
    override_from_env()
    lib, _ = load_library()
    replies = load_replies(lib)
    mark_regex(replies, lib)
    n_v = sum(r.violating for r in replies)
    print(f"replies: {len(replies)} ({n_v} violating, {len(replies) - n_v} clean); "
          f"spans: {sum(len(r.spans) for r in replies)}")
    fold, oof, span_heads, trained = cross_validate(replies)
    clean_scores = [s[0] for r, s in zip(replies, oof) if not r.violating and not r.regex_hit]
    t = threshold_for(clean_scores, TARGET_FP)
    cv = report(replies, oof, t, f"{FOLDS}-fold cross-validation")
    cat_t = head_thresholds(replies, span_heads, t)
    print("  head thresholds (extra categories right >= "
          f"{HEAD_PRECISION:.0%}): " + ", ".join(f"{c} {v:.3f}" for c, v in zip(CATEGORIES, cat_t)))
    b, c = category_recall(replies, span_heads, t, cat_t)
    print(f"  model alone, violating replies with every labelled category: named {b}/{n_v}, "
          f"with the heads' extra categories {c}/{n_v}")
    cv["every_category_named"] = f"{b}/{n_v}"
    cv["every_category_with_heads"] = f"{c}/{n_v}"
    fresh = old_catalogue_misses(replies)
    if fresh:
        hit = sum(oof[i][0] >= t for i in fresh)
        print(f"  fresh wording (dev-4 violating replies the pre-dev-4 red flags missed): "
              f"{hit}/{len(fresh)} = {hit / len(fresh):.1%}")
        cv["fresh_wording_flagged"] = f"{hit}/{len(fresh)}"
    if "-v" in sys.argv:
        for (r, s) in sorted(zip(replies, oof), key=lambda x: -x[1][0]):
            if not r.violating and s[0] >= t - 1.0:
                print(f"    clean {s[0]:.2f} {r.source}: {r.text[:60]}")
        for (r, s) in zip(replies, oof):
            if r.violating and s[0] < t:
                print(f"    missed {s[0]:.2f} {r.source} {r.categories}: {r.text[:60]}")
    if "--cv-only" in sys.argv:
        return
    data = export(*average(trained), t, cat_t)
    shipped = from_json(data)
    flagged = [r for r in replies if not r.violating and
               max(shipped.probability(r.prepared.flat[s:e]) for s, e in r.spans) >= shipped.threshold]
    meta = {"training_data": data_hash(replies), "training_rows": len(replies),
            "training_sources": sorted(dict.fromkeys(r.source for r in replies)),
            "catalogue": catalogue_hash(lib), "hyper_parameters": {k: globals()[k] for k in HYPER},
            "cross_validated": cv, "training_clean_flagged_by_shipped": len(flagged)}
    text = model_text(data, meta)
    if "--check" in sys.argv:
        sys.exit(check(text))
    out = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else MODEL_PATH
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: {out.stat().st_size / 1024:.0f} KB, "
          f"{len(data['weights'])} weights; training clean replies flagged by the shipped model: {len(flagged)}")
    for r in flagged:
        print(f"    {r.source}: {r.text[:60]}")


def check(text: str) -> int:
    """0 when the retrained model is byte for byte the shipped one; else print what differs and return 1."""
    shipped = MODEL_PATH.read_text(encoding="utf-8")
    if text == shipped:
        print(f"retrain-check: {MODEL_PATH.relative_to(ROOT)} is reproduced byte for byte")
        return 0
    diff = list(difflib.unified_diff(shipped.splitlines(), text.splitlines(), "shipped", "retrained", n=0,
                                     lineterm=""))
    changed = sum(1 for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---")))
    print(f"retrain-check: the retrained model differs from {MODEL_PATH.relative_to(ROOT)} ({changed} lines):")
    print("\n".join(diff[:60]))
    if len(diff) > 60:
        print(f"... {len(diff) - 60} more diff lines")
    print("retrain with `python bench/train_suspect.py` and commit the model, or find what made training differ")
    return 1


if __name__ == "__main__":
    main()
