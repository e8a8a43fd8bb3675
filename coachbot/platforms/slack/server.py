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
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from coachbot.platforms.http import (  # noqa: F401  (DEFAULT_HOST, create_server, Readiness: re-exported)
    DEFAULT_HOST,
    HEALTH_PATH,
    MAX_BODY,
    READY_PATH,
    Readiness,
    Rejections,
    StartResponse,
    answer,
    create_server,
    header,
)

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
REPLAY_WINDOW = 300             # seconds, as Slack documents


def _answer(start_response: StartResponse, status: str, body: bytes = b"",
            content_type: str = "text/plain; charset=utf-8") -> list[bytes]:
    return answer(start_response, status, body, content_type)


def _header(environ: dict[str, Any], name: str) -> str:
    return header(environ, name)


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
    rejected = Rejections("slack_request_rejected")

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
