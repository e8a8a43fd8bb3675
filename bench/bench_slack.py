"""Benchmark the Slack bot the way Slack drives it: signed HTTP requests (or Socket Mode envelopes) to a running bot.

    python bench/bench_slack.py script               # /script latency over HTTP, idle bot
    python bench/bench_slack.py replies              # 300 replies/s for 60 s: each stored and answered once
    python bench/bench_slack.py slow                 # Web API slowed to 2 s, 300 replies/s: /script p99 over HTTP
                                                     #   and Socket Mode meanwhile, and the outbox's drain rate
    python bench/bench_slack.py kill                 # 300 replies/s with kill -9 at random moments and restarts:
                                                     #   acknowledged = stored = answered, each once?

Processes on 127.0.0.1, nothing else on the network:

- the fake Slack Web API (``tests/fake_slack_api.py``, optionally slow), reached through ``SLACK_API_URL``;
- the bot, started exactly as in production: ``coachbot run --platform slack`` (waitress, the request
  guard, Bolt, the inbox and outbox workers, the scheduler); in Socket Mode it connects to a fake
  gateway (``tests/fake_socket_gateway.py``) that runs in this script;
- this script, the load generator: it signs every request with the signing secret.

Replies go out open loop (on schedule whether or not earlier ones finished); every
``--retry-every``-th is delivered again with ``X-Slack-Retry-Num: 1``, and a delivery that
finds the bot down is retried every second until it is acknowledged, as Slack retries.
Results (Markdown) on stdout, progress on stderr. Not part of the pytest run.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench._common import cpu_seconds, log, log_problems, pct, run_workers  # noqa: E402
from tests.fake_socket_gateway import FakeGateway  # noqa: E402

SECRET = "bench-signing-secret"
CHANNEL = "CBENCH"
LEAD = "ULEAD"
TEAM_ID = "T0FAKE"
QUERIES = ["爽约", "分期 还款", "投诉 威胁", "已经还了", "还款", "broken-promise", "情绪", "第三方",
           "shuangyue", "随便你们起诉好了", "他家里人说人过世了", "客户一上来就骂人，说再打就投诉"]
ANSWERS = [
    "王先生，理解您最近手头紧。上周您说会还款，这次是遇到什么情况了？您看周五前先还 1,000 元可以吗？",
    "您好，这次是遇到什么情况了？我跟您确认一下：周五前还 1,000 元，通过官方 App 还款，对吗？",
    "你再不还钱我们就去你单位找你",
    "好的，我知道了，那您这周五之前能先还一部分吗？",
]
CONFIG = """\
database: {db}
teams:
  - id: bench
    name: 压测组
    timezone: Asia/Shanghai
    leads: [{lead}]
    channels:
      slack: [{channel}]
    schedule:
      reveal_after: 12h
"""


class Signer:
    def __init__(self, secret: str) -> None:
        self.verifier = SignatureVerifier(secret)

    def headers(self, body: str, content_type: str, extra: dict | None = None) -> dict:
        ts = str(int(time.time()))
        return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": self.verifier.generate_signature(timestamp=ts, body=body), **(extra or {})}


class Rig:
    """The fake Web API and the bot as subprocesses (Socket Mode: plus a fake gateway here); torn down on exit."""

    def __init__(self, workdir: Path, port: int, *, api_delay: float = 0.0, socket: bool = False) -> None:
        self.workdir, self.port, self.api_delay, self.socket = workdir, port, api_delay, socket
        self.db = workdir / "bench.db"
        self.fake: subprocess.Popen | None = None
        self.bot: subprocess.Popen | None = None
        self.gateway: FakeGateway | None = None
        self.starts = 0

    def __enter__(self) -> Rig:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        args = [sys.executable, str(ROOT / "tests" / "fake_slack_api.py"), "--delay", str(self.api_delay)]
        if self.socket:
            self.gateway = FakeGateway().__enter__()
            args += ["--socket-url", self.gateway.url]
        self.fake = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        self.api_url = self.fake.stdout.readline().strip()
        self.config = self.workdir / "coachbot.yaml"
        self.config.write_text(CONFIG.format(db=self.db, lead=LEAD, channel=CHANNEL), encoding="utf-8")
        self.bot_env = {**env, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": self.api_url,
                        "COACHBOT_LOG_LEVEL": "WARNING"}
        if self.socket:
            self.bot_env["SLACK_APP_TOKEN"] = "xapp-bench"
        else:
            self.bot_env["SLACK_SIGNING_SECRET"] = SECRET
            self.bot_env.pop("SLACK_APP_TOKEN", None)
        self.bot_log = open(self.workdir / "bot.log", "a")
        self.start()
        return self

    def start(self) -> None:
        self.starts += 1
        if self.socket and self.gateway is not None:
            self.gateway.connected.clear()
        self.bot = subprocess.Popen([sys.executable, "-m", "coachbot", "run", "--platform", "slack", "--config",
                                     str(self.config), "--port", str(self.port)], env=self.bot_env, cwd=self.workdir,
                                    stdout=self.bot_log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.bot.poll() is not None:
                raise SystemExit(f"bot exited: {(self.workdir / 'bot.log').read_text()[-3000:]}")
            if self.socket:
                if self.gateway.connected.wait(0.1):
                    return
                continue
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1).read()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("bot did not start in 60 s")

    def kill(self) -> None:
        """kill -9: no drain, no clean shutdown."""
        self.bot.send_signal(signal.SIGKILL)
        self.bot.wait(10)

    def __exit__(self, *exc: object) -> None:
        for proc in (self.bot, self.fake):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
        if self.gateway is not None:
            self.gateway.__exit__()
        self.bot_log.close()

    def api_counts(self) -> dict:
        with urllib.request.urlopen(self.api_url.replace("/api/", "/_stats"), timeout=5) as r:
            return json.loads(r.read())

    def markers(self) -> dict:
        """How many times Slack took each message, by its delivery marker (the first block's block_id)."""
        with urllib.request.urlopen(self.api_url.replace("/api/", "/_markers"), timeout=5) as r:
            return json.loads(r.read())

    def unsettled(self) -> int:
        return self.query("SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending', 'unknown')")[0]

    def answered(self) -> int:
        """Private feedback that went out: ephemerals, and direct messages (the fallback)."""
        counts = self.api_counts()
        return counts.get("chat.postEphemeral", 0) + counts.get("chat.postMessage:dm", 0)

    def log_problems(self) -> str:
        """Lines at WARNING or above in the bot's log, counted by their ``event=`` (or logger)."""
        self.bot_log.flush()
        return log_problems(self.workdir / "bot.log")

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.bot.pid)

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.bot.pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) / 1024

    def query(self, sql: str) -> tuple:
        with sqlite3.connect(self.db, timeout=30) as db:
            return db.execute(sql).fetchone()


def command_body(command: str, text: str, user: str, response_url: str) -> str:
    return urlencode({"token": "x", "team_id": TEAM_ID, "channel_id": CHANNEL, "user_id": user,
                      "user_name": user.lower(), "command": command, "text": text, "api_app_id": "A1",
                      "response_url": response_url, "trigger_id": f"tr{time.monotonic_ns()}"})


def post(rig: Rig, signer: Signer, body: str, content_type: str, extra: dict | None = None,
         conn: http.client.HTTPConnection | None = None, timeout: float = 30) -> tuple[int, bytes, float]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", rig.port, timeout=timeout)
    start = time.perf_counter()
    conn.request("POST", "/slack/events", body=body.encode(), headers=signer.headers(body, content_type, extra))
    resp = conn.getresponse()
    data = resp.read()
    if own:
        conn.close()
    return resp.status, data, (time.perf_counter() - start) * 1000


def bench_script(rig: Rig, signer: Signer, requests: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", rig.port, timeout=10)
    response_url = rig.api_url.replace("/api/", "/response/bench")
    latencies: list[float] = []
    for i in range(requests + 50):
        body = command_body("/script", QUERIES[i % len(QUERIES)], f"U{i % 50:04d}", response_url)
        status, data, elapsed = post(rig, signer, body, "application/x-www-form-urlencoded", conn=conn)
        if status != 200 or b'"blocks"' not in data:
            raise SystemExit(f"/script failed: {status} {data[:200]!r}")
        if i >= 50:
            latencies.append(elapsed)
    conn.close()
    p99 = pct(latencies, 99)
    return "\n".join([
        f"### `/script` over HTTP ({requests:,} signed requests, one keep-alive connection, after 50 warm-up)",
        "",
        "| p50 | p90 | p99 | max | mean | budget (p99) |",
        "|---:|---:|---:|---:|---:|---|",
        f"| {pct(latencies, 50):.1f} ms | {pct(latencies, 90):.1f} ms | {p99:.1f} ms | {max(latencies):.1f} ms "
        f"| {statistics.mean(latencies):.1f} ms | 50 ms: {'met' if p99 <= 50 else 'MISSED'} |",
    ])


def challenge_ts(rig: Rig) -> str:
    """Post today's challenge through the bot's own store and outbox (as post-now does); its message ts."""
    body = command_body("/coach", "post-now challenge broken-promise", LEAD,
                        rig.api_url.replace("/api/", "/response/post"))
    if rig.socket:
        payload = dict(p.split("=", 1) for p in body.split("&"))
        rig.gateway.send({"envelope_id": "post-now", "type": "slash_commands", "accepts_response_payload": True,
                          "payload": {k: urllib.parse.unquote_plus(v) for k, v in payload.items()}})
    else:
        post(rig, Signer(SECRET), body, "application/x-www-form-urlencoded")
    deadline = time.time() + 60
    while time.time() < deadline:
        row = rig.query("SELECT message_id FROM posts WHERE channel = 'CBENCH' AND kind = 'challenge'"
                        " AND state = 'posted' ORDER BY id DESC LIMIT 1")
        if row:
            return row[0]
        time.sleep(0.1)
    raise SystemExit("the challenge was not posted")


def reply_event(i: int, thread_ts: str) -> dict:
    user = f"U{i % 500:04d}"
    ts = f"{1800000000 + i // 1000}.{i % 1000:06d}"
    return {"token": "x", "team_id": TEAM_ID, "api_app_id": "A1", "type": "event_callback",
            "event_id": f"EvBench{i:07d}", "event_time": int(time.time()),
            "event": {"type": "message", "channel": CHANNEL, "channel_type": "channel", "user": user,
                      "text": ANSWERS[i % len(ANSWERS)], "ts": ts, "thread_ts": thread_ts}}


class Load:
    """Thread replies at ``rate``/s for ``seconds``, open loop, retried until acknowledged (as Slack does)."""

    def __init__(self, rig: Rig, signer: Signer, thread_ts: str, rate: int, seconds: int, retry_every: int,
                 workers: int) -> None:
        self.rig, self.signer, self.thread_ts = rig, signer, thread_ts
        self.total = rate * seconds
        self.plan: list[tuple[float, int, bool]] = []
        for i in range(self.total):
            self.plan.append((i / rate, i, False))
            if retry_every and i % retry_every == retry_every - 1:
                self.plan.append((i / rate + 0.5 / rate, i, True))
        self.counter = itertools.count()
        self.results: list[tuple[float, float, int]] = []   # (lateness, latency, status) of each first attempt
        self.acked: set[int] = set()
        self.resent = 0
        self.lock = threading.Lock()
        self.workers = workers
        self.start = 0.0

    def run(self) -> float:
        self.start = time.perf_counter() + 0.5
        return run_workers(self.workers, self._worker, self.start)

    def _send(self, i: int, retry: int) -> tuple[int, float]:
        body = json.dumps(reply_event(i, self.thread_ts), ensure_ascii=False)
        extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        try:
            status, _, elapsed = post(self.rig, self.signer, body, "application/json", extra, timeout=10)
        except (OSError, http.client.HTTPException):
            return 0, 0.0
        return status, elapsed

    def _worker(self) -> None:
        local: list[tuple[float, float, int]] = []
        while (k := next(self.counter)) < len(self.plan):
            due, i, retry = self.plan[k]
            wait = self.start + due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            sent = time.perf_counter()
            status, elapsed = self._send(i, 1 if retry else 0)
            local.append((sent - (self.start + due), elapsed, status))
            attempt = 1
            while status != 200:                 # the bot is down: Slack retries until it is acknowledged
                time.sleep(1.0)
                attempt += 1
                status, _ = self._send(i, attempt)
                with self.lock:
                    self.resent += 1
            with self.lock:
                self.acked.add(i)
        with self.lock:
            self.results.extend(local)


def wait_answered(rig: Rig, target: int, before: int, limit: float) -> tuple[int, float]:
    start = time.perf_counter()
    answered = 0
    while time.perf_counter() - start < limit:
        answered = rig.answered() - before
        if answered >= target:
            break
        time.sleep(0.25)
    return answered, time.perf_counter() - start


def stored_counts(rig: Rig) -> tuple[int, int]:
    return rig.query("SELECT COUNT(*), COUNT(DISTINCT event_id) FROM submissions WHERE event_id LIKE 'slack:msg:%'")


def bench_replies(rig: Rig, signer: Signer, rate: int, seconds: int, retry_every: int, workers: int) -> str:
    load = Load(rig, signer, challenge_ts(rig), rate, seconds, retry_every, workers)
    before, cpu_before = rig.answered(), rig.cpu_seconds()
    log(f"replies: {load.total:,} unique + {len(load.plan) - load.total:,} retried deliveries at {rate}/s "
        f"for {seconds} s ...")
    send_seconds = load.run()
    answered, drain = wait_answered(rig, load.total, before, 300)
    cpu, busy = rig.cpu_seconds() - cpu_before, time.perf_counter() - load.start
    time.sleep(1.0)  # anything extra (a double) would show up now
    answered = rig.answered() - before
    stored, distinct = stored_counts(rig)
    statuses = [st for _, _, st in load.results]
    latencies = [lat for _, lat, _ in load.results]
    late = [lateness * 1000 for lateness, _, _ in load.results]
    ok = statuses.count(200)
    exactly_once = stored == distinct == load.total and answered == load.total
    return "\n".join([
        f"### Thread replies: {rate}/s for {seconds} s ({load.total:,} unique replies from 500 members, "
        f"{len(load.plan) - load.total:,} of them delivered twice)",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| deliveries sent / HTTP 200 | {len(load.plan):,} / {ok:,} |",
        f"| achieved send rate | {len(load.plan) / send_seconds:.0f} requests/s ({load.total / send_seconds:.0f} unique/s) |",
        f"| ack latency p50 / p99 / max | {pct(latencies, 50):.1f} / {pct(latencies, 99):.1f} / "
        f"{max(latencies):.1f} ms |",
        f"| sender lateness p99 (load generator behind schedule) | {pct(late, 99):.1f} ms |",
        f"| all replies graded and answered | {drain:.1f} s after the last request "
        f"({load.total / (send_seconds + drain):.0f} replies/s end to end) |",
        f"| submissions stored / distinct replies | {stored:,} / {distinct:,} (expected {load.total:,}) |",
        f"| private feedback sent | {answered:,} (expected {load.total:,}) |",
        f"| bot CPU while sending and draining | {cpu:.1f} s over {busy:.1f} s ({cpu / busy * 100:.0f}% of one core; "
        f"{cpu / len(load.plan) * 1000:.2f} ms a delivery) |",
        f"| bot resident memory after the run | {rig.rss_mb():.0f} MiB |",
        f"| bot log lines at WARNING or above | {rig.log_problems()} |",
        f"| every reply stored and answered exactly once | {'yes' if exactly_once and ok == len(load.plan) else 'NO'} |",
    ])


def script_probe(rig: Rig, signer: Signer, stop: threading.Event, latencies: list[float]) -> None:
    """One /script every 100 ms while the load runs; its ack latency (Slack gives up after 3 s)."""
    conn = http.client.HTTPConnection("127.0.0.1", rig.port, timeout=10)
    response_url = rig.api_url.replace("/api/", "/response/probe")
    n = 0
    while not stop.is_set():
        body = command_body("/script", QUERIES[n % len(QUERIES)], "UPROBE", response_url)
        try:
            status, data, elapsed = post(rig, signer, body, "application/x-www-form-urlencoded", conn=conn)
            latencies.append(elapsed if status == 200 and b'"blocks"' in data else float("inf"))
        except (OSError, http.client.HTTPException):
            latencies.append(float("inf"))
            conn = http.client.HTTPConnection("127.0.0.1", rig.port, timeout=10)
        n += 1
        time.sleep(0.1)


def socket_load(rig: Rig, thread_ts: str, rate: int, seconds: int, latencies: list[float]) -> None:
    """Reply envelopes at ``rate``/s through the fake gateway, and a /script envelope every 100 ms."""
    gw, start, sent_at = rig.gateway, time.perf_counter(), {}
    total = rate * seconds
    for i in range(total):
        due = start + i / rate
        if (wait := due - time.perf_counter()) > 0:
            time.sleep(wait)
        gw.send({"envelope_id": f"ev{i}", "type": "events_api", "accepts_response_payload": False,
                 "payload": reply_event(i, thread_ts)})
        if i % max(1, rate // 10) == 0:
            eid = f"script{i}"
            sent_at[eid] = time.perf_counter()
            gw.send({"envelope_id": eid, "type": "slash_commands", "accepts_response_payload": True,
                     "payload": {"command": "/script", "text": QUERIES[i % len(QUERIES)], "user_id": "UPROBE",
                                 "channel_id": CHANNEL, "team_id": TEAM_ID, "trigger_id": eid,
                                 "response_url": rig.api_url.replace("/api/", "/response/probe")}})
    time.sleep(3.0)
    for eid, at in sent_at.items():
        acked = gw.acked_at.get(eid)
        ok = acked is not None and "blocks" in json.dumps(gw.acks[eid].get("payload") or {})
        latencies.append((acked - at) * 1000 if ok else float("inf"))


def drain_rate(rig: Rig, before: int, seconds: float) -> float:
    start, first = time.perf_counter(), rig.answered()
    time.sleep(seconds)
    return (rig.answered() - first) / (time.perf_counter() - start)


def bench_slow(workdir: Path, port: int, signer: Signer, rate: int, seconds: int, delay: float) -> str:
    out = [f"### Web API slowed to {delay:g} s a call, {rate} replies/s for {seconds} s", "",
           "| transport | `/script` acks | p50 | p99 | max | over Slack's 3 s | outbox drain while Slack is slow |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for socket_mode in (False, True):
        with Rig(workdir / ("socket" if socket_mode else "http"), port + socket_mode, api_delay=delay,
                 socket=socket_mode) as rig:
            ts = challenge_ts(rig)
            before = rig.answered()
            latencies: list[float] = []
            log(f"slow API ({'Socket Mode' if socket_mode else 'HTTP'}): {rate}/s for {seconds} s ...")
            if socket_mode:
                socket_load(rig, ts, rate, seconds, latencies)
            else:
                stop = threading.Event()
                probe = threading.Thread(target=script_probe, args=(rig, signer, stop, latencies))
                probe.start()
                Load(rig, signer, ts, rate, seconds, 0, 24).run()
                stop.set()
                probe.join()
            rate_now = drain_rate(rig, before, 20)
            finite = [x for x in latencies if x != float("inf")]
            late = sum(1 for x in latencies if x > 3000)
            out.append(f"| {'Socket Mode' if socket_mode else 'HTTP'} | {len(latencies):,} | {pct(finite, 50):.1f} ms "
                       f"| {pct(finite, 99):.1f} ms | {max(finite):.1f} ms | {late} | {rate_now:.1f} deliveries/s |")
    return "\n".join(out)


def bench_kill(rig: Rig, signer: Signer, rate: int, seconds: int, kills: int, seed: int) -> str:
    load = Load(rig, signer, challenge_ts(rig), rate, seconds, 20, 24)
    before = rig.answered()
    rng = random.Random(seed)
    moments = sorted(rng.uniform(3, seconds - 3) for _ in range(kills))
    downtime: list[float] = []

    def killer() -> None:
        for at in moments:
            time.sleep(max(0.0, load.start + at - time.perf_counter()))
            stopped = time.perf_counter()
            rig.kill()
            rig.start()
            downtime.append(time.perf_counter() - stopped)
            log(f"kill -9 at {at:.1f} s, back after {downtime[-1]:.1f} s")

    log(f"kill: {load.total:,} replies at {rate}/s for {seconds} s, kill -9 at "
        + ", ".join(f"{m:.1f}" for m in moments) + " s ...")
    thread = threading.Thread(target=killer)
    thread.start()
    load.run()
    thread.join()
    answered, drain = wait_answered(rig, len(load.acked), before, 400)
    settle_start = time.perf_counter()
    while rig.unsettled() and time.perf_counter() - settle_start < 300:   # sends cut short: stale after 60 s
        time.sleep(1.0)
    answered = rig.answered() - before
    stored, distinct = stored_counts(rig)
    sent = rig.query("SELECT COUNT(*) FROM outbox WHERE key LIKE 'slack:msg:%:reply:0' AND state = 'sent'")[0]
    rerouted = rig.query("SELECT COUNT(*) FROM outbox WHERE key LIKE 'slack:msg:%:reply:0' AND route = 'dm'")[0]
    unconfirmed = rig.query("SELECT COUNT(*) FROM outbox WHERE message_id = 'unconfirmed'")[0]
    feedback = [n for marker, n in rig.markers().items() if marker.startswith("coachbot:feedback:")]
    twice, missing = sum(1 for n in feedback if n > 1), load.total - len(feedback)
    ok = len(load.acked) == distinct == stored == load.total and len(feedback) == load.total and not twice
    return "\n".join([
        f"### kill -9 at {kills} random moments during {rate} replies/s for {seconds} s, restarted at once",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| kill -9 at | {', '.join(f'{m:.1f} s' for m in moments)} (bot back after "
        f"{', '.join(f'{d:.1f} s' for d in downtime)}) |",
        f"| deliveries that found the bot down and were retried until acknowledged | {load.resent:,} |",
        f"| unique replies acknowledged | {len(load.acked):,} of {load.total:,} |",
        f"| stored / distinct | {stored:,} / {distinct:,} |",
        f"| feedback deliveries recorded sent | {sent:,} ({unconfirmed} cut short by a kill and counted delivered "
        f"unconfirmed; {rerouted} rerouted by direct message) |",
        f"| private feedback Slack received (ephemeral + DM) | {answered:,}: {len(feedback):,} replies answered, "
        f"{twice} of them twice, {missing} not at all |",
        f"| all answered | {drain:.1f} s after the last request; every delivery settled "
        f"{time.perf_counter() - settle_start:.0f} s later |",
        f"| bot log lines at WARNING or above | {rig.log_problems()} |",
        f"| acknowledged = stored = answered, each once | {'yes' if ok else 'NO'} |",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("which", nargs="?", choices=("all", "script", "replies", "slow", "kill"), default="all")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rate", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--retry-every", type=int, default=20)
    parser.add_argument("--workers", type=int, default=24, help="sender threads (keep-alive connections)")
    parser.add_argument("--delay", type=float, default=2.0, help="Web API delay for `slow`")
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=38123)
    args = parser.parse_args()
    signer = Signer(SECRET)
    out = ["## Slack benchmark", "",
           f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; bot, fake Slack API and load generator "
           "on one machine over 127.0.0.1.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.which in ("all", "script", "replies"):
            (work / "main").mkdir()
            with Rig(work / "main", args.port) as rig:
                if args.which in ("all", "script"):
                    log(f"/script: {args.requests:,} requests ...")
                    out += [bench_script(rig, signer, args.requests), ""]
                if args.which in ("all", "replies"):
                    out += [bench_replies(rig, signer, args.rate, args.seconds, args.retry_every, args.workers), ""]
        if args.which in ("all", "slow"):
            (work / "http").mkdir()
            (work / "socket").mkdir()
            out += [bench_slow(work, args.port + 10, signer, args.rate, min(args.seconds, 30), args.delay), ""]
        if args.which in ("all", "kill"):
            (work / "kill").mkdir()
            with Rig(work / "kill", args.port + 20) as rig:
                out += [bench_kill(rig, signer, args.rate, args.seconds, args.kills, args.seed), ""]
    print("\n".join(out))


if __name__ == "__main__":
    main()
