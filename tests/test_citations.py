"""The citations registry: loading, the checks `validate` makes, the one rendering format, `coachbot citations`,
a team's own company-policy entries, and what shipped content must no longer cite."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from coachbot.cli.main import main
from coachbot.content.citations import render, render_ids, with_citations
from coachbot.content.library import citation_counts, load_library, validate_paths
from coachbot.content.models import BINDINGS, Citation, Registry
from coachbot.grading import grade_reply
from coachbot.present.views import lesson

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "citations" / "registry.yaml"
VERIFIED = date(2026, 12, 7)     # the day the shipped entries were read


def entry(cid: str, **fields) -> Citation:
    base = dict(id=cid, title="标题", short_title="标题", issuer="发布机关", doc_number="", version="", effective=None,
                article="", paragraph="", item="", quote="原文", source="https://example.invalid", source_kind="none",
                verified_on=VERIFIED, status="in_force", binding="law")
    return Citation(**{**base, **fields})


LEVELS = {"law": "", "regulation": "", "self_regulation": "行业自律", "national_standard": "推荐性国家标准",
          "company_policy": "公司规定", "us_comparison": "美国法比照"}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def team_registry(folder: Path, *, cid: str = "team-no-weekend-calls", verified: str = "2026-11-20",
                  status: str = "in_force") -> Path:
    return write(folder / "citations" / "team.yaml", f"""\
entries:
  - id: {cid}
    title: 华东一组作业规定：周末不打催收电话
    short_title: 华东一组作业规定·周末
    issuer: 华东一组合规负责人
    version: 2026版
    effective: 2026-11-01
    quote: 周六、周日不拨打催收电话
    source: internal — 华东一组作业手册第3页
    source_kind: internal
    verified_on: {verified}
    status: {status}
    binding: company_policy
""")


def team_flag(folder: Path, cites: str) -> Path:
    return write(folder / "challenges" / "_red-flags.yaml", f"""\
flags:
  - id: team-weekend-call
    category: harassment
    label: 约在周末打催收电话
    rule: 周末不打催收电话
    cites: {cites}
    patterns: ["(周六|周日|周末)(我|我们)?(再)?(给您|给你)?打"]
""")


# ------------------------------------------------------------------ the shipped registry


def test_the_shipped_registry_loads_and_every_entry_is_complete(library):
    registry = library.shared.citations
    raw = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    assert len(registry.entries) == len(raw["entries"]) >= 40
    assert set(registry.levels) == set(BINDINGS)
    for c in registry.entries.values():
        assert c.title and c.issuer and c.binding in BINDINGS, c.id
        assert c.verified_on <= date.today(), c.id
        if c.status == "in_force":
            assert c.quote and c.source, c.id
        if c.status == "superseded":
            assert c.superseded_by in registry.entries, c.id


def test_every_shipped_rule_cites_the_registry(library):
    """Red flags, the grader's own rules and every playbook avoid rule rest on registry entries."""
    shared = library.shared
    for flag in [*shared.red_flags, *(f for ch in library.challenges.values() for f in ch.red_flags)]:
        assert flag.cites, flag.id
    for script in library.scripts.values():
        for avoid in script.avoid:
            assert avoid.cites, (script.id, avoid.say)
    assert shared.coercion.cites and shared.general.cites
    assert shared.coercion.rule.startswith("催收不得以威胁、恐吓手段迫使还款（")


def test_shipped_content_no_longer_cites_superseded_or_wrong_provisions(library):
    """治安管理处罚法 Art. 42 (superseded 2026-01-01) and PIPL Art. 13 (legal bases, not disclosure) are gone,
    whether written into the text or cited by id; NIFA's replaced guideline and the unverifiable instruments too."""
    banned_text = [re.compile(r"治安管理处罚法[^；;。]{0,12}第\s*(42|四十二)\s*条"),
                   re.compile(r"个人信息保护法[^；;。]{0,12}第\s*(13|十三)\s*条"),
                   re.compile(r"互联网金融贷后催收业务指引|互金(协会)?(贷后)?催收(业务)?指引|自律公约|行业催收作业规范")]
    for kind in ("tips", "playbook", "challenges"):
        for path in (ROOT / kind).glob("*.yaml"):
            text = path.read_text(encoding="utf-8")
            for rx in banned_text:
                assert not rx.search(text), (path.name, rx.pattern)
    shown = [f.rule for f in library.shared.red_flags]
    for ch in library.challenges.values():
        shown += [f.rule for f in ch.red_flags] + [c.feedback for c in ch.criteria]
    shown += [a.rule for s in library.scripts.values() for a in s.avoid] + [t.basis for t in library.tips.values()]
    for text in shown:
        for rx in banned_text:
            assert not rx.search(text), text
    counts = citation_counts(library)
    not_citable = [c.id for c in library.shared.citations.entries.values() if c.status != "in_force"]
    assert not_citable and all(counts[cid] == 0 for cid in not_citable)
    assert counts["pipl-art13"] == 0 and counts["psl-2025-art50-1-5"] > 0 and counts["pipl-art10"] > 0


def test_the_late_call_rule_is_taught_as_team_policy_not_law(library):
    ch = library.challenges["wrong-time-callback"]
    flag = next(f for f in ch.red_flags if f.id == "agree-late-call")
    assert flag.cites == ("policy-no-late-callbacks",) and "公司规定：" in flag.rule
    assert "按我们公司的规定" in ch.model_answer
    grade = grade_reply(ch, "好的黄先生，那就晚上11点，等您下班了我再给您打。", library.shared)
    assert [v.category for v in grade.violations] == ["harassment"]
    assert "公司规定：《团队作业规定·夜间不安排催收回电》" in grade.violations[0].rule
    standard = library.shared.citations.get("gbt45251-2025-hours")
    assert standard is not None and "未约定" in standard.quote       # the instruments allow an agreed call


# ------------------------------------------------------------------ rendering


def test_rendering_format_and_binding_level_labels():
    psl = entry("psl", short_title="治安管理处罚法", version="2025修订", article="50", paragraph="1", item="5")
    assert render(psl, LEVELS) == "《治安管理处罚法》（2025修订）第50条第1款第（五）项"
    card = entry("card", short_title="商业银行信用卡业务监督管理办法", version="2011", article="68", binding="regulation")
    assert render(card, LEVELS) == "《商业银行信用卡业务监督管理办法》（2011）第68条"
    cba = entry("cba", short_title="金融机构个人消费类贷款催收工作指引（试行）", version="2026-01-30发布",
                binding="self_regulation")
    assert render(cba, LEVELS) == "行业自律：《金融机构个人消费类贷款催收工作指引（试行）》（2026-01-30发布）"
    std = entry("std", short_title="互联网金融 个人网络消费信贷 贷后催收风控指引", version="GB/T 45251—2025",
                binding="national_standard")
    assert render(std, LEVELS).startswith("推荐性国家标准：《互联网金融")
    policy = entry("policy", short_title="团队作业规定·周末", binding="company_policy")
    assert render(policy, LEVELS) == "公司规定：《团队作业规定·周末》"
    us = entry("us", short_title="FDCPA 15 U.S.C.", article="1692e", item="4", jurisdiction="us",
               binding="us_comparison")
    assert render(us, LEVELS) == "美国法比照：FDCPA 15 U.S.C. §1692e(4)"
    crime = entry("crime", short_title="刑法", article="293之一", item="12")
    assert render(crime, LEVELS) == "《刑法》第293条之一第（十二）项"


def test_several_provisions_of_one_instrument_are_cited_together():
    registry = Registry(levels=LEVELS, entries={
        "a": entry("a", short_title="民法典", version="2020", article="1064", paragraph="1"),
        "b": entry("b", short_title="民法典", version="2020", article="1161", paragraph="1"),
        "c": entry("c", short_title="指引", binding="self_regulation"),
        "d": entry("d", short_title="指引", binding="self_regulation"),
    })
    assert render_ids(registry, ("a", "c", "b", "d")) == "《民法典》（2020）第1064条第1款、第1161条第1款；行业自律：《指引》"
    assert with_citations("不得这样说。", ("a",), registry) == "不得这样说（《民法典》（2020）第1064条第1款）。"
    assert with_citations("不得这样说", (), registry) == "不得这样说"


def test_a_lesson_shows_what_its_tip_rests_on(library):
    tip = library.tips["compliance-no-calls-after-ten"]
    message = lesson(tip)
    basis = message.sections[-1]
    assert basis.heading == "依据" and basis.text == tip.basis
    assert "推荐性国家标准：" in tip.basis and "公司规定：" in tip.basis
    assert lesson(tip, lang="en").sections[-1].heading == "Based on"
    assert len(lesson(library.tips["listen-to-the-end"]).sections) == 2     # a tip that cites nothing


# ------------------------------------------------------------------ what validate refuses


@pytest.mark.parametrize(("cites", "message"), [
    ("[no-such-law]", "unknown citation id 'no-such-law'"),
    ("[psl-2012-art42-1-5]", "'psl-2012-art42-1-5' is superseded, replaced by 'psl-2025-art50-1-5'"),
    ("[psl-2025-art50-1-1]", "'psl-2025-art50-1-1' is unverified"),
])
def test_validate_refuses_unknown_superseded_and_unverified_citations(tmp_path, cites, message):
    path = team_flag(tmp_path, cites)
    problems, _ = validate_paths([tmp_path], today=VERIFIED)
    assert [(p.path, p.line, p.field) for p in problems] == [(str(path), 6, "flags.0.cites.0")]
    assert message in problems[0].message
    _, loaded = load_library([tmp_path])          # the bot reports it too, and leaves the file out
    assert any(p.field == "flags.0.cites.0" for p in loaded)


def test_validate_refuses_an_article_written_into_a_rule(tmp_path):
    path = write(tmp_path / "playbook" / "team-script.yaml", """\
id: team-script
title: 团队话术
aliases: [团队话术测试]
stage: any
tags: [compliance]
when: 测试
steps:
  - move: 说明
    say: [您好]
avoid:
  - say: 不还就抓你
    rule: 违反治安管理处罚法第42条
related: []
""")
    problems, _ = validate_paths([tmp_path], today=VERIFIED)
    assert [(p.path, p.line, p.field) for p in problems] == [(str(path), 12, "avoid.0.rule")]
    assert "cite it by registry id" in problems[0].message


def test_validate_reports_a_verification_older_than_twelve_months_with_a_fixed_clock(tmp_path):
    path = team_registry(tmp_path, verified="2025-12-06")
    team_flag(tmp_path, "[team-no-weekend-calls]")
    assert validate_paths([tmp_path], today=date(2026, 12, 6))[0] == []          # exactly 12 months: still fine
    problems, _ = validate_paths([tmp_path], today=date(2026, 12, 7))
    assert [(p.path, p.line, p.field) for p in problems] == [(str(path), 11, "entries.0.verified_on")]
    assert "team-no-weekend-calls was last verified on 2025-12-06, more than 12 months ago" in problems[0].message
    _, loaded = load_library([tmp_path])            # age alone never stops the bot: validate is the check
    assert loaded == []


def test_the_shipped_registry_goes_stale_a_year_after_it_was_read():
    fresh, _ = validate_paths([REGISTRY], today=date(2027, 12, 7))
    stale, _ = validate_paths([REGISTRY], today=date(2027, 12, 8))
    entries = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))["entries"]
    assert fresh == []
    assert len(stale) == len(entries) and all(p.field.endswith(".verified_on") for p in stale)


def test_validate_cli_prints_path_line_field_message_and_exits_1(tmp_path):
    team_registry(tmp_path, verified="2025-01-02")
    team_flag(tmp_path, "[team-no-weekend-calls, pipl-art13x]")
    result = CliRunner().invoke(main, ["validate", str(tmp_path), "--as-of", "2026-12-07"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert f"{tmp_path}/challenges/_red-flags.yaml:6: flags.0.cites.1: unknown citation id 'pipl-art13x'; did you " \
           "mean 'pipl-art13'? (coachbot citations lists the registry)" in lines
    assert any(line.startswith(f"{tmp_path}/citations/team.yaml:11: entries.0.verified_on: ") for line in lines)


def test_a_registry_file_is_checked_field_by_field(tmp_path):
    path = write(tmp_path / "citations" / "bad.yaml", """\
binding_levels:
  law_ish: 法律
entries:
  - id: Bad_Id
    title: 标题
    issuer: 机关
    verified_on: someday
    status: in_force
    binding: custom
    source_kind: none
""")
    problems, _ = validate_paths([tmp_path], today=VERIFIED)
    fields = {(p.line, p.field) for p in problems if p.path == str(path)}
    assert {(2, "binding_levels.law_ish"), (4, "entries.0.id"), (7, "entries.0.verified_on"),
            (9, "entries.0.binding"), (4, "entries.0.quote"), (4, "entries.0.source")} <= fields


# ------------------------------------------------------------------ a team's own entries


def test_a_teams_company_policy_is_loaded_rendered_cited_and_graded(tmp_path, library):
    team_registry(tmp_path)
    team_flag(tmp_path, "[team-no-weekend-calls]")
    lib, problems = load_library([tmp_path])
    assert problems == []
    assert len(lib.shared.citations.entries) == len(library.shared.citations.entries) + 1
    flag = next(f for f in lib.shared.red_flags if f.id == "team-weekend-call")
    assert flag.rule == "周末不打催收电话（公司规定：《华东一组作业规定·周末》（2026版））"
    grade = grade_reply(lib.challenges["broken-promise"], "好的王先生，那周六我再给您打，您看行吗？", lib.shared)
    assert [(v.category, v.rule) for v in grade.violations] == [("harassment", flag.rule)]
    assert validate_paths([tmp_path], today=VERIFIED)[0] == []


def test_a_team_can_replace_a_shipped_policy_entry(tmp_path, library):
    write(tmp_path / "citations" / "ours.yaml", """\
entries:
  - id: policy-no-late-callbacks
    title: 华东一组作业规定：夜间联系
    short_title: 华东一组作业规定·夜间联系
    issuer: 华东一组合规负责人
    quote: 21:00以后不拨打催收电话
    source: internal — 华东一组作业手册
    source_kind: internal
    verified_on: 2026-12-01
    status: in_force
    binding: company_policy
""")
    lib, problems = load_library([tmp_path])
    assert problems == []
    flag = next(f for f in lib.challenges["wrong-time-callback"].red_flags if f.id == "agree-late-call")
    assert flag.rule.endswith("（公司规定：《华东一组作业规定·夜间联系》）")


# ------------------------------------------------------------------ coachbot citations


def _cited_in_files(folder: Path) -> Counter[str]:
    """Count ids in every ``cites: [...]`` line of the content files, read as text (independently of the loader)."""
    counts: Counter[str] = Counter()
    for kind in ("tips", "playbook", "challenges"):
        for path in (folder / kind).glob("*.yaml"):
            for found in re.finditer(r"^\s*cites: \[(.*)\]\s*$", path.read_text(encoding="utf-8"), re.M):
                counts.update(x.strip() for x in found.group(1).split(",") if x.strip())
    return counts


def test_citations_command_lists_every_entry_with_its_count(library):
    expected = _cited_in_files(ROOT)
    result = CliRunner().invoke(main, ["citations"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].split() == ["id", "status", "binding", "cited", "verified", "citation"]
    rows = {line.split()[0]: line for line in lines[1:-1]}
    assert set(rows) == set(library.shared.citations.entries)
    psl = rows["psl-2025-art50-1-5"].split()
    assert psl[1:5] == ["in_force", "law", str(expected["psl-2025-art50-1-5"]), "2026-12-07"]
    assert rows["psl-2025-art50-1-5"].endswith("《治安管理处罚法》（2025修订）第50条第1款第（五）项")
    assert rows["cba-2026-hours"].split()[3] == str(expected["cba-2026-hours"])
    assert rows["psl-2012-art42-1-5"].split()[1:4] == ["superseded", "law", "0"]
    statuses = Counter(c.status for c in library.shared.citations.entries.values())
    assert lines[-1] == (f"{len(rows)} entries ({statuses['in_force']} in force, {statuses['superseded']} superseded, "
                         f"{statuses['unverified']} unverified); {sum(expected.values())} citations in the content; "
                         "verified 2026-12-07 to 2026-12-07.")


def test_citations_json_has_every_field_and_the_same_counts(library):
    expected = _cited_in_files(ROOT)
    rows = json.loads(CliRunner().invoke(main, ["citations", "--json"]).output)
    by_id = {r["id"]: r for r in rows}
    assert {cid: r["cited"] for cid, r in by_id.items() if r["cited"]} == dict(expected)
    psl = by_id["psl-2025-art50-1-5"]
    assert (psl["effective"], psl["article"], psl["paragraph"], psl["item"], psl["binding"]) == \
           ("2026-01-01", "50", "1", "5", "law")
    assert psl["quote"].startswith("多次发送") and psl["verified_on"] == "2026-12-07"


def test_citations_command_includes_a_teams_folder(tmp_path):
    team_registry(tmp_path)
    team_flag(tmp_path, "[team-no-weekend-calls, cc-card-2011-art68]")
    without = CliRunner().invoke(main, ["citations", "--json"]).output
    result = CliRunner().invoke(main, ["--content", str(tmp_path), "citations"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("team-no-weekend-calls"))
    assert row.split()[1:5] == ["in_force", "company_policy", "1", "2026-11-20"]
    assert row.endswith("公司规定：《华东一组作业规定·周末》（2026版）")
    before = {r["id"]: r["cited"] for r in json.loads(without)}
    after = {r["id"]: r["cited"] for r in json.loads(
        CliRunner().invoke(main, ["--content", str(tmp_path), "citations", "--json"]).output)}
    assert after["cc-card-2011-art68"] == before["cc-card-2011-art68"] + 1


def test_the_readme_compliance_section_matches_the_registry(tmp_path, library):
    """The worked team entry in the README loads and renders as the README says; the entry count is current."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    count = re.search(r"\| `citations/` \|[^|]*\| (\d+) entries \|", readme)
    assert count and int(count.group(1)) == len(library.shared.citations.entries)
    block = re.search(r"```yaml\n((?:   .*\n)+?)   ```", readme)
    assert block and "team-no-weekend-calls" in block.group(1)
    write(tmp_path / "citations" / "team.yaml", "\n".join(line[3:] for line in block.group(1).splitlines()))
    team_flag(tmp_path, "[team-no-weekend-calls]")
    lib, problems = load_library([tmp_path])
    assert problems == []
    rendered = next(f.rule for f in lib.shared.red_flags if f.id == "team-weekend-call")
    assert f"renders as\n   `{rendered}`" in readme


def test_grade_json_keeps_its_contract_with_rules_rendered_from_the_registry(library):
    result = CliRunner().invoke(main, ["grade", "broken-promise", "--json", "--text",
                                       "王先生，再不还的话我们就打电话到你单位，让你领导知道你欠钱不还。"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert list(out)[:7] == ["challenge", "score", "passed", "criteria", "violations", "verdict", "notes"]
    assert list(out)[7:] == ["findings"]                                              # extended only
    assert all(list(v)[:4] == ["category", "label", "rule", "evidence"] for v in out["violations"])   # extended only
    assert all(v["certain"] is True and v["flag"] for v in out["violations"])   # the patterns' own: certain
    flags = {f.rule for f in library.shared.red_flags} | {library.shared.coercion.rule}
    assert out["violations"] and all(v["rule"] in flags for v in out["violations"])
    threat = next(v for v in out["violations"] if v["category"] == "threat")
    assert (threat["label"], threat["rule"]) == (library.shared.coercion.label, library.shared.coercion.rule)
    assert "《商业银行信用卡业务监督管理办法》（2011）第68条" in threat["rule"] and "第42条" not in result.output


def test_a_correct_statement_of_family_liability_is_no_red_flag(library):
    """Spouses can owe a joint marital debt (民法典 Art. 1064): saying so is not a false consequence; telling
    the wife she owes is, and on the third-party call it is also collecting from her. (The learned second
    signal may still query the first: it was not retrained.)"""
    from coachbot.grading.grader import compiled, find_violations
    from coachbot.grading.prepared import prepare

    for cid in ("third-party", "deceased"):
        flags = compiled(library.challenges[cid], library.shared).flags
        assert not find_violations(prepare("是否属于夫妻共同债务，要依法认定，我不能在电话里下结论。"), flags), cid
        found = find_violations(prepare("夫妻共同债务你也有义务承担。"), flags)
        named = {(v.category, v.flag_id) for v in found}
        also = {("third-party-disclosure", "third-party-family-liable:third-party-disclosure")} if cid == "third-party" else set()
        assert named == {("false-consequence", "family-liability")} | also, cid
