"""What every platform's HTTP mode shares: waitress (a production WSGI server), answers, the body-size
guard, rejection logging that cannot be flooded, and the health paths.

Each platform's guard rejects a request before anything parses or logs it; a
rejection is logged as one escaped line with the reason, never the body, and
each kind at most once a minute with how many were suppressed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import waitress

from coachbot.logfmt import q

log = logging.getLogger(__name__)
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
HTTP_THREADS = 16
MAX_BODY = 1024 * 1024          # platforms' own payloads are a few KB; a form answer is at most 2,000 characters
DEFAULT_HOST = "127.0.0.1"      # behind a reverse proxy; use --host 0.0.0.0 to listen on every interface

StartResponse = Callable[..., Any]
Readiness = Callable[[], tuple[bool, dict[str, Any]]]
WSGIApp = Callable[[dict[str, Any], StartResponse], Any]


class Rejections:
    """Logs each kind of rejected request at most once a minute, with how many there were."""

    def __init__(self, event: str = "request_rejected", clock: Callable[[], float] = time.monotonic) -> None:
        self.event = event
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
        log.warning("event=%s status=%d reason=%s remote=%s size=%s suppressed=%d", self.event, status,
                    reason, q(environ.get("REMOTE_ADDR", "")), size, count)


STATUS = {200: "200 OK", 400: "400 Bad Request", 401: "401 Unauthorized", 403: "403 Forbidden",
          404: "404 Not Found", 405: "405 Method Not Allowed", 413: "413 Payload Too Large",
          503: "503 Service Unavailable"}


def answer(start_response: StartResponse, status: str | int, body: bytes = b"",
           content_type: str = "text/plain; charset=utf-8") -> list[bytes]:
    start_response(STATUS[status] if isinstance(status, int) else status,
                   [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def header(environ: dict[str, Any], name: str) -> str:
    return str(environ.get("HTTP_" + name.upper().replace("-", "_"), ""))


def read_body(environ: dict[str, Any], max_body: int) -> bytes | tuple[int, str]:
    """The request body, or (status, reason) when it is too large or its length is not a number."""
    declared = str(environ.get("CONTENT_LENGTH") or "")
    if declared and not declared.isdigit():
        return 400, "bad_length"
    if declared and int(declared) > max_body:
        return 413, "too_large"
    body = environ["wsgi.input"].read(min(int(declared), max_body) if declared else max_body + 1)
    if len(body) > max_body:
        return 413, "too_large"
    return bytes(body)


def create_server(app: Callable[..., Any], *, host: str = DEFAULT_HOST, port: int = 3000,
                  threads: int = HTTP_THREADS, max_body: int = MAX_BODY) -> Any:
    """A waitress server for a WSGI app (``server.run()`` blocks; port 0 picks a free one)."""
    return waitress.create_server(  # type: ignore[attr-defined]  # not in waitress's stubs
        app, host=host, port=port, threads=threads, ident="coachbot", asyncore_use_poll=True,
        connection_limit=1000, max_request_body_size=max_body)


def by_prefix(routes: dict[str, WSGIApp], fallback: WSGIApp) -> WSGIApp:
    """One server for several platforms: each path prefix (``/wecom/``) to its app, the rest to ``fallback``."""

    def application(environ: dict[str, Any], start_response: StartResponse) -> Any:
        path = str(environ.get("PATH_INFO", ""))
        for prefix, app in routes.items():
            if path.startswith(prefix):
                return app(environ, start_response)
        return fallback(environ, start_response)

    return application
