"""/script lookup: slug, alias, typo, Traditional, English, partial phrase, no match."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from coachbot.cli.main import main
from coachbot.content.lookup import ScriptIndex


@pytest.fixture(scope="module")
def index(library):
    return ScriptIndex(library.scripts)


@pytest.mark.parametrize("query, slug", [
    ("broken-promise", "broken-promise"),      # exact slug
    ("BROKEN-PROMISE", "broken-promise"),      # case
    ("broken promise", "broken-promise"),      # spaces for hyphens
    ("爽约", "broken-promise"),                 # Chinese alias
    ("broken-promis", "broken-promise"),       # typo
    ("idenity dispute", "identity-dispute"),   # typo in English words
    ("承诺还款又没还", "broken-promise"),        # partial phrase
    ("屢次爽約", "broken-promise"),              # Traditional input
    ("客戶去世了", "deceased"),                  # Traditional, with filler
    ("deceased", "deceased"),                  # English alias
    ("angry", "angry-debtor"),
    ("分期还款", "installment"),
    ("ｔｈｉｒｄ　ｐａｒｔｙ", "third-party"),    # full width
])
def test_lookup_finds_the_script(index, query, slug):
    result = index.lookup(query)
    assert result.match is not None, (query, [s.id for s in result.suggestions])
    assert result.match.id == slug


def test_no_confident_match_gives_at_most_five_suggestions(index):
    result = index.lookup("情绪")
    assert result.match is None
    assert 1 <= len(result.suggestions) <= 5
    assert {"emotional", "angry-debtor"} <= {s.id for s in result.suggestions}


def test_nonsense_gives_no_match_and_no_suggestions(index):
    result = index.lookup("哈哈哈哈")
    assert result.match is None and result.suggestions == ()


def test_cli_json_shape_for_a_match():
    out = CliRunner().invoke(main, ["script", "--json", "爽约"])
    assert out.exit_code == 0
    data = json.loads(out.output)
    assert set(data) == {"match", "suggestions", "script"}
    assert data["match"] == "broken-promise"
    assert data["script"]["id"] == "broken-promise" and data["script"]["steps"]


def test_cli_json_shape_for_no_match():
    data = json.loads(CliRunner().invoke(main, ["script", "--json", "情绪"]).output)
    assert data["match"] is None and data["script"] is None
    assert "emotional" in data["suggestions"]


def test_cli_text_prints_steps_and_avoid(library):
    out = CliRunner().invoke(main, ["script", "broken", "promise"]).output
    script = library.scripts["broken-promise"]
    assert script.title in out
    assert script.steps[0].say[0] in out
    assert "不要这样说" in out


def test_cli_without_query_lists_every_script_grouped_by_stage(library):
    out = CliRunner().invoke(main, ["script"]).output
    for slug in library.scripts:
        assert slug in out
    assert out.index("早期") < out.index("中期") < out.index("后期")
