"""Slack's HTTP mode: waitress (a production WSGI server), a guard in front of Bolt, health checks.

The guard does, before anything parses or logs the request:

- size: a body over :data:`MAX_BODY` gets 413 (and waitress itself refuses
  larger ones, so a 1 GiB upload is never read);
- signature: ``X-Slack-Request-Timestamp`` must be a number within five
  minutes and ``X-Slack-Signature`` the HMAC of the raw bytes, else 401;
- shape: the body must be UTF-8, and JSON or a form whose ``payload`` is
  JSON, as its content type says, else 400.

Only then does Bolt see it. A rejection is logged as one escaped line with
the reason, never the body. ``GET /healthz`` answers while the process runs;
``GET /readyz`` answers 200 only when the bot can do its work (see
:func:`coachbot.runtime.slack.readiness`).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from coachbot.logfmt import q

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
HTTP_THREADS = 16
MAX_BODY = 1024 * 1024          # Slack's own payloads are a few KB; a form answer is at most 2,000 characters
REPLAY_WINDOW = 300             # seconds, as Slack documents
DEFAULT_HOST = "127.0.0.1"      # behind a reverse proxy; use --host 0.0.0.0 to listen on every interface

StartResponse = Callable[..., Any]
Readiness = Callable[[], tuple[bool, dict[str, Any]]]


class Rejections:
    """Logs each kind of rejected request at most once a minute, with how many there were."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.seen: dict[str, tuple[float, int]] = {}
        self.lock = threading.Lock()

    def __call__(self, status: int, reason: str, environ: dict[str, Any], size: int | str) -> None:
        now = self.clock()
        with self.lock:
            last, count = self.seen.get(reason, (-1e9, 0))
            if now - last < 60:
                self.seen[reason] = (last, count + 1)
                return
            self.seen[reason] = (now, 0)
        log.warning("event=slack_request_rejected status=%d reason=%s remote=%s size=%s suppressed=%d", status,
                    reason, q(environ.get("REMOTE_ADDR", "")), size, count)


def _answer(start_response: StartResponse, status: str, body: bytes = b"",
            content_type: str = "text/plain; charset=utf-8") -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def _header(environ: dict[str, Any], name: str) -> str:
    return str(environ.get("HTTP_" + name.upper().replace("-", "_"), ""))


def check_request(environ: dict[str, Any], body: bytes, secret: str, *, now: float | None = None
                  ) -> tuple[int, str] | dict[str, Any]:
    """(status, reason) when the request must be refused; else the JSON body (empty for a form)."""
    stamp = _header(environ, "X-Slack-Request-Timestamp")
    if not stamp.isdigit():
        return 401, "bad_timestamp"
    if abs((now if now is not None else time.time()) - int(stamp)) > REPLAY_WINDOW:
        return 401, "stale_timestamp"
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(f"v0={digest}", _header(environ, "X-Slack-Signature")):
        return 401, "bad_signature"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return 400, "not_utf8"
    kind = str(environ.get("CONTENT_TYPE", "")).split(";")[0].strip().lower()
    try:
        if kind == "application/json":
            data = json.loads(text)
            return data if isinstance(data, dict) else (400, "json_not_an_object")
        if kind == "application/x-www-form-urlencoded":
            form = parse_qs(text, strict_parsing=bool(text), max_num_fields=200)
            if "payload" in form and not isinstance(json.loads(form["payload"][0]), dict):
                return 400, "payload_not_an_object"
            return {}
        return 400, "content_type"
    except ValueError:
        return 400, "malformed"


def wsgi_app(app: App, *, signing_secret: str | None = None, readiness: Readiness | None = None,
             max_body: int = MAX_BODY, events: Callable[[dict[str, Any]], None] | None = None
             ) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """Bolt's WSGI adapter at ``/slack/events`` behind the guard, plus ``/healthz`` and ``/readyz``.

    ``events`` takes Events API deliveries directly (they only go to the
    inbox): the busiest requests skip Bolt's dispatch, which costs more than
    the rest of their handling together.
    """
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    secret = signing_secret if signing_secret is not None else getattr(app, "_signing_secret", "") or ""
    rejected = Rejections()

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == HEALTH_PATH and method == "GET":
            return _answer(start_response, "200 OK", b"ok")
        if path == READY_PATH and method == "GET":
            ok, detail = readiness() if readiness else (True, {})
            body = json.dumps({"ok": ok, **detail}, ensure_ascii=False, default=str).encode()
            return _answer(start_response, "200 OK" if ok else "503 Service Unavailable", body, "application/json")
        if path != EVENTS_PATH:
            return _answer(start_response, "404 Not Found", b"not found")
        if method != "POST":
            return _answer(start_response, "405 Method Not Allowed", b"POST only")
        declared = str(environ.get("CONTENT_LENGTH") or "")
        if declared and (not declared.isdigit() or int(declared) > max_body):
            rejected(413 if declared.isdigit() else 400, "too_large" if declared.isdigit() else "bad_length",
                     environ, declared)
            return _answer(start_response, "413 Payload Too Large" if declared.isdigit() else "400 Bad Request")
        body = environ["wsgi.input"].read(min(int(declared), max_body) if declared else max_body + 1)
        if len(body) > max_body:
            rejected(413, "too_large", environ, len(body))
            return _answer(start_response, "413 Payload Too Large")
        checked = check_request(environ, body, secret)
        if isinstance(checked, tuple):
            status, reason = checked
            rejected(status, reason, environ, len(body))
            text = {400: "400 Bad Request", 401: "401 Unauthorized"}[status]
            return _answer(start_response, text, b'{"error": "invalid request"}', "application/json")
        if events is not None and checked.get("type") == "event_callback":
            events(checked)
            return _answer(start_response, "200 OK")
        environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        return slack(environ, start_response)

    return application


def create_server(app: Callable[..., Any], *, host: str = DEFAULT_HOST, port: int = 3000,
                  threads: int = HTTP_THREADS, max_body: int = MAX_BODY) -> Any:
    """A waitress server for a WSGI app (``server.run()`` blocks; port 0 picks a free one)."""
    return waitress.create_server(  # type: ignore[attr-defined]  # not in waitress's stubs
        app, host=host, port=port, threads=threads, ident="coachbot", asyncore_use_poll=True,
        connection_limit=1000, max_request_body_size=max_body)
