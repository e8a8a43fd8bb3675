"""The bot's own wording: one module per language, the same entries and placeholders in each."""

from __future__ import annotations

import string

import pytest

from coachbot.present.strings import En, Zh, strings

ENTRIES = sorted(k for k in vars(Zh) if not k.startswith("_"))


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_unknown_languages_read_chinese():
    assert strings(None) is Zh and strings("fr") is Zh and strings("en") is En


@pytest.mark.parametrize("name", ENTRIES)
def test_english_overrides_every_entry_with_the_same_placeholders(name):
    zh, en = getattr(Zh, name), vars(En).get(name)
    assert en is not None, f"En does not define {name}"
    assert type(en) is type(zh)
    if isinstance(zh, str):
        assert placeholders(en) == placeholders(zh), name
    elif isinstance(zh, dict):
        assert set(en) == set(zh), name
        for key in zh:
            assert placeholders(str(en[key])) == placeholders(str(zh[key])), (name, key)


def test_templates_format_with_their_placeholders():
    for cls in (Zh, En):
        for name in ENTRIES:
            value = getattr(cls, name)
            if isinstance(value, str) and placeholders(value):
                args = {p: 1 if p == "rank" else "x" for p in placeholders(value)}
                assert value.format(**args)
