"""The AI bot's long connection (智能机器人长连接): an outbound WebSocket, so no public URL is needed.

The documented frames, on ``websockets``' threaded client (the official Python SDK lags the Node one:
no ``disconnected_event``; the protocol is small):

- ``aibot_subscribe`` with the Bot ID and Secret right after connecting; its ack (``errcode`` 0) opens the
  connection for work. A refused subscribe (853000) is logged and retried with backoff.
- ``ping`` every 30 s after that; two unanswered pings in a row mean the link is dead: reconnect.
- Inbound ``aibot_msg_callback`` / ``aibot_event_callback`` frames go to ``on_frame`` (which stores them
  in the inbox before returning). ``disconnected_event`` means another process subscribed as this bot:
  this one stops for good rather than kick it back (two processes would kick each other forever).
- Outbound frames (``aibot_send_msg``, ``aibot_respond_msg``…) are matched to their acks by ``req_id``;
  no ack within ``ack_timeout`` is an unknown outcome, a closed connection before sending is unavailable.
- Reconnects back off exponentially from 1 s to 30 s, and reset after a successful subscribe.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from coachbot.logfmt import q
from coachbot.platforms.wecom.api import WeComError
from coachbot.platforms.wecom.incoming import obj
from coachbot.usecases.ports import OutcomeUnknown, Unavailable

log = logging.getLogger(__name__)
DEFAULT_WS_URL = "wss://openws.work.weixin.qq.com"
HEARTBEAT = 30.0
ACK_TIMEOUT = 5.0
MISSED_PINGS = 2
BACKOFF_FIRST, BACKOFF_MAX = 1.0, 30.0
MAX_FRAME = 4 * 1024 * 1024

Frame = dict[str, Any]


def new_req_id(cmd: str) -> str:
    return f"{cmd}_{int(time.time() * 1000)}_{uuid.uuid4().hex[:8]}"


class _Waiter:
    __slots__ = ("ack", "done", "lost")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.ack: Frame | None = None
        self.lost = False


class LongConnection:
    """One bot's connection; thread-safe ``request``; ``start``/``stop`` run and end its thread."""

    def __init__(self, url: str | None, bot_id: str, secret: str, *, on_frame: Callable[[Frame], None],
                 heartbeat: float = HEARTBEAT, ack_timeout: float = ACK_TIMEOUT,
                 backoff: tuple[float, float] = (BACKOFF_FIRST, BACKOFF_MAX)) -> None:
        self.url = url or DEFAULT_WS_URL
        self.bot_id, self.secret = bot_id, secret
        self.on_frame = on_frame
        self.heartbeat, self.ack_timeout = heartbeat, ack_timeout
        self.backoff = backoff
        self.ready = threading.Event()           # subscribed: requests may go out
        self.stopped = threading.Event()
        self.kicked = False                      # another process took over this bot
        self.subscriptions = 0
        self.last_ok: float | None = None
        self.last_error: str | None = None
        self._ws: ClientConnection | None = None
        self._send_lock = threading.Lock()
        self._waiters: dict[str, _Waiter] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._missed = 0

    # ------------------------------------------------------------ life

    def start(self) -> LongConnection:
        self._thread = threading.Thread(target=self._run, name="wecom-long-connection", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.ready.clear()
        ws = self._ws
        if ws is not None:
            try:
                ws.close()
            except Exception:
                pass
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def wait_ready(self, timeout: float) -> bool:
        return self.ready.wait(timeout)

    def _run(self) -> None:
        delay = self.backoff[0]
        while not self.stopped.is_set():
            subscribed = False
            try:
                subscribed = self._session()
            except Exception as exc:   # a bug must not end the connection for good
                log.exception("event=wecom_ws_error error=%s", q(repr(exc)))
            if self.stopped.is_set():
                break
            if subscribed:
                delay = self.backoff[0]
            wait = delay * (0.8 + 0.4 * random.random())
            log.info("event=wecom_ws_reconnect in=%.1fs", wait)
            self.stopped.wait(wait)
            delay = min(delay * 2, self.backoff[1])
        log.info("event=wecom_ws_stopped kicked=%s", self.kicked)

    def _session(self) -> bool:
        """One connection, from connecting to its end; whether it got as far as a successful subscribe."""
        try:
            opened = connect(self.url, open_timeout=10, ping_interval=None, max_size=MAX_FRAME, proxy=None)
        except Exception as exc:
            self.last_error = f"connect: {exc}"
            log.warning("event=wecom_ws_unreachable url=%s error=%s", self.url, q(str(exc)))
            return False
        subscribed = False
        with opened as ws:
            self._ws = ws
            try:
                subscribed = self._subscribe(ws)
                if subscribed:
                    self._loop(ws)
            except ConnectionClosed as exc:
                self.last_error = f"closed: {exc}"
                log.warning("event=wecom_ws_closed code=%s", getattr(exc.rcvd, "code", None))
            finally:
                self.ready.clear()
                self._ws = None
                self._fail_waiters()
        return subscribed

    def _subscribe(self, ws: ClientConnection) -> bool:
        req_id = new_req_id("aibot_subscribe")
        ws.send(json.dumps({"cmd": "aibot_subscribe", "headers": {"req_id": req_id},
                            "body": {"bot_id": self.bot_id, "secret": self.secret}}))
        deadline = time.monotonic() + self.ack_timeout * 2
        while time.monotonic() < deadline:
            try:
                frame = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            except TimeoutError:
                break
            if (frame.get("headers") or {}).get("req_id") != req_id:
                continue
            code = int(frame.get("errcode") or 0)
            if code:
                self.last_error = f"subscribe errcode {code}: {frame.get('errmsg')}"
                log.error("event=wecom_subscribe_failed errcode=%d errmsg=%s hint=%s", code, q(frame.get("errmsg")),
                          q("check WECOM_BOT_ID and WECOM_BOT_SECRET (智能机器人 > API 模式 > 长连接)"))
                return False
            self.subscriptions += 1
            self.last_ok, self.last_error, self._missed = time.monotonic(), None, 0
            self.ready.set()
            log.info("event=wecom_subscribed url=%s subscriptions=%d", self.url, self.subscriptions)
            return True
        self.last_error = "subscribe: no answer"
        log.warning("event=wecom_subscribe_timeout url=%s", self.url)
        return False

    def _loop(self, ws: ClientConnection) -> None:
        next_ping = time.monotonic() + self.heartbeat
        while not self.stopped.is_set():
            if time.monotonic() >= next_ping:    # on time even while frames keep arriving
                if self._missed >= MISSED_PINGS:
                    log.warning("event=wecom_ws_dead missed_pings=%d", self._missed)
                    return
                self._missed += 1
                self._send(ws, {"cmd": "ping", "headers": {"req_id": new_req_id("ping")}})
                next_ping = time.monotonic() + self.heartbeat
            try:
                raw = ws.recv(timeout=max(0.05, next_ping - time.monotonic()))
            except TimeoutError:
                continue
            try:
                frame = json.loads(raw)
            except ValueError:
                log.warning("event=wecom_ws_bad_frame size=%d", len(raw))
                continue
            if not isinstance(frame, dict):
                continue
            self.last_ok = time.monotonic()
            cmd = frame.get("cmd")
            if not cmd:
                self._acked(frame)
                continue
            event = obj(obj(frame.get("body")).get("event"))
            if cmd == "aibot_event_callback" and event.get("eventtype") == "disconnected_event":
                self.kicked = True
                self.last_error = "another process subscribed as this bot"
                log.error("event=wecom_ws_kicked hint=%s", q("another coachbot (or SDK) connected with the same Bot "
                                                             "ID; run exactly one process per bot. Not reconnecting."))
                self.stopped.set()
                return
            try:
                self.on_frame(frame)
            except Exception:
                log.exception("event=wecom_frame_error cmd=%s", q(cmd))

    def _acked(self, frame: Frame) -> None:
        req_id = str((frame.get("headers") or {}).get("req_id") or "")
        if req_id.startswith("ping"):
            self._missed = 0
            return
        with self._lock:
            waiter = self._waiters.pop(req_id, None)
        if waiter is not None:
            waiter.ack = frame
            waiter.done.set()

    def _fail_waiters(self) -> None:
        with self._lock:
            waiters, self._waiters = list(self._waiters.values()), {}
        for waiter in waiters:
            waiter.lost = True
            waiter.done.set()

    def _send(self, ws: ClientConnection, frame: Frame) -> None:
        with self._send_lock:
            ws.send(json.dumps(frame, ensure_ascii=False))

    # ------------------------------------------------------------ requests

    def request(self, cmd: str, body: dict[str, Any], *, req_id: str | None = None,
                timeout: float | None = None) -> Frame:
        """Send one frame and wait for its ack; raises a delivery error, or :class:`WeComError` for an errcode."""
        ws = self._ws
        if ws is None or not self.ready.is_set():
            raise Unavailable("kicked: another process is this bot" if self.kicked else "long connection down")
        req_id = req_id or new_req_id(cmd)
        waiter = _Waiter()
        with self._lock:
            self._waiters[req_id] = waiter
        try:
            self._send(ws, {"cmd": cmd, "headers": {"req_id": req_id}, "body": body})
        except ConnectionClosed:
            with self._lock:
                self._waiters.pop(req_id, None)
            raise Unavailable("long connection closed") from None
        if not waiter.done.wait(self.ack_timeout if timeout is None else timeout):
            with self._lock:
                self._waiters.pop(req_id, None)
            raise OutcomeUnknown(f"{cmd}: no ack within {self.ack_timeout:g}s")
        if waiter.lost or waiter.ack is None:
            raise OutcomeUnknown(f"{cmd}: connection closed before the ack")
        code = int(waiter.ack.get("errcode") or 0)
        if code:
            raise WeComError(cmd, code, str(waiter.ack.get("errmsg", "")))
        self.last_ok = time.monotonic()
        return waiter.ack

    def health(self) -> dict[str, object]:
        ago = None if self.last_ok is None else round(time.monotonic() - self.last_ok, 1)
        return {"connected": self.ready.is_set(), "kicked": self.kicked, "subscriptions": self.subscriptions,
                "last_ok_seconds_ago": ago, "last_error": self.last_error}
