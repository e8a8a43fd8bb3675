"""Slack end to end over real HTTP: signed requests to waitress on 127.0.0.1, Bolt's WSGI
adapter, the coach, and a fake Slack Web API that records what the bot sent.

Listeners run on an inline executor, so when the HTTP response arrives every
Web API call the request caused has been made: no sleeps, no polling.
"""

from __future__ import annotations

import http.client
import json
import logging
import threading
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import waitress
from click.testing import CliRunner
from slack_sdk.signature import SignatureVerifier

from coachbot.cli.main import main
from coachbot.domain.teams import Schedule, Settings, Team
from coachbot.platforms.slack.chat import SlackChat
from coachbot.platforms.slack.client import make_client
from coachbot.platforms.slack.incoming import message_key
from coachbot.platforms.slack.listeners import build_app
from coachbot.platforms.slack.server import wsgi_app
from coachbot.present.messages import text
from coachbot.present.strings import Zh
from coachbot.runtime.app import build
from coachbot.runtime.slack import SlackSetupError, slack_env, wait_for_slack
from coachbot.usecases.outbox import delivery, message_of

from .fake_slack_api import BOT_ID, BOT_USER, TEAM, FakeSlackAPI

SECRET = "test-signing-secret"
USERS = {"U1": "小王", "U2": "小李", "ULEAD": "张组长"}
VIOLATION = "你再不还钱我们就去你单位找你"


class InlineExecutor(Executor):
    """Runs each listener to completion before Bolt answers, which makes tests deterministic."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # pragma: no cover - Bolt catches listener errors itself
            future.set_exception(exc)
        return future


class Switch:
    """One WSGI server for the module; each test plugs in its own freshly built app."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@dataclass
class Response:
    status: int
    body: str

    def json(self) -> dict:
        return json.loads(self.body)


@pytest.fixture(scope="module")
def api():
    with FakeSlackAPI(users=USERS) as fake:
        yield fake


@pytest.fixture(scope="module")
def server():
    switch = Switch()
    srv = waitress.create_server(switch, host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=srv.run, daemon=True).start()
    yield switch, srv.effective_port
    srv.close()


class Slack:
    """A coach on Slack behind a real HTTP endpoint, and helpers to talk to it like Slack does."""

    def __init__(self, api: FakeSlackAPI, port: int, db: str, library, channels: tuple[str, ...]) -> None:
        self.api, self.port = api, port
        self.team = Team(id="t1", name="催收一组", channels={"slack": channels}, leads=("ULEAD",),
                         schedule=Schedule(reveal=None, reveal_after=timedelta(hours=6)))
        client = make_client("xoxb-test", base_url=api.url)
        self.chat = SlackChat(client, post_interval=0)
        self.bot = build(Settings(teams=(self.team,), database=db), self.chat, library=library)
        self.coach, self.store = self.bot.coach, self.bot.store
        self.app = build_app(self.coach, self.chat, signing_secret=SECRET, listener_executor=InlineExecutor(),
                             interactive=InlineExecutor(), auth={"user_id": BOT_USER, "team_id": TEAM, "bot_id": BOT_ID})

    # ------------------------------------------------------------ requests

    def request(self, body: str, content_type: str, *, headers: dict | None = None, secret: str = SECRET,
                timestamp: int | None = None, path: str = "/slack/events", method: str = "POST",
                settle: bool = True) -> Response:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        sig = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, path, body=body.encode(), headers={
            "Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig,
            **(headers or {})})
        resp = conn.getresponse()
        out = Response(resp.status, resp.read().decode())
        conn.close()
        if settle:
            self.settle()
        return out

    def settle(self, now: datetime | None = None) -> None:
        """What the workers would do next: handle the inbox, deliver what is due (now, in this thread)."""
        self.bot.settle(now)

    def command(self, name: str, text: str = "", *, user: str = "U1", channel: str = "C1", **kw) -> Response:
        body = urlencode({"token": "x", "team_id": TEAM, "channel_id": channel, "user_id": user,
                          "user_name": user.lower(), "command": name, "text": text, "api_app_id": "A1",
                          "response_url": self.api.response_url("cmd"), "trigger_id": "tr1"})
        return self.request(body, "application/x-www-form-urlencoded", **kw)

    def event(self, event: dict, event_id: str = "Ev1", **kw) -> Response:
        body = json.dumps({"token": "x", "team_id": TEAM, "api_app_id": "A1", "type": "event_callback",
                           "event_id": event_id, "event_time": int(time.time()), "event": event},
                          ensure_ascii=False)
        return self.request(body, "application/json", **kw)

    def message(self, text: str, *, thread: str | None, user: str = "U1", ts: str = "1800000000.000001",
                channel: str = "C1", event_id: str = "Ev1", kind: str = "message", headers: dict | None = None,
                timestamp: int | None = None, **fields) -> Response:
        event = {"type": kind, "channel": channel, "user": user, "text": text, "ts": ts,
                 "channel_type": "channel", **fields}
        if thread:
            event["thread_ts"] = thread
        return self.event(event, event_id, headers=headers, timestamp=timestamp)

    def interact(self, payload: dict) -> Response:
        base = {"team": {"id": TEAM}, "user": {"id": "U1", "team_id": TEAM}, "api_app_id": "A1",
                "token": "x", "trigger_id": "tr-42"}
        return self.request(urlencode({"payload": json.dumps({**base, **payload}, ensure_ascii=False)}),
                            "application/x-www-form-urlencoded")

    def click(self, action_id: str, value: str, *, message_ts: str = "1.1", user: str = "U1") -> Response:
        return self.interact({
            "type": "block_actions", "user": {"id": user, "team_id": TEAM}, "channel": {"id": "C1"},
            "container": {"type": "message", "message_ts": message_ts, "channel_id": "C1"},
            "message": {"ts": message_ts, "type": "message"}, "response_url": self.api.response_url("act"),
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b1", "value": value,
                         "action_ts": "1.2"}]})

    # ------------------------------------------------------------ state

    def challenge(self, content_id: str = "broken-promise") -> str:
        [posted] = self.coach.post_challenge(self.team, datetime.now(UTC), content_id=content_id)
        self.settle()
        self.api.reset()
        post = self.store.post(posted.post.id)
        assert post is not None and post.message_id
        return post.message_id

    def submissions(self, ts: str) -> list:
        post = self.store.open_challenge("slack", "C1", thread=ts, now=datetime.now(UTC))
        return self.store.submissions_for_post(post.id)


def said(call) -> str:
    """All the text a Web API call or response carried, blocks included."""
    return json.dumps(call.args, ensure_ascii=False)


@pytest.fixture
def slack(api, server, tmp_path, library, request):
    switch, port = server
    channels = getattr(request, "param", ("C1",))
    harness = Slack(api, port, str(tmp_path / "bot.db"), library, channels)
    api.reset()
    switch.app = wsgi_app(harness.app, signing_secret=SECRET)
    yield harness
    harness.bot.close()


# ---------------------------------------------------------------- the endpoint


def test_url_verification_echoes_the_challenge(slack):
    body = json.dumps({"token": "x", "challenge": "abc123", "type": "url_verification"})
    resp = slack.request(body, "application/json")
    assert (resp.status, resp.json()) == (200, {"challenge": "abc123"})


def test_bad_or_stale_signature_gets_401_and_nothing_runs(slack, api):
    assert slack.command("/script", "爽约", secret="wrong-secret").status == 401
    assert slack.command("/script", "爽约", timestamp=int(time.time()) - 600).status == 401
    stale = slack.message("我的回答", thread="1.1", timestamp=int(time.time()) - 600)
    assert stale.status == 401
    assert api.calls() == []
    assert not slack.store.event_seen("slack:event:Ev1")


def test_health_check_answers_get(slack):
    assert slack.request("", "text/plain", path="/healthz", method="GET").body == "ok"


# ---------------------------------------------------------------- slash commands


def test_script_answers_privately_in_the_ack_with_a_share_button(slack, api):
    resp = slack.command("/script", "爽约")
    assert resp.status == 200
    data = resp.json()
    assert data["response_type"] == "ephemeral"
    assert "屡次爽约" in data["text"] or "/script broken-promise" in data["text"]
    buttons = [e for b in data["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"]) for b in buttons] == [("share", "broken-promise")]
    assert api.calls() == []


def test_script_without_a_confident_match_offers_suggestion_buttons(slack):
    data = slack.command("/script", "还款").json()
    assert "你是不是要找" in data["text"]
    buttons = [e for b in data["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert len(buttons) >= 2 and all(b["action_id"].startswith("script") for b in buttons)
    assert "installment" in [b["value"] for b in buttons]


def test_leaderboard_is_private_and_shareable(slack):
    data = slack.command("/leaderboard", "week").json()
    assert data["response_type"] == "ephemeral" and "催收一组本周排行榜" in data["text"]
    buttons = [e for b in data["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"]) for b in buttons] == [("share", "/leaderboard week")]


def test_coach_post_now_acks_at_once_then_posts_the_challenge_card(slack, api):
    resp = slack.command("/coach", "post-now challenge broken-promise", user="ULEAD")
    assert (resp.status, resp.body) == (200, "")
    [post] = api.calls("chat.postMessage")
    assert post.args["channel"] == "C1" and "thread_ts" not in post.args
    blocks = post.args["blocks"]
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"].startswith("今日挑战｜")
    assert "*客户说*" in said(post) and "公布参考答案" in said(post)
    assert any(e.get("action_id") == "answer" for b in blocks for e in b.get("elements", []))
    [reply] = api.calls("response_url")
    assert reply.args["response_type"] == "ephemeral" and reply.args["text"] == "已发布挑战。"


def test_coach_admin_command_is_refused_for_agents(slack, api):
    slack.command("/coach", "post-now lesson", user="U2")
    assert api.calls("chat.postMessage") == []
    [reply] = api.calls("response_url")
    assert "只有组长" in reply.args["text"]


# ---------------------------------------------------------------- replies and grading


def test_thread_reply_is_graded_privately_with_criteria_violation_and_hint(slack, api):
    ts = slack.challenge()
    assert slack.message(VIOLATION, thread=ts).status == 200
    [fb] = api.calls("chat.postEphemeral")
    assert (fb.args["channel"], fb.args["user"], fb.args["thread_ts"]) == ("C1", "U1", ts)
    body = said(fb)
    assert "你的挑战反馈（仅你可见）" in body and "*逐项点评*" in body
    assert "*合规问题*" in body and f"「{VIOLATION}」" in body
    [sub] = slack.submissions(ts)
    assert sub.member.display_name == "小王" and sub.submission.reason == "violation"


def test_retried_event_is_graded_once(slack, api):
    ts = slack.challenge()
    slack.message("王先生，这次是遇到什么情况了？", thread=ts, event_id="EvRetry")
    retry = slack.event({"type": "message", "channel": "C1", "user": "U1", "ts": "1800000000.000001",
                         "thread_ts": ts, "text": "王先生，这次是遇到什么情况了？"}, "EvRetry",
                        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status == 200
    assert len(api.calls("chat.postEphemeral")) == 1
    assert len(slack.submissions(ts)) == 1


def test_an_acknowledged_reply_whose_worker_died_is_handled_after_the_claim_goes_stale(slack, api):
    ts = slack.challenge()
    # Slack delivered it, the bot stored and acknowledged it; the worker that took it died.
    assert slack.message("王先生，这次是遇到什么情况了？", thread=ts, settle=False).status == 200
    slack.store.claim_inbox(now=datetime.now(UTC) - timedelta(minutes=5), stale_after=timedelta(seconds=60))
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert slack.message("王先生，这次是遇到什么情况了？", thread=ts, headers=retry).status == 200   # dropped: stored
    [fb] = api.calls("chat.postEphemeral")                  # the stale claim was taken over and handled once
    assert fb.args["user"] == "U1"
    assert [s.member.user for s in slack.submissions(ts)] == ["U1"]


def test_concurrent_deliveries_of_one_event_are_graded_once(slack, api):
    ts = slack.challenge()
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda n: slack.message(
            "您好，这次是遇到什么情况了？", thread=ts, event_id="EvSame",
            headers={"X-Slack-Retry-Num": str(n)} if n else None).status, range(4)))
    assert statuses == [200] * 4
    assert len(api.calls("chat.postEphemeral")) == 1
    assert len(slack.submissions(ts)) == 1


def test_mention_that_also_arrives_as_a_message_is_graded_once(slack, api):
    ts = slack.challenge()
    slack.message(f"<@{BOT_USER}> 您好，这次是遇到什么情况了？", thread=ts, kind="app_mention", event_id="EvA")
    slack.message(f"<@{BOT_USER}> 您好，这次是遇到什么情况了？", thread=ts, kind="message", event_id="EvB")
    assert len(api.calls("chat.postEphemeral")) == 1
    [sub] = slack.submissions(ts)
    assert sub.submission.text == "您好，这次是遇到什么情况了？"


def test_own_and_other_bots_messages_are_ignored(slack, api):
    ts = slack.challenge()
    slack.message("我是机器人", thread=ts, user=BOT_USER, event_id="Ev1")
    slack.message("我是别的机器人", thread=ts, user="U9", bot_id="B9", event_id="Ev2")
    slack.message("机器人消息", thread=ts, user="U9", subtype="bot_message", event_id="Ev3")
    assert api.calls() == []
    assert slack.submissions(ts) == []


def test_names_come_from_the_profile_and_are_cached(slack, api):
    ts = slack.challenge()
    slack.message("您好，这次是遇到什么情况了？", thread=ts, ts="1800000000.000001", event_id="E1")
    slack.message("您看周五前先还一部分可以吗？", thread=ts, ts="1800000000.000002", event_id="E2")
    assert [c.args["user"] for c in api.calls("users.info")] == ["U1"]
    assert slack.store.member("slack", "U1").display_name == "小王"


def test_feedback_falls_back_to_a_dm_when_ephemeral_is_impossible(slack, api):
    ts = slack.challenge()
    api.fail("chat.postEphemeral", error="user_not_in_channel")
    slack.message("您好，这次是遇到什么情况了？", thread=ts)
    [dm] = api.calls("chat.postMessage")
    assert dm.args["channel"] == "U1" and "你的挑战反馈" in said(dm)


def test_reveal_goes_in_the_thread_and_echoed_text_cannot_ping(slack, api, library):
    ts = slack.challenge()
    answer = library.challenges["broken-promise"].model_answer.replace("\n", "") + " <!channel> <@U2> @here"
    slack.message(answer, thread=ts)
    post = slack.store.open_challenge("slack", "C1", thread=ts, now=datetime.now(UTC))
    assert slack.coach.reveal(post, datetime.now(UTC))
    slack.settle()
    [reveal] = api.calls("chat.postMessage")
    assert reveal.args["thread_ts"] == ts and "答案揭晓" in said(reveal)
    text = said(reveal)
    assert "小王" in text and "@\u2060channel" in text and "@\u2060here" in text
    assert "<!" not in text and "<@" not in text


def test_unconfigured_channel_gets_a_hint_once(slack, api):
    join = {"type": "member_joined_channel", "user": BOT_USER, "channel": "C9", "channel_type": "C"}
    slack.event(join, "EvJ1")
    slack.event({**join}, "EvJ2")
    slack.message("大家好", thread=None, channel="C9", event_id="EvM")
    [hint] = api.calls("chat.postMessage")
    assert hint.args["channel"] == "C9" and "coachbot.yaml" in said(hint) and "C9" in said(hint)


def test_direct_message_gets_help(slack, api):
    slack.message("你好", thread=None, channel="D1", channel_type="im")
    [help_] = api.calls("chat.postMessage")
    assert help_.args["channel"] == "D1" and "/script" in said(help_)


def test_mention_without_a_challenge_gets_help_privately(slack, api):
    slack.message(f"<@{BOT_USER}> 怎么用？", thread=None, kind="app_mention")
    [tell] = api.calls("chat.postEphemeral")
    assert Zh.bot_intro.split("：")[0] in said(tell)


# ---------------------------------------------------------------- buttons and the modal


def test_answer_button_opens_a_modal_for_that_challenge(slack, api):
    ts = slack.challenge()
    assert slack.click("answer", "broken-promise", message_ts=ts).status == 200
    [opened] = api.calls("views.open")
    view = opened.args["view"]
    assert opened.args["trigger_id"] == "tr-42" and view["callback_id"] == "answer"
    assert json.loads(view["private_metadata"]) == {"channel": "C1", "thread": ts}
    assert view["blocks"][-1]["type"] == "input"


def submission(ts: str, value: str, view_id: str = "V1") -> dict:
    return {"type": "view_submission", "view": {
        "id": view_id, "type": "modal", "callback_id": "answer", "hash": "h1",
        "private_metadata": json.dumps({"channel": "C1", "thread": ts}),
        "state": {"values": {"answer": {"text": {"type": "plain_text_input", "value": value}}}}}}


def test_modal_submission_is_graded_and_answered_privately(slack, api):
    ts = slack.challenge()
    resp = slack.interact(submission(ts, VIOLATION))
    assert resp.status == 200 and resp.body == ""
    [fb] = api.calls("chat.postEphemeral")
    # in the channel where the member is, not inside the thread the form came from
    assert "thread_ts" not in fb.args and f"「{VIOLATION}」" in said(fb)
    assert len(slack.submissions(ts)) == 1


def test_empty_modal_submission_is_sent_back_with_an_error(slack, api):
    ts = slack.challenge()
    resp = slack.interact(submission(ts, " "))
    assert resp.json() == {"response_action": "errors", "errors": {"answer": "请写下你会对客户说的话。"}}
    assert api.calls() == []


def test_share_button_posts_in_the_channel_and_removes_the_private_copy(slack, api):
    slack.click("share", "broken-promise")
    [shared] = api.calls("chat.postMessage")
    assert shared.args["channel"] == "C1" and "由 小王 分享到频道" in said(shared)
    assert '"share"' not in said(shared)
    [done] = api.calls("response_url")
    assert done.args["delete_original"] is True


def test_share_without_the_bot_in_the_channel_explains_what_to_do(slack, api):
    api.fail("chat.postMessage", error="not_in_channel")
    slack.click("share", "/leaderboard week")
    [reply] = api.calls("response_url")
    assert reply.args["text"] == Zh.not_in_channel


def test_suggestion_button_replaces_the_suggestions_with_the_script(slack, api):
    slack.click("script:1", "installment")
    [reply] = api.calls("response_url")
    assert reply.args["replace_original"] is True and "/script installment" in said(reply)


def test_app_home_shows_my_record_the_top_10_and_lead_insight(slack, api):
    ts = slack.challenge()
    slack.message(VIOLATION, thread=ts)
    slack.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}, "EvH1")
    slack.event({"type": "app_home_opened", "user": "ULEAD", "channel": "D2", "tab": "home"}, "EvH2")
    agent, lead = api.calls("views.publish")
    assert agent.args["user_id"] == "U1" and agent.args["view"]["type"] == "home"
    assert "我的成绩" in said(agent) and "本周前 10 名" in said(agent) and "组长可见" not in said(agent)
    assert "组长可见" in said(lead) and "合规问题" in said(lead)
    assert len(agent.args["view"]["blocks"]) <= 100


# ---------------------------------------------------------------- Web API failures


def test_rate_limited_and_failing_calls_are_retried_by_the_outbox(slack, api):
    api.fail("chat.postMessage", status=429, retry_after=3)
    api.fail("chat.postEphemeral", status=500)
    now = datetime.now(UTC)
    slack.bot.outbox.enqueue([delivery("t:post", "slack", "post", text("hi"), channel="C1"),
                              delivery("t:tell", "slack", "tell", text("hi"), channel="C1", user="U1")], now=now)
    slack.settle(now)
    assert [c.status for c in api.calls("chat.postMessage")] == [429]      # nothing sleeps: it waits its turn
    slack.settle(now + timedelta(seconds=2))
    assert [c.status for c in api.calls("chat.postMessage")] == [429]      # Retry-After: 3 seconds
    slack.settle(now + timedelta(seconds=4))
    assert [c.status for c in api.calls("chat.postMessage")] == [429, 200]
    assert [c.status for c in api.calls("chat.postEphemeral")] == [500, 200]
    assert [d.state for d in slack.store.iter_outbox()] == ["sent", "sent"]


@pytest.mark.parametrize("slack", [("C1", "C2", "C3")], indirect=True)
def test_one_failing_channel_does_not_stop_the_others_and_is_retried(slack, api):
    api.fail("chat.postMessage", error="channel_not_found", channel="C2")
    now = datetime.now(UTC)
    posted = slack.coach.post_lesson(slack.team, now)
    slack.settle(now)
    assert sorted(c.args["channel"] for c in api.ok_calls("chat.postMessage")) == ["C1", "C3"]
    assert [p.post.channel for p in posted] == ["C1", "C2", "C3"]
    day = now.astimezone(slack.team.tz).date()
    c2 = slack.store.post_for(platform="slack", channel="C2", kind="lesson", post_date=day)
    assert (c2.state, c2.note) == ("failed", "channel_not_found")       # failed for good, and why
    slack.coach.post_lesson(slack.team, now)                              # posting again (a lead, or the tick)
    slack.settle(now)
    assert slack.store.post_for(platform="slack", channel="C2", kind="lesson", post_date=day).state == "posted"
    assert sorted(c.args["channel"] for c in api.ok_calls("chat.postMessage")) == ["C1", "C2", "C3"]


def test_revoked_token_is_logged_clearly_and_the_post_kept_for_retry(slack, api, caplog):
    api.fail("chat.postMessage", error="token_revoked")
    now = datetime.now(UTC)
    with caplog.at_level(logging.ERROR, logger="coachbot"):
        [posted] = slack.coach.post_lesson(slack.team, now)
        slack.settle(now)
    assert "event=slack_auth_failed method=chat_postMessage error=token_revoked" in caplog.text
    assert "SLACK_BOT_TOKEN" in caplog.text
    assert slack.store.post(posted.post.id).state == "pending"            # kept, not failed
    slack.settle(now + timedelta(minutes=1))                               # the token works again
    assert slack.store.post(posted.post.id).state == "posted"
    assert len(api.ok_calls("chat.postMessage")) == 1


def test_a_crash_between_posting_and_recording_does_not_post_twice(slack, api):
    now = datetime.now(UTC)
    [queued] = slack.coach.post_lesson(slack.team, now - timedelta(minutes=5))
    d = slack.store.claim_delivery(now=now)                              # a worker took it ...
    ts = slack.chat.send(d, message_of(d), lambda parts: None)           # ... Slack accepted it ...
    slack.bot.outbox.enqueue([delivery("other", "slack", "post", text("无关消息"), channel="C1")], now=now)
    slack.settle(now)                                                    # ... and the worker died before recording
    assert slack.store.post(queued.post.id).state == "pending"          # its claim is fresh: could be in flight
    slack.settle(now + timedelta(minutes=2))                            # stale: ask Slack before sending again
    post = slack.store.post(queued.post.id)
    assert (post.state, post.message_id) == ("posted", ts)
    assert len(api.calls("chat.postMessage")) == 2 and len(api.calls("conversations.history")) == 1


def test_user_message_key_is_the_grading_event_id(slack):
    ts = slack.challenge()
    slack.message("您好，这次是遇到什么情况了？", thread=ts, ts="1800000000.000009")
    assert slack.store.event_seen(message_key("C1", "1800000000.000009"))


# ---------------------------------------------------------------- start-up


def test_missing_environment_is_named():
    with pytest.raises(SlackSetupError, match="SLACK_BOT_TOKEN"):
        slack_env({})
    with pytest.raises(SlackSetupError, match=r"SLACK_APP_TOKEN .*SLACK_SIGNING_SECRET"):
        slack_env({"SLACK_BOT_TOKEN": "xoxb-1"})
    with pytest.raises(SlackSetupError, match="xapp-"):
        slack_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"})
    assert slack_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}).mode == "socket"
    cfg = slack_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "http://x/api/"})
    assert (cfg.mode, cfg.api_url) == ("http", "http://x/api/")


def test_cli_run_slack_without_tokens_exits_with_the_variable_named(monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "COACHBOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(main, ["run", "--platform", "slack"])
    assert result.exit_code == 1 and "SLACK_BOT_TOKEN is not set" in result.output


def test_start_up_waits_out_an_outage_and_a_revoked_token(api, caplog):
    api.reset()
    api.fail("auth.test", status=500, times=3)
    api.fail("auth.test", error="token_revoked")
    client = make_client("xoxb-test", base_url=api.url)
    slept: list[float] = []
    with caplog.at_level(logging.WARNING, logger="coachbot"):
        auth = wait_for_slack(client, sleep=slept.append)
    assert auth["user_id"] == BOT_USER
    assert slept == [5.0, 10.0, 20.0, 40.0]
    assert "event=slack_unreachable" in caplog.text and "event=slack_auth_failed error=token_revoked" in caplog.text


def test_run_slack_in_socket_mode_connects_builds_and_cleans_up(api, tmp_path, monkeypatch):
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from coachbot.runtime import serve

    api.reset()
    started = []

    def connect(self) -> None:   # connect, then Ctrl-C: the scheduler stops and the store closes
        started.append((self.app_token, self.client.web_client.base_url, self.app.client.base_url))
        raise KeyboardInterrupt

    monkeypatch.setattr(SocketModeHandler, "connect", connect)
    monkeypatch.setattr(SocketModeHandler, "close", lambda self: started.append("closed"))
    settings = Settings(teams=(Team(id="t1", name="一组"),), database=str(tmp_path / "bot.db"))
    serve.run_slack(settings, env={"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_APP_TOKEN": "xapp-1",
                                       "SLACK_API_URL": api.url})
    assert started == [("xapp-1", api.url, api.url), "closed"]
    assert [c.method for c in api.calls()][:1] == ["auth.test"]


def test_run_slack_in_http_mode_serves_with_waitress_on_the_port(api, tmp_path, monkeypatch):

    served = []

    class Server:
        closed = False

        def run(self) -> None:
            raise KeyboardInterrupt  # Ctrl-C: the scheduler stops and the store closes

        def close(self) -> None:
            Server.closed = True

    def fake_create_server(app, *, host, port):
        served.append((host, port, app))
        return Server()

    from coachbot.runtime import serve

    monkeypatch.setattr(serve, "create_server", fake_create_server)
    settings = Settings(teams=(Team(id="t1", name="一组"),), database=str(tmp_path / "bot.db"))
    serve.run_slack(settings, port=3456, env={"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET,
                                            "SLACK_API_URL": api.url})
    assert [(h, p) for h, p, _ in served] == [("127.0.0.1", 3456)]   # safe default: behind a local proxy
