"""The learned second compliance signal (coachbot/grading/suspect.py)."""

from __future__ import annotations

import json

import pytest

from coachbot.content.models import CATEGORIES
from coachbot.grading import grade_reply
from coachbot.grading.grader import find_violations, compiled
from coachbot.grading.prepared import prepare
from coachbot.grading.suspect import (
    FLAG_PREFIX, LABELS, MODEL_PATH, from_json, load_model, span_logits, suspect, top_unit, units,
)

# Hostile, indirect wording that no red-flag pattern matches.
HOSTILE = [
    ("您名下那套房子，我们的人过去看看就知道了。", "我们的人过去看看"),
    ("一把年纪了还欠钱，说出去都丢份儿。", "说出去都丢份儿"),
    ("我是市监局的，来核实您的欠款问题。", "我是市监局的"),
    ("这笔钱不还，您以后坐高铁都买不了票。", "坐高铁都买不了票"),
]
LAWFUL = ["逾期会按规定报送征信。", "银行有权依法起诉。", "我们不会联系您的家人。"]


@pytest.fixture(scope="module")
def challenge(library):
    return library.challenges["refuse-to-pay"]


def test_model_loads_once_and_is_compact():
    assert MODEL_PATH.stat().st_size <= 400 * 1024
    model = load_model()
    assert load_model() is model
    assert set(model.categories) == set(CATEGORIES) and set(LABELS) == set(CATEGORIES)
    assert 0.5 < model.threshold < 1.0
    assert model.weights


def test_scores_are_deterministic():
    text = "您再拖着不还，我们就安排同事去您单位坐坐。"
    fresh = from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
    assert top_unit(prepare(text)) == top_unit(prepare(text), fresh)


def test_fast_span_scores_equal_plain_scores():
    model = load_model()
    for text in [*(t for t, _ in HOSTILE), *LAWFUL, "好", "嗯。好的，行"]:
        reply = prepare(text)
        spans = units(reply)
        fast = span_logits(reply.flat, spans, model)
        plain = [model.logit(reply.flat[s:e]) for s, e in spans]
        assert fast == pytest.approx(plain, abs=1e-9)


@pytest.mark.parametrize("text,quote", HOSTILE)
def test_novel_hostile_sentences_are_flagged_with_a_quote(text, quote, challenge, library):
    assert not find_violations(prepare(text), compiled(challenge, library.shared).flags)  # regexes miss it
    g = grade_reply(challenge, text, library.shared)
    assert g.score == 0 and not g.passed and g.verdict == "violation"
    (v,) = g.violations
    assert v.flag_id == FLAG_PREFIX + v.category
    assert v.label.startswith("疑似") and v.rule
    assert quote in v.evidence.replace(",", "，") and v.evidence in text.replace("，", ",")


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_strict_sentences_are_not_suspected(text):
    assert suspect(prepare(text)) is None


def test_model_answers_are_not_suspected(library):
    for ch in library.challenges.values():
        assert suspect(prepare(ch.model_answer)) is None, ch.id


def test_grader_consults_the_model_only_when_no_red_flag_matched(challenge, library, monkeypatch):
    import coachbot.grading.grader as grader

    calls = []
    real = grader.suspect
    monkeypatch.setattr(grader, "suspect", lambda reply: calls.append(reply) or real(reply))
    g = grade_reply(challenge, "你这个老赖，再不还就让你坐牢。", library.shared)
    assert g.violations and not calls
    assert all(not v.flag_id.startswith(FLAG_PREFIX) for v in g.violations)
    grade_reply(challenge, "王先生，理解您现在手头紧，我们先看看能不能分期。", library.shared)
    assert len(calls) == 1
