"""The Web API client, and what a failed call means for the outbox.

The client does not retry by itself: slack_sdk's retry handlers sleep in the
calling thread, and its connection-error retry re-sends a ``chat.postMessage``
that Slack may already have accepted (a doubled post). The outbox retries
instead, after asking Slack what arrived (:func:`classify`).
"""

from __future__ import annotations

import http.client
import socket
import urllib.error

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from coachbot.platforms.slack.limits import AUTH_ERRORS
from coachbot.usecases.ports import DeliveryError, OutcomeUnknown, RateLimited, Unavailable, Undeliverable

# The channel or the member cannot receive this message this way (another route may work).
UNDELIVERABLE = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "user_not_in_channel", "user_not_found",
    "cannot_dm_bot", "messages_tab_disabled", "restricted_action", "ekm_access_denied", "expired_url",
    "used_url", "invalid_url", "no_text", "invalid_blocks", "msg_too_long", "too_many_attachments",
})


def make_client(token: str, *, base_url: str | None = None, timeout: float = 15) -> WebClient:
    """A WebClient that makes one attempt per call (the outbox decides about retries)."""
    url = base_url or WebClient.BASE_URL
    return WebClient(token=token, base_url=url if url.endswith("/") else url + "/", timeout=int(max(1, timeout)),
                     retry_handlers=[])


def api_error(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__


def is_auth_error(exc: BaseException) -> bool:
    return api_error(exc) in AUTH_ERRORS


def _retry_after(exc: SlackApiError) -> float:
    headers = exc.response.headers or {}
    value = headers.get("Retry-After") or headers.get("retry-after") or "1"
    if isinstance(value, list):
        value = value[0]
    try:
        return max(0.0, float(value))
    except ValueError:
        return 1.0


def classify(exc: BaseException) -> DeliveryError:
    """What a failed Web API call means: wait, try later, ask Slack first, or use another route."""
    if isinstance(exc, SlackApiError):
        status, error = exc.response.status_code, api_error(exc)
        if status == 429 or error == "ratelimited":
            return RateLimited(f"{error} (HTTP {status})", _retry_after(exc))
        if status == 503:
            return Unavailable(f"HTTP {status}")
        if status >= 500:   # a gateway error may come after Slack did the work
            return OutcomeUnknown(f"HTTP {status}")
        if error in AUTH_ERRORS:
            return Unavailable(error)
        return Undeliverable(error)
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, (ConnectionRefusedError, socket.gaierror)):
        return Unavailable(f"connection refused: {exc.reason}")
    if isinstance(exc, ConnectionRefusedError):
        return Unavailable("connection refused")
    if isinstance(exc, (TimeoutError, http.client.HTTPException, ConnectionError, urllib.error.URLError, OSError)):
        return OutcomeUnknown(f"{type(exc).__name__}: {exc}"[:200])
    return OutcomeUnknown(repr(exc)[:200])
