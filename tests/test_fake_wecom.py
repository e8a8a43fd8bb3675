"""The fake WeCom itself: what it answers, records and refuses, over real HTTP and a real WebSocket."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import parse_qsl, urlencode, urlparse
from urllib.request import Request, urlopen

import pytest
import websockets
from websockets.sync.client import ClientConnection, connect

from coachbot.platforms.wecom.crypto import CryptoError, WeComCrypto

from .fake_wecom import (
    FakeWeCom,
    aibot_callback_request,
    aibot_text,
    app_callback_request,
    app_card_event_xml,
    app_text_xml,
    verify_url_request,
)

USERS = {"u1": "小王", "u2": "小李"}
TOKEN, AES_KEY, CORP = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt", "wwfakecorp"


@pytest.fixture
def wecom() -> Iterator[FakeWeCom]:
    with FakeWeCom(users=USERS) as fake:
        yield fake


@pytest.fixture
def limited() -> Iterator[FakeWeCom]:
    with FakeWeCom(users=USERS, enforce_limits=True) as fake:
        yield fake


def http(url: str, body: dict | bytes | None = None) -> tuple[int, dict]:
    data = body if isinstance(body, bytes) or body is None else json.dumps(body, ensure_ascii=False).encode()
    request = Request(url, data=data, method="GET" if data is None else "POST",
                      headers={"Content-Type": "application/json"})
    try:
        with urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except HTTPError as error:
        return error.code, {"raw": error.read().decode()}


def api(fake: FakeWeCom, path: str, body: dict | None = None, **query: object) -> dict:
    status, answer = http(f"{fake.url}{path}?{urlencode(query)}", body)
    assert status == 200, answer
    return answer


def token(fake: FakeWeCom) -> str:
    return api(fake, "gettoken", corpid="wwfakecorp", corpsecret="app-secret")["access_token"]


def send_text(fake: FakeWeCom, tok: str, touser: str, content: str = "早上好", **extra: object) -> dict:
    body = {"touser": touser, "msgtype": "text", "agentid": 1000002, "text": {"content": content}, **extra}
    return api(fake, "message/send", body, access_token=tok)


def hook(fake: FakeWeCom, body: dict, key: str = "hook-a") -> dict:
    return api(fake, "webhook/send", body, key=key)


def recv(ws: ClientConnection, timeout: float = 2.0) -> dict:
    return json.loads(ws.recv(timeout=timeout))


def frame(ws: ClientConnection, cmd: str, body: dict | None = None, *, req_id: str | None = None) -> dict:
    """Send a frame and return the next frame received (its ack, in these tests)."""
    ws.send(json.dumps({"cmd": cmd, "headers": {"req_id": req_id or f"{cmd}_{time.time_ns()}"}, "body": body or {}},
                       ensure_ascii=False))
    return recv(ws)


@contextmanager
def bot(fake: FakeWeCom, secret: str = "bot-secret") -> Iterator[ClientConnection]:
    with connect(fake.ws_url) as ws:
        ack = frame(ws, "aibot_subscribe", {"bot_id": "fake-bot", "secret": secret}, req_id="sub-1")
        assert ack == {"headers": {"req_id": "sub-1"}, "errcode": 0 if secret == "bot-secret" else 853000,
                       "errmsg": "ok" if secret == "bot-secret" else "invalid bot_id or secret"}
        yield ws


def stream(content: str = "好的") -> dict:
    return {"msgtype": "stream", "stream": {"id": "s1", "finish": True, "content": content}}


# ------------------------------------------------------------ HTTP API


def test_gettoken_issues_a_fresh_token_each_time_and_checks_the_credentials(wecom):
    assert api(wecom, "gettoken", corpid="wwfakecorp", corpsecret="app-secret") == {
        "errcode": 0, "errmsg": "ok", "access_token": "tok-1", "expires_in": 7200}
    assert token(wecom) == "tok-2"
    assert api(wecom, "gettoken", corpid="wwother", corpsecret="app-secret")["errcode"] == 40013
    assert api(wecom, "gettoken", corpid="wwfakecorp", corpsecret="wrong")["errcode"] == 40001


def test_old_tokens_stay_valid_until_expired_then_answer_42001_and_unknown_ones_40014(wecom):
    first, second = token(wecom), token(wecom)
    assert send_text(wecom, first, "u1")["errcode"] == 0
    assert send_text(wecom, second, "u1")["errcode"] == 0
    wecom.expire_tokens()
    assert send_text(wecom, first, "u1") == {"errcode": 42001, "errmsg": "access_token expired"}
    assert api(wecom, "user/get", access_token=second, userid="u1")["errcode"] == 42001
    assert send_text(wecom, token(wecom), "u1")["errcode"] == 0
    assert send_text(wecom, "made-up", "u1") == {"errcode": 40014, "errmsg": "invalid access_token"}


def test_message_send_names_invalid_users_and_fails_81013_when_none_is_valid(wecom):
    tok = token(wecom)
    answer = send_text(wecom, tok, "u1|ghost|u2")
    assert answer["errcode"] == 0 and answer["invaliduser"] == "ghost" and answer["msgid"].startswith("msg-")
    assert wecom.calls("message/send")[0].recipients == ["u1", "u2"]
    assert send_text(wecom, tok, "ghost|nobody") == {"errcode": 81013, "errmsg": "user & party & tag all invalid",
                                                     "invaliduser": "ghost|nobody"}
    assert api(wecom, "message/send", {"touser": "u1", "msgtype": "text", "agentid": 7, "text": {"content": "x"}},
               access_token=tok)["errcode"] == 40056
    assert api(wecom, "message/send", {"touser": "u1", "msgtype": "fax", "agentid": 1000002},
               access_token=tok)["errcode"] == 40008
    assert [c.errcode for c in wecom.calls("message/send")] == [0, 81013, 40056, 40008]
    assert len(wecom.delivered("message/send")) == 1


def test_a_member_beyond_30_a_minute_is_dropped_silently_and_recorded_so():
    now = [1000.0]
    with FakeWeCom(users=USERS, enforce_limits=True, clock=lambda: now[0]) as fake:
        tok = token(fake)
        answers = [send_text(fake, tok, "u1", f"第{i}条") for i in range(31)]
        assert {a["errcode"] for a in answers} == {0}           # WeCom says ok to every one
        assert send_text(fake, tok, "u1|u2")["errcode"] == 0   # u2 still gets it, u1 does not
        last, both = fake.calls("message/send")[-2:]
        assert last.dropped and last.dropped_users == ["u1"] and not last.recipients
        assert not both.dropped and both.recipients == ["u2"] and both.dropped_users == ["u1"]
        assert len(fake.received("u1")) == 30 and len(fake.received("u2")) == 1
        assert len(fake.delivered("message/send")) == 31
        assert fake.stats()["paths"]["message/send"] == {"ok": 31, "errors": 0, "dropped": 1}
        now[0] += 61
        send_text(fake, tok, "u1")
        assert not fake.calls("message/send")[-1].dropped


def test_the_duplicate_check_suppresses_a_resend_of_the_same_content_within_its_interval():
    now = [1000.0]
    with FakeWeCom(users=USERS, clock=lambda: now[0]) as fake:
        tok, check = token(fake), {"enable_duplicate_check": 1, "duplicate_check_interval": 600}
        fake.fail("message/send", drop="after")                # the answer is lost, the message went out
        with pytest.raises((OSError, ConnectionError)):
            send_text(fake, tok, "u1|u2", "第1题", **check)
        assert send_text(fake, tok, "u1", "第1题", **check)["errcode"] == 0      # the safe re-send
        resend = fake.calls("message/send")[-1]
        assert resend.dropped and resend.duplicate_users == ["u1"]
        assert len(fake.received("u1")) == 1
        assert not send_text(fake, tok, "u1", "第2题", **check)["errcode"] and len(fake.received("u1")) == 2
        assert send_text(fake, tok, "u2", "第1题")["errcode"] == 0                # no check asked: delivered
        now[0] += 601
        send_text(fake, tok, "u1", "第1题", **check)
        assert len(fake.received("u1")) == 3 and len(fake.received("u2")) == 2


def test_webhook_key_and_20_a_minute(limited):
    assert hook(limited, {"msgtype": "text", "text": {"content": "hi"}}, key="nope") == {
        "errcode": 93000, "errmsg": "invalid webhook url"}
    answers = [hook(limited, {"msgtype": "markdown", "markdown": {"content": f"**{i}**"}}) for i in range(21)]
    assert [a["errcode"] for a in answers] == [0] * 20 + [45009]
    assert answers[-1]["errmsg"] == "api freq out of limit"
    assert len(limited.delivered("webhook/send")) == 20


def test_without_enforce_limits_nothing_is_throttled(wecom):
    assert {hook(wecom, {"msgtype": "text", "text": {"content": "x"}})["errcode"] for _ in range(25)} == {0}


@pytest.mark.parametrize(("path", "msgtype", "limit"), [
    ("webhook/send", "markdown", 4096), ("webhook/send", "text", 2048),
    ("message/send", "text", 2048), ("message/send", "markdown", 2048),
])
def test_byte_limits_count_utf8_bytes(wecom, path, msgtype, limit):
    fits, over = "字" * (limit // 3) + "x" * (limit % 3), "字" * (limit // 3 + 1)    # 3 bytes a character
    query = {"key": "hook-a"} if path == "webhook/send" else {"access_token": token(wecom)}
    body = {"touser": "u1", "agentid": 1000002, "msgtype": msgtype}
    assert api(wecom, path, {**body, msgtype: {"content": fits}}, **query)["errcode"] == 0
    answer = api(wecom, path, {**body, msgtype: {"content": over}}, **query)
    assert answer == {"errcode": 40058, "errmsg": f"{msgtype}.content exceed max length {limit}"}


def test_user_get_and_unknown_users(wecom):
    tok = token(wecom)
    assert api(wecom, "user/get", access_token=tok, userid="u1") == {
        "errcode": 0, "errmsg": "ok", "userid": "u1", "name": "小王"}
    assert api(wecom, "user/get", access_token=tok, userid="ghost")["errcode"] == 60111


def test_update_template_card_is_recorded(wecom):
    body = {"userids": ["u1"], "agentid": 1000002, "response_code": "card-1", "button": {"replace_name": "已提交"}}
    assert api(wecom, "message/update_template_card", body, access_token=token(wecom))["errcode"] == 0
    assert wecom.delivered("message/update_template_card")[0].body == body


def test_a_response_url_works_once(wecom):
    url = wecom.response_url(code="r1")
    status, first = http(url, {"msgtype": "markdown", "markdown": {"content": "**好**"}})
    assert (status, first) == (200, {"errcode": 0, "errmsg": "ok"})
    assert http(url, {"msgtype": "markdown", "markdown": {"content": "again"}})[1]["errcode"] == 600039
    other = wecom.response_url(code="r2")
    assert http(other, {"msgtype": "text", "text": {"content": "x"}})[1]["errcode"] == 40008
    assert http(other, {"msgtype": "markdown", "markdown": {"content": "x" * 20481}})[1]["errcode"] == 40058
    assert http(other, stream())[1]["errcode"] == 0            # failures did not use the code up
    assert [c.query["response_code"] for c in wecom.delivered("aibot/response")] == ["r1", "r2"]


def test_method_and_json_are_checked(wecom):
    assert http(f"{wecom.url}message/send?access_token={token(wecom)}")[1]["errcode"] == 43002
    assert http(f"{wecom.url}webhook/send?key=hook-a", b"{not json")[1]["errcode"] == 47001


# ------------------------------------------------------------ faults


def test_fail_answers_the_errcode_for_the_next_calls_only(wecom):
    tok = token(wecom)
    wecom.fail("message/send", errcode=45009, times=2)
    assert [send_text(wecom, tok, "u1")["errcode"] for _ in range(3)] == [45009, 45009, 0]
    wecom.fail("*", errcode=-1, errmsg="system busy")
    assert hook(wecom, {"msgtype": "text", "text": {"content": "x"}}) == {"errcode": -1, "errmsg": "system busy"}


def test_fail_when_matches_the_body_and_the_query(wecom):
    tok = token(wecom)
    wecom.fail("message/send", errcode=45009, when={"touser": "u2"}, times=5)
    assert send_text(wecom, tok, "u1")["errcode"] == 0
    assert send_text(wecom, tok, "u1|u2")["errcode"] == 45009      # u2 is one of the recipients
    wecom.fail("webhook/send", errcode=93000, when={"key": "hook-a", "markdown.content": "boom"})
    assert hook(wecom, {"msgtype": "markdown", "markdown": {"content": "fine"}})["errcode"] == 0
    assert hook(wecom, {"msgtype": "markdown", "markdown": {"content": "boom"}})["errcode"] == 93000


def test_fail_with_an_http_status(wecom):
    wecom.fail("gettoken", status=502)
    assert http(f"{wecom.url}gettoken?corpid=wwfakecorp&corpsecret=app-secret")[0] == 502
    assert token(wecom) == "tok-1"                             # the failed call issued nothing
    call = wecom.calls("gettoken")[0]
    assert (call.status, call.ok, call.errcode) == (502, False, -1)


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_dropped_connection_does_the_work_only_after(wecom, when):
    tok = token(wecom)
    wecom.fail("message/send", drop=when)
    with pytest.raises((OSError, ConnectionError)):
        send_text(wecom, tok, "u1")
    call = wecom.calls("message/send")[0]
    assert call.cut == when and call.ok == (when == "after")
    assert len(wecom.received("u1")) == (1 if when == "after" else 0)
    assert send_text(wecom, tok, "u1")["errcode"] == 0


def test_slow_delays_answers(wecom):
    wecom.slow(0.2, path="webhook/send")
    start = time.perf_counter()
    hook(wecom, {"msgtype": "text", "text": {"content": "x"}})
    assert time.perf_counter() - start >= 0.2


def test_reset_forgets_calls_faults_and_rate_windows(limited):
    for _ in range(20):
        hook(limited, {"msgtype": "text", "text": {"content": "x"}})
    limited.fail("webhook/send", errcode=93000)
    limited.reset()
    assert limited.calls() == [] and limited.counts == {}
    assert hook(limited, {"msgtype": "text", "text": {"content": "x"}})["errcode"] == 0


# ------------------------------------------------------------ control endpoints


def test_control_endpoints_for_other_processes(wecom):
    base = wecom.url.replace("/cgi-bin/", "")
    assert http(f"{base}/_fail", {"path": "webhook/send", "errcode": 45009})[0] == 200
    assert hook(wecom, {"msgtype": "text", "text": {"content": "x"}})["errcode"] == 45009
    assert hook(wecom, {"msgtype": "text", "text": {"content": "y"}})["errcode"] == 0
    status, stats = http(f"{base}/_stats")
    assert status == 200 and stats["counts"] == {"webhook/send": 2}
    assert stats["paths"]["webhook/send"] == {"ok": 1, "errors": 1, "dropped": 0}
    status, calls = http(f"{base}/_calls?path=webhook/send")
    assert [c["errcode"] for c in calls] == [45009, 0] and calls[1]["body"]["text"]["content"] == "y"
    assert http(f"{base}/_nope")[0] == 404
    with bot(wecom) as ws:
        status, pushed = http(f"{base}/_push", {"text": "话术 爽约", "userid": "u2"})
        got = recv(ws)
        assert got["headers"]["req_id"] == pushed["req_id"] and got["body"]["from"]["userid"] == "u2"


def test_a_flood_pushes_at_a_rate_and_counts_the_replies(wecom):
    base = wecom.url.replace("/cgi-bin/", "")
    with bot(wecom) as ws:
        status, answer = http(f"{base}/_flood", {"rate": 100, "seconds": 0.1, "chatid": "wrG", "users": ["u1", "u2"],
                                                 "text": "第{n}题"})
        assert (status, answer) == (200, {"planned": 10})
        pushed = [recv(ws) for _ in range(10)]
        assert [p["body"]["from"]["userid"] for p in pushed[:3]] == ["u1", "u2", "u1"]
        assert pushed[9]["body"]["text"]["content"] == "@教练 第10题"
        for p in pushed[:4]:
            assert frame(ws, "aibot_respond_msg", stream(), req_id=p["headers"]["req_id"])["errcode"] == 0
        assert frame(ws, "aibot_send_msg", {"chatid": "wrG", "msgtype": "markdown",
                                            "markdown": {"content": "汇总"}})["errcode"] == 0
        stats = http(f"{base}/_stats")[1]
    assert stats["flood"] == {"planned": 10, "pushed": 10, "unsent": 0, "running": False}
    assert (stats["ws"]["pushed"], stats["ws"]["replies"], stats["ws"]["sends"]) == (10, 4, 1)
    assert stats["latency_ms"]["count"] == 4


# ------------------------------------------------------------ the long connection


def test_subscribe_with_a_wrong_secret_is_refused_and_the_socket_stays_open(wecom):
    with bot(wecom, secret="wrong") as ws:
        assert not wecom.wait_subscribed(0.1) and wecom.subscriptions == 0
        assert frame(ws, "ping", req_id="p1") == {"headers": {"req_id": "p1"}, "errcode": 0, "errmsg": "ok"}
        assert frame(ws, "aibot_send_msg", {"chatid": "u1", "msgtype": "markdown"})["errcode"] == 853000
        assert frame(ws, "aibot_subscribe", {"bot_id": "fake-bot", "secret": "bot-secret"})["errcode"] == 0
        assert wecom.wait_subscribed(1) and wecom.subscriptions == 1


def test_pings_are_acked_unless_ignored(wecom):
    with bot(wecom) as ws:
        assert frame(ws, "ping", req_id="ping_1")["headers"]["req_id"] == "ping_1"
        wecom.ignore_pings(True)
        ws.send(json.dumps({"cmd": "ping", "headers": {"req_id": "ping_2"}}))
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.2)
        assert len(wecom.frames("ping")) == 2


def test_a_pushed_message_reaches_the_subscribed_connection_and_its_replies_are_acked(wecom):
    with connect(wecom.ws_url) as idle, bot(wecom) as ws:
        req_id = wecom.push_message("话术 爽约", chatid="wrGROUP", userid="u2", quote={"msgtype": "text",
                                                                                   "text": {"content": "上一题"}})
        got = recv(ws)
        assert got["cmd"] == "aibot_msg_callback" and got["headers"]["req_id"] == req_id
        body = got["body"]
        assert body["text"]["content"] == "@教练 话术 爽约" and body["chattype"] == "group"
        assert body["chatid"] == "wrGROUP" and body["from"] == {"userid": "u2"} and body["aibotid"] == "fake-bot"
        assert body["quote"]["text"]["content"] == "上一题"
        assert body["response_url"].startswith(wecom.url + "aibot/response?response_code=")
        with pytest.raises(TimeoutError):
            idle.recv(timeout=0.1)                           # pushes go to the subscribed connection only
        single = wecom.push_message("帮助")
        got = recv(ws)["body"]
        assert got["text"]["content"] == "帮助" and got["chattype"] == "single" and "chatid" not in got
        for rid in (req_id, req_id, single):                 # several frames may answer one message
            assert frame(ws, "aibot_respond_msg", stream(), req_id=rid) == {
                "headers": {"req_id": rid}, "errcode": 0, "errmsg": "ok"}
        again = wecom.push_message("话术 爽约", msgid=body["msgid"], chatid="wrGROUP")   # a redelivery
        got = recv(ws)
        assert got["body"]["msgid"] == body["msgid"] and got["headers"]["req_id"] == again != req_id
    assert len(wecom.acked("aibot_respond_msg")) == 3 and wecom.frames("aibot_respond_msg")[0]["body"] == stream()


def test_a_reply_must_echo_a_req_id_pushed_on_that_connection(wecom):
    with bot(wecom) as ws:
        assert frame(ws, "aibot_respond_msg", stream(), req_id="made-up") == {
            "headers": {"req_id": "made-up"}, "errcode": 846605, "errmsg": "invalid req_id"}
        enter = wecom.push_event("enter_chat")
        assert recv(ws)["body"]["event"] == {"eventtype": "enter_chat"}
        assert frame(ws, "aibot_respond_msg", stream(), req_id=enter)["errcode"] == 846605
        welcome = {"msgtype": "text", "text": {"content": "欢迎"}}
        assert frame(ws, "aibot_respond_welcome_msg", welcome, req_id=enter)["errcode"] == 0
        click = wecom.push_event("template_card_event", chatid="wrG", event={"event_key": "opt:2", "task_id": "t1"})
        event = recv(ws)["body"]["event"]
        assert event == {"eventtype": "template_card_event", "template_card_event": {
            "card_type": "button_interaction", "event_key": "opt:2", "task_id": "t1"}}
        update = {"response_type": "update_template_card", "template_card": {"task_id": "t1"}}
        assert frame(ws, "aibot_respond_update_msg", update, req_id=click)["errcode"] == 0
        message = wecom.push_message("hi")
        recv(ws)
        wecom.expire_streams()
        assert frame(ws, "aibot_respond_msg", stream(), req_id=message)["errcode"] == 846608


def test_aibot_send_msg_refuses_text_and_oversized_markdown(wecom):
    with bot(wecom) as ws:
        assert frame(ws, "aibot_send_msg", {"chatid": "wrG", "msgtype": "text", "text": {"content": "x"}})[
            "errcode"] == 40008
        assert frame(ws, "aibot_send_msg", {"chatid": "wrG", "msgtype": "markdown",
                                            "markdown": {"content": "字" * 6827}})["errcode"] == 40058
        assert frame(ws, "aibot_send_msg", {"chatid": "wrG", "msgtype": "markdown",
                                            "markdown": {"content": "字" * 6826}})["errcode"] == 0
        assert frame(ws, "aibot_send_msg", {"msgtype": "markdown", "markdown": {"content": "x"}})["errcode"] == 93006
    assert len(wecom.acked("aibot_send_msg")) == 1 and len(wecom.frames("aibot_send_msg")) == 4


def test_a_second_subscriber_kicks_the_first_with_disconnected_event(wecom):
    with bot(wecom) as old, bot(wecom) as new:
        kicked = recv(old)
        assert kicked["cmd"] == "aibot_event_callback"
        assert kicked["body"]["event"]["eventtype"] == "disconnected_event"
        with pytest.raises(websockets.ConnectionClosed):
            old.recv(timeout=2)
        assert wecom.subscriptions == 2
        wecom.push_message("hi")
        assert recv(new)["cmd"] == "aibot_msg_callback"
        assert wecom.kick()
        assert recv(new)["body"]["event"]["eventtype"] == "disconnected_event"
        assert not wecom.wait_subscribed(0.1)


def test_drop_closes_abruptly_and_a_push_waits_for_a_subscriber(wecom):
    wecom.push_timeout = 0.2
    with pytest.raises(RuntimeError):
        wecom.push_message("nobody listens")
    with bot(wecom) as ws:
        assert wecom.drop()
        with pytest.raises(websockets.ConnectionClosedError):
            ws.recv(timeout=2)
    with bot(wecom):
        assert wecom.wait_subscribed(1, count=2)


def test_ws_faults_errcode_no_ack_and_drops(wecom):
    wecom.fail_ws("aibot_send_msg", errcode=45009)
    wecom.fail_ws("ping", no_ack=True)
    send = {"chatid": "wrG", "msgtype": "markdown", "markdown": {"content": "x"}}
    with bot(wecom) as ws:
        assert frame(ws, "aibot_send_msg", send)["errcode"] == 45009
        ws.send(json.dumps({"cmd": "ping", "headers": {"req_id": "p1"}}))
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.2)
        assert frame(ws, "ping", req_id="p2")["errcode"] == 0
    wecom.fail_ws("aibot_send_msg", drop="before")
    with bot(wecom) as ws:
        ws.send(json.dumps({"cmd": "aibot_send_msg", "headers": {"req_id": "lost"}, "body": send}))
        with pytest.raises(websockets.ConnectionClosed):
            ws.recv(timeout=2)
    assert len(wecom.frames("aibot_send_msg")) == 1              # the dropped frame is unrecorded
    wecom.fail_ws("aibot_send_msg", drop="after")
    with bot(wecom) as ws:
        ws.send(json.dumps({"cmd": "aibot_send_msg", "headers": {"req_id": "done"}, "body": send}))
        with pytest.raises(websockets.ConnectionClosed):
            ws.recv(timeout=2)
    assert wecom.frames("aibot_send_msg")[-1]["headers"]["req_id"] == "done"


# ------------------------------------------------------------ callback helpers


class Receiver:
    """A minimal callback endpoint: verifies and decrypts like an adapter would, and keeps the plaintexts."""

    def __init__(self, receive_id: str) -> None:
        self.crypto = WeComCrypto(TOKEN, AES_KEY, receive_id)
        self.got: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._answer(lambda q: receiver.crypto.open(q["msg_signature"], q["timestamp"], q["nonce"],
                                                            q["echostr"]))

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"])).decode()

                def open_(q: dict) -> str:
                    encrypted = (json.loads(raw)["encrypt"] if raw.startswith("{")
                                 else ET.fromstring(raw).findtext("Encrypt"))
                    if abs(time.time() - int(q["timestamp"])) > 300:
                        raise CryptoError("stale")
                    return receiver.crypto.open(q["msg_signature"], q["timestamp"], q["nonce"], encrypted or "")
                self._answer(open_)

            def _answer(self, open_) -> None:
                query = dict(parse_qsl(urlparse(self.path).query))
                try:
                    plain = open_(query)
                    status = 200
                except (CryptoError, ValueError, ET.ParseError):
                    plain, status = "", 403
                else:
                    receiver.got.append(plain)
                data = plain.encode() if self.command == "GET" else b""
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(request) -> Iterator[Receiver]:
    server = Receiver(request.param)
    yield server
    server.close()


@pytest.mark.parametrize("receiver", [""], indirect=True)
def test_aibot_callbacks_open_with_receiveid_empty(receiver):
    message = aibot_text("话术 爽约", userid="u1", chatid="wrG", msgid="m1")
    assert message["text"]["content"] == "@教练 话术 爽约" and message["chattype"] == "group"
    assert aibot_callback_request(receiver.url, TOKEN, AES_KEY, message) == (200, b"")
    assert json.loads(receiver.got[0]) == message
    for tamper in ("signature", "stale", "body", "envelope"):
        assert aibot_callback_request(receiver.url, TOKEN, AES_KEY, message, tamper=tamper)[0] == 403, tamper
    # an AI bot decrypter (receiveid "") does not check the trailing receiveid, like the official SDK
    assert aibot_callback_request(receiver.url, TOKEN, AES_KEY, message, tamper="receiveid")[0] == 200
    assert verify_url_request(receiver.url, TOKEN, AES_KEY, "", echo="987654321") == (200, b"987654321")


@pytest.mark.parametrize("receiver", [CORP], indirect=True)
def test_app_callbacks_carry_the_corp_id_and_refuse_every_tampering(receiver):
    xml = app_text_xml("你好 ]]> 世界", userid="u1", corp_id=CORP, agent_id=1000002, msgid="42")
    assert app_callback_request(receiver.url, TOKEN, AES_KEY, CORP, xml, timestamp="1700000000")[0] == 403   # stale
    assert app_callback_request(receiver.url, TOKEN, AES_KEY, CORP, xml) == (200, b"")
    root = ET.fromstring(receiver.got[0])
    assert root.findtext("Content") == "你好 ]]> 世界" and root.findtext("FromUserName") == "u1"
    assert root.findtext("AgentID") == "1000002" and root.findtext("MsgId") == "42"
    for tamper in ("signature", "stale", "receiveid", "body", "envelope"):
        assert app_callback_request(receiver.url, TOKEN, AES_KEY, CORP, xml, tamper=tamper)[0] == 403, tamper
    card = app_card_event_xml(userid="u2", corp_id=CORP, agent_id=1000002, event_key="opt:1", task_id="t9")
    assert app_callback_request(receiver.url, TOKEN, AES_KEY, CORP, card)[0] == 200
    root = ET.fromstring(receiver.got[-1])
    assert (root.findtext("Event"), root.findtext("EventKey"), root.findtext("TaskId")) == (
        "template_card_event", "opt:1", "t9")
    assert verify_url_request(receiver.url, TOKEN, AES_KEY, CORP)[1] == b"1234567890"
    assert verify_url_request(receiver.url, TOKEN, AES_KEY, CORP, tamper="signature")[0] == 403


# ------------------------------------------------------------ standalone


def test_runs_as_a_script_for_benchmarks():
    script = Path(__file__).with_name("fake_wecom.py")
    with subprocess.Popen([sys.executable, str(script), "--port", "0", "--ws-port", "0", "--users", "3",
                           "--enforce-limits"], stdout=subprocess.PIPE, text=True) as proc:
        try:
            url, ws_url = proc.stdout.readline().strip(), proc.stdout.readline().strip()
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+/cgi-bin/", url) and ws_url.startswith("ws://127.0.0.1:")
            assert http(f"{url}user/get?access_token=tok-1&userid=u3")[1]["errcode"] == 40014
            tok = http(f"{url}gettoken?corpid=wwfakecorp&corpsecret=app-secret")[1]["access_token"]
            assert http(f"{url}user/get?access_token={tok}&userid=u3")[1]["name"] == "成员3"
            assert http(url.replace("/cgi-bin/", "/_stats"))[1]["counts"]["user/get"] == 2
            with connect(ws_url) as ws:
                assert frame(ws, "aibot_subscribe", {"bot_id": "fake-bot", "secret": "bot-secret"})["errcode"] == 0
        finally:
            proc.terminate()
