"""The Slack bot as it runs in production, under the conditions production brings.

The bot is started the way ``coachbot run --platform slack`` starts it (real
listener pool, inbox and outbox workers, the request guard, waitress) against
a fake Web API on 127.0.0.1 that can be slow, rate limited or drop
connections, and a fake Socket Mode gateway speaking hello / envelopes / acks.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest

from coachbot.domain.teams import Schedule, Settings, Team
from coachbot.logfmt import LineFormatter
from coachbot.platforms.slack.chat import SlackChat
from coachbot.platforms.slack.client import make_client
from coachbot.platforms.slack.listeners import build_app
from coachbot.platforms.slack.server import MAX_BODY, create_server, wsgi_app
from coachbot.runtime.app import build
from coachbot.runtime.slack import readiness
from coachbot.runtime.workers import Workers

from .fake_slack_api import BOT_ID, BOT_USER, TEAM, FakeSlackAPI
from .fake_socket_gateway import FakeGateway

SECRET = "prod-secret"
USERS = {f"U{i}": f"坐席{i}" for i in range(1, 60)} | {"ULEAD": "张组长"}
ANSWER = "王先生，理解您这周手头紧。上周五您说发工资就还，这次是遇到什么情况了？周五前先还1000元可以吗？"


@dataclass
class Reply:
    status: int
    body: str
    seconds: float

    def json(self) -> dict:
        return json.loads(self.body)


class Prod:
    """One bot process, in this process: workers, real listener pool, guard, waitress."""

    def __init__(self, tmp_path: Path, library, api: FakeSlackAPI, *, language: str = "zh") -> None:
        self.api = api
        self.team = Team(id="t1", name="催收一组", channels={"slack": ("C1",)}, leads=("ULEAD",), language=language,
                         schedule=Schedule(reveal=None, reveal_after=timedelta(hours=6)))
        self.chat = SlackChat(make_client("xoxb-test", base_url=api.url), post_interval=0)
        self.bot = build(Settings(teams=(self.team,), database=str(tmp_path / "bot.db")), self.chat, library=library)
        self.workers = Workers(self.bot).start()
        self.app = build_app(self.bot.coach, self.chat, signing_secret=SECRET,
                             auth={"user_id": BOT_USER, "team_id": TEAM, "bot_id": BOT_ID},
                             fast_client=make_client("xoxb-test", base_url=api.url, timeout=2.5))
        self.server = create_server(wsgi_app(self.app, signing_secret=SECRET, readiness=readiness(self.bot, self.chat)),
                                    host="127.0.0.1", port=0, threads=16)
        self.port = self.server.effective_port
        threading.Thread(target=self.server.run, daemon=True).start()

    def close(self) -> None:
        self.server.close()
        self.workers.stop(2)
        self.bot.close()

    # ------------------------------------------------------------ talking like Slack

    def request(self, body: bytes | str, content_type: str = "application/json", *, timeout: float = 10,
                headers: dict | None = None, path: str = "/slack/events", method: str = "POST",
                sign: bool = True) -> Reply:
        raw = body.encode() if isinstance(body, str) else body
        ts = str(int(time.time()))
        sent = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts}
        if sign:
            digest = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256).hexdigest()
            sent["X-Slack-Signature"] = f"v0={digest}"
        sent.update(headers or {})
        start = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        conn.request(method, path, body=raw, headers=sent)
        resp = conn.getresponse()
        out = Reply(resp.status, resp.read().decode("utf-8", "replace"), time.monotonic() - start)
        conn.close()
        return out

    def command(self, name: str, text: str = "", user: str = "U1", **kw) -> Reply:
        return self.request(urlencode({"command": name, "text": text, "user_id": user, "channel_id": "C1",
                                       "team_id": TEAM, "response_url": self.api.response_url("cmd"),
                                       "trigger_id": f"tr-{time.monotonic_ns()}"}),
                            "application/x-www-form-urlencoded", **kw)

    def message(self, text: str, *, thread: str | None, user: str = "U1", ts: str = "1800000000.000001", **kw) -> Reply:
        event = {"type": "message", "channel": "C1", "user": user, "text": text, "ts": ts, "channel_type": "channel"}
        if thread:
            event["thread_ts"] = thread
        return self.event(event, f"Ev{ts}{user}", **kw)

    def event(self, event: dict, event_id: str, **kw) -> Reply:
        return self.request(json.dumps({"type": "event_callback", "event_id": event_id, "team_id": TEAM,
                                        "event": event}, ensure_ascii=False), **kw)

    def interact(self, payload: dict, **kw) -> Reply:
        base = {"team": {"id": TEAM}, "user": {"id": "U1", "team_id": TEAM}, "trigger_id": "tr-9",
                "response_url": self.api.response_url("act")}
        return self.request(urlencode({"payload": json.dumps({**base, **payload}, ensure_ascii=False)}),
                            "application/x-www-form-urlencoded", **kw)

    # ------------------------------------------------------------ state

    def challenge(self) -> str:
        [posted] = self.bot.coach.post_challenge(self.team, datetime.now(UTC), content_id="broken-promise")
        assert wait_for(lambda: self.bot.store.post(posted.post.id).state == "posted")
        return self.bot.store.post(posted.post.id).message_id

    def submissions(self, ts: str) -> list:
        post = self.bot.store.open_challenge("slack", "C1", thread=ts, now=datetime.now(UTC))
        return self.bot.store.submissions_for_post(post.id)


def wait_for(check, timeout: float = 15.0) -> bool:
    """Poll ``check`` until it holds (the workers run in threads of their own)."""
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if check():
            return True
        time.sleep(0.05)
    return check()


@pytest.fixture
def api():
    with FakeSlackAPI(users=USERS) as fake:
        yield fake


@pytest.fixture
def prod(tmp_path, library, api):
    bot = Prod(tmp_path, library, api)
    yield bot
    api.slow(0)
    bot.close()


# ---------------------------------------------------------------- the fast lane


def test_lookups_and_buttons_answer_within_slacks_3_seconds_while_the_api_is_slow_and_replies_wait(prod, api):
    ts = prod.challenge()
    api.slow(5.0)                                            # every Web API call now takes 5 s
    acks = [prod.message(ANSWER, thread=ts, user=f"U{i}", ts=f"18000000{i:02d}.000001", timeout=3)
            for i in range(1, 41)]                           # 40 replies waiting to be graded and answered
    assert {a.status for a in acks} == {200}
    script = prod.command("/script", "爽约", timeout=3)      # Slack gives up after 3 s
    assert script.status == 200 and "屡次爽约" in script.json()["text"]
    board = prod.command("/leaderboard", "week", timeout=3)
    assert board.status == 200 and "排行榜" in board.json()["text"]
    button = prod.interact({"type": "block_actions", "channel": {"id": "C1"}, "message": {"ts": ts},
                            "actions": [{"action_id": "answer", "value": "broken-promise", "type": "button"}]},
                           timeout=3)
    form = prod.interact({"type": "view_submission", "view": {
        "id": "V1", "type": "modal", "callback_id": "answer", "private_metadata": json.dumps({"channel": "C1", "thread": ts}),
        "state": {"values": {"answer": {"text": {"value": ANSWER}}}}}}, timeout=3)
    assert button.status == form.status == 200
    assert prod.bot.store.inbox_waiting() >= 1               # the answers wait in the inbox, on disk


def test_rate_limited_feedback_never_blocks_acknowledgements_and_arrives_once_slack_recovers(prod, api):
    ts = prod.challenge()
    api.fail("chat.postEphemeral", status=429, retry_after=1, times=34)
    for i in range(1, 11):
        assert prod.message(ANSWER, thread=ts, user=f"U{i}", ts=f"18000000{i:02d}.000002", timeout=3).status == 200
    assert prod.command("/script", "爽约", timeout=3).status == 200
    assert wait_for(lambda: len(api.ok_calls("chat.postEphemeral")) == 10, timeout=30)
    assert sorted(c.args["user"] for c in api.ok_calls("chat.postEphemeral")) == sorted(f"U{i}" for i in range(1, 11))
    assert len(prod.submissions(ts)) == 10


def test_a_post_whose_connection_dropped_after_slack_took_it_appears_once(prod, api):
    api.fail("chat.postMessage", drop="after")               # Slack posts it; the answer never arrives
    [posted] = prod.bot.coach.post_lesson(prod.team, datetime.now(UTC))
    assert wait_for(lambda: prod.bot.store.post(posted.post.id).state == "posted", timeout=20)
    assert len(api.history("C1")) == 1                       # one lesson in the channel
    assert len(api.calls("conversations.history")) == 1      # found by asking, not by posting again


def test_feedback_through_a_5xx_storm_is_delivered_once_slack_recovers(prod, api):
    ts = prod.challenge()
    api.fail("chat.postEphemeral", status=502, times=2)
    api.fail("chat.postEphemeral", status=504, times=1)
    assert prod.message(ANSWER, thread=ts).status == 200
    assert wait_for(lambda: len(api.ok_calls("chat.postEphemeral")) == 1, timeout=30)
    assert [c.status for c in api.calls("chat.postEphemeral")] == [502, 502, 504, 200]
    assert not [c for c in api.calls("chat.postMessage") if c.args["channel"] == "U1"]   # not rerouted to a DM


# ---------------------------------------------------------------- requests the guard refuses


def test_a_huge_unsigned_body_is_refused_before_it_is_read(prod, caplog):
    with socket.create_connection(("127.0.0.1", prod.port), timeout=5) as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 104857600\r\n\r\n" + b"{" * 65536)
        answer = sock.recv(200)
    assert answer.startswith(b"HTTP/1.1 413")
    with socket.create_connection(("127.0.0.1", prod.port), timeout=5) as sock:   # just over the guard's cap
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     + f"Content-Length: {MAX_BODY + 1}\r\n\r\n".encode() + b"x" * 1000)
        assert sock.recv(200).startswith(b"HTTP/1.1 413")
    assert "xxxxxxxx" not in caplog.text


@pytest.mark.parametrize(("body", "content_type", "headers", "status"), [
    (b"not json at all", "application/json", {}, 400),
    (b"\xff\xfe\x00bad utf-8", "application/json", {}, 400),
    (b"payload=%7Bbroken", "application/x-www-form-urlencoded", {}, 400),
    (b"[1, 2, 3]", "application/json", {}, 400),
    (b"{}", "text/html", {}, 400),
    (b"{}", "application/json", {"X-Slack-Request-Timestamp": "soon"}, 401),
    (b"{}", "application/json", {"X-Slack-Signature": "v0=forged"}, 401),
])
def test_malformed_or_unsigned_requests_get_4xx_and_nothing_runs(prod, api, body, content_type, headers, status):
    reply = prod.request(body, content_type, headers=headers)
    assert reply.status == status
    assert prod.bot.store.inbox_waiting() == 0 and api.calls() == []


def test_user_text_cannot_forge_a_log_line(prod, caplog):
    caplog.set_level(logging.DEBUG)
    forged = "\n2026-12-07 INFO coachbot event=slack_auth_failed hint=FORGED"
    prod.request(json.dumps({"type": "event_callback", "text": forged}), headers={"X-Slack-Signature": "v0=bad"})
    event = {"type": "message", "channel": "C1" + forged, "user": "U1", "text": "hi", "ts": "1.1"}
    prod.event(event, "EvF1")
    prod.event(event, "EvF2")                                # a repeat: logged with its key
    lines = [line for r in caplog.records for line in LineFormatter("%(message)s").format(r).splitlines()]
    assert any("slack_duplicate_dropped" in line for line in lines)
    assert not any(line.startswith("2026-12-07 INFO") for line in lines)
    assert "FORGED" not in "".join(r.getMessage() for r in caplog.records if "request_rejected" in r.getMessage())


def test_health_and_readiness(prod, api):
    health = prod.request(b"", path="/healthz", method="GET", sign=False)
    assert (health.status, health.body) == (200, "ok")
    ready = prod.request(b"", path="/readyz", method="GET", sign=False)
    assert ready.status == 200 and ready.json()["database"] == "writable"
    api.fail("chat.postMessage", status=500, times=50)
    prod.bot.coach.post_lesson(prod.team, datetime.now(UTC))
    assert wait_for(lambda: prod.chat.last_error is not None)
    not_ready = prod.request(b"", path="/readyz", method="GET", sign=False)
    assert not_ready.status == 503 and not_ready.json()["slack"]["last_error"] == "HTTP 500"


# ---------------------------------------------------------------- Socket Mode


def test_socket_mode_acks_lookups_with_their_answer_and_events_at_once_even_when_the_api_is_slow(prod, api):
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    ts = prod.challenge()
    with FakeGateway() as gateway:
        api.socket_url = gateway.url
        handler = SocketModeHandler(prod.app, "xapp-test", web_client=prod.chat.client)
        handler.connect()
        try:
            assert gateway.connected.wait(5)
            api.slow(5.0)
            for i in range(1, 21):
                gateway.send({"envelope_id": f"ev{i}", "type": "events_api", "accepts_response_payload": False,
                              "payload": {"type": "event_callback", "event_id": f"E{i}", "team_id": TEAM, "event": {
                                  "type": "message", "channel": "C1", "user": f"U{i}", "text": ANSWER,
                                  "ts": f"18000000{i:02d}.000003", "thread_ts": ts, "channel_type": "channel"}}})
            gateway.send({"envelope_id": "cmd1", "type": "slash_commands", "accepts_response_payload": True,
                          "payload": {"command": "/script", "text": "爽约", "user_id": "U1", "channel_id": "C1",
                                      "team_id": TEAM, "response_url": api.response_url("s"), "trigger_id": "t1"}})
            ack = gateway.ack("cmd1", timeout=3)
            assert ack is not None and "屡次爽约" in json.dumps(ack["payload"], ensure_ascii=False)
            assert all(gateway.ack(f"ev{i}", timeout=3) is not None for i in range(1, 21))
            assert wait_for(lambda: prod.bot.store.inbox_waiting() + len(prod.submissions(ts)) >= 20)
        finally:
            api.slow(0)
            handler.close()


# ---------------------------------------------------------------- edits and deletions


def test_a_deleted_answer_is_withdrawn_and_not_revealed(prod, api):
    ts = prod.challenge()
    prod.message(ANSWER, thread=ts, user="U1", ts="1800000001.000010")
    assert wait_for(lambda: len(prod.submissions(ts)) == 1 and len(api.ok_calls("chat.postEphemeral")) == 1)
    prod.event({"type": "message", "subtype": "message_deleted", "channel": "C1", "deleted_ts": "1800000001.000010",
                "previous_message": {"type": "message", "user": "U1", "text": ANSWER, "ts": "1800000001.000010"},
                "ts": "1800000001.000020"}, "EvDel")
    assert wait_for(lambda: prod.submissions(ts)[0].submission.status == "withdrawn")
    [sub] = prod.submissions(ts)
    assert (sub.submission.text, sub.submission.points) == ("", 0)
    post = prod.bot.store.open_challenge("slack", "C1", thread=ts, now=datetime.now(UTC))
    assert prod.bot.coach.reveal(post, datetime.now(UTC))
    assert wait_for(lambda: any(c.args.get("thread_ts") == ts for c in api.ok_calls("chat.postMessage")))
    reveal = next(c for c in api.ok_calls("chat.postMessage") if c.args.get("thread_ts") == ts)
    assert "坐席1" not in json.dumps(reveal.args, ensure_ascii=False) and "撤回" in json.dumps(
        api.ok_calls("chat.postEphemeral")[-1].args, ensure_ascii=False)


def test_an_edited_answer_is_graded_as_a_new_attempt_and_the_old_wording_never_revealed(prod, api):
    ts = prod.challenge()
    prod.message("王先生，这次是遇到什么情况了？", thread=ts, user="U1", ts="1800000001.000030")
    assert wait_for(lambda: len(api.ok_calls("chat.postEphemeral")) == 1)
    prod.event({"type": "message", "subtype": "message_changed", "channel": "C1", "ts": "1800000001.000040",
                "message": {"type": "message", "user": "U1", "text": ANSWER, "ts": "1800000001.000030",
                            "thread_ts": ts, "edited": {"user": "U1", "ts": "1800000001.000040"}},
                "previous_message": {"type": "message", "user": "U1", "text": "王先生，这次是遇到什么情况了？",
                                     "ts": "1800000001.000030"}}, "EvEdit")
    assert wait_for(lambda: len(prod.submissions(ts)) == 2)
    first, second = sorted((a.submission for a in prod.submissions(ts)), key=lambda s: s.attempt)
    assert (first.status, first.counted, second.reason) == ("superseded", True, "practice")
    # a thread reply changes the parent's metadata, not its words: no new attempt
    prod.event({"type": "message", "subtype": "message_changed", "channel": "C1", "ts": "1800000001.000050",
                "message": {"type": "message", "user": "U1", "text": ANSWER, "ts": "1800000001.000030",
                            "reply_count": 1},
                "previous_message": {"type": "message", "user": "U1", "text": ANSWER, "ts": "1800000001.000030"}},
               "EvMeta")
    time.sleep(0.3)
    assert len(prod.submissions(ts)) == 2


# ---------------------------------------------------------------- smaller ones


def test_post_now_tells_the_lead_what_really_happened(prod, api):
    api.fail("chat.postMessage", error="channel_not_found")
    prod.command("/coach", "post-now lesson", user="ULEAD")
    assert wait_for(lambda: len(api.calls("response_url")) == 1)
    assert "没有发出去：channel_not_found" in api.calls("response_url")[0].args["text"]
    api.fail("chat.postMessage", status=429, retry_after=60)
    prod.command("/coach", "post-now challenge broken-promise", user="ULEAD")
    assert wait_for(lambda: len(api.calls("response_url")) == 2, timeout=15)
    queued = api.calls("response_url")[1].args["text"]
    assert "已进入发送队列" in queued and "ratelimited" in queued


def test_coach_today_answer_button_answers_the_posted_challenge(prod, api):
    ts = prod.challenge()
    prod.command("/coach", "today")
    assert wait_for(lambda: len(api.calls("response_url")) == 1)
    blocks = api.calls("response_url")[0].args["blocks"]
    [button] = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert button["value"] == f"broken-promise@{ts}"
    prod.interact({"type": "block_actions", "channel": {"id": "C1"}, "container": {"type": "ephemeral"},
                   "actions": [{"action_id": "answer", "value": button["value"], "type": "button"}]})
    assert wait_for(lambda: len(api.calls("views.open")) == 1)
    meta = json.loads(api.calls("views.open")[0].args["view"]["private_metadata"])
    assert meta == {"channel": "C1", "thread": ts}


def test_stats_finds_a_member_by_mention_or_name(prod, api):
    ts = prod.challenge()
    prod.message(ANSWER, thread=ts, user="U2", ts="1800000002.000001")
    assert wait_for(lambda: len(prod.submissions(ts)) == 1)
    for text in ("stats <@U2|坐席2>", "stats @坐席2", "stats ＠坐席2"):
        prod.command("/coach", text, user="ULEAD")
    assert wait_for(lambda: len(api.calls("response_url")) == 3)
    assert all("坐席2 的成绩" in c.args["text"] for c in api.calls("response_url"))


def test_direct_message_help_and_apologies_speak_the_members_language(tmp_path, library, api):
    bot = Prod(tmp_path, library, api, language="en")
    try:
        ts = bot.challenge()
        bot.message(ANSWER, thread=ts, user="U3", ts="1800000003.000001")
        assert wait_for(lambda: len(api.ok_calls("chat.postEphemeral")) == 1)
        bot.event({"type": "message", "channel": "D3", "user": "U3", "text": "hello", "ts": "1800000003.000002",
                   "channel_type": "im"}, "EvDM")
        assert wait_for(lambda: any(c.args["channel"] == "D3" for c in api.ok_calls("chat.postMessage")))
        help_ = next(c for c in api.ok_calls("chat.postMessage") if c.args["channel"] == "D3")
        assert "I'm coachbot" in help_.args["text"]
    finally:
        bot.close()


# ---------------------------------------------------------------- a real process, stopped with work in flight


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sigterm_with_replies_in_flight_then_restart_answers_every_reply_once(tmp_path, library, api):
    db, config = tmp_path / "bot.db", tmp_path / "coachbot.yaml"
    config.write_text(f"database: {db}\nteams:\n  - id: t1\n    name: 一组\n    leads: [ULEAD]\n"
                      "    channels:\n      slack: [C1]\n    schedule:\n      reveal_after: 6h\n", encoding="utf-8")
    team = Team(id="t1", name="一组", channels={"slack": ("C1",)}, schedule=Schedule(reveal=None,
                                                                                   reveal_after=timedelta(hours=6)))
    seed = build(Settings(teams=(team,), database=str(db)), SlackChat(make_client("xoxb-test", base_url=api.url)),
                 library=library, inline=True)
    [posted] = seed.coach.post_challenge(team, datetime.now(UTC), content_id="broken-promise")
    ts = seed.store.post(posted.post.id).message_id
    seed.close()
    port = _free_port()
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api.url,
           "COACHBOT_LOG_LEVEL": "INFO"}
    env.pop("SLACK_APP_TOKEN", None)
    cmd = [sys.executable, "-m", "coachbot", "run", "--platform", "slack", "--config", str(config), "--port", str(port)]

    def start() -> subprocess.Popen:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert wait_for(lambda: _get(port, "/healthz") == 200, timeout=20)
        return proc

    proc = start()
    client = Prod.__new__(Prod)
    client.port, client.api = port, api
    api.slow(5.0)                                             # Slack is slow: feedback takes 5 s a call
    for i in range(1, 11):
        assert client.message(ANSWER, thread=ts, user=f"U{i}", ts=f"18000000{i:02d}.000005").status == 200
    time.sleep(1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode is not None and "event=workers_stopped" in err and "Traceback" not in err
    api.slow(0)
    proc = start()                                            # the restart picks up what was acknowledged
    try:
        assert wait_for(lambda: len(api.ok_calls("chat.postEphemeral")) >= 10, timeout=40)
        time.sleep(1)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    answered = sorted(c.args["user"] for c in api.ok_calls("chat.postEphemeral"))
    assert answered == sorted(f"U{i}" for i in range(1, 11))   # every acknowledged reply answered, once
    from coachbot.store import Store
    with Store(db) as store:
        post = store.post(posted.post.id)
        assert len(store.submissions_for_post(post.id)) == 10


def _get(port: int, path: str) -> int:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", path)
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError:
        return 0
