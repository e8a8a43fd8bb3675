"""Benchmark the Slack endpoint the way Slack drives it: signed HTTP requests to a running bot.

    python bench/bench_slack.py                       # both: /script latency, then 300 replies/s for 60 s
    python bench/bench_slack.py script --requests 3000
    python bench/bench_slack.py replies --rate 300 --seconds 60 --retry-every 20

Three processes on 127.0.0.1, nothing else on the network:

- the fake Slack Web API (``tests/fake_slack_api.py``), which the bot reaches through ``SLACK_API_URL``;
- the bot, started exactly as in production: ``coachbot run --platform slack`` (waitress,
  Bolt's WSGI adapter, request verification on, scheduler running);
- this script, the load generator: it signs every request with the signing secret.

``script``: sequential ``/script`` commands on one keep-alive connection; latency is
request sent to response read (the ack that carries the answer).

``replies``: thread replies to today's challenge at a fixed rate (open loop: a request
goes out on schedule whether or not earlier ones finished), every ``--retry-every``-th
one delivered again with ``X-Slack-Retry-Num: 1`` as Slack does after a timeout. Then it
waits until every reply was graded and answered, and checks that each unique reply was
stored exactly once (SQLite) and answered exactly once (``chat.postEphemeral`` count).

Results (Markdown) on stdout, progress on stderr. Not part of the pytest run.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
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
SECRET = "bench-signing-secret"
CHANNEL = "CBENCH"
LEAD = "ULEAD"
TEAM_ID = "T0FAKE"
QUERIES = ["爽约", "分期 还款", "投诉 威胁", "已经还了", "还款", "broken-promise", "情绪", "第三方"]
ANSWERS = [
    "王先生，理解您最近手头紧。上周您说会还款，这次是遇到什么情况了？您看周五前先还 1,000 元可以吗？",
    "您好，这次是遇到什么情况了？我跟您确认一下：周五前还 1,000 元，通过官方 App 还款，对吗？",
    "你再不还钱我们就去你单位找你",
    "好的，我知道了。",
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


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


class Signer:
    def __init__(self, secret: str) -> None:
        self.verifier = SignatureVerifier(secret)

    def headers(self, body: str, content_type: str, extra: dict | None = None) -> dict:
        ts = str(int(time.time()))
        return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": self.verifier.generate_signature(timestamp=ts, body=body), **(extra or {})}


class Rig:
    """Fake Slack API + the bot as subprocesses; torn down on exit."""

    def __init__(self, workdir: Path, port: int) -> None:
        self.workdir, self.port = workdir, port
        self.db = workdir / "bench.db"
        self.procs: list[subprocess.Popen] = []

    def __enter__(self) -> Rig:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        fake = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fake_slack_api.py")], stdout=subprocess.PIPE,
                                text=True, env=env, cwd=ROOT)
        self.procs.append(fake)
        self.api_url = fake.stdout.readline().strip()
        config = self.workdir / "coachbot.yaml"
        config.write_text(CONFIG.format(db=self.db, lead=LEAD, channel=CHANNEL), encoding="utf-8")
        bot_env = {**env, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET,
                   "SLACK_API_URL": self.api_url, "COACHBOT_LOG_LEVEL": "WARNING"}
        bot_env.pop("SLACK_APP_TOKEN", None)
        self.bot_log = open(self.workdir / "bot.log", "w")
        bot = subprocess.Popen([sys.executable, "-m", "coachbot", "run", "--platform", "slack", "--config",
                                str(config), "--port", str(self.port)], env=bot_env, cwd=self.workdir,
                               stdout=self.bot_log, stderr=subprocess.STDOUT)
        self.procs.append(bot)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1).read()
                return self
            except OSError:
                if bot.poll() is not None:
                    raise SystemExit(f"bot exited: {(self.workdir / 'bot.log').read_text()}") from None
                time.sleep(0.1)
        raise SystemExit("bot did not start in 30 s")

    def __exit__(self, *exc: object) -> None:
        for p in reversed(self.procs):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        self.bot_log.close()

    def api_counts(self) -> dict:
        with urllib.request.urlopen(self.api_url.replace("/api/", "/_stats"), timeout=5) as r:
            return json.loads(r.read())

    def log_problems(self) -> str:
        """Lines at WARNING or above in the bot's log, counted by their ``event=`` (or logger)."""
        self.bot_log.flush()
        text = (self.workdir / "bot.log").read_text(encoding="utf-8", errors="replace")
        kinds: dict[str, int] = {}
        for line in text.splitlines():
            if " WARNING " in line or " ERROR " in line:
                words = line.split()
                key = next((w for w in words if w.startswith("event=")), " ".join(words[2:5]))
                kinds[key] = kinds.get(key, 0) + 1
        return ", ".join(f"{k} ×{n}" for k, n in sorted(kinds.items())) or "none"

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.procs[1].pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.procs[1].pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) / 1024


def command_body(command: str, text: str, user: str, response_url: str) -> str:
    return urlencode({"token": "x", "team_id": TEAM_ID, "channel_id": CHANNEL, "user_id": user,
                      "user_name": user.lower(), "command": command, "text": text, "api_app_id": "A1",
                      "response_url": response_url, "trigger_id": "tr"})


def bench_script(rig: Rig, signer: Signer, requests: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", rig.port, timeout=10)
    response_url = rig.api_url.replace("/api/", "/response/bench")
    latencies: list[float] = []
    for i in range(requests + 50):
        body = command_body("/script", QUERIES[i % len(QUERIES)], f"U{i % 50:04d}", response_url)
        headers = signer.headers(body, "application/x-www-form-urlencoded")
        start = time.perf_counter()
        conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        elapsed = (time.perf_counter() - start) * 1000
        if resp.status != 200 or b'"blocks"' not in data:
            raise SystemExit(f"/script failed: {resp.status} {data[:200]!r}")
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


def challenge_ts(rig: Rig, signer: Signer) -> str:
    body = command_body("/coach", "post-now challenge broken-promise", LEAD,
                        rig.api_url.replace("/api/", "/response/post"))
    conn = http.client.HTTPConnection("127.0.0.1", rig.port, timeout=10)
    conn.request("POST", "/slack/events", body=body.encode(), headers=signer.headers(
        body, "application/x-www-form-urlencoded"))
    conn.getresponse().read()
    deadline = time.time() + 20
    while time.time() < deadline:
        with sqlite3.connect(rig.db) as db:
            row = db.execute("SELECT message_id FROM posts WHERE channel = ? AND kind = 'challenge'"
                             " AND state = 'posted' ORDER BY id DESC LIMIT 1", [CHANNEL]).fetchone()
        if row:
            return row[0]
        time.sleep(0.1)
    raise SystemExit("the challenge was not posted")


def bench_replies(rig: Rig, signer: Signer, rate: int, seconds: int, retry_every: int, workers: int) -> str:
    thread_ts = challenge_ts(rig, signer)
    before = rig.api_counts().get("chat.postEphemeral", 0)
    cpu_before = rig.cpu_seconds()
    total = rate * seconds
    plan: list[tuple[float, int, bool]] = []           # (due offset, reply number, is a retry)
    for i in range(total):
        plan.append((i / rate, i, False))
        if retry_every and i % retry_every == retry_every - 1:
            plan.append((i / rate + 0.5 / rate, i, True))
    counter = itertools.count()
    results: list[tuple[float, float, int]] = []       # (lateness, latency, status)
    lock = threading.Lock()
    start = time.perf_counter() + 0.5

    def body_for(i: int) -> str:
        user = f"U{i % 500:04d}"
        ts = f"{1800000000 + i // 1000}.{i % 1000:06d}"
        return json.dumps({"token": "x", "team_id": TEAM_ID, "api_app_id": "A1", "type": "event_callback",
                           "event_id": f"EvBench{i:07d}", "event_time": int(time.time()),
                           "event": {"type": "message", "channel": CHANNEL, "channel_type": "channel", "user": user,
                                     "text": ANSWERS[i % len(ANSWERS)], "ts": ts, "thread_ts": thread_ts}},
                          ensure_ascii=False)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", rig.port, timeout=30)
        local: list[tuple[float, float, int]] = []
        while (k := next(counter)) < len(plan):
            due, i, retry = plan[k]
            wait = start + due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            body = body_for(i)
            extra = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"} if retry else None
            sent = time.perf_counter()
            try:
                conn.request("POST", "/slack/events", body=body.encode(), headers=signer.headers(
                    body, "application/json", extra))
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", rig.port, timeout=30)
                status = 0
            local.append((sent - (start + due), (time.perf_counter() - sent) * 1000, status))
        conn.close()
        with lock:
            results.extend(local)

    log(f"replies: {total:,} unique + {len(plan) - total:,} retried deliveries at {rate}/s for {seconds} s ...")
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent_done = time.perf_counter()
    send_seconds = sent_done - start
    answered = 0
    while time.perf_counter() - sent_done < 120:
        answered = rig.api_counts().get("chat.postEphemeral", 0) - before
        if answered >= total:
            break
        time.sleep(0.2)
    drain = time.perf_counter() - sent_done
    cpu = rig.cpu_seconds() - cpu_before
    busy = time.perf_counter() - start
    time.sleep(1.0)  # anything extra (a double) would show up now
    answered = rig.api_counts().get("chat.postEphemeral", 0) - before
    with sqlite3.connect(rig.db) as db:
        stored, distinct = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT event_id) FROM submissions WHERE event_id LIKE 'slack:msg:%'").fetchone()
    statuses = [s for _, _, s in results]
    latencies = [lat for _, lat, _ in results]
    late = [lateness * 1000 for lateness, _, _ in results]
    ok = statuses.count(200)
    exactly_once = stored == distinct == total and answered == total
    return "\n".join([
        f"### Thread replies: {rate}/s for {seconds} s ({total:,} unique replies from 500 members, "
        f"{len(plan) - total:,} of them delivered twice)",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| deliveries sent / HTTP 200 | {len(plan):,} / {ok:,} |",
        f"| achieved send rate | {len(plan) / send_seconds:.0f} requests/s ({total / send_seconds:.0f} unique/s) |",
        f"| ack latency p50 / p99 / max | {pct(latencies, 50):.1f} / {pct(latencies, 99):.1f} / "
        f"{max(latencies):.1f} ms |",
        f"| sender lateness p99 (load generator behind schedule) | {pct(late, 99):.1f} ms |",
        f"| all replies graded and answered | {drain:.1f} s after the last request |",
        f"| submissions stored / distinct replies | {stored:,} / {distinct:,} (expected {total:,}) |",
        f"| private feedback sent (`chat.postEphemeral`) | {answered:,} (expected {total:,}) |",
        f"| bot CPU while sending and draining | {cpu:.1f} s over {busy:.1f} s ({cpu / busy * 100:.0f}% of one core; "
        f"{cpu / len(plan) * 1000:.2f} ms a delivery) |",
        f"| bot resident memory after the run | {rig.rss_mb():.0f} MiB |",
        f"| bot log lines at WARNING or above | {rig.log_problems()} |",
        f"| every reply graded and stored exactly once | {'yes' if exactly_once and ok == len(plan) else 'NO'} |",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("which", nargs="?", choices=("all", "script", "replies"), default="all")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rate", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--retry-every", type=int, default=20)
    parser.add_argument("--workers", type=int, default=24, help="sender threads (keep-alive connections)")
    parser.add_argument("--port", type=int, default=38123)
    args = parser.parse_args()
    signer = Signer(SECRET)
    out = ["## Slack benchmark", "",
           f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; bot, fake Slack API and load generator "
           "on one machine over 127.0.0.1.", ""]
    with tempfile.TemporaryDirectory() as tmp, Rig(Path(tmp), args.port) as rig:
        if args.which in ("all", "script"):
            log(f"/script: {args.requests:,} requests ...")
            out += [bench_script(rig, signer, args.requests), ""]
        if args.which in ("all", "replies"):
            out += [bench_replies(rig, signer, args.rate, args.seconds, args.retry_every, args.workers), ""]
    print("\n".join(out))


if __name__ == "__main__":
    main()
