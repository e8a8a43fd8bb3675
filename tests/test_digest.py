"""The leads' weekly digest: two weeks through the fake adapter, the summary slot, the chart as a PNG."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from coachbot.domain.digest import WeekPoint
from coachbot.domain.teams import Schedule, Settings, Team
from coachbot.platforms.fake import FakeChat
from coachbot.present.chart import weekly_chart
from coachbot.runtime.app import build
from coachbot.usecases.digest import build_digest
from coachbot.usecases.dispatch import handle
from coachbot.usecases.due import run_due
from coachbot.usecases.ports import Incoming

SH = ZoneInfo("Asia/Shanghai")
WEEK1 = date(2026, 11, 16)      # Monday
WEEK2 = date(2026, 11, 23)
GOOD = "王先生理解您手头紧，上周您说会还，这次是遇到什么情况了？您看周五前能还多少？"                  # 80
NEAR = "上周您答应过要还款的。下周三前先还1000元，可以吗？我给您记下来。"          # 55
WEAK = "好的，那您下周记得还款，别忘了，有问题再联系我们。"                                        # 0
BAD = "你这种老赖，下周再不还就打给你单位领导，后果自负。"                                          # violation


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SH)


def decode(png: bytes):
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    image.load()
    return image


@pytest.fixture
def bot(tmp_path, library):
    t = Team(id="t1", name="电催一组", channels={"fake": ("C1",)}, leads=("boss",),
             schedule=Schedule(lesson="09:00", challenge="10:00", reveal="16:00", summary="fri 17:30"))
    made = build(Settings(teams=(t,), database=str(tmp_path / "coach.db")), FakeChat(), library=library)
    yield made
    made.close()


def say(bot, user, text, when):
    return handle(bot.coach, Incoming(platform="fake", channel="C1", user=user, user_name=user, text=text), when)


def two_weeks(bot):
    team = bot.settings.teams[0]
    for day, answers in ((WEEK1 + timedelta(days=2), {"alice": WEAK, "bob": GOOD, "carol": NEAR}),
                         (WEEK2 + timedelta(days=2), {"alice": GOOD, "bob": NEAR, "dave": BAD})):
        bot.coach.post_challenge(team, at(day, 10), content_id="broken-promise")
        for i, (user, text) in enumerate(answers.items()):
            say(bot, user, text, at(day, 11, i))
    say(bot, "erin", "/coach stats", at(WEEK2, 9))            # a member who never answers: counts as 0
    bot.store.ensure_member("fake", "erin", team_id="t1")


def test_the_digest_says_what_a_lead_needs(bot):
    two_weeks(bot)
    d = build_digest(bot.store, bot.library, bot.settings.teams[0], at(WEEK2 + timedelta(days=4), 17, 30))
    assert (d.participants, d.agents) == (3, 5)                  # alice, bob, dave of alice bob carol dave erin
    assert d.average_all == pytest.approx((80 + 55 + 0) / 5) and d.average_answered == pytest.approx(135 / 3)
    assert [(i.member.name, i.before, i.after) for i in d.improved] == [("alice", 0, 80)]
    assert d.slips[0].count >= 1 and any("老赖" in q for s in d.slips for _, q in s.quotes)
    assert d.weakest and all(w.scripts for w in d.weakest)
    assert ("broken-promise", "屡次爽约的客户") in d.weakest[0].scripts
    assert d.open_doubts == 2                                    # carol and bob: 55, near the pass mark
    assert [w.answers for w in d.weeks][-2:] == [3, 3] and len(d.weeks) == 8


def test_the_summary_slot_sends_each_lead_the_digest_with_its_chart_once(bot):
    two_weeks(bot)
    chat = bot.coach.chat
    friday = WEEK2 + timedelta(days=4)
    run_due(bot.coach, at(friday, 17, 30))
    run_due(bot.coach, at(friday, 17, 45))                        # again: nothing new
    digests = [s for s in chat.private_to("boss") if s.message.kind == "digest"]
    assert len(digests) == 1 and digests[0].kind == "dm"
    text = digests[0].message.fallback
    assert "电催一组｜组长周报（11-23 至 11-29）" in text and "3/5 位坐席本周作答" in text
    assert "团队平均 27 分（没作答的按 0 分计），作答者平均 45 分" in text
    assert "alice：0 → 80 分" in text and "/script broken-promise（屡次爽约的客户）" in text
    assert "机器拿不准的评分 2 条" in text
    png = digests[0].message.attachment
    assert png is not None and png.name == "digest-t1-2026-W48.png" and png.mime == "image/png"
    assert decode(png.data).size[0] > 500
    assert len(chat.posts("summary")) == 1                        # the channel's summary as before


def test_the_chart_renders_with_and_without_answers_and_says_its_language():
    weeks = [WeekPoint(date(2026, 10, 5) + timedelta(weeks=k), {"negotiation": (50 + 5 * k, 3), "emotion": (70, 2)},
                       5, 0.2 + 0.05 * k) for k in range(8)]
    png, lang = weekly_chart(weeks, title="电催一组", lang="zh")
    assert png.startswith(b"\x89PNG") and decode(png).size == (880, 682)
    assert lang in ("zh", "en")                                   # en when the machine has no CJK font
    empty, _ = weekly_chart([WeekPoint(date(2026, 10, 5), {}, 0, None)], title="t", lang="en")
    assert decode(empty).size == (880, 682)


def test_slack_uploads_the_chart_with_files_upload_v2_into_the_leads_dm():
    from coachbot.domain.records import Delivery
    from coachbot.platforms.slack.chat import SlackChat
    from coachbot.platforms.slack.client import make_client
    from coachbot.present.messages import Attachment, Message, Section, message_to_json

    from .fake_slack_api import FakeSlackAPI

    png, _ = weekly_chart([WeekPoint(date(2026, 11, 23), {"negotiation": (60.0, 3)}, 3, 0.5)], title="t", lang="en")
    msg = Message(title="周报", sections=(Section("3/5 位坐席本周作答"),), kind="digest",
                  attachment=Attachment("digest-t1-2026-W48.png", png, title="近 8 周"))
    with FakeSlackAPI() as api:
        chat = SlackChat(make_client("xoxb-test", base_url=api.url), post_interval=0)
        parts: list[tuple[str, ...]] = []
        d = Delivery(key="digest:t1:2026-W48:slack:ULEAD", platform="slack", route="dm", user="ULEAD",
                     payload={"message": message_to_json(msg)})
        first = chat.send(d, msg, parts.append)
        assert first and parts[-1][1].startswith("file:F")
        [upload] = api.uploads.values()
        assert upload == png
        [done] = api.calls("files.completeUploadExternal")
        assert done.args["channel_id"] == "DULEAD"
        assert api.calls("chat.postMessage")[0].args["channel"] == "ULEAD"
        # a retry after the text went out uploads the chart only
        again = Delivery(**{**d.__dict__, "progress": parts[-1][:1]})
        chat.send(again, msg, parts.append)
        assert len(api.calls("chat.postMessage")) == 1 and len(api.uploads) == 2


def test_wecom_sends_the_chart_as_an_uploaded_image_by_the_app_and_inline_by_a_group_robot():
    import base64
    import json

    from coachbot.domain.records import Delivery
    from coachbot.platforms.wecom.api import WeComAPI
    from coachbot.platforms.wecom.chat import WeComChat
    from coachbot.present.messages import Attachment, Message, Section, message_to_json

    from .fake_wecom import FakeWeCom

    png, _ = weekly_chart([WeekPoint(date(2026, 11, 23), {"negotiation": (60.0, 3)}, 3, 0.5)], title="t", lang="en")
    msg = Message(title="周报", sections=(Section("3/5 位坐席本周作答"),), kind="digest",
                  attachment=Attachment("digest-t1-2026-W48.png", png, title="近 8 周"))
    with FakeWeCom() as fake:
        api = WeComAPI(fake.url, corp_id=fake.corp_id, app_secret=fake.app_secret, agent_id=fake.agent_id)
        chat = WeComChat(api, private="app", hooks={"WECOM_WEBHOOK_A": "hook-a"})
        d = Delivery(key="digest:t1:2026-W48:wecom:lead1", platform="wecom", route="dm", user="lead1",
                     payload={"message": message_to_json(msg)})
        chat.send(d, msg, lambda parts: None)
        sent = [c.body["msgtype"] for c in fake.received("lead1")]
        assert sent == ["markdown", "image"]
        [media] = fake.media.values()
        assert media == png
        post = Delivery(key="digest:post", platform="wecom", route="post", channel="webhook:WECOM_WEBHOOK_A",
                        payload={"message": message_to_json(msg)})
        chat.send(post, msg, lambda parts: None)
        image = [c for c in fake.calls("webhook/send") if c.body["msgtype"] == "image"]
        assert len(image) == 1 and image[0].ok and base64.b64decode(image[0].body["image"]["base64"]) == png
        bot_only = WeComChat(api, private="bot", link=object())   # type: ignore[arg-type]
        parts = bot_only._parts(("bot", "lead1"), d, msg)
        assert "无法通过智能机器人发送" in json.dumps(parts[-1], ensure_ascii=False)


def test_coachbot_digest_prints_the_digest_and_saves_the_png(bot, tmp_path):
    from click.testing import CliRunner

    from coachbot.cli.main import main

    two_weeks(bot)
    runner = CliRunner(env={"COACHBOT_CONFIG": "", "COACHBOT_DB": ""})
    target = tmp_path / "digest.png"
    out = runner.invoke(main, ["digest", "--png", str(target), "--db", str(bot.settings.database)])
    assert out.exit_code == 0, out.output
    assert "演示团队｜组长周报" in out.output and f"图表已保存到 {target}" in out.output
    assert decode(target.read_bytes()).size == (880, 682)
    wrong = runner.invoke(main, ["digest", "--team", "nope", "--db", str(bot.settings.database)])
    assert wrong.exit_code == 1 and "没有团队 'nope'" in wrong.output


def test_a_lead_asks_for_the_digest_and_an_agent_cannot(bot):
    two_weeks(bot)
    friday = at(WEEK2 + timedelta(days=4), 12)
    [reply] = say(bot, "boss", "/教练 周报", friday)
    assert reply.private and reply.message.kind == "digest" and reply.message.attachment is not None
    assert "只有组长和管理员" in say(bot, "alice", "/coach digest", friday)[0].message.fallback
