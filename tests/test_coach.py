"""A whole day through the fake adapter: lesson, challenge, replies, reveal, leaderboard."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coachbot.domain.teams import Schedule, Settings, Team
from coachbot.grading import grade_reply
from coachbot.platforms.fake import FakeChat
from coachbot.runtime.app import build
from coachbot.usecases.dispatch import handle
from coachbot.usecases.inbox import accept
from coachbot.usecases.ports import Incoming

TZ = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 11, 25, 9, 0, tzinfo=TZ)   # a Wednesday
GOOD = ("王先生，理解您这周手头紧。不过上周五您说发工资就还，到现在还没到账，想先了解一下这次是遇到什么情况了？"
        "如果全额有困难，您看周五前能不能先还1000元？我跟您确认一下，周五前还1000元，对吗？我给您备注上。")
WEAK = "好的，那您下周记得还款，别忘了，有问题再联系我们。"
VIOLATING = "你这种老赖，下周再不还就打给你单位领导，后果自负。"


def team(**kw) -> Team:
    base = dict(id="t1", name="电催一组", channels={"fake": ("C1",)}, leads=("boss",),
                schedule=Schedule(lesson="09:00", challenge="10:00", reveal="16:00", summary="fri 17:30"))
    base.update(kw)
    return Team(**base)


@pytest.fixture
def make_bot(tmp_path, library):
    bots = []

    def make(**team_kw):
        settings = Settings(teams=(team(**team_kw),), database=str(tmp_path / "coach.db"))
        chat = FakeChat()
        bot = build(settings, chat, library=library)
        bots.append(bot)
        return bot, chat
    yield make
    for b in bots:
        b.close()


def say(bot, user: str, text: str, at: datetime, *, thread: str | None = None, event: str | None = None):
    msg = Incoming(platform="fake", channel="C1", user=user, user_name=user, text=text, thread=thread, event_id=event)
    return handle(bot.coach, msg, at)


def test_whole_day_lesson_challenge_three_replies_reveal_leaderboard(make_bot, library):
    bot, chat = make_bot()
    t = bot.settings.teams[0]
    assert [p.fresh for p in bot.coach.post_lesson(t, MORNING)] == [True]
    posted = bot.coach.post_challenge(t, MORNING + timedelta(hours=1), content_id="broken-promise")
    challenge_msg = posted[0].message_id
    challenge = library.challenges["broken-promise"]

    at = MORNING + timedelta(hours=2)
    expected = {u: grade_reply(challenge, txt, library.shared) for u, txt in
                (("alice", GOOD), ("bob", WEAK), ("carol", VIOLATING))}
    for i, (user, txt) in enumerate((("alice", GOOD), ("bob", WEAK), ("carol", VIOLATING))):
        replies = say(bot, user, txt, at + timedelta(minutes=i), event=f"ev-{user}")
        assert len(replies) == 1 and replies[0].private
        fb = replies[0].message
        assert fb.kind == "feedback"
        assert fb.meta["score"] == expected[user].score
        body = fb.fallback
        assert f"得分 {expected[user].score}/100" in body
        for c in expected[user].criteria:
            assert c.label in body

    assert expected["alice"].passed and not expected["bob"].passed
    carol = expected["carol"]
    assert carol.score == 0 and {v.category for v in carol.violations} >= {"insult", "third-party-disclosure"}

    # reveal at 16:00: model answer and the best reply, in the challenge's thread
    assert bot.coach.reveal_due(MORNING + timedelta(hours=6, minutes=59)) == 0
    assert bot.coach.reveal_due(MORNING + timedelta(hours=7)) == 1
    reveal = chat.posts("reveal")[-1]
    assert reveal.thread == challenge_msg
    assert challenge.model_answer.strip().splitlines()[0] in reveal.message.fallback
    assert "alice" in reveal.message.fallback and "bob" not in reveal.message.fallback
    assert bot.coach.reveal_due(MORNING + timedelta(hours=8)) == 0   # once

    # a reply after the reveal gets feedback and no points
    late = say(bot, "dave", GOOD, MORNING + timedelta(hours=8), event="ev-dave")
    assert "不计分" in late[0].message.fallback

    board = say(bot, "bob", "/leaderboard today", MORNING + timedelta(hours=9))[0].message.fallback
    lines = [ln for ln in board.splitlines() if ". " in ln]
    assert lines[0].strip().startswith(f"1. alice  {expected['alice'].score} 分")
    # bob and carol both have 0 points: they share rank 2; dave answered after the reveal and earns nothing
    assert any(ln.strip().startswith("2. bob  0 分") for ln in lines)
    assert any(ln.strip().startswith("2. carol  0 分") for ln in lines)


def test_duplicate_platform_event_is_graded_once(make_bot):
    bot, chat = make_bot()
    t = bot.settings.teams[0]
    bot.coach.post_challenge(t, MORNING, content_id="broken-promise")
    for minute in (5, 6):     # the platform delivers the same message twice
        msg = Incoming(platform="fake", channel="C1", user="alice", user_name="alice", text=GOOD, event_id="Ev1")
        accept(bot.store, key="fake:Ev1", platform="fake", kind="message", payload={"incoming": msg.as_json()},
               now=MORNING + timedelta(minutes=minute))
        bot.settle(MORNING + timedelta(minutes=minute))
    assert len(chat.private_to("alice")) == 1
    # handled again after a crash (the same item, its key already used): scored once, answered once
    say(bot, "alice", GOOD, MORNING + timedelta(minutes=7), event="Ev1")
    assert len(chat.private_to("alice")) == 1
    stats = bot.store.member_stats(bot.store.member("fake", "alice"), now=MORNING + timedelta(hours=1), tz="Asia/Shanghai")
    assert stats.answers == 1


def test_an_answer_while_the_challenge_post_is_still_in_flight_is_graded(make_bot):
    """The platform showed the challenge, but the bot has not yet heard back (or lost the answer): a reply
    that arrives then answers it, instead of being taken for a greeting."""
    bot, chat = make_bot()
    bot.outbox.inline = False                                    # a worker sends; the test drives it
    bot.coach.post_challenge(bot.settings.teams[0], MORNING, content_id="broken-promise")
    assert say(bot, "bob", GOOD, MORNING + timedelta(seconds=1)) == []   # not sent yet: nobody can have seen it
    d = bot.store.claim_delivery(now=MORNING + timedelta(seconds=2))     # the worker is sending it ...
    replies = say(bot, "alice", GOOD, MORNING + timedelta(seconds=3), event="Ev-early")
    assert replies and replies[0].message.kind == "feedback"
    bot.store.retry_delivery(d.id, at=MORNING + timedelta(seconds=4), error="timeout", unknown=True)
    replies = say(bot, "carol", WEAK, MORNING + timedelta(seconds=5), event="Ev-unknown")   # outcome lost
    assert replies and replies[0].message.kind == "feedback"
    bot.store.delivered(d.id, message_id="m-late", at=MORNING + timedelta(seconds=6))
    post = bot.store.post_for(platform="fake", channel="C1", kind="challenge", post_date=MORNING.date())
    assert post.state == "posted"
    assert sorted(r.member.user for r in bot.store.submissions_for_post(post.id)) == ["alice", "carol"]


def test_second_reply_is_practice_under_first_policy(make_bot):
    bot, _ = make_bot()
    bot.coach.post_challenge(bot.settings.teams[0], MORNING, content_id="broken-promise")
    say(bot, "alice", WEAK, MORNING + timedelta(minutes=1))
    second = say(bot, "alice", GOOD, MORNING + timedelta(minutes=2))
    assert "练习" in second[0].message.fallback


def test_thread_reply_counts_for_its_challenge(make_bot):
    bot, _ = make_bot()
    posted = bot.coach.post_challenge(bot.settings.teams[0], MORNING, content_id="broken-promise")
    replies = say(bot, "alice", GOOD, MORNING + timedelta(minutes=1), thread=posted[0].message_id)
    assert replies[0].message.kind == "feedback"


def test_team_that_answers_in_threads_leaves_channel_chatter_alone(make_bot):
    bot, chat = make_bot(answers="thread")
    posted = bot.coach.post_challenge(bot.settings.teams[0], MORNING, content_id="broken-promise")
    [sent] = chat.posts("challenge")
    assert "本帖的回复（thread）" in sent.message.fallback
    assert say(bot, "bob", "大家先吃饭，下午再做题。", MORNING + timedelta(minutes=1)) == []
    replies = say(bot, "alice", GOOD, MORNING + timedelta(minutes=2), thread=posted[0].message_id)
    assert replies[0].message.kind == "feedback"
    post = bot.store.post_for(platform="fake", channel="C1", kind="challenge", post_date=MORNING.date())
    assert [r.member.user for r in bot.store.submissions_for_post(post.id)] == ["alice"]


def test_chatter_without_a_challenge_today_is_ignored(make_bot):
    bot, _ = make_bot()
    assert say(bot, "alice", "大家早上好，今天加油！", MORNING) == []


def test_admin_commands_refused_politely_for_agents(make_bot):
    bot, chat = make_bot()
    for cmd in ("/coach post-now lesson", "/coach reveal", "/coach skills"):
        out = say(bot, "alice", cmd, MORNING)[0].message.fallback
        assert "只有组长和管理员" in out
    assert chat.posts() == []
    ok = say(bot, "boss", "/coach post-now lesson", MORNING)[0].message.fallback
    assert "已发布" in ok and len(chat.posts("lesson")) == 1
    again = say(bot, "boss", "/coach post-now lesson", MORNING)[0].message.fallback
    assert "已经发过" in again and len(chat.posts("lesson")) == 1


@pytest.mark.parametrize("cmd, expect", [
    ("/foo", "没有 /foo 这个命令"),
    ("/coach dance", "用法"),
    ("/coach post-now", "用法"),
    ("/leaderboard yesterday-ish", "用法"),
    ("/coch help", "/coach"),
])
def test_unknown_commands_and_bad_arguments_get_usage_help(make_bot, cmd, expect):
    bot, _ = make_bot()
    out = say(bot, "boss", cmd, MORNING)
    assert len(out) == 1 and expect in out[0].message.fallback
    assert "Traceback" not in out[0].message.fallback


def test_chinese_command_aliases(make_bot, library):
    bot, _ = make_bot()
    out = say(bot, "alice", "/话术 爽约", MORNING)[0].message
    assert out.meta["content_id"] == "broken-promise"
    assert "排行榜" in say(bot, "alice", "/排行榜 本周", MORNING)[0].message.fallback
    assert "使用说明" in say(bot, "alice", "/教练 帮助", MORNING)[0].message.fallback


def test_last_week_and_last_month_boards_count_only_their_own_days(make_bot):
    bot, _ = make_bot()
    t = bot.settings.teams[0]
    last_week = MORNING - timedelta(days=7)
    bot.coach.post_challenge(t, last_week + timedelta(hours=1), content_id="broken-promise")
    say(bot, "alice", GOOD, last_week + timedelta(hours=2))
    this_week = [say(bot, "boss", f"/排行榜 {w}", MORNING)[0].message for w in ("本周", "上周", "上月", "last-week")]
    assert "alice" not in this_week[0].fallback
    assert "上周排行榜" in this_week[1].fallback and "alice" in this_week[1].fallback
    assert "alice" not in this_week[2].fallback              # 2026-11-18 is this month, not October
    assert this_week[3].fallback == this_week[1].fallback
    next_month = say(bot, "boss", "/排行榜 上個月", datetime(2026, 12, 7, 9, 0, tzinfo=TZ))[0].message.fallback
    assert "上月排行榜" in next_month and "alice" in next_month


def test_coach_challenges_lists_every_challenge_id_and_title(make_bot, library):
    bot, _ = make_bot()
    listed = say(bot, "alice", "/coach challenges", MORNING)[0].message.fallback
    for challenge in library.challenges.values():
        assert f"{challenge.id}  {challenge.title}" in listed
    assert f"全部挑战题（{len(library.challenges)} 道）" in listed and "/coach post-now challenge" in listed
    assert say(bot, "alice", "/教练 题目", MORNING)[0].message.fallback == listed


def test_unexpected_error_gets_apology_with_reference_not_traceback(make_bot, monkeypatch):
    bot, _ = make_bot()
    monkeypatch.setattr(bot.coach.store, "leaderboard", lambda **kw: 1 / 0)
    out = say(bot, "alice", "/leaderboard", MORNING)[0].message.fallback
    assert "编号" in out and "ZeroDivision" not in out


def test_reveal_anonymises_names_when_team_says_so(make_bot):
    bot, chat = make_bot(show_names=False)
    bot.coach.post_challenge(bot.settings.teams[0], MORNING, content_id="broken-promise")
    say(bot, "alice", GOOD, MORNING + timedelta(minutes=1))
    say(bot, "boss", "/coach reveal", MORNING + timedelta(minutes=2))
    text = chat.posts("reveal")[-1].message.fallback
    assert "学员A" in text and "alice" not in text


def test_pasted_personal_data_is_masked_before_storing_and_echo(make_bot):
    bot, _ = make_bot()
    bot.coach.post_challenge(bot.settings.teams[0], MORNING, content_id="broken-promise")
    out = say(bot, "alice", GOOD + "客户手机 138 1234 5678，身份证 110101199003071234。", MORNING + timedelta(minutes=1))
    body = out[0].message.fallback
    assert "个人信息保护法" in body
    post = bot.store.post_for(platform="fake", channel="C1", kind="challenge", post_date=MORNING.date())
    stored = [r.submission.text for r in bot.store.submissions_for_post(post.id)]
    assert stored and "13812345678" not in stored[0].replace(" ", "") and "5678" in stored[0]
    assert "110101199003071234" not in stored[0]


def test_rotation_never_repeats_a_tip_until_all_used(make_bot, library):
    bot, chat = make_bot()
    t = bot.settings.teams[0]
    n = len(library.tips)
    day = MORNING
    seen = []
    for i in range(n + 1):
        bot.coach.post_lesson(t, day + timedelta(days=i))
        seen.append(chat.posts("lesson")[-1].message.meta["content_id"])
    assert len(set(seen[:n])) == n
    assert seen[n] == seen[0]          # the least recently used comes back first


def test_challenge_leans_toward_weakest_skill_and_says_why(make_bot, library):
    bot, chat = make_bot()
    t = bot.settings.teams[0]
    bot.coach.post_challenge(t, MORNING, content_id="broken-promise")
    say(bot, "alice", WEAK, MORNING + timedelta(minutes=1))   # hard-cases/negotiation scored low
    insight = bot.store.team_insight("t1", period="month", now=MORNING + timedelta(hours=1), tz="Asia/Shanghai")
    weakest = insight.skills[0].skill
    bot.coach.post_challenge(t, MORNING + timedelta(days=1))
    msg = chat.posts("challenge")[-1].message
    picked = library.challenges[msg.meta["content_id"]]
    assert picked.id != "broken-promise"
    assert weakest in picked.tags
    from coachbot.present.views import skill
    assert f"「{skill(weakest)}」" in msg.fallback


def test_answer_button_only_where_the_platform_has_buttons(make_bot):
    """Slack opens a form from it, WeCom a one-to-one prompt; the console has no buttons."""
    bot, chat = make_bot()
    bot.coach.post_challenge(bot.settings.teams[0], MORNING, content_id="broken-promise")
    assert chat.posts("challenge")[-1].message.buttons == ()
    chat.capabilities = frozenset({"buttons", "history"})
    bot.coach.post_challenge(bot.settings.teams[0], MORNING + timedelta(days=1), content_id="first-contact")
    assert [b.action for b in chat.posts("challenge")[-1].message.buttons] == ["answer"]


def test_weekly_summary_has_leaderboard_missed_steps_and_participation(make_bot):
    bot, chat = make_bot()
    t = bot.settings.teams[0]
    bot.coach.post_challenge(t, MORNING, content_id="broken-promise")
    say(bot, "alice", GOOD, MORNING + timedelta(minutes=1))
    say(bot, "bob", WEAK, MORNING + timedelta(minutes=2))
    friday = MORNING + timedelta(days=2, hours=8, minutes=30)
    posted = bot.coach.post_summary(t, friday)
    assert len(posted) == 1 and posted[0].fresh
    text = chat.posts("summary")[-1].message.fallback
    assert "本周小结" in text and "alice" in text
    assert "最常失分的步骤" in text and "参与率" in text
    assert not bot.coach.post_summary(t, friday + timedelta(minutes=5))[0].fresh   # once a week


def test_on_slack_a_display_name_cannot_claim_a_leads_rights(make_bot):
    bot, chat = make_bot()
    spoof = Incoming(platform="slack", channel="C1", user="U999", user_name="boss", text="/coach post-now lesson")
    out = handle(bot.coach, spoof, MORNING)
    assert "只有组长和管理员" in out[0].message.fallback and chat.posts() == []


def test_a_real_day_of_team_chatter_scores_only_the_real_answers(make_bot, library):
    bot, chat = make_bot()
    t = bot.settings.teams[0]
    [posted] = bot.coach.post_challenge(t, MORNING, content_id="broken-promise")
    thread = posted.message_id
    day = [  # (who, text, thread?) as a team's channel goes on a challenge day
        ("boss", "今天的挑战大家认真做哦", None),
        ("alice", "收到", None),
        ("bob", "好的👌", None),
        ("carol", "+1", None),
        ("dave", "😂😂😂", None),
        ("bob", "这题怎么答啊？", None),
        ("carol", "@alice 你做了吗", None),
        ("alice", "您好，请尽快还款。", None),      # an answer, but too short to judge: practice, slot kept
        ("alice", GOOD, None),                      # her real answer: this one is scored
        ("bob", "好的，收到\u200b", None),          # with a zero-width space
        ("boss", "大家记得下午四点前作答", None),
        ("boss", GOOD, thread),                     # a lead answering in the challenge's thread counts
        ("bob", WEAK, None),
        ("alice", "谢谢组长", None),
    ]
    replies = {}
    for minute, (who, words, in_thread) in enumerate(day, start=5):
        replies[(who, words)] = say(bot, who, words, MORNING + timedelta(minutes=minute), thread=in_thread)
    post = bot.store.open_challenge("fake", "C1", thread=thread, now=MORNING + timedelta(hours=1))
    stored = [(a.member.user, a.submission.text, a.submission.counted) for a in bot.store.submissions_for_post(post.id)]
    assert sorted(stored) == sorted([("alice", "您好，请尽快还款。", False), ("alice", GOOD, True),
                                     ("boss", GOOD, True), ("bob", WEAK, True)])
    assert replies[("alice", "收到")] == [] and replies[("boss", "今天的挑战大家认真做哦")] == []
    board = bot.store.leaderboard(period="today", scope="team", team_id="t1", now=MORNING + timedelta(hours=1),
                                  tz="Asia/Shanghai")
    assert sorted(r.member.user for r in board.rows) == ["alice", "bob", "boss"]
    short = replies[("alice", "您好，请尽快还款。")][0].message.fallback
    assert "不占用计分机会" in short
    assert "闲聊不算作答" in chat.posts("challenge")[0].message.fallback


def test_a_huge_reply_with_control_and_invisible_characters_is_cleaned_and_bounded(make_bot):
    bot, chat = make_bot()
    t = bot.settings.teams[0]
    [posted] = bot.coach.post_challenge(t, MORNING, content_id="broken-promise")
    huge = GOOD + "\x00\u200b\u202e" + "请您理解。" * 3000
    [fb] = say(bot, "alice", huge, MORNING + timedelta(minutes=5))
    [sub] = bot.store.submissions_for_post(posted.post.id)
    text = sub.submission.text
    assert len(text) == 2000 and "\x00" not in text and "\u200b" not in text and "\u202e" not in text
    assert "只按前 2000 字评分" in fb.message.fallback
    assert all(len(line) < 200 for line in fb.message.fallback.splitlines())


def test_members_see_only_their_own_stats_and_leads_their_teams(make_bot):
    bot, chat = make_bot()
    t = bot.settings.teams[0]
    bot.coach.post_challenge(t, MORNING, content_id="broken-promise")
    say(bot, "alice", VIOLATING, MORNING + timedelta(minutes=5))
    say(bot, "bob", GOOD, MORNING + timedelta(minutes=6))
    later = MORNING + timedelta(minutes=30)
    [refused] = say(bot, "bob", "/coach stats alice", later)
    assert refused.message.kind == "error" and "只能查看自己的成绩" in refused.message.fallback
    [own] = say(bot, "alice", "/coach stats alice", later)
    assert "alice 的成绩" in own.message.fallback
    [lead] = say(bot, "boss", "/coach stats alice", later)
    assert "alice 的成绩" in lead.message.fallback


def test_only_admins_erase_a_member_in_chat(make_bot, tmp_path, library):
    bot, chat = make_bot()
    t = bot.settings.teams[0]
    bot.coach.post_challenge(t, MORNING, content_id="broken-promise")
    say(bot, "alice", GOOD, MORNING + timedelta(minutes=5))
    [refused] = say(bot, "boss", "/coach forget alice", MORNING + timedelta(minutes=6))   # a lead, not an admin
    assert "只有管理员" in refused.message.fallback
    admin = Settings(teams=bot.settings.teams, admins=("root",), database=bot.settings.database)
    bot2 = build(admin, FakeChat(), library=library)
    try:
        [done] = handle(bot2.coach, Incoming("fake", "C1", "root", "/coach forget alice", user_name="root"),
                        MORNING + timedelta(minutes=7))
        assert "已删除 alice 的全部作答和记录（1 条作答）" in done.message.fallback
        assert bot2.store.find_member("alice") is None
    finally:
        bot2.close()
