"""Chatter is never taken for an answer, and no real answer is taken for chatter. Each rule's own examples."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from coachbot.domain.chatter import RULES, chatter_reason

DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_each_rule_catches_its_examples_and_spares_real_answers(rule):
    assert [m for m in rule.match if chatter_reason(m) is None] == []
    assert [m for m in rule.no_match if chatter_reason(m) is not None] == []


@pytest.mark.parametrize("text", ["", "   ", "😂😂", "👍🏻", "。。。", "\u200b\u200b", "!!!", "？"])
def test_emoji_punctuation_and_invisible_characters_are_not_answers(text):
    assert chatter_reason(text) is not None


def test_every_labelled_reply_that_says_something_is_an_answer(library):
    """Thousands of replies written as answers: only the few that say nothing at all read as chatter."""
    taken = []
    for path in sorted(DATA.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            if chatter_reason(item["text"]) is not None:
                taken.append((item["label"], item["text"]))
    # a weak reply that only acknowledges ("哦哦，好的，知道了。", G14) is chatter; nothing longer or better is
    assert all(label == "weak" and len(text) <= 10 for label, text in taken), taken
    assert [c.id for c in library.challenges.values() if chatter_reason(c.model_answer)] == []
