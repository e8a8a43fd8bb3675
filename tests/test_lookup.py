"""/script lookup: names (slug, alias, typo, Traditional, English) and situations (quotes, narration, pinyin)."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from coachbot.cli.main import main
from coachbot.content.library import load_library
from coachbot.content.lookup import ScriptIndex
from coachbot.domain.teams import Settings, Team
from coachbot.platforms.fake import FakeChat
from coachbot.runtime.app import build
from coachbot.usecases.dispatch import handle
from coachbot.usecases.ports import Incoming

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


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


# ---------------------------------------------------------------- situations, not names


@pytest.mark.parametrize("query, slug", [
    ("shuangyue", "broken-promise"),                       # raw pinyin
    ("fenqi huankuan", "installment"),                     # pinyin, two words
    ("fqhk", "installment"),                               # initials
    ("霜约", "broken-promise"),                             # homophone typo (IME)
    ("头诉", "complaint"),                                  # homophone typo, fuzzy s/sh
    ("客戶說他已經還清了", "already-paid"),                   # Traditional
    ("家屬說人已經過世了", "deceased"),
    ("随便你们起诉好了", "late-stage"),                       # the customer's own words
    ("我这卡根本没办过，身份证被人拿去用了", "identity-dispute"),
    ("客户说不是不想还，是真拿不出钱", "unable-to-pay"),          # a double negative is a yes
    ("客户一上来就骂人", "angry-debtor"),                     # a situation narrated
    ("他家里人说人过世了", "deceased"),                       # news of a death beats who answered
    ("接电话的是他女儿，说她爸上个月没了", "deceased"),
    ("客户很冷静，问违约金按什么标准收", "rational"),            # a calm question about fees
    ("逾期两天，以前从没晚过", "early-reminder"),               # an overdue age points at its stage
    ("拖了大半年，打了无数次", "late-stage"),
    ("customer lost his job", "lost-job"),                 # English
])
def test_lookup_understands_the_situation(index, query, slug):
    result = index.lookup(query)
    assert result.match is not None, (query, index.ranked(query)[:3])
    assert result.match.id == slug


@pytest.mark.parametrize("query", ["情绪", "他说过两天还", "还款"])
def test_an_ambiguous_query_is_never_a_confident_match(index, query):
    result = index.lookup(query)
    assert result.match is None and len(result.suggestions) >= 2


def test_a_close_call_lists_both_scripts_with_when_to_use_each(library):
    out = CliRunner().invoke(main, ["script", "情绪"]).output
    assert "都接近" in out
    for slug in ("angry-debtor", "emotional"):
        script = library.scripts[slug]
        assert f"/script {slug}  {script.title}" in out
        assert "适用：" + script.when.split("；")[0].rstrip("。") in out


def test_json_contract_is_unchanged_for_matches_suggestions_and_nothing():
    runner = CliRunner()
    for query in ("家属说人已经过世了", "情绪", "哈哈哈哈"):
        data = json.loads(runner.invoke(main, ["script", "--json", query]).output)
        assert set(data) == {"match", "suggestions", "script"}
        assert isinstance(data["suggestions"], list) and all(isinstance(s, str) for s in data["suggestions"])
        assert (data["match"] is None) == (data["script"] is None)
    data = json.loads(runner.invoke(main, ["script", "--json", "家属说人已经过世了"]).output)
    assert data["match"] == "deceased" and data["script"]["id"] == "deceased" and data["script"]["steps"]


def test_not_found_says_what_was_searched_and_offers_the_index(library):
    out = CliRunner().invoke(main, ["script", "哈哈哈哈"]).output
    assert "没有找到与「哈哈哈哈」相关的话术" in out and f"{len(library.scripts)} 个话术" in out
    assert "别名" in out and "客户原话" in out and "拼音" in out
    assert all(slug in out for slug in library.scripts)
    assert out.index("早期") < out.index("中期") < out.index("后期")


def test_a_team_folder_script_is_indexed_like_a_shipped_one(tmp_path):
    folder = tmp_path / "team"
    (folder / "playbook").mkdir(parents=True)
    (folder / "playbook" / "team-gambling.yaml").write_text(
        "id: team-gambling\ntitle: 客户赌博欠债\naliases: [赌债]\n"
        "keywords: [赌博, 输光了, 网赌]\nsays: [我把钱都输在牌桌上了]\n"
        "stage: mid\ntags: [hard-cases]\nwhen: 客户因赌博欠下多笔债务时使用。\n"
        "steps:\n  - move: 先了解现状\n    say: [您现在还有固定收入吗？]\n"
        "avoid:\n  - say: 赌鬼活该。\n    rule: 不得侮辱客户\n", encoding="utf-8")
    (folder / "playbook" / "_synonyms.yaml").write_text("赌博: [耍钱]\n", encoding="utf-8")
    lib, problems = load_library([folder])
    assert problems == []
    index = ScriptIndex(lib.scripts, synonyms=lib.synonyms)
    for query in ("客户说钱都输在牌桌上了", "dubo", "他天天耍钱"):   # its says line, pinyin, a team synonym
        result = index.lookup(query)
        assert result.match is not None and result.match.id == "team-gambling", query
    assert index.lookup("爽约").match.id == "broken-promise"


def test_a_challenge_s_customer_line_finds_the_script_it_practises(library):
    assert library.scripts["complaint"].cases[0][0] == library.challenges["complaint-threat"].customer_says
    assert library.scripts["no-answer"].cases and not library.scripts["hesitant"].cases[1:]


def test_validate_warns_when_two_scripts_names_collide(tmp_path):
    folder = tmp_path / "team"
    (folder / "playbook").mkdir(parents=True)
    (folder / "playbook" / "team-late.yaml").write_text(
        "id: team-late\ntitle: 团队的拖延客户\naliases: [霜约, 放鸽子]\nstage: mid\ntags: [hard-cases]\n"
        "when: 客户一拖再拖时使用。\nsteps:\n  - move: 问原因\n    say: [是遇到什么情况了？]\n"
        "avoid:\n  - say: 你就是个骗子。\n    rule: 不得侮辱客户\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["validate", str(folder)])
    assert out.exit_code == 0, out.output                        # warnings only: validate passes
    assert "team-late.yaml:3: aliases.0: warning: '霜约' sounds like '爽约' of script 'broken-promise'" in out.output
    assert "aliases.1: warning: '放鸽子' is also a keyword of script 'broken-promise'" in out.output
    assert "2 warning(s)" in out.output


def test_validate_refuses_a_bad_signal_pattern(tmp_path):
    path = tmp_path / "playbook" / "team-x.yaml"
    path.parent.mkdir()
    path.write_text("id: team-x\ntitle: 测试\naliases: [测试话术]\nkeywords: ['re:(a+)+$']\nstage: mid\n"
                    "tags: [hard-cases]\nwhen: 测试时使用。\nsteps:\n  - move: 问\n    say: [您好]\n"
                    "avoid:\n  - say: 滚。\n    rule: 不得侮辱客户\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["validate", str(path)])
    assert out.exit_code == 1 and "keywords.0: bad regular expression" in out.output


def test_chat_lookup_answers_a_close_call_and_lists_by_stage_without_a_query(tmp_path, library):
    settings = Settings(teams=(Team(id="t1", name="一组", channels={"fake": ("C1",)}),),
                        database=str(tmp_path / "coach.db"))
    bot = build(settings, FakeChat(), library=library)
    try:
        def ask(text: str) -> str:
            msg = Incoming(platform="fake", channel="C1", user="u1", user_name="u1", text=text)
            [reply] = handle(bot.coach, msg, NOW)
            return reply.message.fallback
        assert bot.coach.script_index is bot.coach.script_index            # built once per library
        close = ask("/script 情绪")
        assert "/script angry-debtor" in close and "/script emotional" in close and "适用：" in close
        listing = ask("/script")
        assert listing.index("早期") < listing.index("中期") < listing.index("后期")
        assert "屡次爽约的客户" in ask("/script shuangyue")
    finally:
        bot.close()


@pytest.mark.parametrize(("query", "expect"), [
    ("客人话上个礼拜已经过咗数", "already-paid"),      # Cantonese: 过咗数 = paid, not 过咗身 (died)
    ("佢已经过咗身", "deceased"),
    ("佢成日话要再谂下", "hesitant"),
    ("打咗十几次佢都唔接", "no-answer"),
    ("overdue 45日都未还", "late-stage"),             # an English keyword with a Chinese unit
])
def test_cantonese_and_mixed_phrasing(library, query, expect):
    index = ScriptIndex(library.scripts, synonyms=library.synonyms)
    assert index.lookup(query).match.id == expect


@pytest.mark.parametrize("name", ["lookup-L1", "lookup-L2", "lookup-L3", "lookup-L4"])
def test_the_tuned_on_query_sets_stay_found(library, name):
    """A safety net for ranking changes: the sets lookup was tuned on keep their figures (the held-out sets
    are reported in the README, not asserted, so they stay evidence rather than targets)."""
    import yaml

    from .conftest import ROOT

    index = ScriptIndex(library.scripts, synonyms=library.synonyms)
    items = yaml.safe_load((ROOT / "tests" / "data" / "lookup" / f"{name}.yaml").read_text(encoding="utf-8"))
    found = top4 = wrong = 0
    for item in items:
        ok = {item["expect"], *(item.get("also_ok") or [])}
        result = index.lookup(item["query"])
        names = [s.id for s in ([result.match] if result.match else [])] + [s.id for s in result.suggestions[:3]]
        found += result.match is not None and result.match.id in ok
        top4 += bool(ok & set(names))
        wrong += result.match is not None and result.match.id not in ok
    assert found / len(items) >= 0.9 and top4 / len(items) >= 0.98 and wrong <= 1, (found, top4, wrong)
