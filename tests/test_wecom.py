"""WeCom end to end against the fake WeCom on 127.0.0.1: the same day as in Slack, over the AI bot's long
connection and over the HTTP callbacks, with redeliveries, a reconnect, a takeover, a restart and error storms."""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from coachbot.domain.teams import Schedule, Settings, Team
from coachbot.platforms.http import create_server
from coachbot.platforms.wecom.crypto import WeComCrypto
from coachbot.runtime.app import build
from coachbot.runtime.wecom import WeComSetupError, prepare_wecom
from coachbot.runtime.workers import Workers
from coachbot.settings import WeComOptions
from coachbot.usecases.due import run_due

from .fake_wecom import (
    FakeWeCom,
    aibot_callback_request,
    aibot_text,
    app_callback_request,
    app_text_xml,
    verify_url_request,
)
from .test_coach import GOOD, VIOLATING, WEAK

GROUP = "wrGROUP"
USERS = {"u1": "小王", "u2": "小李", "u3": "小张", "lead": "王组长"}
TOKEN, AES_KEY = "tok3n", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"


def team(channels: tuple[str, ...] = (GROUP,)) -> Team:
    return Team(id="t1", name="电催一组", channels={"wecom": channels}, leads=("lead",),
                schedule=Schedule(lesson="09:00", challenge="10:00", reveal=None, reveal_after=timedelta(hours=20)))


class Rig:
    """A bot process on one SQLite file, talking to the fake WeCom."""

    def __init__(self, path: Path, fake: FakeWeCom, *, env: dict[str, str], options: WeComOptions | None = None,
                 channels: tuple[str, ...] = (GROUP,), clock=None) -> None:
        self.path, self.fake, self.env, self.clock = path, fake, env, clock
        self.settings = Settings(teams=(team(channels),), database=str(path / "coach.db"),
                                 platforms={"wecom": options or WeComOptions()})
        self.parts: list = []

    def start(self, *, fast: bool = True):
        part = prepare_wecom(self.settings, self.env)
        if fast:   # WeCom's real pacing (3.1-3.7 s a message per bucket) is the fan-out benchmark's; here, quick
            part.chat.intervals = dict.fromkeys(part.chat.intervals, 0.05)
            part.chat.rate_wait = 1.0
        bot = build(self.settings, part.chat, **({"clock": self.clock} if self.clock else {}))
        workers = Workers(bot, inbox_threads=2, outbox_threads=4).start()
        part.attach(bot)
        self.parts.append((part, bot, workers))
        return part, bot

    def stop(self) -> None:
        while self.parts:
            part, bot, workers = self.parts.pop()
            part.stop()
            workers.stop(5)
            bot.close()


def long_connection_env(fake: FakeWeCom, **extra: str) -> dict[str, str]:
    return {"WECOM_BOT_ID": fake.bot_id, "WECOM_BOT_SECRET": fake.bot_secret, "WECOM_API_URL": fake.url,
            "WECOM_WS_URL": fake.ws_url, **extra}


def app_env(fake: FakeWeCom) -> dict[str, str]:
    return {"WECOM_CORP_ID": fake.corp_id, "WECOM_APP_SECRET": fake.app_secret, "WECOM_AGENT_ID": str(fake.agent_id)}


@pytest.fixture
def fake():
    with FakeWeCom(users=USERS) as f:
        yield f


@pytest.fixture
def rigs(tmp_path, fake):
    made: list[Rig] = []

    def make(**kw) -> Rig:
        rig = Rig(tmp_path, fake, **kw)
        made.append(rig)
        return rig
    yield make
    for rig in made:
        rig.stop()


def wait_until(check, timeout: float = 25.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (found := check()):
            return found
        time.sleep(0.02)
    return check()


def sent_to(fake: FakeWeCom, chatid: str) -> list[str]:
    """Markdown (or card titles) the bot pushed to a chat over the long connection, in order."""
    out = []
    for f in fake.acked("aibot_send_msg"):
        body = f["body"]
        if body.get("chatid") == chatid:
            out.append(body["markdown"]["content"] if body.get("msgtype") == "markdown"
                       else "[card] " + json.dumps(body.get("template_card"), ensure_ascii=False))
    return out


def replies(fake: FakeWeCom, req_id: str) -> list[str]:
    return [f["body"]["stream"]["content"] for f in fake.acked("aibot_respond_msg")
            if f["headers"]["req_id"] == req_id]


# ------------------------------------------------------------------ the day, over the long connection


def test_a_whole_day_over_the_long_connection(rigs, fake):
    rig = rigs(env=long_connection_env(fake), options=WeComOptions(names={"u1": "小王", "u2": "小李"}))
    part, bot = rig.start()
    assert fake.wait_subscribed(timeout=30)

    fake.push_message("教练 发布 小课", userid="lead", chatid=GROUP)
    lesson = wait_until(lambda: [m for m in sent_to(fake, GROUP) if "今日一课" in m])
    assert len(lesson) == 1
    fake.push_message("教练 发布 挑战 broken-promise", userid="lead", chatid=GROUP)
    challenge = wait_until(lambda: [m for m in sent_to(fake, GROUP) if "今日挑战｜第二次爽约之后" in m])
    card = wait_until(lambda: [m for m in sent_to(fake, GROUP) if m.startswith("[card]") and "answer:" in m])
    assert challenge and card and "我要作答" in card[0]
    assert wait_until(lambda: [m for m in sent_to(fake, "lead") if "挑战" in m])   # the lead hears privately

    fake.push_message(GOOD, userid="u1", chatid=GROUP)                  # an answer in the group, by @mention
    feedback = wait_until(lambda: [m for m in sent_to(fake, "u1") if "得分" in m])
    assert "通过" in feedback[0] and "逐项点评" in feedback[0]
    ack = wait_until(lambda: [m for m in sent_to(fake, GROUP) if "已收到 @小王，反馈已私信" in m])
    assert len(ack) == 1 and "得分" not in "".join(sent_to(fake, GROUP))       # the score never reaches the group

    fake.push_message(WEAK, userid="u2")                                # one-to-one with the bot
    assert wait_until(lambda: [m for m in sent_to(fake, "u2") if "未通过" in m])
    msgid = "msg-violating"
    fake.push_message(VIOLATING, userid="u3", chatid=GROUP, msgid=msgid)
    assert wait_until(lambda: [m for m in sent_to(fake, "u3") if "合规问题" in m])
    fake.push_message(VIOLATING, userid="u3", chatid=GROUP, msgid=msgid)   # WeCom redelivers after a reconnect
    time.sleep(0.5)
    assert len([m for m in sent_to(fake, "u3") if "合规问题" in m]) == 1
    fake.push_message("收到", userid="u2", chatid=GROUP)                 # team chatter: never graded
    time.sleep(0.3)

    looked = fake.push_message("话术 爽约", userid="u2", chatid=GROUP)    # a quick read, answered in its exchange
    assert "屡次爽约的客户" in wait_until(lambda: replies(fake, looked))[0]
    board = fake.push_message("排行榜 今天", userid="u2", chatid=GROUP)
    standings = wait_until(lambda: replies(fake, board))[0]
    assert standings.index("小王") < standings.index("小李")

    fake.push_message("教练 公布", userid="lead", chatid=GROUP)
    reveal = wait_until(lambda: [m for m in sent_to(fake, GROUP) if "答案揭晓" in m])
    assert "小王" in reveal[0] and "你这种老赖" not in reveal[0]
    stats = bot.store.member_stats(bot.store.member("wecom", "u1"), now=datetime.now(UTC))
    assert stats.answers == 1 and stats.points_week > 0
    names = {m.user: m.display_name for m in bot.store.members()}
    assert (names["u1"], names["u2"]) == ("小王", "小李")                 # coachbot.yaml's wecom.names
    assert names["u3"] in (None, "u3")                                   # no app to ask, no mapping: the userid


def test_a_reconnect_keeps_serving_and_a_takeover_stops_this_process(rigs, fake):
    rig = rigs(env=long_connection_env(fake))
    part, _ = rig.start()
    part.link.backoff = (0.05, 0.2)
    assert fake.wait_subscribed(timeout=30)
    assert fake.drop()                                                  # the network drops the connection
    assert fake.wait_subscribed(count=2, timeout=10)
    looked = fake.push_message("话术 投诉", userid="u1")
    assert wait_until(lambda: replies(fake, looked))
    assert fake.kick()                                                  # another process subscribed as this bot
    assert wait_until(lambda: part.link.kicked)
    time.sleep(0.5)
    assert fake.subscriptions == 2 and not part.link.ready.is_set()
    ok, detail = part.health()
    assert not ok and detail["long_connection"]["kicked"] is True


def test_a_dead_link_is_noticed_by_its_heartbeat(rigs, fake):
    rig = rigs(env=long_connection_env(fake))
    part, _ = rig.start()
    part.link.heartbeat, part.link.backoff = 0.1, (0.05, 0.2)
    assert fake.wait_subscribed(timeout=30)
    fake.ignore_pings(True)
    assert wait_until(lambda: fake.subscriptions >= 2, timeout=10)       # two missed pings: reconnected
    fake.ignore_pings(False)


def test_a_restart_mid_day_delivers_what_was_accepted_exactly_once(rigs, fake):
    rig = rigs(env=long_connection_env(fake))
    part, bot = rig.start()
    bot.coach.post_challenge(bot.settings.teams[0], datetime.now(UTC), content_id="broken-promise")
    assert fake.wait_subscribed(timeout=30)
    wait_until(lambda: [m for m in sent_to(fake, GROUP) if "今日挑战" in m])
    fake.fail_ws("aibot_send_msg", drop="before", times=1)             # the feedback's send dies with the link
    fake.push_message(GOOD, userid="u1")
    time.sleep(0.5)
    rig.stop()                                                          # the process ends mid-delivery
    rig2 = rigs(env=long_connection_env(fake))
    rig2.start()
    feedback = wait_until(lambda: [m for m in sent_to(fake, "u1") if "得分" in m], timeout=15)
    assert len(feedback) == 1


def test_scheduled_posts_go_to_groups_and_through_robots(rigs, fake, tmp_path):
    day = datetime(2026, 12, 8, 2, 5, tzinfo=UTC)                        # Tuesday 10:05 in Shanghai
    start = time.monotonic()
    rig = rigs(env=long_connection_env(fake, WECOM_WEBHOOK_B="hook-a"), channels=(GROUP, "webhook:WECOM_WEBHOOK_B"),
               clock=lambda: day + timedelta(seconds=time.monotonic() - start))   # that morning, time running
    _, bot = rig.start()
    assert fake.wait_subscribed(timeout=30)
    run_due(bot.coach, day)
    assert wait_until(lambda: [m for m in sent_to(fake, GROUP) if "今日挑战" in m])
    hooked = wait_until(lambda: len(sent := fake.delivered("webhook/send")) >= 2 and sent)   # robots are paced
    assert any("今日一课" in c.body["markdown"]["content"] for c in hooked)
    assert len(fake.delivered("webhook/send")) == 2                      # the lesson and the challenge, no card
    run_due(bot.coach, day + timedelta(minutes=5))                       # a second run posts nothing new
    time.sleep(0.5)
    assert len(fake.delivered("webhook/send")) == 2


# ------------------------------------------------------------------ private feedback through the app, error storms


def test_feedback_through_the_app_survives_rate_limits_and_expired_tokens(rigs, fake):
    rig = rigs(env={**long_connection_env(fake), **app_env(fake)}, options=WeComOptions(private="app"))
    part, bot = rig.start()
    part.chat.names = {}
    send = part.chat.send

    def heard_late(d, message, on_part):   # the group shows the post; the bot records it a while later
        message_id = send(d, message, on_part)
        if d.route == "post":
            time.sleep(2)
        return message_id
    part.chat.send = heard_late
    assert fake.wait_subscribed(timeout=30)
    bot.coach.post_challenge(bot.settings.teams[0], datetime.now(UTC), content_id="broken-promise")
    assert wait_until(lambda: [m for m in sent_to(fake, GROUP) if "今日挑战" in m])
    part.chat.api.token()                                               # a cached token, that WeCom then expires
    fake.expire_tokens()
    fake.fail("message/send", errcode=45009, times=2)                  # a frequency storm, then an expired token
    fake.push_message(GOOD, userid="u1", chatid=GROUP)
    got = wait_until(lambda: [c for c in fake.delivered("message/send") if c.body.get("touser") == "u1"], timeout=150)
    assert len(got) == 1 and "得分" in got[0].body["markdown"]["content"]
    assert [c.errcode for c in fake.calls("message/send")][:2] == [45009, 45009]
    assert len(fake.calls("gettoken")) >= 2                             # fetched again after 42001
    assert bot.store.member("wecom", "u1").display_name == "小王"         # the app's user/get


def test_missing_variables_stop_the_start_naming_them(tmp_path, fake):
    settings = Settings(teams=(team(),), database=str(tmp_path / "x.db"))
    with pytest.raises(WeComSetupError, match="WECOM_BOT_SECRET"):
        prepare_wecom(settings, {"WECOM_BOT_ID": "b"})
    with pytest.raises(WeComSetupError, match="No WeCom surface is configured"):
        prepare_wecom(settings, {})
    hooked = Settings(teams=(team(("webhook:WECOM_WEBHOOK_X",)),), database=str(tmp_path / "x.db"))
    with pytest.raises(WeComSetupError, match="WECOM_WEBHOOK_X"):
        prepare_wecom(hooked, long_connection_env(fake))
    callback_only = {"WECOM_TOKEN": TOKEN, "WECOM_AES_KEY": AES_KEY}
    with pytest.raises(WeComSetupError, match="private feedback"):
        prepare_wecom(settings, callback_only)                          # teams mapped: refuse
    unmapped = Settings(teams=(Team(id="t1", name="一组"),), database=str(tmp_path / "x.db"))
    assert prepare_wecom(unmapped, callback_only).notes                 # nothing mapped yet: start, and say why


# ------------------------------------------------------------------ HTTP callbacks


@pytest.fixture
def callback_server(rigs, fake):
    """The AI bot's callback + the self-built app (DMs) + a group robot, on a real waitress port."""
    rig = rigs(env={"WECOM_TOKEN": TOKEN, "WECOM_AES_KEY": AES_KEY, "WECOM_API_URL": fake.url,
                    "WECOM_WEBHOOK_A": "hook-a", **app_env(fake)},
               options=WeComOptions(webhooks={GROUP: "WECOM_WEBHOOK_A"}))
    part, bot = rig.start()
    server = create_server(part.wsgi(None), port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}", part, bot
    server.close()


def test_callbacks_verify_answer_lookups_passively_and_grade_answers(callback_server, fake):
    url, part, bot = callback_server
    status, body = verify_url_request(url + "/wecom/aibot", TOKEN, AES_KEY, "", echo="5927492")
    assert (status, body) == (200, b"5927492")
    status, body = aibot_callback_request(url + "/wecom/aibot", TOKEN, AES_KEY,
                                          aibot_text("话术 爽约", userid="u1", chatid=GROUP))
    assert status == 200
    sealed = json.loads(body)
    plain = json.loads(WeComCrypto(TOKEN, AES_KEY, "").open(sealed["msgsignature"], str(sealed["timestamp"]),
                                                            sealed["nonce"], sealed["encrypt"]))
    assert plain["stream"]["finish"] is True and "屡次爽约的客户" in plain["stream"]["content"]

    bot.coach.post_challenge(bot.settings.teams[0], datetime.now(UTC), content_id="broken-promise")
    assert wait_until(lambda: [c for c in fake.delivered("webhook/send") if "今日挑战" in c.body["markdown"]["content"]])
    answer = aibot_text(GOOD, userid="u1", chatid=GROUP, msgid="cb-1")
    for _ in range(3):                                                   # WeCom retries a callback three times
        assert aibot_callback_request(url + "/wecom/aibot", TOKEN, AES_KEY, answer)[0] == 200
    dm = wait_until(lambda: [c for c in fake.delivered("message/send") if c.body.get("touser") == "u1"])
    assert len(dm) == 1 and "得分" in dm[0].body["markdown"]["content"]
    assert wait_until(lambda: [c for c in fake.delivered("webhook/send") if "反馈已私信" in c.body["markdown"]["content"]])
    time.sleep(0.5)
    assert len([c for c in fake.delivered("message/send") if c.body.get("touser") == "u1"]) == 1


def test_the_app_callback_takes_one_to_one_answers(callback_server, fake):
    url, part, bot = callback_server
    bot.coach.post_challenge(bot.settings.teams[0], datetime.now(UTC), content_id="broken-promise")
    xml = app_text_xml(WEAK, userid="u2", corp_id=fake.corp_id, agent_id=fake.agent_id, msgid="8801")
    assert verify_url_request(url + "/wecom/callback", TOKEN, AES_KEY, fake.corp_id)[0] == 200
    assert app_callback_request(url + "/wecom/callback", TOKEN, AES_KEY, fake.corp_id, xml)[0] == 200
    dm = wait_until(lambda: [c for c in fake.delivered("message/send") if c.body.get("touser") == "u2"])
    assert "未通过" in dm[0].body["markdown"]["content"]


@pytest.mark.parametrize("tamper", ["signature", "stale", "body", "envelope"])
def test_bad_callbacks_are_refused_and_nothing_runs(callback_server, fake, tamper):
    url, part, bot = callback_server
    status, _ = aibot_callback_request(url + "/wecom/aibot", TOKEN, AES_KEY,
                                       aibot_text(GOOD, userid="u1", chatid=GROUP), tamper=tamper)
    assert 400 <= status < 500
    xml = app_text_xml(GOOD, userid="u1", corp_id=fake.corp_id, agent_id=fake.agent_id)
    status, _ = app_callback_request(url + "/wecom/callback", TOKEN, AES_KEY, fake.corp_id, xml, tamper=tamper)
    assert 400 <= status < 500
    assert bot.store.inbox_waiting() == 0 and not fake.calls("message/send")


def test_wrong_receiveid_entity_bombs_and_huge_bodies_are_refused(callback_server, fake):
    url, part, bot = callback_server
    xml = app_text_xml(GOOD, userid="u1", corp_id=fake.corp_id, agent_id=fake.agent_id)
    assert app_callback_request(url + "/wecom/callback", TOKEN, AES_KEY, fake.corp_id, xml,
                                tamper="receiveid")[0] == 401
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            "<xml><Encrypt>&b;</Encrypt></xml>")
    import urllib.error
    import urllib.request

    def post(data: bytes) -> int:
        try:
            with urllib.request.urlopen(urllib.request.Request(url + "/wecom/callback?timestamp=1&nonce=1&msg_signature=x",
                                                               data=data, method="POST"), timeout=10) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code
    assert post(bomb.encode()) == 400
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:    # refused before it is read
        sock.sendall(b"POST /wecom/callback HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                     b"Content-Length: 104857600\r\n\r\n<xml>" + b"a" * 65536)
        assert sock.recv(200).startswith(b"HTTP/1.1 413")
    assert bot.store.inbox_waiting() == 0


def test_the_answer_button_opens_a_one_to_one_prompt_and_an_unmapped_group_hears_its_id(rigs, fake):
    rig = rigs(env=long_connection_env(fake))
    part, bot = rig.start()
    assert fake.wait_subscribed(timeout=30)
    fake.push_event("template_card_event", userid="u2", chatid=GROUP,
                    event={"event_key": "answer:broken-promise", "task_id": "post_1"})
    prompt = wait_until(lambda: [m for m in sent_to(fake, "u2") if "请直接在这里回复" in m])
    assert "第二次爽约之后" in prompt[0]
    fake.push_message("教练 帮助", userid="u1", chatid="wrOTHER")
    hint = wait_until(lambda: sent_to(fake, "wrOTHER"))
    assert "wrOTHER" in hint[0] and "channels" in hint[0]
    fake.push_message("教练 帮助", userid="u1", chatid="wrOTHER")
    time.sleep(0.5)
    assert len([m for m in sent_to(fake, "wrOTHER") if "wrOTHER" in m]) == 1   # the hint: once per group


# ------------------------------------------------------------------ the real command


def test_coachbot_run_platform_wecom_serves_and_stops_cleanly(tmp_path, fake):
    import os
    import signal
    import subprocess
    import sys

    from click.testing import CliRunner

    from coachbot.cli.main import main

    config = tmp_path / "coachbot.yaml"
    config.write_text(f"database: {tmp_path / 'bot.db'}\nteams:\n  - id: t1\n    name: 一组\n    leads: [lead]\n"
                      f"    channels:\n      wecom: [{GROUP}]\n", encoding="utf-8")
    missing = CliRunner().invoke(main, ["run", "--platform", "wecom", "--config", str(config)],
                                 env={"WECOM_BOT_ID": "b", "WECOM_BOT_SECRET": ""})
    assert missing.exit_code != 0 and "WECOM_BOT_SECRET" in missing.output
    wrong = CliRunner().invoke(main, ["run", "--platform", "wechat", "--config", str(config)])
    assert wrong.exit_code == 2 and "slack, wecom" in wrong.output
    env = {**os.environ, **long_connection_env(fake), "COACHBOT_LOG_LEVEL": "INFO"}
    proc = subprocess.Popen([sys.executable, "-m", "coachbot", "run", "--platform", "wecom", "--config", str(config)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert fake.wait_subscribed(timeout=30)
        looked = fake.push_message("话术 爽约", userid="u1", chatid=GROUP)
        assert "屡次爽约的客户" in wait_until(lambda: replies(fake, looked))[0]
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert "event=wecom_subscribed" in err and "event=workers_stopped" in err and "Traceback" not in err
