"""Appeals and the review queue, through the fake adapter: an appeal overridden and one upheld, the grader's
own doubts routed, permissions, and the final score in leaderboards, stats, insight and the export."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coachbot.domain.review import find_part, implied_labels, overridden, parts, regrade, uncertain_reasons
from coachbot.domain.teams import ReviewRules, Schedule, Settings, Team
from coachbot.platforms.fake import FakeChat
from coachbot.runtime.app import build
from coachbot.usecases.dispatch import handle
from coachbot.usecases.ports import Incoming

TZ = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 11, 25, 9, 0, tzinfo=TZ)   # a Wednesday
WEAK = "好的，那您下周记得还款，别忘了，有问题再联系我们。"                                   # 0: critical step missed
NEAR = "上周您答应过要还款的。下周三前先还1000元，可以吗？我给您记下来。"          # 55: pass mark 60
GOOD = "王先生理解您手头紧，上周您说会还，这次是遇到什么情况了？您看周五前能还多少？"               # 80


def team(**kw) -> Team:
    base = dict(id="t1", name="电催一组", channels={"fake": ("C1",)}, leads=("boss", "deputy"),
                schedule=Schedule(lesson="09:00", challenge="10:00", reveal="16:00", summary="fri 17:30"))
    base.update(kw)
    return Team(**base)


@pytest.fixture
def bot(tmp_path, library):
    made = build(Settings(teams=(team(),), database=str(tmp_path / "coach.db"), reviews=ReviewRules()),
                 FakeChat(capabilities=frozenset({"update", "history", "buttons"})), library=library)
    yield made
    made.close()


def say(bot, user: str, text: str, at: datetime, *, thread: str | None = None):
    msg = Incoming(platform="fake", channel="C1", user=user, user_name=user, text=text, thread=thread)
    return handle(bot.coach, msg, at)


def body(replies) -> str:
    return "\n".join(r.message.fallback for r in replies)


def chat(bot) -> FakeChat:
    return bot.coach.chat


def day_with_answers(bot):
    bot.coach.post_challenge(bot.settings.teams[0], MORNING + timedelta(hours=1), content_id="broken-promise")
    at = MORNING + timedelta(hours=2)
    return {user: say(bot, user, txt, at + timedelta(minutes=i))
            for i, (user, txt) in enumerate((("alice", WEAK), ("bob", NEAR), ("carol", GOOD)))}


def test_an_appeal_overridden_and_a_doubt_upheld_change_what_they_should(bot):
    fed = day_with_answers(bot)
    # the grader's own doubt: bob's 55 is within 5 of the pass mark, so it went to the leads, and he was told
    assert "已交给组长复核" in body(fed["bob"]) and "离及格线只差几分" in body(fed["bob"])
    assert "/coach appeal" in body(fed["alice"]) and "已交给组长复核" not in body(fed["alice"])
    assert [b.value for b in fed["alice"][0].message.buttons] == [
        f"/coach appeal s{bot.store.latest_submission(bot.store.member('fake', 'alice').id).id}"]
    later = MORNING + timedelta(hours=3)

    # alice picks the part she disputes from the menu, then appeals it with a reason
    menu = body(say(bot, "alice", "/coach appeal", later))
    assert "c1 ✗ 先接住情绪" in menu and "c3 ✗ 问清这次没还上的原因" in menu
    filed = body(say(bot, "alice", "/教练 申诉 c3 我问了为什么", later))
    assert "已提交申诉 #2" in filed and "c3 问清这次没还上的原因" in filed
    assert "已经在复核队列里（#2）" in body(say(bot, "alice", "/coach appeal 再申诉一次", later))
    for lead in ("boss", "deputy"):                                      # each lead hears of it, once
        told = [m for m in chat(bot).private_to(lead) if "申诉 #2" in m.message.fallback]
        assert len(told) == 1 and "/coach review 2" in told[0].message.fallback and "我问了为什么" in \
            told[0].message.fallback

    # agents cannot see or decide the queue
    assert "只有组长和管理员" in body(say(bot, "alice", "/coach review", later))
    assert "只有组长和管理员" in body(say(bot, "alice", "/coach override 2 100", later))

    queue = body(say(bot, "boss", "/coach review", later))
    assert "#1 bob｜第二次爽约之后" in queue and "机器没有把握：离及格线只差几分" in queue
    assert "#2 alice" in queue and "申诉：c3 问清这次没还上的原因「我问了为什么」" in queue
    item = say(bot, "boss", "/coach review 2", later)[0].message
    assert WEAK in item.fallback and "c3 ✗ 问清这次没还上的原因（0/20）" in item.fallback
    assert "/coach judge 2 c3 yes" in [b.value for b in item.buttons]

    board_before = body(say(bot, "boss", "/leaderboard today", later))
    assert "alice  0 分" in board_before

    done = body(say(bot, "boss", "/coach override 2 70 确实问了原因", later + timedelta(minutes=1)))
    assert "#2：改为 70 分（原 0 分）。已私信通知 alice。" in done
    notice = chat(bot).private_to("alice")[-1]
    assert notice.kind == "dm" and "组长 boss 复核：改为 70 分（原 0 分）" in notice.message.fallback
    assert "这道题的积分：0 → 70" in notice.message.fallback and "组长备注：确实问了原因" in notice.message.fallback

    upheld = body(say(bot, "deputy", "/教练 维持 1", later + timedelta(minutes=2)))  # words in Chinese too
    assert "#1：维持原判，55 分。已私信通知 bob。" in upheld
    assert "维持原判，55 分" in chat(bot).private_to("bob")[-1].message.fallback
    assert "已经复核过了" in body(say(bot, "boss", "/coach uphold 1", later))
    assert "复核队列是空的" in body(say(bot, "boss", "/coach review", later))

    # the final score everywhere: leaderboard, stats, insight, export
    board = body(say(bot, "boss", "/leaderboard today", later))
    lines = [ln.strip() for ln in board.splitlines() if ". " in ln]
    assert lines[0].startswith("1. carol  80 分") and lines[1].startswith("2. alice  70 分｜作答 1｜通过率 100%")
    assert any(ln.startswith("3. bob  55 分") for ln in lines)
    stats = body(say(bot, "alice", "/coach stats", later))
    assert "累计 70 分" in stats and "70 分，通过" in stats
    rows = {r["user"]: r for r in bot.store.export_submissions(now=later, tz="Asia/Shanghai")}
    assert (rows["alice"]["score"], rows["alice"]["points"], rows["alice"]["passed"]) == (70, 70, 1)
    assert bot.store.team_insight("t1", period="week", now=later).average == pytest.approx((70 + 55 + 80) / 3)

    trail = list(bot.store.review_trail())
    assert [(t.review_id, t.action, t.actor) for t in trail] == [
        (1, "routed", "coachbot"), (2, "appealed", "fake:alice"), (2, "overridden", "fake:boss"),
        (1, "upheld", "fake:deputy")]
    assert (trail[2].before, trail[2].after, trail[2].note) == ("0", "70", "确实问了原因")


def test_nobody_reviews_their_own_answer_and_a_lead_of_another_team_cannot(tmp_path, library):
    other = Team(id="t2", name="二组", channels={"fake": ("C2",)}, leads=("stranger",))
    made = build(Settings(teams=(team(), other), database=str(tmp_path / "c.db")), FakeChat(), library=library)
    try:
        made.coach.post_challenge(made.settings.teams[0], MORNING + timedelta(hours=1), content_id="broken-promise")
        post = made.store.post_for(platform="fake", channel="C1", kind="challenge", post_date=MORNING.date())
        at = MORNING + timedelta(hours=2)
        say(made, "boss", WEAK, at, thread=post.message_id)          # a lead answers through the thread
        assert "已提交申诉 #1" in body(say(made, "boss", "/coach appeal 我觉得该给分", at))
        assert "不能复核自己的回答" in body(say(made, "boss", "/coach override 1 90", at))
        assert "请其他组长复核" in body(say(made, "boss", "/coach review", at))
        stranger = Incoming(platform="fake", channel="C2", user="stranger", user_name="stranger",
                            text="/coach override 1 90")
        assert "没有找到你可以复核的 #1" in body(handle(made.coach, stranger, at))
        assert "改为 90 分" in body(say(made, "deputy", "/coach override 1 90", at))
    finally:
        made.close()


def test_an_appeal_after_the_window_is_refused(bot):
    day_with_answers(bot)
    late = MORNING + timedelta(days=3, hours=3)
    assert "超过 3 天" in body(say(bot, "alice", "/coach appeal 不服", late))
    assert "还没有可以申诉的回答" in body(say(bot, "nobody", "/coach appeal 不服", late))


def test_judging_one_part_regrades_the_reply(bot):
    day_with_answers(bot)
    at = MORNING + timedelta(hours=3)
    say(bot, "bob", "/coach appeal c3 我确认了周三能不能做到", at)   # ask-reason missed: 55 → 75
    out = body(say(bot, "boss", "/coach judge 1 c3 yes", at))
    assert "改为 75 分（原 55 分）" in out
    assert "75 分，通过" in body(say(bot, "bob", "/coach stats", at))
    review = bot.store.review(1)
    assert review.labels == {"criterion:ask-reason": True, "verdict": True} and review.state == "overridden"


# ------------------------------------------------------------ the rules, without a database

GRADE = {
    "challenge": "x", "score": 0, "passed": False, "verdict": "violation",
    "criteria": [{"id": "a", "label": "A", "met": True, "points": 40, "max_points": 40},
                 {"id": "b", "label": "B", "met": False, "points": 0, "max_points": 60}],
    "violations": [{"category": "threat", "label": "疑似威胁", "evidence": "你等着", "flag": "suspect:threat",
                    "certain": False}],
}


def test_a_verdict_resting_on_the_learned_signal_alone_is_uncertain():
    assert uncertain_reasons(GRADE, pass_score=60, margin=5) == ("suspect:threat",)
    sure = {**GRADE, "violations": GRADE["violations"] + [{"category": "insult", "flag": "insult", "certain": True}]}
    assert uncertain_reasons(sure, pass_score=60, margin=5) == ()
    assert uncertain_reasons({"verdict": "timeout", "score": 0}, pass_score=60, margin=5) == ("timeout",)
    assert uncertain_reasons({"verdict": "ok", "score": 65, "violations": []}, pass_score=60, margin=5) == ("near_pass",)
    assert uncertain_reasons({"verdict": "ok", "score": 66, "violations": []}, pass_score=60, margin=5) == ()
    assert uncertain_reasons({"verdict": "ok", "score": 60, "violations": []}, pass_score=60, margin=0) == ()


def test_parts_are_named_by_place_or_id_and_regraded_like_the_grader():
    assert [p.key for p in parts(GRADE)] == ["c1", "c2", "f1"]
    assert find_part(GRADE, "F1").ref == "flag:suspect:threat" and find_part(GRADE, "b").key == "c2"
    cleared = regrade(GRADE, {"flag:suspect:threat": False}, pass_score=60)
    assert (cleared["score"], cleared["passed"], cleared["verdict"], cleared["violations"]) == (40, False, "ok", [])
    both = regrade(GRADE, {"flag:suspect:threat": False, "criterion:b": True}, pass_score=60)
    assert (both["score"], both["passed"]) == (100, True)
    critical = regrade(GRADE, {"flag:suspect:threat": False, "criterion:b": True, "criterion:a": False},
                       pass_score=70, critical=frozenset({"a"}))
    assert (critical["score"], critical["passed"], critical["verdict"]) == (60, False, "critical_missed")
    assert overridden(GRADE, 75, pass_score=60)["violations"] == []
    assert implied_labels(GRADE, overridden(GRADE, 75, pass_score=60), disputed=None, upheld=False) == {
        "verdict": True, "flag:suspect:threat": False}
    assert implied_labels(GRADE, GRADE, disputed=None, upheld=True) == {
        "criterion:a": True, "criterion:b": False, "flag:suspect:threat": True, "verdict": False}


# ------------------------------------------------------------ what the leads' decisions teach the grader


def test_kappa_on_a_fixture_worked_by_hand():
    from coachbot.domain.agreement import agreement

    # grader yes 6 of 10, leads yes 5 of 10, agreeing on 7: p_o = .7, p_e = .6*.5 + .4*.5 = .5, κ = .2/.5 = .4
    pairs = [(True, True)] * 4 + [(True, False)] * 2 + [(False, True)] + [(False, False)] * 3
    a = agreement("x", pairs)
    assert (a.n, a.agree, a.a_yes, a.b_yes, a.rate, a.kappa) == (10, 7, 6, 5, 0.7, 0.4)
    assert agreement("y", [(True, True)] * 3).kappa is None          # no variation: chance explains it all
    assert agreement("z", [(True, False), (False, True)]).kappa == -1.0


def decided_week(bot):
    day_with_answers(bot)
    at = MORNING + timedelta(hours=3)
    say(bot, "alice", "/coach appeal c3 我问了为什么", at)
    say(bot, "boss", "/coach uphold 1", at)                # bob's 55 stands
    say(bot, "boss", "/coach override 2 70 问了原因", at)    # alice's 0 becomes 70
    return at


def test_calibrate_leads_reports_agreement_and_what_leads_overrule(bot, tmp_path):
    from click.testing import CliRunner

    from coachbot.cli.main import main

    decided_week(bot)
    runner = CliRunner(env={"COACHBOT_CONFIG": "", "COACHBOT_DB": ""})
    out = runner.invoke(main, ["calibrate", "--leads", "--db", str(bot.settings.database)])
    assert out.exit_code == 0, out.output
    assert "2 条复核" in out.output
    # pass or fail: grader (no, no), leads (no, yes): p_o = .5, p_e = 1*.5 = .5, κ = 0
    verdict = next(line for line in out.output.splitlines() if line.startswith("verdict"))
    assert verdict.split()[1:5] == ["2", "50%", "0.00", "0"]
    assert "1. broken-promise/ask-reason（问清这次没还上的原因）：1/2 次被推翻" in out.output
    data = runner.invoke(main, ["calibrate", "--leads", "--json", "--db", str(bot.settings.database)])
    parts = {p["part"]: p for p in __import__("json").loads(data.output)["parts"]}
    assert parts["verdict"]["kappa"] == 0.0 and parts["broken-promise/empathy"]["rate"] == 1.0


def test_export_reviews_is_a_labelled_set_the_grader_reads_and_the_trail_a_csv(bot, tmp_path, library):
    from click.testing import CliRunner

    from coachbot.cli.main import main
    from coachbot.grading.evaluate import evaluate, load_cases

    decided_week(bot)
    runner = CliRunner(env={"COACHBOT_CONFIG": "", "COACHBOT_DB": ""})
    target = tmp_path / "reviews.yaml"
    out = runner.invoke(main, ["export", "reviews", "-o", str(target), "--db", str(bot.settings.database)])
    assert out.exit_code == 0, out.output
    cases = load_cases(target)
    assert [(c.challenge, c.label, c.text) for c in cases] == [
        ("broken-promise", "weak", NEAR), ("broken-promise", "adequate", WEAK)]
    assert evaluate(library, cases).cases == 2
    trail = runner.invoke(main, ["export", "trail", "--csv", "--db", str(bot.settings.database)])
    lines = trail.output.splitlines()
    assert lines[0] == "review,submission,at,local_time,actor,actor_name,action,part,before,after,note"
    assert lines[-1].endswith(",fake:boss,boss,overridden,,0,70,问了原因")
    assert len(lines) == 5


# ------------------------------------------------------------ blind calibration sessions


def test_a_calibration_session_with_two_leads_reports_kappa_worked_by_hand(bot):
    day_with_answers(bot)                      # alice 0 (nothing met), bob 55 (c2, c4, c5), carol 80 (c1-c4)
    at = MORNING + timedelta(hours=4)
    assert "只有组长和管理员" in body(say(bot, "alice", "/coach calibrate 3", at))
    first = say(bot, "boss", "/教练 校准 3", at)
    assert "校准练习 #1" in body(first) and "第 1/3 条" in body(first)
    assert WEAK in body(first) and "alice" not in body(first) and "0/100" not in body(first)   # blind
    assert "要写 7 个 y/n" in body(say(bot, "boss", "/coach calibrate #1 1 yyy", at))
    for item, marks in ((1, "nnnnnnn"), (2, "nynyynn"), (3, "yyyynnn")):   # exactly the bot's verdicts
        out = body(say(bot, "boss", f"/coach calibrate #1 {item} {marks}", at))
    assert "和机器一致 21/21 个判定（100%），κ 1.00" in out and "还没有其他组长评这组样本" in out
    # a second lead on the same sample: one step judged differently from the bot (and from boss)
    # bot yes 7/21, deputy yes 8/21, 20 agree: p_o = 20/21, p_e = (7*8 + 14*13)/441 = 238/441, κ = 182/203 = .90
    assert "第 1/3 条" in body(say(bot, "deputy", "/coach calibrate #1", at))
    for item, marks in ((1, "nnnnnnn"), (2, "yynyynn"), (3, "yyyy nnn")):
        out = body(say(bot, "deputy", f"/coach calibrate #1 {item} {marks}", at))
    assert "和机器一致 20/21 个判定（95%），κ 0.90" in out
    assert "先接住情绪：1 次" in out and "boss：一致 20/21（95%），κ 0.90" in out
    # the marks are labelled examples for calibrate --leads, beside the reviews
    from click.testing import CliRunner

    from coachbot.cli.main import main

    report = CliRunner(env={"COACHBOT_CONFIG": "", "COACHBOT_DB": ""}).invoke(
        main, ["calibrate", "--leads", "--db", str(bot.settings.database)])
    assert "0 条复核、1 次校准练习，共 42 个判定" in report.output


def test_a_slack_button_runs_its_coach_command_through_the_inbox(tmp_path, library):
    from coachbot.platforms.slack.chat import SlackChat
    from coachbot.platforms.slack.client import make_client
    from coachbot.platforms.slack.listeners import SlackListeners

    chat = SlackChat(make_client("xoxb-test", base_url="http://127.0.0.1:9/api/"))
    made = build(Settings(teams=(team(channels={"slack": ("C1",)}),), database=str(tmp_path / "s.db")), chat,
                 library=library)
    try:
        listeners = SlackListeners(made.coach, chat, clock=lambda: MORNING, fast_client=chat.client)
        acked = []
        body_ = {"user": {"id": "U1"}, "channel": {"id": "C1"}, "trigger_id": "T1", "response_url": "http://x/r"}
        listeners.on_command_button(lambda: acked.append(1), {"value": "/coach appeal s7 c2"}, body_)
        listeners.on_command_button(lambda: acked.append(1), {"value": "/script 爽约"}, {**body_, "trigger_id": "T2"})
        item = made.store.claim_inbox(now=MORNING, stale_after=timedelta(seconds=60))
        assert acked == [1, 1] and item is not None and item.kind == "command"
        assert item.payload["incoming"]["text"] == "/coach appeal s7 c2" and item.payload["private"] == "respond"
        assert made.store.claim_inbox(now=MORNING, stale_after=timedelta(seconds=60)) is None   # only /coach runs
    finally:
        made.close()
