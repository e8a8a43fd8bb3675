"""WeCom's HTTP API: the self-built app (gettoken, message/send, user/get), group robot webhooks and the AI
bot's one-shot ``response_url``. Every call is made relative to ``WECOM_API_URL``.

One call, one attempt, a clear outcome: an answer's ``errcode`` is raised as what it means for a delivery
(:func:`classify`), and the outbox decides when to try again. The one retry done here is the documented
one: an access token WeCom calls invalid or expired (40014, 42001) is fetched again and the call repeated once.
"""

from __future__ import annotations

import http.client
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

from coachbot.logfmt import q
from coachbot.usecases.ports import DeliveryError, OutcomeUnknown, RateLimited, Unavailable, Undeliverable

log = logging.getLogger(__name__)
DEFAULT_API_URL = "https://qyapi.weixin.qq.com/cgi-bin/"
TIMEOUT = 10.0
TOKEN_ERRORS = {40014, 42001, 41001}                 # invalid, expired, missing access_token: fetch a new one
RATE_ERRORS = {45009, 45033, 130101, -1}             # frequency or concurrency limits, "system busy": wait
RATE_WAIT = 60.0                                     # WeCom blocks a minute-limit for 60 s
GONE_ERRORS = {81013, 60111, 40003, 93000, 93006, 86008, 60020, 40056, 40058, 40008, 301002, 82001}
AUTH_ERRORS = {40001, 40013, 40091, 42009}           # secret or corp id wrong: nothing works until fixed


class WeComError(Exception):
    def __init__(self, path: str, errcode: int, errmsg: str) -> None:
        super().__init__(f"{path}: errcode {errcode} {errmsg}")
        self.path, self.errcode, self.errmsg = path, errcode, errmsg


def classify(error: WeComError, *, rate_wait: float = RATE_WAIT) -> DeliveryError:
    """What a WeCom error code means for a delivery."""
    reason = f"errcode {error.errcode}: {error.errmsg}"[:200]
    if error.errcode in RATE_ERRORS:
        return RateLimited(reason, rate_wait)
    if error.errcode in GONE_ERRORS:
        return Undeliverable(reason)
    return Unavailable(reason)


@dataclass
class Token:
    value: str
    expires: float       # monotonic


class WeComAPI:
    """Thread-safe; the access token is cached and shared by every thread."""

    def __init__(self, base_url: str | None = None, *, corp_id: str = "", app_secret: str = "",
                 agent_id: int | None = None, timeout: float = TIMEOUT) -> None:
        self.base = (base_url or DEFAULT_API_URL).rstrip("/") + "/"
        self.corp_id, self.app_secret, self.agent_id = corp_id, app_secret, agent_id
        self.timeout = timeout
        self._token: Token | None = None
        self._lock = threading.Lock()
        self.last_ok: float | None = None
        self.last_error: str | None = None

    # ------------------------------------------------------------ transport

    def _http(self, url: str, body: dict | None, *, label: str, raw: bytes | None = None,
              content_type: str = "application/json; charset=utf-8") -> dict[str, Any]:
        data = raw if raw is not None else None if body is None else json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(url, data=data, method="GET" if data is None else "POST",
                                         headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            self.last_error = f"{label}: HTTP {exc.code}"
            raise (Unavailable if exc.code < 500 or data is None else OutcomeUnknown)(
                f"{label}: HTTP {exc.code}") from None
        except (TimeoutError, ConnectionResetError, http.client.HTTPException) as exc:
            self.last_error = f"{label}: {type(exc).__name__}"
            # the request went out; WeCom may have acted on it
            raise (OutcomeUnknown if data is not None else Unavailable)(f"{label}: {type(exc).__name__}") from None
        except (urllib.error.URLError, OSError) as exc:
            self.last_error = f"{label}: {exc}"
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, (TimeoutError, ConnectionResetError)) and data is not None:
                raise OutcomeUnknown(f"{label}: {type(reason).__name__}") from None
            raise Unavailable(f"{label}: {reason}") from None
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            raise Unavailable(f"{label}: not JSON") from None
        if not isinstance(answer, dict):
            raise Unavailable(f"{label}: not a JSON object")
        self.last_ok, self.last_error = time.monotonic(), None
        return answer

    def _checked(self, path: str, answer: dict[str, Any]) -> dict[str, Any]:
        code = int(answer.get("errcode") or 0)
        if code:
            error = WeComError(path, code, str(answer.get("errmsg", "")))
            self.last_error = str(error)
            if code in AUTH_ERRORS:
                log.error("event=wecom_auth_failed path=%s errcode=%d hint=%s", path, code,
                          q("check WECOM_CORP_ID and WECOM_APP_SECRET in the WeCom admin console"))
            raise error
        return answer

    # ------------------------------------------------------------ the self-built app

    @property
    def has_app(self) -> bool:
        return bool(self.corp_id and self.app_secret and self.agent_id)

    def token(self, *, fresh: bool = False) -> str:
        with self._lock:
            if not fresh and self._token is not None and self._token.expires > time.monotonic():
                return self._token.value
            query = urllib.parse.urlencode({"corpid": self.corp_id, "corpsecret": self.app_secret})
            answer = self._checked("gettoken", self._http(f"{self.base}gettoken?{query}", None, label="gettoken"))
            ttl = float(answer.get("expires_in") or 7200)
            self._token = Token(str(answer["access_token"]), time.monotonic() + max(60.0, ttl - 300))
            log.info("event=wecom_token_fetched expires_in=%d", int(ttl))
            return self._token.value

    def app_call(self, path: str, body: dict | None = None, **query: str) -> dict[str, Any]:
        """A call with the app's access token; a token WeCom rejects is fetched again once."""
        for attempt in (0, 1):
            token = self.token(fresh=attempt == 1)
            url = f"{self.base}{path}?{urllib.parse.urlencode({'access_token': token, **query})}"
            answer = self._http(url, body, label=path)
            if int(answer.get("errcode") or 0) in TOKEN_ERRORS and attempt == 0:
                log.info("event=wecom_token_rejected path=%s errcode=%s", path, answer.get("errcode"))
                continue
            return self._checked(path, answer)
        raise AssertionError("unreachable")

    def send_app(self, user: str, message: dict[str, Any]) -> str:
        """message/send to one member; WeCom's duplicate check makes a re-send after a lost answer safe."""
        body = {"touser": user, "agentid": self.agent_id, **message,
                "enable_duplicate_check": 1, "duplicate_check_interval": 1800}
        answer = self.app_call("message/send", body)
        if answer.get("invaliduser"):
            raise WeComError("message/send", 81013, f"invaliduser {answer['invaliduser']}")
        return str(answer.get("msgid") or "")

    def upload_media(self, data: bytes, filename: str, *, kind: str = "image") -> str:
        """media/upload (multipart/form-data, field ``media``): a temporary media id, valid three days."""
        boundary = f"coachbot{uuid.uuid4().hex}"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"{filename}\"; "
                f"filelength={len(data)}\r\nContent-Type: application/octet-stream\r\n\r\n").encode() + data + \
            f"\r\n--{boundary}--\r\n".encode()
        for attempt in (0, 1):
            token = self.token(fresh=attempt == 1)
            url = f"{self.base}media/upload?{urllib.parse.urlencode({'access_token': token, 'type': kind})}"
            answer = self._http(url, None, label="media/upload", raw=body,
                                content_type=f"multipart/form-data; boundary={boundary}")
            if int(answer.get("errcode") or 0) in TOKEN_ERRORS and attempt == 0:
                continue
            return str(self._checked("media/upload", answer).get("media_id") or "")
        raise AssertionError("unreachable")

    def user_name(self, user: str) -> str | None:
        answer = self.app_call("user/get", userid=user)
        return str(answer.get("name") or "") or None

    # ------------------------------------------------------------ robots and reply URLs

    def send_webhook(self, key: str, message: dict[str, Any]) -> None:
        url = f"{self.base}webhook/send?{urllib.parse.urlencode({'key': key})}"
        self._checked("webhook/send", self._http(url, message, label="webhook/send"))

    def respond(self, url: str, message: dict[str, Any]) -> None:
        """POST to an AI bot message's ``response_url`` (unencrypted, usable once, valid one hour)."""
        self._checked("aibot/response", self._http(url, message, label="aibot/response"))

