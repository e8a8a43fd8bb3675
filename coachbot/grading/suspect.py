"""A learned second signal for compliance violations the red-flag regexes miss.

A logistic model over character 1-3-grams of one clause of the normalised reply
(``Prepared.flat``; a clause and a clause joined to its neighbour are both
scored, so "不然，明天……" is read as one thought). A span is suspicious when
its probability reaches the model's threshold. One-vs-rest category heads over
the same features then say which rules a suspicious span breaks: the
likeliest category always, and any other whose head reaches its own
threshold (a threat to call the employer is a threat and a disclosure). All
are trained by ``bench/train_suspect.py`` (deterministic, cross-validated;
``make retrain-check`` retrains and compares byte for byte) and shipped as
``suspect_model.tsv``: metadata lines (training data and catalogue hashes,
hyper-parameters, cross-validated figures), then one n-gram per line with its
weight and each head's, so a retrain reads as a diff. Scoring is a few
dictionary look-ups per character. The grader adds the
categories the red flags did not already report.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from itertools import accumulate, pairwise
from pathlib import Path

from coachbot.grading.prepared import Prepared

MODEL_PATH = Path(__file__).with_name("suspect_model.tsv")
FORMAT = "coachbot-suspect-model 3"
MAX_N = 3
FLAG_PREFIX = "suspect:"
MAX_SUSPICIOUS_SPANS = 8   # spans whose categories are read, most suspicious first (bounds a long reply's cost)
# How a flagged reply is described: a likely violation, not a certain one.
LABELS = {
    "threat": "疑似威胁恐吓：措辞可能被客户理解为威胁、恐吓",
    "insult": "疑似辱骂贬损：措辞可能被客户理解为贬损、嘲讽",
    "impersonation": "疑似冒充机构：措辞可能被客户理解为冒充司法、行政或其他机构",
    "third-party-disclosure": "疑似向第三方透露：措辞可能被客户理解为要向第三方透露欠款",
    "false-consequence": "疑似虚假/夸大后果：措辞可能被客户理解为虚假或夸大的后果",
    "harassment": "疑似骚扰：措辞可能被客户理解为频繁或在不当时间联系",
    "debt-inducement": "疑似诱导借贷：措辞可能被客户理解为诱导借钱、套现还款",
}


# A laughing or smirking emoji mocks only next to a violation (the red flag ``mocking-emoji``, marked
# ``with_other``): the learned signal never sees it, or it would learn it as an insult on its own ("哈哈😂那咱周五还",
# "说定了周五🙂").
UNSEEN = frozenset("😂🤣😅🙂👍")


def grams(clause: str) -> list[str]:
    """Character 1..3-grams of a normalised clause, with ``^``/``$`` marking its ends (none with an ``UNSEEN``
    character: the model has no weight for them, so ``span_logits`` reads them as 0 too)."""
    s = f"^{clause}$"
    out: list[str] = []
    for n in range(1, MAX_N + 1):
        out.extend(g for i in range(len(s) - n + 1) if UNSEEN.isdisjoint(g := s[i:i + n]))
    return out


@dataclass(frozen=True)
class Model:
    bias: float
    weights: dict[str, float]
    categories: tuple[str, ...]
    cat_bias: tuple[float, ...]
    cat_weights: dict[str, tuple[tuple[int, float], ...]]   # n-gram -> ((category index, weight), ...)
    threshold: float
    cat_thresholds: tuple[float, ...] = ()                 # per head; a head at or above it adds its category

    def logit(self, clause: str) -> float:
        w = self.weights
        return self.bias + sum(w.get(g, 0.0) for g in grams(clause))

    def probability(self, clause: str) -> float:
        return _sigmoid(self.logit(clause))

    def category_scores(self, clause: str) -> dict[str, float]:
        """Each head's probability that the (suspicious) clause breaks its category."""
        z = list(self.cat_bias)
        cw = self.cat_weights
        for g in grams(clause):
            for k, v in cw.get(g, ()):
                z[k] += v
        return {c: _sigmoid(v) for c, v in zip(self.categories, z)}

    def category(self, clause: str) -> str:
        scores = self.category_scores(clause)
        return max(self.categories, key=lambda c: scores[c])

    def categories_of(self, clause: str, named: bool = True) -> list[str]:
        """Every category whose head reaches its threshold, likeliest first; with ``named``, always the likeliest."""
        scores = self.category_scores(clause)
        order = sorted(self.categories, key=lambda c: -scores[c])
        limits = dict(zip(self.categories, self.cat_thresholds))
        return [c for i, c in enumerate(order) if (named and i == 0) or scores[c] >= limits.get(c, 1.1)]


@dataclass(frozen=True)
class Suspicion:
    probability: float
    category: str
    start: int          # span of ``Prepared.flat``
    end: int


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def from_json(data: dict) -> Model:
    cats = tuple(data["categories"])
    cat_weights: dict[str, list[tuple[int, float]]] = {}
    for k, table in enumerate(data["cat_weights"]):
        for g, v in table.items():
            cat_weights.setdefault(g, []).append((k, v))
    return Model(
        bias=data["bias"], weights=dict(data["weights"]), categories=cats,
        cat_bias=tuple(data["cat_bias"]), cat_weights={g: tuple(v) for g, v in cat_weights.items()},
        threshold=data["threshold"],
        cat_thresholds=tuple(data.get("cat_thresholds") or (1.1,) * len(cats)),
    )


def _num(v: float) -> str:
    return "" if v == 0 else repr(v)


def to_text(data: dict, meta: dict) -> str:
    """The diff-friendly form of ``data`` (the dict ``from_json`` reads) with ``meta`` first.

    ``meta KEY VALUE`` lines (VALUE is JSON), the scalars and per-head lists, then a header and
    one line per n-gram, sorted: ``gram, weight, one column per category head`` (empty for 0).
    """
    cats = list(data["categories"])
    lines = [f"# {FORMAT}: the learned signal of coachbot/grading/suspect.py, written by bench/train_suspect.py",
             "# edit nothing by hand: `make retrain-check` retrains and compares this file byte for byte"]
    lines += [f"meta\t{k}\t{json.dumps(v, ensure_ascii=False, sort_keys=True)}" for k, v in meta.items()]
    lines += [f"features\t{data['features']}", f"threshold\t{data['threshold']!r}", f"bias\t{data['bias']!r}",
              "categories\t" + "\t".join(cats),
              "cat_bias\t" + "\t".join(repr(v) for v in data["cat_bias"]),
              "cat_thresholds\t" + "\t".join(repr(v) for v in data["cat_thresholds"]),
              "gram\tweight\t" + "\t".join(cats)]
    grams_all = set(data["weights"]).union(*data["cat_weights"])
    for g in sorted(grams_all):
        row = [_num(data["weights"].get(g, 0.0))] + [_num(t.get(g, 0.0)) for t in data["cat_weights"]]
        lines.append(g + "\t" + "\t".join(row))
    return "\n".join(lines) + "\n"


def parse_text(text: str) -> tuple[dict, dict]:
    """``(data, meta)`` from ``to_text``'s form; ``data`` is what ``from_json`` reads."""
    meta: dict = {}
    data: dict = {"weights": {}}
    rows = iter(text.splitlines())
    for line in rows:
        if line.startswith("#"):
            continue
        key, _, rest = line.partition("\t")
        if key == "meta":
            name, _, value = rest.partition("\t")
            meta[name] = json.loads(value)
        elif key in ("features",):
            data[key] = rest
        elif key in ("threshold", "bias"):
            data[key] = float(rest)
        elif key == "categories":
            data[key] = rest.split("\t")
        elif key in ("cat_bias", "cat_thresholds"):
            data[key] = [float(v) for v in rest.split("\t")]
        elif key == "gram":
            break
    tables: list[dict[str, float]] = [{} for _ in data["categories"]]
    weights = data["weights"]
    for line in rows:
        g, *cols = line.split("\t")
        if cols[0]:
            weights[g] = float(cols[0])
        for k, v in enumerate(cols[1:]):
            if v:
                tables[k][g] = float(v)
    data["cat_weights"] = tables
    return data, meta


_MODEL: Model | None = None


def load_model() -> Model:
    """The shipped model, read once."""
    global _MODEL
    if _MODEL is None:
        _MODEL = from_json(parse_text(MODEL_PATH.read_text(encoding="utf-8"))[0])
    return _MODEL


def model_meta() -> dict:
    """What the shipped model says of itself: data and catalogue hashes, hyper-parameters, CV figures."""
    return parse_text(MODEL_PATH.read_text(encoding="utf-8"))[1]


def units(reply: Prepared) -> list[tuple[int, int]]:
    """Spans scored: every clause, and every clause joined to the next one."""
    clauses = reply.clauses()
    out = list(clauses)
    out.extend((a[0], b[1]) for a, b in pairwise(clauses))
    return out


def unit_scores(reply: Prepared, model: Model | None = None) -> list[tuple[float, int, int]]:
    """(probability, start, end) for every scored span of the reply."""
    model = model or load_model()
    return [(model.probability(reply.flat[s:e]), s, e) for s, e in units(reply)]


def span_logits(flat: str, spans: list[tuple[int, int]], model: Model) -> list[float]:
    """``model.logit(flat[s:e])`` for every span, from running sums over ``flat`` (one pass of look-ups)."""
    get = model.weights.get
    n = len(flat)
    # Running sums of 1-, 2- and 3-gram weights: run_k[i] sums the k-grams starting before i.
    run1 = list(accumulate((get(c, 0.0) for c in flat), initial=0.0))
    run2 = list(accumulate((get(flat[i:i + 2], 0.0) for i in range(n - 1)), initial=0.0))
    run3 = list(accumulate((get(flat[i:i + 3], 0.0) for i in range(n - 2)), initial=0.0))
    ends = model.bias + get("^", 0.0) + get("$", 0.0)
    out = []
    for s, e in spans:
        z = ends + run1[e] - run1[s]
        if e - s >= 2:
            z += run2[e - 1] - run2[s]
        if e - s >= 3:
            z += run3[e - 2] - run3[s]
        z += get("^" + flat[s], 0.0) + get(flat[e - 1] + "$", 0.0)
        if e - s >= 2:
            z += get("^" + flat[s:s + 2], 0.0) + get(flat[e - 2:e] + "$", 0.0)
        else:
            z += get("^" + flat[s] + "$", 0.0)
        out.append(z)
    return out


def read_spans(scored, cut: float):
    """Suspicious spans in reading order, most suspicious first: ``(item, apart)`` pairs.

    ``scored`` holds items whose first two fields are a logit and a ``(start, end)`` span. At
    most ``MAX_SUSPICIOUS_SPANS`` items at or above ``cut`` are read. A span is ``apart`` when it
    neither holds nor lies inside a span read before it that was apart: only an apart span names
    its likeliest category (a clause and the clause pair holding it are one thought, not two).
    """
    taken: list[tuple[int, int]] = []
    for item in sorted(scored, key=lambda x: -x[0])[:MAX_SUSPICIOUS_SPANS]:
        z, (s, e) = item[0], item[1]
        if z < cut:
            break
        apart = not any((a <= s and e <= b) or (s <= a and b <= e) for a, b in taken)
        if apart:
            taken.append((s, e))
        yield item, apart


def _mostly_reported(reply: Prepared, start: int, end: int) -> bool:
    """Whether at least half of ``flat[start:end]`` is someone else's words (``Prepared.reported``)."""
    inside = sum(max(0, min(end, b) - max(start, a)) for a, b in reply.reported)
    return 2 * inside >= end - start


def suspicions(reply: Prepared, model: Model | None = None) -> list[Suspicion]:
    """One suspicion per category the suspicious spans break, likeliest first.

    An apart span (see ``read_spans``) names its likeliest category; every suspicious span
    adds the categories whose heads reach their thresholds.
    """
    model = model or load_model()
    spans = units(reply)
    logits = span_logits(reply.flat, spans, model) if spans else []
    cut = math.log(model.threshold / (1.0 - model.threshold))
    best: dict[str, Suspicion] = {}
    for (z, (s, e)), apart in read_spans(zip(logits, spans), cut):
        if _mostly_reported(reply, s, e):
            continue   # mostly the customer's words quoted back, or a scam warned of
        p = _sigmoid(z)
        for c in model.categories_of(reply.flat[s:e], named=apart):
            best.setdefault(c, Suspicion(p, c, s, e))
    return list(best.values())
