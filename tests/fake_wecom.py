"""A fake WeCom (企业微信) on 127.0.0.1: the HTTP API, the AI bot's long connection, and signed callbacks.

    with FakeWeCom(users={"u1": "小王"}) as wecom:      # WECOM_API_URL=wecom.url, WECOM_WS_URL=wecom.ws_url
        ...start the adapter...
        assert wecom.wait_subscribed()
        req_id = wecom.push_message("话术 爽约", chatid="wrGROUP")      # arrives as "@教练 话术 爽约"
        reply = wecom.wait_frames("aibot_respond_msg")[0]
        wecom.fail("message/send", errcode=45009)                      # the next app message is throttled
        wecom.fail_ws("aibot_send_msg", no_ack=True)                   # the next push is never acknowledged

Like ``fake_slack_api.py``: canned answers per path, every call recorded, faults on demand, and control
endpoints (``/_stats``, ``/_calls``, ``/_fail``, ``/_push``, ``/_flood`` ...) for a bot or a benchmark in
another process; run it with ``python tests/fake_wecom.py --port P --ws-port Q``. The WebSocket side is an
asyncio ``websockets`` server in a thread, like ``fake_socket_gateway.py``. Errcodes and limits follow
/work/briefs/wecom-facts.md; where WeCom's code is unknown the fake's own choice says "(fake)" in errmsg.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import math
import re
import secrets
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlparse

import websockets
from websockets.asyncio.server import ServerConnection, serve

from coachbot.platforms.wecom.crypto import WeComCrypto, signature

# errcodes (wecom-facts.md §1.9, §3, §4)
SYSTEM_BUSY = -1
INVALID_SECRET = 40001
INVALID_MSGTYPE = 40008
INVALID_MEDIA_TYPE = 40004
INVALID_MEDIA_ID = 40007
EMPTY_MEDIA = 44001
INVALID_IMAGE = 40009
WEBHOOK_IMAGE_MAX = 2 * 1024 * 1024     # the group robot's image, before base64
INVALID_CORPID = 40013
INVALID_TOKEN = 40014
INVALID_AGENTID = 40056
TOO_LONG = 40058
TOKEN_MISSING = 41001
TOKEN_EXPIRED = 42001
REQUIRE_GET = 43001
REQUIRE_POST = 43002
FREQ_LIMIT = 45009
BAD_JSON = 47001
USER_NOT_FOUND = 60111
ALL_INVALID = 81013
INVALID_WEBHOOK = 93000
INVALID_CHATID = 93006
RESPONSE_CODE_USED = 600039      # (fake) no source gives the code for a reused response_url
INVALID_REQ_ID = 846605
STREAM_EXPIRED = 846608
BOT_AUTH_FAILED = 853000

ERRMSG = {
    0: "ok", SYSTEM_BUSY: "system busy", INVALID_SECRET: "invalid credential", INVALID_MSGTYPE: "invalid message type",
    INVALID_CORPID: "invalid corpid", INVALID_TOKEN: "invalid access_token", INVALID_AGENTID: "invalid agentid",
    TOO_LONG: "content exceed max length", TOKEN_MISSING: "access_token missing",
    TOKEN_EXPIRED: "access_token expired", REQUIRE_GET: "require GET method", REQUIRE_POST: "require POST method",
    FREQ_LIMIT: "api freq out of limit", BAD_JSON: "data format error", USER_NOT_FOUND: "userid not found",
    ALL_INVALID: "user & party & tag all invalid", INVALID_WEBHOOK: "invalid webhook url",
    INVALID_CHATID: "invalid chatid", RESPONSE_CODE_USED: "response_code used or unknown (fake)",
    INVALID_REQ_ID: "invalid req_id", STREAM_EXPIRED: "stream message update expired",
    BOT_AUTH_FAILED: "invalid bot_id or secret",
}

# limits in bytes of UTF-8 and in messages per window (wecom-facts.md §1.7, §3, §4)
APP_CONTENT_MAX = 2048
WEBHOOK_TEXT_MAX = 2048
WEBHOOK_MARKDOWN_MAX = 4096
BOT_MARKDOWN_MAX = 20480
MEMBER_PER_MINUTE = 30
MEMBER_PER_HOUR = 1000
WEBHOOK_PER_MINUTE = 20
DUPLICATE_CHECK_MAX = 4 * 3600   # duplicate_check_interval's ceiling; the default is 1800 s

GET_PATHS = {"gettoken", "user/get"}
APP_MSGTYPES = {"text", "markdown", "textcard", "template_card", "image", "file", "voice", "video", "news", "mpnews",
                "miniprogram_notice"}
WEBHOOK_MSGTYPES = {"text", "markdown", "markdown_v2", "image", "news", "file", "voice", "template_card"}
INTERACTIVE_CARDS = {"button_interaction", "vote_interaction", "multiple_interaction"}
MEDIA = {"image", "file", "voice", "video"}
TAMPERS = (None, "signature", "stale", "receiveid", "body", "envelope")


@dataclass
class Call:
    path: str                   # relative to /cgi-bin/: "message/send", "webhook/send", "aibot/response" ...
    query: dict
    body: dict | None
    errcode: int                # -1 when an HTTP status or a dropped connection answered instead
    ok: bool                    # the work was done (also for drop="after", whose answer is lost)
    dropped: bool = False       # answered ok but reached nobody (over 30/min, or a duplicate WeCom suppressed)
    status: int = 200
    recipients: list[str] = field(default_factory=list)      # message/send: members it reached
    dropped_users: list[str] = field(default_factory=list)   # message/send: members over their limit
    duplicate_users: list[str] = field(default_factory=list)  # message/send: suppressed by enable_duplicate_check
    cut: str | None = None      # "before" / "after": the connection was closed unanswered
    at: float = 0.0             # the fake's clock


@dataclass
class Fault:
    errcode: int
    errmsg: str | None
    times: int
    status: int | None = None
    when: dict = field(default_factory=dict)
    drop: str | None = None


@dataclass
class WsFault:
    errcode: int
    times: int
    drop: str | None = None
    no_ack: bool = False


@dataclass(eq=False)
class _Conn:
    ws: ServerConnection
    id: int
    subscribed: bool = False
    pushed: dict[str, str] = field(default_factory=dict)     # req_id -> "msg" or the event type


class Refused(Exception):
    """An errcode answer (HTTP or an ack), raised from the checks."""

    def __init__(self, errcode: int, errmsg: str | None = None, *, status: int = 200, **extra: Any) -> None:
        super().__init__(errcode)
        self.errcode, self.errmsg, self.status, self.extra = errcode, errmsg or ERRMSG.get(errcode, "error"), status, extra


def _size(value: object) -> int:
    return len(str(value or "").encode("utf-8"))


def _check_length(body: dict, msgtype: str, limit: int) -> None:
    content = (body.get(msgtype) or {}).get("content") if isinstance(body.get(msgtype), dict) else None
    if _size(content) > limit:
        raise Refused(TOO_LONG, f"{msgtype}.content exceed max length {limit}")


def _json_object(raw: bytes) -> dict | None:
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _matches(when: dict, query: dict, body: dict | None) -> bool:
    """``when`` items found in the query or JSON body; dotted keys reach into objects, "u1" matches "u1|u2"."""
    data = {**query, **(body or {})}
    for key, want in when.items():
        have: Any = data
        for part in key.split("."):
            have = have.get(part) if isinstance(have, dict) else None
        if have != want and str(have) != str(want) and not (isinstance(have, str) and str(want) in have.split("|")):
            return False
    return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128      # benchmarks open many connections at once


class FakeWeCom:
    """WeCom's HTTP API under ``url`` and the AI bot's long connection at ``ws_url``, in threads of this process.

    ``users`` (userid -> name) are the members; None lets every userid exist. ``enforce_limits`` turns on
    30/min and 1000/h per member (excess dropped silently) and 20/min per webhook key (45009). message/send
    with ``enable_duplicate_check: 1`` is answered ok but not delivered again to a member who got the same
    content within ``duplicate_check_interval`` (default 1800 s). ``clock`` drives these windows.
    """

    def __init__(self, *, corp_id: str = "wwfakecorp", app_secret: str = "app-secret", agent_id: int = 1000002,
                 bot_id: str = "fake-bot", bot_secret: str = "bot-secret", webhook_keys: Iterable[str] = ("hook-a",),
                 users: dict[str, str] | None = None, host: str = "127.0.0.1", port: int = 0, ws_port: int = 0,
                 enforce_limits: bool = False, record: bool = True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.corp_id, self.app_secret, self.agent_id = corp_id, app_secret, agent_id
        self.bot_id, self.bot_secret, self.webhook_keys = bot_id, bot_secret, set(webhook_keys)
        self.users = None if users is None else dict(users)   # None: every userid exists, named after itself
        self.host, self.enforce_limits, self.record, self.clock = host, enforce_limits, record, clock
        self.push_timeout = 5.0                  # how long a push waits for a subscribed connection
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._ids = itertools.count(1)
        self._tag = secrets.token_hex(3)         # keeps pushed ids unique across restarts of the fake
        self._tokens: dict[str, bool] = {}       # token -> still valid
        self._forget()
        # the HTTP API
        self.server = _Server((host, port), self._handler())
        self._http_thread: threading.Thread | None = None
        # the AI bot's long connection
        self._ws_sock = socket.create_server((host, ws_port))
        self.loop = asyncio.new_event_loop()
        self._ws_thread = threading.Thread(target=self.loop.run_forever, name="fake-wecom-ws", daemon=True)
        self._ws_server: Any = None
        self._conns: set[_Conn] = set()
        self._current: _Conn | None = None
        self.subscriptions = 0
        self._tasks: set[asyncio.Future] = set()
        self._flood_task: Any = None
        self._stopped = False

    def _forget(self) -> None:
        self.media: dict[str, bytes] = {}        # media/upload: media_id -> the file's bytes (valid 3 days in WeCom)
        self._calls: list[Call] = []
        self._faults: dict[str, list[Fault]] = {}
        self._ws_faults: dict[str, list[WsFault]] = {}
        self.delays: dict[str, float] = {}
        self.counts: dict[str, int] = {}
        self._path_stats: dict[str, dict[str, int]] = {}
        self._member_sends: dict[str, deque[float]] = {}
        self._member_content: dict[str, dict[str, float]] = {}     # member -> message content -> last delivered
        self._hook_sends: dict[str, deque[float]] = {}
        self._used_codes: set[str] = set()
        self._frames: list[tuple[int, dict, int | None]] = []       # (connection id, frame, errcode or None)
        self._frame_counts: dict[str, int] = {}
        self._ack_counts: dict[str, int] = {}
        self._ignore_pings = False
        self._expired: set[str] = set()
        self._pushed_at: dict[str, float] = {}
        self._latencies: list[float] = []
        self._pushed = 0
        self._bad_frames = 0
        self._flood = {"planned": 0, "pushed": 0, "unsent": 0, "running": False}

    # ------------------------------------------------------------ lifecycle

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def ws_port(self) -> int:
        return self._ws_sock.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.ws_port}"

    def response_url(self, code: str = "r1") -> str:
        return f"{self.url}aibot/response?{urlencode({'response_code': code})}"

    def start(self) -> FakeWeCom:
        self._http_thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                             name="fake-wecom-http", daemon=True)
        self._http_thread.start()
        self._ws_thread.start()

        async def start_ws() -> None:
            self._ws_server = await serve(self._serve_ws, sock=self._ws_sock, ping_interval=None,
                                          close_timeout=1, max_size=2**23)
        asyncio.run_coroutine_threadsafe(start_ws(), self.loop).result(5)
        return self

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._ws_thread.is_alive():
            async def stop_ws() -> None:
                if self._flood_task is not None:
                    self._flood_task.cancel()
                self._ws_server.close()
                await self._ws_server.wait_closed()
            try:
                asyncio.run_coroutine_threadsafe(stop_ws(), self.loop).result(5)
            finally:
                self.loop.call_soon_threadsafe(self.loop.stop)
                self._ws_thread.join(5)
                self.loop.close()
        self._ws_sock.close()
        if self._http_thread is not None:
            self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeWeCom:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget calls, frames, faults, delays and rate windows; tokens and connections stay."""
        with self._lock:
            self._forget()

    # ------------------------------------------------------------ HTTP control and records

    def fail(self, path: str, *, errcode: int = FREQ_LIMIT, errmsg: str | None = None, times: int = 1,
             status: int | None = None, when: dict | None = None, drop: str | None = None) -> None:
        """Make the next ``times`` calls to ``path`` ("message/send", or "*" for any) that match ``when`` fail.

        ``status`` answers that HTTP status instead of an errcode; ``drop="before"`` closes the connection
        unanswered without doing the work, ``drop="after"`` does the work, then closes unanswered.
        """
        if drop not in (None, "before", "after"):
            raise ValueError(f"drop must be 'before' or 'after', not {drop!r}")
        with self._lock:
            self._faults.setdefault(path, []).append(Fault(errcode, errmsg, times, status, dict(when or {}), drop))

    def slow(self, seconds: float, path: str = "*") -> None:
        with self._lock:
            self.delays[path] = seconds

    def expire_tokens(self) -> None:
        """Every token issued so far answers 42001 from now on; gettoken issues fresh ones."""
        with self._lock:
            self._tokens = dict.fromkeys(self._tokens, False)

    def calls(self, path: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if path is None or c.path == path]

    def delivered(self, path: str) -> list[Call]:
        return [c for c in self.calls(path) if c.ok and not c.dropped]

    def received(self, userid: str) -> list[Call]:
        """The app messages (message/send) that reached ``userid``: valid, not dropped by the per-member limit."""
        return [c for c in self.calls("message/send") if c.ok and userid in c.recipients]

    def wait_calls(self, path: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.calls(path)) >= count, timeout)
        return self.calls(path)

    def stats(self) -> dict:
        with self._lock:
            lat = sorted(self._latencies)

            def pick(q: float) -> float | None:
                return round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 1) if lat else None
            return {
                "counts": dict(self.counts),
                "paths": {path: dict(s) for path, s in self._path_stats.items()},
                "ws": {"connections": len(self._conns), "subscribed": self._current is not None,
                       "subscriptions": self.subscriptions, "pushed": self._pushed, "frames": dict(self._frame_counts),
                       "acked": dict(self._ack_counts), "bad_frames": self._bad_frames,
                       "replies": self._frame_counts.get("aibot_respond_msg", 0),
                       "sends": self._frame_counts.get("aibot_send_msg", 0)},
                "flood": dict(self._flood),
                "latency_ms": {"count": len(lat), "p50": pick(0.5), "p95": pick(0.95), "max": pick(1.0)},
            }

    def _record(self, call: Call) -> None:
        with self._changed:
            self.counts[call.path] = self.counts.get(call.path, 0) + 1
            stat = self._path_stats.setdefault(call.path, {"ok": 0, "errors": 0, "dropped": 0})
            stat["dropped" if call.dropped else "ok" if call.ok else "errors"] += 1
            if self.record:
                self._calls.append(call)
            self._changed.notify_all()

    def _take_fault(self, path: str, query: dict, body: dict | None) -> Fault | None:
        with self._lock:
            for fault in self._faults.get(path, []) + self._faults.get("*", []):
                if fault.times > 0 and _matches(fault.when, query, body):
                    fault.times -= 1
                    return fault
        return None

    # ------------------------------------------------------------ HTTP answers

    def _api(self, method: str, path: str, query: dict, body: dict | None, call: Call) -> dict:
        handler = {"gettoken": self._gettoken, "message/send": self._message_send, "webhook/send": self._webhook_send,
                   "message/update_template_card": self._update_card, "user/get": self._user_get,
                   "aibot/response": self._aibot_response}.get(path)
        if handler is None:
            raise Refused(SYSTEM_BUSY, f"unknown api {path} (fake)", status=404)
        if (method == "GET") != (path in GET_PATHS):
            raise Refused(REQUIRE_GET if path in GET_PATHS else REQUIRE_POST)
        if method == "POST" and not isinstance(body, dict):
            raise Refused(BAD_JSON)
        return {"errcode": 0, "errmsg": "ok", **handler(query, body or {}, call)}

    def _check_token(self, query: dict) -> None:
        token = query.get("access_token")
        if not token:
            raise Refused(TOKEN_MISSING)
        with self._lock:
            valid = self._tokens.get(token)
        if valid is None:
            raise Refused(INVALID_TOKEN)
        if not valid:
            raise Refused(TOKEN_EXPIRED)

    def _gettoken(self, query: dict, body: dict, call: Call) -> dict:
        if query.get("corpid") != self.corp_id:
            raise Refused(INVALID_CORPID)
        if query.get("corpsecret") != self.app_secret:
            raise Refused(INVALID_SECRET)
        with self._lock:
            token = f"tok-{len(self._tokens) + 1}"
            self._tokens[token] = True
        return {"access_token": token, "expires_in": 7200}

    def _within(self, window: deque[float], now: float, seconds: float) -> int:
        return sum(1 for t in window if t > now - seconds)

    def _message_send(self, query: dict, body: dict, call: Call) -> dict:
        self._check_token(query)
        if str(body.get("agentid")) != str(self.agent_id):
            raise Refused(INVALID_AGENTID)
        msgtype = body.get("msgtype")
        if msgtype not in APP_MSGTYPES:
            raise Refused(INVALID_MSGTYPE)
        if msgtype in ("text", "markdown"):
            _check_length(body, msgtype, APP_CONTENT_MAX)
        if msgtype in ("image", "file") and (body.get(msgtype) or {}).get("media_id") not in self.media:
            raise Refused(INVALID_MEDIA_ID)
        named = [u for u in str(body.get("touser") or "").split("|") if u]
        if "@all" in named and self.users is not None:
            named = list(self.users)
        invalid = [u for u in named if self.users is not None and u not in self.users]
        valid = [u for u in named if u not in invalid]
        if not valid and not body.get("toparty") and not body.get("totag"):
            raise Refused(ALL_INVALID, invaliduser="|".join(invalid))
        now = self.clock()
        dedupe = str(body.get("enable_duplicate_check", 0)) == "1"
        interval = min(float(body.get("duplicate_check_interval") or 1800), DUPLICATE_CHECK_MAX)
        content = json.dumps([msgtype, body.get(msgtype)], sort_keys=True, ensure_ascii=False)
        with self._lock:
            for user in valid:
                window = self._member_sends.setdefault(user, deque())
                while window and window[0] <= now - 3600:
                    window.popleft()
                seen = self._member_content.setdefault(user, {})
                if dedupe and now - seen.get(content, -math.inf) < interval:
                    call.duplicate_users.append(user)
                elif self.enforce_limits and (self._within(window, now, 60) >= MEMBER_PER_MINUTE
                                              or len(window) >= MEMBER_PER_HOUR):
                    call.dropped_users.append(user)
                else:
                    window.append(now)
                    seen[content] = now
                    call.recipients.append(user)
            n = next(self._ids)
        call.dropped = bool(call.dropped_users or call.duplicate_users) and not call.recipients
        answer = {"invaliduser": "|".join(invalid), "invalidparty": "", "invalidtag": "", "unlicenseduser": "",
                  "msgid": f"msg-{n}"}
        if msgtype == "template_card" and (body.get("template_card") or {}).get("card_type") in INTERACTIVE_CARDS:
            answer["response_code"] = f"card-{n}"
        return answer

    def _webhook_send(self, query: dict, body: dict, call: Call) -> dict:
        key = query.get("key", "")
        if key not in self.webhook_keys:
            raise Refused(INVALID_WEBHOOK)
        msgtype = body.get("msgtype")
        if msgtype not in WEBHOOK_MSGTYPES:
            raise Refused(INVALID_MSGTYPE)
        if msgtype == "text":
            _check_length(body, "text", WEBHOOK_TEXT_MAX)
        elif msgtype in ("markdown", "markdown_v2"):
            _check_length(body, msgtype, WEBHOOK_MARKDOWN_MAX)
        elif msgtype == "image":
            image = body.get("image") or {}
            try:
                data = base64.b64decode(str(image.get("base64", "")), validate=True)
            except ValueError:
                raise Refused(INVALID_IMAGE) from None
            if not data or hashlib.md5(data).hexdigest() != image.get("md5") or len(data) > WEBHOOK_IMAGE_MAX:
                raise Refused(INVALID_IMAGE)
        now = self.clock()
        with self._lock:
            window = self._hook_sends.setdefault(key, deque())
            while window and window[0] <= now - 60:
                window.popleft()
            if self.enforce_limits and len(window) >= WEBHOOK_PER_MINUTE:
                raise Refused(FREQ_LIMIT)
            window.append(now)
        return {}

    def _update_card(self, query: dict, body: dict, call: Call) -> dict:
        self._check_token(query)
        if str(body.get("agentid")) != str(self.agent_id):
            raise Refused(INVALID_AGENTID)
        return {"invaliduser": ""}

    def _user_get(self, query: dict, body: dict, call: Call) -> dict:
        self._check_token(query)
        userid = query.get("userid", "")
        if self.users is None:
            return {"userid": userid, "name": userid}
        if userid not in self.users:
            raise Refused(USER_NOT_FOUND)
        return {"userid": userid, "name": self.users[userid]}

    def _aibot_response(self, query: dict, body: dict, call: Call) -> dict:
        code = query.get("response_code", "")
        with self._lock:
            if not code or code in self._used_codes:
                raise Refused(RESPONSE_CODE_USED)
        msgtype = body.get("msgtype")
        if msgtype not in ("markdown", "stream", "template_card"):
            raise Refused(INVALID_MSGTYPE)
        if msgtype in ("markdown", "stream"):
            _check_length(body, msgtype, BOT_MARKDOWN_MAX)
        with self._lock:
            self._used_codes.add(code)
        return {}

    def _media_upload(self, query: dict, raw: bytes) -> dict:
        """media/upload: one file in a multipart/form-data body (field ``media``); a media id for 3 days."""
        self._check_token(query)
        if query.get("type") not in ("image", "voice", "video", "file"):
            raise Refused(INVALID_MEDIA_TYPE)
        boundary = raw.split(b"\r\n", 1)[0]
        if not boundary.startswith(b"--"):
            raise Refused(EMPTY_MEDIA)
        part = raw.split(boundary)[1]
        head, _, data = part.partition(b"\r\n\r\n")
        if b'name="media"' not in head or not data.endswith(b"\r\n") or len(data) <= 2:
            raise Refused(EMPTY_MEDIA)
        with self._lock:
            media_id = f"media-{next(self._ids)}"
            self.media[media_id] = data[:-2]
        return {"type": query["type"], "media_id": media_id, "created_at": str(int(time.time()))}

    def _respond(self, method: str, path: str, query: dict, raw: bytes) -> tuple[int | None, dict | str]:
        """Answer and record one API call: (HTTP status, answer), or (None, "") to hang up unanswered."""
        if path == "media/upload" and method == "POST":
            call = Call(path, query, None, 0, True, at=self.clock())
            try:
                answer = {"errcode": 0, "errmsg": "ok", **self._media_upload(query, raw)}
            except Refused as refused:
                answer = {"errcode": refused.errcode, "errmsg": refused.errmsg}
            call.errcode, call.status, call.ok = answer["errcode"], 200, answer["errcode"] == 0
            self._record(call)
            return 200, answer
        body = _json_object(raw)
        delay = self.delays.get(path, self.delays.get("*", 0.0))
        if delay:
            time.sleep(delay)
        call = Call(path, query, body, 0, True, at=self.clock())
        fault = self._take_fault(path, query, body)
        if fault and (fault.drop == "before" or fault.status):
            call.errcode, call.ok, call.status = SYSTEM_BUSY, False, fault.status or 0
            call.cut = fault.drop
            self._record(call)
            return (None, "") if fault.drop else (fault.status, f"<html><body>{fault.status} (fake)</body></html>")
        status = 200
        if fault and not fault.drop:
            answer = {"errcode": fault.errcode, "errmsg": fault.errmsg or ERRMSG.get(fault.errcode, "error")}
        else:
            try:
                if raw and body is None:
                    raise Refused(BAD_JSON)
                answer = self._api(method, path, query, body, call)
            except Refused as refused:
                status = refused.status
                answer = {"errcode": refused.errcode, "errmsg": refused.errmsg, **refused.extra}
        call.errcode, call.status, call.ok = answer["errcode"], status, answer["errcode"] == 0 and status == 200
        call.cut = fault.drop if fault else None
        self._record(call)
        return (None, "") if call.cut else (status, answer)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _send(self, status: int, payload: dict | list | str) -> None:
                text = isinstance(payload, str)
                data = payload.encode() if text else json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html" if text else "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _hang_up(self) -> None:
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

            def _serve(self) -> None:
                parsed = urlparse(self.path)
                query = dict(parse_qsl(parsed.query, keep_blank_values=True))
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if parsed.path.startswith("/_"):
                    self._control(parsed.path, query, _json_object(raw) or {})
                elif not parsed.path.startswith("/cgi-bin/"):
                    self._send(404, {"errcode": SYSTEM_BUSY, "errmsg": "not found (fake)"})
                else:
                    status, answer = fake._respond(self.command, parsed.path[len("/cgi-bin/"):], query, raw)
                    if status is None:
                        self._hang_up()
                    else:
                        self._send(status, answer)

            def _control(self, path: str, query: dict, args: dict) -> None:
                try:
                    result = fake._control(path, query, args)
                except (TypeError, ValueError, RuntimeError) as exc:
                    self._send(400, {"error": str(exc)})
                    return
                if result is None:
                    self._send(404, {"error": f"unknown control endpoint {path}"})
                else:
                    self._send(200, result)

            do_GET = _serve
            do_POST = _serve

        return Handler

    def _control(self, path: str, query: dict, args: dict) -> dict | list | None:
        """The control endpoints, for a bot or benchmark in another process."""
        if path == "/_stats":
            return self.stats()
        if path == "/_calls":
            return [asdict(c) for c in self.calls(query.get("path"))]
        if path == "/_frames":
            return self.frames(query.get("cmd"))
        if path == "/_push":
            return {"req_id": self.push_message(**args)}
        if path == "/_push_event":
            return {"req_id": self.push_event(**args)}
        if path == "/_flood":
            return {"planned": self.flood(**args)}
        actions: dict[str, Callable[..., Any]] = {
            "/_fail": self.fail, "/_fail_ws": self.fail_ws, "/_slow": self.slow, "/_reset": self.reset,
            "/_expire_tokens": self.expire_tokens, "/_expire_streams": self.expire_streams, "/_kick": self.kick,
            "/_drop": self.drop, "/_ignore_pings": self.ignore_pings}
        if path not in actions:
            return None
        actions[path](**args)
        return {"ok": True}

    # ------------------------------------------------------------ WebSocket control and records

    def fail_ws(self, cmd: str, *, errcode: int = FREQ_LIMIT, times: int = 1, drop: str | None = None,
                no_ack: bool = False) -> None:
        """The next ``times`` frames of ``cmd`` ("*" for any): acked with ``errcode``, or ``drop="before"``
        (close, unrecorded), ``drop="after"`` (do the work, record, close without ack), ``no_ack`` (never ack)."""
        if drop not in (None, "before", "after"):
            raise ValueError(f"drop must be 'before' or 'after', not {drop!r}")
        with self._lock:
            self._ws_faults.setdefault(cmd, []).append(WsFault(errcode, times, drop, no_ack))

    def ignore_pings(self, ignore: bool = True) -> None:
        with self._lock:
            self._ignore_pings = ignore

    def expire_streams(self) -> None:
        """Every message pushed so far answers aibot_respond_msg with 846608, as after WeCom's 6 minutes."""
        with self._lock:
            for conn in self._conns:
                self._expired.update(r for r, kind in conn.pushed.items() if kind == "msg")

    def frames(self, cmd: str | None = None) -> list[dict]:
        with self._lock:
            return [f for _, f, _ in self._frames if cmd is None or f.get("cmd") == cmd]

    def acked(self, cmd: str | None = None) -> list[dict]:
        """The frames of ``cmd`` the fake accepted (acked with errcode 0)."""
        with self._lock:
            return [f for _, f, e in self._frames if e == 0 and (cmd is None or f.get("cmd") == cmd)]

    def wait_frames(self, cmd: str, count: int = 1, timeout: float = 5.0) -> list[dict]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.frames(cmd)) >= count, timeout)
        return self.frames(cmd)

    def wait_subscribed(self, timeout: float = 5.0, *, count: int | None = None) -> bool:
        """True once a connection is subscribed (and, with ``count``, after that many subscribes in all)."""
        with self._changed:
            return self._changed.wait_for(
                lambda: self._current is not None and (count is None or self.subscriptions >= count), timeout)

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._conns)

    def _record_frame(self, conn: _Conn, frame: dict, errcode: int | None) -> None:
        cmd = str(frame.get("cmd"))
        with self._changed:
            if self.record:
                self._frames.append((conn.id, frame, errcode))
            self._frame_counts[cmd] = self._frame_counts.get(cmd, 0) + 1
            if errcode == 0:
                self._ack_counts[cmd] = self._ack_counts.get(cmd, 0) + 1
            self._changed.notify_all()

    def _take_ws_fault(self, cmd: str) -> WsFault | None:
        with self._lock:
            for fault in self._ws_faults.get(cmd, []) + self._ws_faults.get("*", []):
                if fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    # ------------------------------------------------------------ WebSocket protocol

    async def _serve_ws(self, ws: ServerConnection) -> None:
        conn = _Conn(ws, next(self._ids))
        with self._lock:
            self._conns.add(conn)
        try:
            async for raw in ws:
                await self._on_frame(conn, raw)
        except websockets.ConnectionClosed:
            pass
        finally:
            with self._changed:
                self._conns.discard(conn)
                if self._current is conn:
                    self._current = None
                self._changed.notify_all()

    async def _on_frame(self, conn: _Conn, raw: str | bytes) -> None:
        try:
            frame = json.loads(raw)
            cmd, req_id = str(frame["cmd"]), frame["headers"]["req_id"]
        except (ValueError, KeyError, TypeError):
            with self._lock:
                self._bad_frames += 1
            return
        fault = self._take_ws_fault(cmd)
        if fault and fault.drop == "before":
            conn.ws.transport.abort()
            return
        if fault and not (fault.drop or fault.no_ack):
            errcode, errmsg, body = fault.errcode, ERRMSG.get(fault.errcode, "error"), None
        else:
            errcode, errmsg, body = await self._check_frame(conn, cmd, req_id, frame)
        if fault and (fault.drop or fault.no_ack):
            self._record_frame(conn, frame, None)
            if fault.drop:
                conn.ws.transport.abort()
            return
        self._record_frame(conn, frame, errcode)
        if cmd == "ping" and self._ignore_pings:
            return
        ack: dict[str, Any] = {"headers": {"req_id": req_id}, "errcode": errcode, "errmsg": errmsg}
        if body is not None:
            ack["body"] = body
        await conn.ws.send(json.dumps(ack, ensure_ascii=False))

    async def _check_frame(self, conn: _Conn, cmd: str, req_id: str, frame: dict) -> tuple[int, str, dict | None]:
        """Do what ``cmd`` asks; the ack's (errcode, errmsg, body)."""
        body = frame.get("body") if isinstance(frame.get("body"), dict) else {}
        try:
            if cmd == "aibot_subscribe":
                if body.get("bot_id") != self.bot_id or body.get("secret") != self.bot_secret:
                    raise Refused(BOT_AUTH_FAILED)
                await self._subscribe(conn)
                return 0, "ok", None
            if cmd == "ping":
                return 0, "ok", None
            if not conn.subscribed:
                raise Refused(BOT_AUTH_FAILED, "not subscribed (fake)")
            return 0, "ok", self._bot_command(conn, cmd, req_id, body)
        except Refused as refused:
            return refused.errcode, refused.errmsg, None

    def _bot_command(self, conn: _Conn, cmd: str, req_id: str, body: dict) -> dict | None:
        msgtype = body.get("msgtype")
        if cmd == "aibot_send_msg":
            if not body.get("chatid"):
                raise Refused(INVALID_CHATID)
            if msgtype not in {"markdown", "template_card"} | MEDIA:
                raise Refused(INVALID_MSGTYPE, f"invalid message type {msgtype} for aibot_send_msg")
            _check_length(body, "markdown", BOT_MARKDOWN_MAX)
            return None
        if cmd in ("aibot_respond_msg", "aibot_respond_welcome_msg", "aibot_respond_update_msg"):
            kind = {"aibot_respond_msg": "msg", "aibot_respond_welcome_msg": "enter_chat",
                    "aibot_respond_update_msg": "template_card_event"}[cmd]
            if conn.pushed.get(req_id) != kind:
                raise Refused(INVALID_REQ_ID)
            if cmd == "aibot_respond_msg":
                if req_id in self._expired:
                    raise Refused(STREAM_EXPIRED)
                if msgtype not in {"stream", "template_card", "stream_with_template_card"} | MEDIA:
                    raise Refused(INVALID_MSGTYPE)
                _check_length(body, "stream", BOT_MARKDOWN_MAX)
                with self._lock:
                    pushed_at = self._pushed_at.pop(req_id, None)
                    if pushed_at is not None:
                        self._latencies.append(time.perf_counter() - pushed_at)
            return None
        if cmd == "aibot_upload_media_init":
            return {"upload_id": f"upload-{next(self._ids)}"}
        if cmd == "aibot_upload_media_chunk":
            return None
        if cmd == "aibot_upload_media_finish":
            return {"type": "file", "media_id": f"media-{next(self._ids)}", "created_at": int(time.time())}
        raise Refused(INVALID_MSGTYPE, f"unknown cmd {cmd} (fake)")

    async def _subscribe(self, conn: _Conn) -> None:
        old = self._current
        if old is not None and old is not conn:
            await self._disconnect(old)
        with self._changed:
            conn.subscribed = True
            self._current = conn
            self.subscriptions += 1
            self._changed.notify_all()

    async def _disconnect(self, conn: _Conn) -> None:
        """Tell ``conn`` another connection took over (disconnected_event), then close it."""
        with self._changed:
            conn.subscribed = False
            if self._current is conn:
                self._current = None
            self._changed.notify_all()
        event = aibot_event("disconnected_event", userid="", aibotid=self.bot_id, msgid=self._new_id("evt"))
        event.pop("from")
        event.pop("chattype")
        try:
            await conn.ws.send(json.dumps({"cmd": "aibot_event_callback", "headers": {"req_id": self._new_id("req")},
                                           "body": event}, ensure_ascii=False))
        except websockets.ConnectionClosed:
            return
        task = asyncio.ensure_future(conn.ws.close(1000, "disconnected_event"))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------ pushing to the bot

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}-{self._tag}-{next(self._ids)}"

    async def _push(self, conn: _Conn, cmd: str, body: dict, kind: str) -> str:
        req_id = self._new_id("req")
        with self._lock:
            conn.pushed[req_id] = kind
            if kind == "msg":
                self._pushed_at[req_id] = time.perf_counter()
        await conn.ws.send(json.dumps({"cmd": cmd, "headers": {"req_id": req_id}, "body": body}, ensure_ascii=False))
        with self._lock:
            self._pushed += 1
        return req_id

    def _push_threadsafe(self, cmd: str, body: dict, kind: str) -> str:
        if not self.wait_subscribed(self.push_timeout):
            raise RuntimeError(f"no connection subscribed to the fake WeCom within {self.push_timeout} s")
        conn = self._current
        if conn is None:
            raise RuntimeError("the subscribed connection went away")
        return asyncio.run_coroutine_threadsafe(self._push(conn, cmd, body, kind), self.loop).result(5)

    def push_message(self, text: str, *, userid: str = "u1", chatid: str | None = None, chattype: str | None = None,
                     msgid: str | None = None, quote: dict | None = None, mention: str = "教练",
                     msgtype: str = "text") -> str:
        """A user's message on the subscribed connection (an @mention in a group); its req_id. Reusing a
        ``msgid`` simulates a redelivery."""
        body = aibot_text(text, userid=userid, chatid=chatid, chattype=chattype, msgid=msgid or self._new_id("msg"),
                          mention=mention, quote=quote, msgtype=msgtype, aibotid=self.bot_id,
                          response_url=self.response_url(self._new_id("resp")))
        return self._push_threadsafe("aibot_msg_callback", body, "msg")

    def push_event(self, eventtype: str, *, userid: str = "u1", chatid: str | None = None,
                   event: dict | None = None) -> str:
        """An event: ``enter_chat``, or ``template_card_event`` with ``event={"event_key": ..., "task_id": ...}``
        (nested under ``event.template_card_event`` as WeCom does); its req_id."""
        body = aibot_event(eventtype, userid=userid, chatid=chatid, event=event, aibotid=self.bot_id,
                           msgid=self._new_id("evt"), response_url=self.response_url(self._new_id("resp")))
        return self._push_threadsafe("aibot_event_callback", body, eventtype)

    def kick(self) -> bool:
        """Send disconnected_event to the subscribed connection and close it, as if another instance subscribed."""
        conn = self._current
        if conn is None:
            return False
        asyncio.run_coroutine_threadsafe(self._disconnect(conn), self.loop).result(5)
        return True

    def drop(self) -> bool:
        """Close the subscribed connection abruptly (no close frame): a network failure."""
        with self._changed:
            conn, self._current = self._current, None
            self._changed.notify_all()
        if conn is None:
            return False
        self.loop.call_soon_threadsafe(conn.ws.transport.abort)
        return True

    def flood(self, rate: float, seconds: float, *, chatid: str | None = None, users: Iterable[str] = ("u1",),
              text: str = "话术 {n}") -> int:
        """Push ``rate`` messages a second for ``seconds`` from inside the fake (round-robin over ``users``; "{n}"
        in ``text`` numbers them); returns at once with how many are planned. A new flood replaces a running one."""
        members = list(users) or ["u1"]
        total = int(rate * seconds)
        with self._lock:
            self._flood = {"planned": total, "pushed": 0, "unsent": 0, "running": True}

        async def run() -> None:
            start = self.loop.time()
            try:
                for i in range(total):
                    await asyncio.sleep(max(0.0, start + i / rate - self.loop.time()))
                    conn, outcome = self._current, "unsent"
                    body = aibot_text(text.replace("{n}", str(i + 1)), userid=members[i % len(members)],
                                      chatid=chatid, msgid=self._new_id("msg"), aibotid=self.bot_id,
                                      response_url=self.response_url(self._new_id("resp")))
                    if conn is not None:
                        try:
                            await self._push(conn, "aibot_msg_callback", body, "msg")
                            outcome = "pushed"
                        except websockets.ConnectionClosed:
                            pass
                    with self._lock:
                        self._flood[outcome] += 1
            finally:
                with self._lock:
                    self._flood["running"] = False

        def launch() -> None:
            if self._flood_task is not None:
                self._flood_task.cancel()
            self._flood_task = self.loop.create_task(run())
        self.loop.call_soon_threadsafe(launch)
        return total


# ------------------------------------------------------------ payload builders


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def aibot_text(text: str, *, userid: str, chatid: str | None = None, msgid: str | None = None, mention: str = "教练",
               chattype: str | None = None, aibotid: str = "fake-bot", response_url: str | None = None,
               quote: dict | None = None, msgtype: str = "text", create_time: int | None = None) -> dict:
    """The JSON of a user's message: the aibot_msg_callback body, and the AI bot callback's plaintext.

    In a group (``chatid`` given) text starts with "@<mention> " as in WeCom's own example.
    """
    content = f"@{mention} {text}" if chatid and mention and msgtype in ("text", "mixed") else text
    body: dict[str, Any] = {"msgid": msgid or f"msg-{secrets.token_hex(8)}", "aibotid": aibotid,
                            "chattype": chattype or ("group" if chatid else "single"), "from": {"userid": userid},
                            "create_time": create_time or int(time.time()), "msgtype": msgtype}
    if chatid:
        body["chatid"] = chatid
    if response_url:
        body["response_url"] = response_url
    if msgtype in ("text", "voice"):
        body[msgtype] = {"content": content}
    elif msgtype == "mixed":
        body["mixed"] = {"msg_item": [{"msgtype": "text", "text": {"content": content}}]}
    elif msgtype in MEDIA:
        body[msgtype] = {"url": text, "aeskey": base64.b64encode(b"k" * 32).decode()}
    else:
        raise ValueError(f"no builder for msgtype {msgtype}")
    if quote is not None:
        body["quote"] = quote
    return body


def aibot_event(eventtype: str, *, userid: str, chatid: str | None = None, msgid: str | None = None,
                event: dict | None = None, aibotid: str = "fake-bot", response_url: str | None = None,
                create_time: int | None = None) -> dict:
    """An aibot_event_callback body; ``event`` holds the type's own fields (nested under its name)."""
    detail = dict(event or {})
    if eventtype == "template_card_event":
        detail.setdefault("card_type", "button_interaction")
    inner: dict[str, Any] = {"eventtype": eventtype}
    if eventtype in detail:          # already nested by the caller
        inner.update(detail)
    elif detail:
        inner[eventtype] = detail
    body: dict[str, Any] = {"msgid": msgid or f"evt-{secrets.token_hex(8)}", "create_time": create_time or int(time.time()),
                            "aibotid": aibotid, "chattype": "group" if chatid else "single", "from": {"userid": userid},
                            "msgtype": "event", "event": inner}
    if chatid:
        body["chatid"] = chatid
    if response_url:
        body["response_url"] = response_url
    return body


def app_text_xml(text: str, *, userid: str, corp_id: str, agent_id: int | str, msgid: str | None = None,
                 create_time: int | None = None) -> str:
    """The decrypted XML of a text message to the self-built app (platform-facts §2)."""
    return (f"<xml><ToUserName>{_cdata(corp_id)}</ToUserName><FromUserName>{_cdata(userid)}</FromUserName>"
            f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType>{_cdata('text')}</MsgType>"
            f"<Content>{_cdata(text)}</Content><MsgId>{msgid or secrets.randbelow(9 * 10**15) + 10**15}</MsgId>"
            f"<AgentID>{agent_id}</AgentID></xml>")


def app_card_event_xml(*, userid: str, corp_id: str, agent_id: int | str, event_key: str, task_id: str,
                       card_type: str = "button_interaction", response_code: str | None = None,
                       create_time: int | None = None) -> str:
    """The decrypted XML of a template-card button click sent to the self-built app (wecom-facts §4)."""
    return (f"<xml><ToUserName>{_cdata(corp_id)}</ToUserName><FromUserName>{_cdata(userid)}</FromUserName>"
            f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType>{_cdata('event')}</MsgType>"
            f"<Event>{_cdata('template_card_event')}</Event><EventKey>{_cdata(event_key)}</EventKey>"
            f"<TaskId>{_cdata(task_id)}</TaskId><CardType>{_cdata(card_type)}</CardType>"
            f"<ResponseCode>{_cdata(response_code or secrets.token_hex(8))}</ResponseCode>"
            f"<AgentID>{agent_id}</AgentID></xml>")


# ------------------------------------------------------------ signed callback requests


def _flip(encrypted: str) -> str:
    i = len(encrypted) // 2
    return encrypted[:i] + ("B" if encrypted[i] == "A" else "A") + encrypted[i + 1:]


def _seal(token: str, aes_key: str, receive_id: str, message: str, timestamp: str | None, nonce: str | None,
          tamper: str | None) -> tuple[str, dict[str, str]]:
    """(encrypted, query) for a callback, spoiled as ``tamper`` says."""
    if tamper not in TAMPERS:
        raise ValueError(f"tamper must be one of {TAMPERS}")
    ts = int(timestamp or time.time()) - (600 if tamper == "stale" else 0)
    nonce = nonce or str(secrets.randbelow(9 * 10**9) + 10**9)
    encrypted = WeComCrypto(token, aes_key, "wwtampered" if tamper == "receiveid" else receive_id).encrypt(message)
    sig = signature(token, str(ts), nonce, encrypted)
    if tamper == "signature":
        sig = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    if tamper == "body":
        encrypted = _flip(encrypted)            # changed after signing
    return encrypted, {"msg_signature": sig, "timestamp": str(ts), "nonce": nonce}


def _request(url: str, query: dict, data: bytes | None = None, content_type: str = "") -> tuple[int, bytes]:
    full = url + ("&" if "?" in url else "?") + urlencode(query)
    request = urllib.request.Request(full, data=data, method="POST" if data is not None else "GET")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def aibot_callback_request(url: str, token: str, aes_key: str, plaintext: dict, *, timestamp: str | None = None,
                           nonce: str | None = None, tamper: str | None = None) -> tuple[int, bytes]:
    """POST an AI bot callback (JSON ``{"encrypt": ...}``, receiveid ""); the (status, body) answered.

    ``tamper``: "signature" (wrong msg_signature), "stale" (timestamp 10 minutes old, correctly signed),
    "receiveid" (sealed for "wwtampered": an AI bot decrypter with receiveid "" does not check it, as in the
    official SDK), "body" (ciphertext changed after signing), "envelope" (the body is not valid JSON).
    """
    encrypted, query = _seal(token, aes_key, "", json.dumps(plaintext, ensure_ascii=False), timestamp, nonce, tamper)
    data = b'{"encrypt": "' if tamper == "envelope" else json.dumps({"encrypt": encrypted}).encode()
    return _request(url, query, data, "application/json")


def app_callback_request(url: str, token: str, aes_key: str, corp_id: str, xml_plaintext: str, *,
                         timestamp: str | None = None, nonce: str | None = None, tamper: str | None = None,
                         agent_id: int | str | None = None) -> tuple[int, bytes]:
    """POST a self-built app callback (XML envelope, receiveid = corp id); ``tamper`` as for the AI bot, and
    "receiveid" here is refused by a decrypter that checks the corp id."""
    encrypted, query = _seal(token, aes_key, corp_id, xml_plaintext, timestamp, nonce, tamper)
    if agent_id is None:
        found = re.search(r"<AgentID>(?:<!\[CDATA\[)?(\w+)", xml_plaintext)
        agent_id = found.group(1) if found else ""
    envelope = (f"<xml><ToUserName>{_cdata(corp_id)}</ToUserName><AgentID>{_cdata(str(agent_id))}</AgentID>"
                f"<Encrypt>{_cdata(encrypted)}</Encrypt></xml>")
    data = b"<xml><Encrypt><![CDATA[" if tamper == "envelope" else envelope.encode()
    return _request(url, query, data, "text/xml")


def verify_url_request(url: str, token: str, aes_key: str, receive_id: str, echo: str = "1234567890", *,
                       tamper: str | None = None) -> tuple[int, bytes]:
    """GET the URL check: an encrypted, signed ``echostr``; a good server answers ``echo`` exactly."""
    encrypted, query = _seal(token, aes_key, receive_id, echo, None, None, tamper)
    return _request(url, {**query, "echostr": encrypted})


if __name__ == "__main__":  # a standalone fake for benchmarks: prints its two URLs, serves until killed
    import argparse

    parser = argparse.ArgumentParser(description="A fake WeCom: HTTP API and AI bot long connection.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ws-port", type=int, default=0)
    parser.add_argument("--users", type=int, default=None, help="members u1..uN (default: any userid exists)")
    parser.add_argument("--enforce-limits", action="store_true", help="30/min per member, 20/min per webhook")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before every HTTP answer")
    parser.add_argument("--no-record", action="store_true", help="keep counts only, not every call and frame")
    parser.add_argument("--corp-id", default="wwfakecorp")
    parser.add_argument("--app-secret", default="app-secret")
    parser.add_argument("--agent-id", type=int, default=1000002)
    parser.add_argument("--bot-id", default="fake-bot")
    parser.add_argument("--bot-secret", default="bot-secret")
    parser.add_argument("--webhook-key", action="append", default=None, help="repeatable (default: hook-a)")
    options = parser.parse_args()
    members = None if options.users is None else {f"u{i}": f"成员{i}" for i in range(1, options.users + 1)}
    fake = FakeWeCom(corp_id=options.corp_id, app_secret=options.app_secret, agent_id=options.agent_id,
                     bot_id=options.bot_id, bot_secret=options.bot_secret,
                     webhook_keys=options.webhook_key or ("hook-a",), users=members, port=options.port,
                     ws_port=options.ws_port, enforce_limits=options.enforce_limits, record=not options.no_record)
    if options.delay:
        fake.slow(options.delay)
    fake.start()
    print(fake.url, flush=True)
    print(fake.ws_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
