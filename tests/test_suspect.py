"""The learned second compliance signal (coachbot/grading/suspect.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from coachbot.content.models import CATEGORIES
from coachbot.grading import grade_reply
from coachbot.grading.prepared import prepare
from coachbot.grading.suspect import (
    FLAG_PREFIX,
    LABELS,
    MODEL_PATH,
    from_json,
    load_model,
    model_meta,
    parse_text,
    span_logits,
    suspicions,
    to_text,
    units,
)


def top_logit(text: str, model=None) -> float:
    """The reply's suspicion: its most suspicious span's logit."""
    reply = prepare(text)
    return max(span_logits(reply.flat, units(reply), model or load_model()))

# Hostile, indirect wording that no red-flag pattern matches.
HOSTILE = [
    ("您名下那套房子，我们的人过去看看就知道了。", "我们的人过去看看"),
    ("这么大个人了，欠点钱还躲躲藏藏的，真不像话。", "躲躲藏藏"),
    ("您住的那个小区，我们同事下午顺路过去转转。", "顺路过去转转"),
    ("这么点钱都还不上，您这日子过得可真够呛。", "可真够呛"),
]
LAWFUL = ["逾期会按规定报送征信。", "银行有权依法起诉。", "我们不会联系您的家人。"]
# Hostile too, but below the (conservative) threshold: they must still outrank lawful wording.
BORDERLINE = ["我们这边是市场监管的，专门查您这种情况。", "这钱不还，您以后出门住酒店都受限。",
              "明天起您的外卖和打车软件都用不了。"]


@pytest.fixture(scope="module")
def challenge(library):
    return library.challenges["refuse-to-pay"]


def test_model_loads_once_and_is_compact():
    assert MODEL_PATH.stat().st_size <= 1536 * 1024   # one n-gram per line; ~10,000 training replies since round 21
    model = load_model()
    assert load_model() is model
    assert set(model.categories) == set(CATEGORIES) and set(LABELS) == set(CATEGORIES)
    assert 0.5 < model.threshold < 1.0
    assert model.weights


def test_scores_are_deterministic():
    text = "您再拖着不还，我们就安排同事去您单位坐坐。"
    fresh = from_json(parse_text(MODEL_PATH.read_text(encoding="utf-8"))[0])
    assert top_logit(text) == top_logit(text, fresh)
    assert suspicions(prepare(text)) == suspicions(prepare(text), fresh)


def test_fast_span_scores_equal_plain_scores():
    model = load_model()
    for text in [*(t for t, _ in HOSTILE), *LAWFUL, "好", "嗯。好的，行"]:
        reply = prepare(text)
        spans = units(reply)
        fast = span_logits(reply.flat, spans, model)
        plain = [model.logit(reply.flat[s:e]) for s, e in spans]
        assert fast == pytest.approx(plain, abs=1e-9)


@pytest.fixture(scope="module")
def no_flags(library):
    """The shipped catalogue emptied: what the learned signal alone makes of a reply, whatever rules are added."""
    return replace(library.shared, red_flags=())


@pytest.mark.parametrize("text,quote", HOSTILE)
def test_novel_hostile_sentences_are_suspected_with_a_quote(text, quote, challenge, no_flags):
    g = replace(challenge, red_flags=())
    g = grade_reply(g, text, no_flags)
    assert g.score == 0 and not g.passed and g.verdict == "violation"
    (v,) = g.violations
    assert v.flag_id == FLAG_PREFIX + v.category
    assert v.label.startswith("疑似") and v.rule
    assert quote in v.evidence.replace(",", "，") and v.evidence in text.replace("，", ",")


def test_hostile_wording_outranks_lawful_wording_even_below_the_threshold():
    hostile = [top_logit(t) for t in [*(t for t, _ in HOSTILE), *BORDERLINE]]
    lawful = [top_logit(t) for t in LAWFUL]
    assert min(hostile) > max(lawful)


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_strict_sentences_are_not_suspected(text):
    assert suspicions(prepare(text)) == []


def test_model_answers_are_not_suspected(library):
    for ch in library.challenges.values():
        assert suspicions(prepare(ch.model_answer)) == [], ch.id


def test_learned_signal_adds_only_categories_the_red_flags_missed(challenge, library):
    # The red flags find the insult and the threat; the model must not report them again.
    g = grade_reply(challenge, "你这个老赖，再不还就让你坐牢。", library.shared)
    regex = [v for v in g.violations if not v.flag_id.startswith(FLAG_PREFIX)]
    assert {v.category for v in regex} >= {"insult", "threat"}
    learned = [v for v in g.violations if v.flag_id.startswith(FLAG_PREFIX)]
    assert not {v.category for v in learned} & {v.category for v in regex}


def test_learned_signal_completes_a_reply_the_red_flags_only_half_caught(challenge, library, no_flags):
    # A sworn-at customer (a red flag) and a veiled visit (the learned signal): only the insult's rule is kept,
    # so adding a correct rule for the visit elsewhere cannot break this test.
    insult = tuple(f for f in library.shared.red_flags if f.id == "insult")
    text = "你这个老赖。您住的那个小区，我们同事下午顺路过去转转。"
    g = grade_reply(replace(challenge, red_flags=()), text, replace(no_flags, red_flags=insult))
    by_kind = {v.category: v.certain for v in g.violations}
    assert by_kind.get("insult") is True
    assert {c for c, certain in by_kind.items() if certain is False} & {"threat", "harassment"}   # a visit: either
    assert g.score == 0 and not g.passed and g.certain


def test_a_reply_only_the_learned_signal_suspects_is_provisional_and_says_so(challenge, no_flags):
    g = grade_reply(replace(challenge, red_flags=()), HOSTILE[0][0], no_flags)
    assert g.violations and not g.certain and all(not v.certain for v in g.violations)
    assert g.notes[0].startswith("疑似") and "组长复核" in g.notes[0]
    assert all(f["certain"] is False for f in g.as_json()["findings"])


def test_model_file_is_one_feature_per_line_with_its_metadata():
    text = MODEL_PATH.read_text(encoding="utf-8")
    data, meta = parse_text(text)
    assert to_text(data, meta) == text                              # the file is exactly its own rendering
    header = next(i for i, line in enumerate(text.splitlines()) if line.startswith("gram\t"))
    rows = text.splitlines()[header + 1:]
    assert len(rows) == len({r.split("\t")[0] for r in rows})       # one line per n-gram, each once
    assert rows == sorted(rows, key=lambda r: r.split("\t")[0])
    assert model_meta() == meta


def test_heads_name_every_category_of_a_two_sided_clause():
    model = load_model()
    assert len(model.cat_thresholds) == len(model.categories)
    assert all(0.5 <= t <= 1.1 for t in model.cat_thresholds)
    cats = model.categories_of("我们这边是市场监管的专门查您这种情况")
    assert cats[0] == "impersonation"
    assert model.categories_of("好的", named=False) == []
