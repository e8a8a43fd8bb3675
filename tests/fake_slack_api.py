"""A fake Slack Web API on 127.0.0.1 (random port) that records every call.

    with FakeSlackAPI(users={"U1": "小王"}) as api:
        client = WebClient(token="xoxb-test", base_url=api.url)
        api.fail("chat.postMessage", status=429, retry_after=0)   # the next call is rate limited
        ...
        assert api.calls("chat.postEphemeral")[0].args["user"] == "U1"

Like bolt-python's ``tests/mock_web_api_server``: canned answers per method,
plus ``/response/<id>`` standing in for ``response_url`` webhooks. Runs in a
thread of the test process, or as ``python tests/fake_slack_api.py`` for the
benchmarks.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T0FAKE"


@dataclass
class Call:
    method: str                 # "chat.postMessage", or "response_url" for /response/<id>
    args: dict
    headers: dict
    status: int = 200
    path: str = ""
    ok: bool = True             # False when a fault answered it


@dataclass
class Fault:
    status: int | None          # HTTP status (429, 500, ...) or None for an {"ok": false} answer
    error: str | None
    times: int
    retry_after: int = 0
    when: dict = field(default_factory=dict)   # only calls whose args contain these
    drop: str | None = None     # "before": close the connection unanswered; "after": do the work, then close


class FakeSlackAPI:
    def __init__(self, users: dict[str, str] | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 record: bool = True, token: str = "xoxb-test") -> None:
        self.users = dict(users or {})
        self.token = token
        self.record = record
        self._calls: list[Call] = []
        self._faults: dict[str, list[Fault]] = {}
        self._history: dict[str, list[dict]] = {}
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._base = int(time.time())
        self.counts: dict[str, int] = {}
        self.delays: dict[str, float] = {}        # method (or "*") -> seconds before answering: a slow Slack
        self.socket_url: str | None = None        # apps.connections.open answers this (a fake Socket Mode gateway)
        self.markers: dict[str, int] = {}         # first block_id of every message taken -> how many times
        self.uploads: dict[str, bytes] = {}       # file id -> the bytes posted to its upload URL
        self.shared: dict[str, dict] = {}         # file id -> where files.completeUploadExternal shared it
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True
        self.thread: threading.Thread | None = None

    # ------------------------------------------------------------ control

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    def start(self) -> FakeSlackAPI:
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-slack-api", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeSlackAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._faults.clear()
            self._history.clear()
            self.counts.clear()

    def fail(self, method: str, *, status: int | None = None, error: str | None = None, times: int = 1,
             retry_after: int = 0, drop: str | None = None, **when: str) -> None:
        """Make the next ``times`` calls to ``method`` (matching ``when``) fail."""
        with self._lock:
            self._faults.setdefault(method, []).append(Fault(status, error, times, retry_after, when, drop))

    def slow(self, seconds: float, method: str = "*") -> None:
        """Answer ``method`` (every method with ``*``) only after ``seconds``."""
        with self._lock:
            self.delays[method] = seconds

    def history(self, channel: str) -> list[dict]:
        with self._lock:
            return list(self._history.get(channel, []))

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def ok_calls(self, method: str) -> list[Call]:
        return [c for c in self.calls(method) if c.ok]

    # ------------------------------------------------------------ answers

    def _next_ts(self) -> str:
        return f"{self._base + next(self._ts)}.000100"

    def _fault(self, method: str, args: dict) -> Fault | None:
        with self._lock:
            for fault in self._faults.get(method, []):
                if fault.times > 0 and all(str(args.get(k)) == v for k, v in fault.when.items()):
                    fault.times -= 1
                    return fault
        return None

    def _mark(self, args: dict) -> None:
        blocks = args.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        marker = blocks[0].get("block_id", "") if blocks else ""
        if marker:
            with self._lock:
                self.markers[marker] = self.markers.get(marker, 0) + 1

    def answer(self, method: str, args: dict) -> dict:
        if method in ("chat.postMessage", "chat.postEphemeral"):
            self._mark(args)
        if method == "auth.test":
            return {"ok": True, "url": "https://fake.slack.test/", "team": "Fake", "user": "coachbot",
                    "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID}
        if method == "chat.postMessage":
            ts, channel = self._next_ts(), args.get("channel", "")
            if channel.startswith("U"):        # a user id posts in the member's direct-message channel
                channel = "D" + channel
            message = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "ts": ts,
                       "text": args.get("text", ""), "blocks": args.get("blocks") or []}
            if args.get("thread_ts"):
                message["thread_ts"] = args["thread_ts"]
            with self._lock:
                self._history.setdefault(channel, []).insert(0, message)
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "conversations.history":
            with self._lock:
                return {"ok": True, "messages": [m for m in self._history.get(args.get("channel", ""), [])
                                                 if m.get("thread_ts") in (None, m["ts"])], "has_more": False}
        if method == "conversations.replies":
            with self._lock:
                return {"ok": True, "messages": [m for m in self._history.get(args.get("channel", ""), [])
                                                 if args.get("ts") in (m["ts"], m.get("thread_ts"))],
                        "has_more": False}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users", "")).split(",")[0]}}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url or "ws://127.0.0.1:9/"}
        if method == "users.info":
            user = args.get("user", "")
            name = self.users.get(user, "")
            return {"ok": True, "user": {"id": user, "name": user.lower(), "real_name": name or user,
                                         "profile": {"display_name": name, "real_name": name or user}}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts)}"
            return {"ok": True, "file_id": file_id, "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = args.get("files")
            files = json.loads(files) if isinstance(files, str) else files or []
            done = [{"id": f["id"], "title": f.get("title", ""), "channels": [args.get("channel_id", "")]}
                    for f in files]
            with self._lock:
                for f in done:
                    self.shared[f["id"]] = {**f, "thread_ts": args.get("thread_ts"),
                                            "size": len(self.uploads.get(f["id"], b""))}
            return {"ok": True, "files": done}
        if method == "files.info":
            with self._lock:
                return {"ok": True, "file": self.shared.get(args.get("file", ""), {"id": args.get("file", "")})}
        if method in ("views.open", "views.publish", "views.update", "views.push"):
            return {"ok": True, "view": {"id": f"V{next(self._ts)}", **(args.get("view") or {})}}
        return {"ok": True}

    def _handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _args(self) -> dict:
                query = dict(parse_qsl(urlparse(self.path).query))
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                if not raw:
                    return query
                if "json" in (self.headers.get("Content-Type") or ""):
                    return {**query, **json.loads(raw)}
                body = dict(parse_qsl(raw))
                for key in ("blocks", "view"):
                    if isinstance(body.get(key), str) and body[key].startswith(("[", "{")):
                        body[key] = json.loads(body[key])
                return {**query, **body}

            def _send(self, status: int, payload: dict | str, headers: dict | None = None) -> None:
                data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain" if isinstance(payload, str) else "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _serve(self) -> None:
                path = urlparse(self.path).path
                if path.startswith("/upload/"):           # files.upload v2, step 2: the file's bytes
                    data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                    with api._lock:
                        api.uploads[path[len("/upload/"):]] = data
                        api._calls.append(Call("upload", {"size": len(data)}, dict(self.headers.items()), 200, path))
                    self._send(200, f"OK - {len(data)}")
                    return
                args = self._args()
                headers = {k.lower(): v for k, v in self.headers.items()}
                if path == "/_stats":
                    with api._lock:
                        self._send(200, dict(api.counts))
                    return
                if path == "/_markers":
                    with api._lock:
                        self._send(200, dict(api.markers))
                    return
                if path.startswith("/response/"):
                    method = "response_url"
                elif path.startswith("/api/"):
                    method = path[len("/api/"):]
                else:
                    self._send(404, {"ok": False, "error": "unknown_path"})
                    return
                delay = api.delays.get(method, api.delays.get("*", 0.0))
                if delay:
                    time.sleep(delay)
                fault = api._fault(method, args)
                if fault and fault.drop:
                    with api._lock:
                        api.counts[method] = api.counts.get(method, 0) + 1
                        api._calls.append(Call(method, args, headers, 0, path, ok=fault.drop == "after"))
                    if fault.drop == "after":
                        api.answer(method, args)         # the work is done; the answer is lost
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                status = fault.status if fault and fault.status else 200
                with api._lock:
                    api.counts[method] = api.counts.get(method, 0) + 1
                    if method == "chat.postMessage" and str(args.get("channel", "")).startswith(("U", "D")):
                        api.counts["chat.postMessage:dm"] = api.counts.get("chat.postMessage:dm", 0) + 1
                    if api.record:
                        api._calls.append(Call(method, args, headers, status, path, ok=fault is None))
                if fault and fault.status == 429:
                    self._send(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(fault.retry_after)})
                elif fault and fault.status:
                    self._send(fault.status, {"ok": False, "error": fault.error or "internal_error"})
                elif fault:
                    self._send(200, {"ok": False, "error": fault.error})
                elif method == "response_url":
                    self._send(200, "ok")
                elif method == "apps.connections.open":
                    self._send(200, api.answer(method, args))
                elif headers.get("authorization", "") != f"Bearer {api.token}":
                    self._send(200, {"ok": False, "error": "invalid_auth"})
                else:
                    self._send(200, api.answer(method, args))

            do_GET = _serve
            do_POST = _serve

        return Handler


if __name__ == "__main__":  # a standalone fake for benchmarks: prints its URL, serves until killed
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("port", nargs="?", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before every answer (a slow Slack)")
    parser.add_argument("--socket-url", default=None, help="what apps.connections.open answers")
    options = parser.parse_args()
    fake = FakeSlackAPI(record=False, port=options.port)
    fake.slow(options.delay)
    fake.socket_url = options.socket_url
    fake.server.daemon_threads = True
    print(fake.url, flush=True)
    fake.server.serve_forever()
