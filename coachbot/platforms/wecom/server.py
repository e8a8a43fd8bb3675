"""WeCom's callbacks on the HTTP server: ``/wecom/aibot`` (the AI bot, JSON) and ``/wecom/callback`` (the
self-built app, XML), both with WeCom's URL check (GET) and encrypted messages (POST).

The guard, before anything acts on a request: the body within :data:`MAX_BODY`; the timestamp a number
within five minutes (a replay is refused); the signature right; the message decrypting with this URL's key
and carrying the right receiveid (the corp id for the app, "" for the AI bot); the plaintext well-formed
JSON or XML without DTDs or entities. A refusal is a 4xx, logged once a minute per reason without the body.
An accepted message is stored before the 200 goes back (WeCom retries a callback three times if it has no
answer within five seconds; the msgid makes the retries harmless).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from coachbot.platforms.http import (
    HEALTH_PATH,
    MAX_BODY,
    READY_PATH,
    Readiness,
    Rejections,
    StartResponse,
    WSGIApp,
    answer,
    read_body,
)
from coachbot.platforms.wecom.crypto import CryptoError, WeComCrypto
from coachbot.platforms.wecom.incoming import BadPayload, parse_xml
from coachbot.platforms.wecom.receiver import WeComReceiver

log = logging.getLogger(__name__)
AIBOT_PATH = "/wecom/aibot"
APP_PATH = "/wecom/callback"
REPLAY_WINDOW = 300


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def _query(environ: dict[str, Any]) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(str(environ.get("QUERY_STRING", "")), max_num_fields=20).items()}


def _fresh(stamp: str, now: float) -> None:
    if not stamp.isdigit():
        raise Refused(400, "bad_timestamp")
    if abs(now - int(stamp)) > REPLAY_WINDOW:
        raise Refused(401, "stale_timestamp")


def _open(crypto: WeComCrypto, query: dict[str, str], encrypted: str, now: float) -> str:
    _fresh(query.get("timestamp", ""), now)
    try:
        return crypto.open(query.get("msg_signature", ""), query["timestamp"], query.get("nonce", ""), encrypted)
    except CryptoError as exc:
        raise Refused(401 if str(exc) in ("bad signature", "wrong receiveid") else 400,
                      str(exc).replace(" ", "_")) from None


def wecom_wsgi(receiver: WeComReceiver, *, bot: WeComCrypto | None = None, app: WeComCrypto | None = None,
               readiness: Readiness | None = None, max_body: int = MAX_BODY,
               clock: Callable[[], float] = time.time) -> WSGIApp:
    rejected = Rejections("wecom_request_rejected")
    cryptos = {AIBOT_PATH: bot, APP_PATH: app}

    def handle(path: str, method: str, environ: dict[str, Any]) -> tuple[int, bytes, str]:
        crypto = cryptos.get(path)
        if crypto is None:
            raise Refused(404, "not_configured")
        query = _query(environ)
        if method == "GET":                      # the URL check when the callback is saved in the admin console
            echo = query.get("echostr", "")
            if not echo:
                raise Refused(400, "no_echostr")
            return 200, _open(crypto, query, echo, clock()).encode(), "text/plain; charset=utf-8"
        if method != "POST":
            raise Refused(405, "method")
        body = read_body(environ, max_body)
        if isinstance(body, tuple):
            raise Refused(*body)
        try:
            raw = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(400, "not_utf8") from None
        if path == AIBOT_PATH:
            try:
                envelope = json.loads(raw)
            except ValueError:
                raise Refused(400, "malformed") from None
            if not isinstance(envelope, dict) or not isinstance(envelope.get("encrypt"), str):
                raise Refused(400, "no_encrypt")
            plain = _open(crypto, query, envelope["encrypt"], clock())
            try:
                message = json.loads(plain)
                reply = receiver.on_callback(message)
            except (ValueError, BadPayload) as exc:
                raise Refused(400, f"bad_message:{type(exc).__name__}") from None
            if reply is None:
                return 200, b"", "text/plain; charset=utf-8"
            stamp, nonce = str(int(clock())), str(int(clock() * 1000) % 10**9)
            encrypted, signature = crypto.seal(json.dumps(reply, ensure_ascii=False), stamp, nonce)
            sealed = {"encrypt": encrypted, "msgsignature": signature, "timestamp": int(stamp), "nonce": nonce}
            return 200, json.dumps(sealed).encode(), "application/json"
        try:
            encrypted = parse_xml(raw).get("Encrypt", "")
        except BadPayload as exc:
            raise Refused(400, "malformed_xml" if "DTD" not in str(exc) else "xml_dtd") from None
        if not encrypted:
            raise Refused(400, "no_encrypt")
        plain = _open(crypto, query, encrypted, clock())
        try:
            receiver.on_app(plain)
        except BadPayload:
            raise Refused(400, "bad_message") from None
        return 200, b"", "text/plain; charset=utf-8"

    def application(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        path, method = str(environ.get("PATH_INFO", "")), str(environ.get("REQUEST_METHOD", ""))
        if path == HEALTH_PATH and method == "GET":
            return answer(start_response, 200, b"ok")
        if path == READY_PATH and method == "GET":
            ok, detail = readiness() if readiness else (True, {})
            body = json.dumps({"ok": ok, **detail}, ensure_ascii=False, default=str).encode()
            return answer(start_response, 200 if ok else 503, body, "application/json")
        try:
            status, body, kind = handle(path, method, environ)
        except Refused as refused:
            rejected(refused.status, refused.reason, environ, str(environ.get("CONTENT_LENGTH") or "?"))
            return answer(start_response, refused.status, b"refused")
        return answer(start_response, status, body, kind)

    return application
