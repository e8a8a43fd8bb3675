"""A team with ``language: en``: the bot's own wording in English, content still Chinese."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coachbot.domain.errors import ConfigError
from coachbot.domain.teams import Settings, Team
from coachbot.grading import grade_reply
from coachbot.grading.grader import (
    VERDICT_CRITICAL,
    VERDICT_KEYWORDS,
    VERDICT_TOO_SHORT,
    VERDICT_VIOLATION,
)
from coachbot.platforms.fake import FakeChat
from coachbot.present import views
from coachbot.runtime.app import build
from coachbot.settings import load_settings

from .test_coach import GOOD, MORNING, VIOLATING, WEAK, say, team


@pytest.fixture
def bot_en(tmp_path, library):
    bot = build(Settings(teams=(team(name="Team One", language="en"),), database=str(tmp_path / "coach.db")),
                FakeChat(), library=library)
    yield bot, bot.coach.chat
    bot.close()


def test_a_whole_day_in_english(bot_en, library):
    bot, chat = bot_en
    team = bot.settings.teams[0]

    # lesson: English framing, the tip itself as written (Chinese)
    bot.coach.post_lesson(team, MORNING)
    lesson = chat.posts("lesson")[-1].message
    tip = library.tips[lesson.meta["content_id"]]
    assert lesson.title == f"Today's lesson | {tip.title}"
    assert [s.heading for s in lesson.sections] == [None, "Try it today"]
    assert lesson.sections[0].text == tip.body.strip() and lesson.footer.startswith("Tags: ")

    # challenge card: English headings, Chinese situation
    bot.coach.post_challenge(team, MORNING + timedelta(hours=1), content_id="broken-promise")
    card = chat.posts("challenge")[-1].message
    ch = library.challenges["broken-promise"]
    assert card.title == f"Today's challenge | {ch.title}"
    assert [s.heading for s in card.sections][:3] == ["Situation", "The customer says", "How to answer"]
    assert card.sections[0].text == ch.situation.strip()
    assert "16:00" in card.sections[2].text and "first answer" in card.sections[2].text
    assert card.footer.startswith("Difficulty ")

    # a good reply: English score line, criteria heading, rubric labels still Chinese
    at = MORNING + timedelta(hours=2)
    good = grade_reply(ch, GOOD, library.shared)
    fb = say(bot, "alice", GOOD, at, event="ev-a")[0]
    assert fb.private and fb.message.kind == "feedback"
    body = fb.message.fallback
    assert fb.message.title == "Your challenge feedback (only you can see this)"
    assert f"Score {good.score}/100, passed ✅. Counts for points: you earn" in body
    assert "Step by step" in body and "逐项点评" not in body and "得分" not in body
    for c in good.criteria:
        assert c.label in body

    # a weak reply: the hint heading in English, the hint itself from the rubric
    weak = grade_reply(ch, WEAK, library.shared)
    body = say(bot, "bob", WEAK, at + timedelta(minutes=1), event="ev-b")[0].message.fallback
    assert f"Score {weak.score}/100, not passed." in body
    assert weak.hint and f"Next time, try\n{weak.hint}" in body
    for note in weak.notes:
        assert note not in body            # the grader's Chinese notes are replaced

    # a violation: English note and compliance heading; red-flag labels stay Chinese
    bad = grade_reply(ch, VIOLATING, library.shared)
    assert bad.verdict == VERDICT_VIOLATION
    body = say(bot, "carol", VIOLATING, at + timedelta(minutes=2), event="ev-c")[0].message.fallback
    assert "Score 0/100, not passed." in body
    assert "Compliance problem: this reply scores 0 and cannot pass" in body
    assert "Compliance issues" in body and "出现合规问题" not in body
    assert all(v.label in body and v.rule in body for v in bad.violations)

    # pasted personal data: the privacy notice in English
    body = say(bot, "dave", GOOD + "客户手机 138 1234 5678。", at + timedelta(minutes=3), event="ev-d")[0].message.fallback
    assert "Privacy reminder" in body and "mobile number" in body and "Personal Information Protection Law" in body
    assert "个人信息保护法" not in body

    # reveal in English, best reply quoted as written
    assert bot.coach.reveal_due(MORNING + timedelta(hours=7)) == 1
    reveal = chat.posts("reveal")[-1].message
    assert reveal.title == f"Answer revealed | {ch.title}"
    assert [s.heading for s in reveal.sections] == ["Model answer", "Today's best replies"]
    assert f"alice ({good.score} points): " in reveal.fallback

    # after the reveal: feedback only, said in English
    late = say(bot, "erin", GOOD, MORNING + timedelta(hours=8), event="ev-e")[0].message.fallback
    assert "feedback only, no points" in late

    # /leaderboard: English title and rows
    board = say(bot, "bob", "/leaderboard today", MORNING + timedelta(hours=9))[0].message
    assert board.title == "Team One | Leaderboard, today"
    assert f"1. alice  {good.score} pts | answers 1" in board.fallback and "分" not in board.fallback

    # /coach help in English; the Chinese aliases still work and answer in English
    help_ = say(bot, "bob", "/coach help", MORNING)[0].message
    assert help_.title == "coachbot help" and "Commands:" in help_.fallback and "/coach today" in help_.fallback
    assert say(bot, "bob", "/教练 帮助", MORNING)[0].message.title == "coachbot help"

    # an agent asking for a lead's command: refused in English
    for cmd in ("/coach post-now lesson", "/coach reveal", "/coach skills"):
        out = say(bot, "alice", cmd, MORNING)[0].message
        assert out.kind == "error" and "only team leads and admins" in out.fallback

    # stats and insight framing
    stats = say(bot, "alice", "/coach stats", MORNING + timedelta(hours=9))[0].message
    assert stats.title == "alice's results" and "This week" in stats.fallback
    skills = say(bot, "boss", "/coach skills", MORNING + timedelta(hours=9))[0].message
    assert skills.title == "Team One | Team skill insight" and "Participation" in skills.fallback

    # unknown commands and bad arguments: English usage help
    assert "There is no /foo command" in say(bot, "bob", "/foo", MORNING)[0].message.fallback
    assert "Usage:" in say(bot, "bob", "/leaderboard yesterday-ish", MORNING)[0].message.fallback


def test_weekly_summary_in_english(bot_en):
    bot, chat = bot_en
    team = bot.settings.teams[0]
    bot.coach.post_challenge(team, MORNING, content_id="broken-promise")
    say(bot, "alice", GOOD, MORNING + timedelta(minutes=5))
    friday = MORNING + timedelta(days=2, hours=8, minutes=30)
    bot.coach.post_summary(team, friday)
    summary = chat.posts("summary")[-1].message
    assert summary.title == "Team One | Weekly summary"
    assert "Participation" in [s.heading for s in summary.sections]


@pytest.mark.parametrize("verdict, expect", [
    (VERDICT_TOO_SHORT, "too short"), (VERDICT_KEYWORDS, "list of keywords"), (VERDICT_CRITICAL, "key step is missing"),
])
def test_every_grader_verdict_has_an_english_note(library, verdict, expect):
    ch = library.challenges["broken-promise"]
    grade = grade_reply(ch, GOOD, library.shared)
    from dataclasses import replace
    notes = views.grade_notes(replace(grade, verdict=verdict, notes=("中文说明",)), "en")
    assert len(notes) == 1 and expect in notes[0] and "中文说明" not in notes
    assert views.grade_notes(replace(grade, verdict=verdict, notes=("中文说明",))) == ("中文说明",)


def test_language_setting_defaults_to_zh_and_accepts_en(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("teams:\n  - id: a\n    channels: {fake: [x]}\n  - id: b\n    language: en\n"
                    "    channels: {fake: [y]}\n", encoding="utf-8")
    a, b = load_settings(path).teams
    assert a.language == "zh" and b.language == "en"


def test_unknown_language_is_a_path_line_problem(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("teams:\n  - id: a\n    channels: {fake: [x]}\n    language: fr\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert f"{path}:4: teams.0.language: 'fr' is not one of: zh, en" in str(info.value)


def test_chinese_team_is_unchanged(tmp_path, library):
    team = Team(id="t1", name="电催一组", channels={"fake": ("C1",)}, leads=("boss",))
    bot = build(Settings(teams=(team,), database=str(tmp_path / "coach.db")), FakeChat(), library=library)
    try:
        assert team.language == "zh"
        assert say(bot, "bob", "/coach help", MORNING)[0].message.title == "coachbot 使用说明"
    finally:
        bot.close()
