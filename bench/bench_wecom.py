"""Benchmark the WeCom bot the way WeCom drives it.

    python bench/bench_wecom.py ws        # 300 messages/s for 60 s over the AI bot's long connection: lookups
                                          #   answered in their exchange (latency), then answers graded, stored
                                          #   and answered exactly once
    python bench/bench_wecom.py http      # 300 encrypted callbacks/s for 60 s to /wecom/aibot (every 20th
                                          #   retried, as WeCom retries): ack latency, each answer stored and
                                          #   answered once through its response_url
    python bench/bench_wecom.py fanout    # one lesson and one challenge to 1,000 groups, each through its own
                                          #   group robot (20 messages a minute), on a simulated clock: none lost,
                                          #   none doubled, no robot over its limit, 45009 storms retried

``ws`` and ``http`` run the fake WeCom (``tests/fake_wecom.py``) and the bot (``coachbot run --platform
wecom``) as processes on 127.0.0.1, as in production; ``fanout`` runs in this process with a simulated
clock. Results (Markdown) on stdout, progress on stderr. Not part of the pytest run.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench._common import cpu_seconds, log, log_problems, pct, run_workers  # noqa: E402
from tests.fake_wecom import FakeWeCom, _seal, aibot_text  # noqa: E402

GROUP = "wrBENCH"
TOKEN, AES_KEY = "bench-token", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
ANSWER = "王先生，理解您最近手头紧。上周您说会还款，这次是遇到什么情况了？您看周五前先还 {n} 元可以吗？我给您记下来。"
CONFIG = """\
database: {db}
wecom: {{bot: {bot}, app: {app}, private: {private}, group_ack: false, webhooks: {{{group}: WECOM_WEBHOOK_BENCH}}}}
teams:
  - id: t1
    name: 压测组
    leads: [lead]
    channels:
      wecom: [{group}]
    schedule: {{reveal_after: 20h}}
"""


class Rig:
    """The fake WeCom and the bot as subprocesses; torn down on exit."""

    def __init__(self, workdir: Path, port: int, *, mode: str) -> None:
        self.workdir, self.port, self.mode = workdir, port, mode
        self.db = workdir / "bench.db"

    def __enter__(self) -> Rig:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.fake = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fake_wecom.py"), "--no-record"],
                                     stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        assert self.fake.stdout is not None
        self.api_url = self.fake.stdout.readline().strip()
        self.ws_url = self.fake.stdout.readline().strip()
        self.control = self.api_url.replace("/cgi-bin/", "")
        callback = self.mode == "http"
        (self.workdir / "coachbot.yaml").write_text(CONFIG.format(
            db=self.db, group=GROUP, bot="callback" if callback else "long-connection",
            app="true" if callback else "false", private="app" if callback else "bot"), encoding="utf-8")
        bot_env = {**env, "WECOM_API_URL": self.api_url, "WECOM_WS_URL": self.ws_url, "COACHBOT_LOG_LEVEL": "WARNING",
                   "WECOM_WEBHOOK_BENCH": "hook-a"}
        if callback:
            bot_env.update(WECOM_TOKEN=TOKEN, WECOM_AES_KEY=AES_KEY, WECOM_CORP_ID="wwfakecorp",
                           WECOM_APP_SECRET="app-secret", WECOM_AGENT_ID="1000002")
        else:
            bot_env.update(WECOM_BOT_ID="fake-bot", WECOM_BOT_SECRET="bot-secret")
        self.log_file = open(self.workdir / "bot.log", "a")
        self.bot = subprocess.Popen([sys.executable, "-m", "coachbot", "run", "--platform", "wecom", "--config",
                                     str(self.workdir / "coachbot.yaml"), "--port", str(self.port)],
                                    env=bot_env, cwd=self.workdir, stdout=self.log_file, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.bot.poll() is not None:
                raise SystemExit((self.workdir / "bot.log").read_text()[-3000:])
            ready = self.stats()["ws"]["subscriptions"] >= 1 if not callback else self._healthy()
            if ready:
                return self
            time.sleep(0.1)
        raise SystemExit("bot did not start in 60 s")

    def _healthy(self) -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1).read()
            return True
        except OSError:
            return False

    def __exit__(self, *exc: object) -> None:
        for proc in (self.bot, self.fake):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        self.log_file.close()

    def stats(self) -> dict:
        with urllib.request.urlopen(self.control + "/_stats", timeout=10) as r:
            return json.loads(r.read())

    def call(self, path: str, args: dict) -> dict:
        request = urllib.request.Request(self.control + path, data=json.dumps(args).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=10) as r:
            return json.loads(r.read() or b"{}")

    def query(self, sql: str) -> tuple:
        with sqlite3.connect(self.db, timeout=30) as db:
            return db.execute(sql).fetchone()

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.bot.pid)

    def problems(self) -> str:
        self.log_file.flush()
        return log_problems(self.workdir / "bot.log")


def post_challenge(rig: Rig, *, via_ws: bool) -> None:
    """The lead posts today's challenge, so the answers have something to answer."""
    if via_ws:
        rig.call("/_push", {"text": "教练 发布 挑战 broken-promise", "userid": "lead", "chatid": GROUP})
    else:
        encrypted, query = _seal(TOKEN, AES_KEY, "", json.dumps(aibot_text(
            "教练 发布 挑战 broken-promise", userid="lead", chatid=GROUP, msgid="seed-1"), ensure_ascii=False),
            None, None, None)
        connection = http.client.HTTPConnection("127.0.0.1", rig.port, timeout=10)
        connection.request("POST", "/wecom/aibot?" + urlencode(query), json.dumps({"encrypt": encrypted}),
                           {"Content-Type": "application/json"})
        connection.getresponse().read()
    deadline = time.time() + 30
    while time.time() < deadline and not rig.query("SELECT COUNT(*) FROM posts WHERE state = 'posted'")[0]:
        time.sleep(0.2)


def wait_for(check, limit: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < limit and not check():
        time.sleep(0.25)
    return time.perf_counter() - start


# ------------------------------------------------------------------ over the long connection


def bench_ws(rig: Rig, rate: int, seconds: int, users: int) -> str:
    post_challenge(rig, via_ws=True)
    log(f"ws lookups: {rate}/s for {min(seconds, 20)} s ...")
    rig.call("/_flood", {"rate": rate, "seconds": min(seconds, 20), "users": [f"u{i}" for i in range(1, 201)],
                         "text": "话术 爽约 {n}"})
    wait_for(lambda: not rig.stats()["flood"]["running"], seconds + 60)
    wait_for(lambda: rig.stats()["ws"]["replies"] >= rig.stats()["flood"]["pushed"], 60)
    lookups = rig.stats()
    sends_before = lookups["ws"]["sends"]
    total = rate * seconds
    log(f"ws answers: {rate}/s for {seconds} s from {users} members ...")
    cpu_before, start = rig.cpu_seconds(), time.perf_counter()
    rig.call("/_flood", {"rate": rate, "seconds": seconds, "users": [f"m{i}" for i in range(1, users + 1)],
                         "text": ANSWER})
    wait_for(lambda: not rig.stats()["flood"]["running"], seconds + 60)
    pushed = rig.stats()["flood"]["pushed"]
    wait_for(lambda: rig.query("SELECT COUNT(*) FROM submissions WHERE event_id LIKE 'wecom:%'")[0] >= pushed, 600)
    graded = time.perf_counter() - start
    wait_for(lambda: rig.stats()["ws"]["sends"] - sends_before >= pushed, 900)
    answered = busy = time.perf_counter() - start
    cpu = rig.cpu_seconds() - cpu_before
    time.sleep(2)
    stored, distinct = rig.query("SELECT COUNT(*), COUNT(DISTINCT event_id) FROM submissions "
                                 "WHERE event_id LIKE 'wecom:%'")
    sent = rig.stats()["ws"]["sends"] - sends_before
    latency = lookups["latency_ms"]
    return "\n".join([
        f"### Long connection: {rate} messages/s ({total:,} answers from {users:,} members; lookups first)",
        "", "| measure | value |", "|---|---:|",
        f"| lookups pushed / answered in their exchange | {lookups['flood']['pushed']:,} / {lookups['ws']['replies']:,} |",
        f"| lookup reply latency p50 / p95 / max (push → aibot_respond_msg) | {latency.get('p50')} / "
        f"{latency.get('p95')} / {latency.get('max')} ms |",
        f"| answers pushed | {pushed:,} |",
        f"| all graded and stored | {graded:.1f} s after the flood began ({pushed / max(graded, 1e-9):.0f}/s) |",
        f"| all feedback sent (one-to-one, paced 3.7 s per member) | {answered:.1f} s after the flood began |",
        f"| submissions stored / distinct messages | {stored:,} / {distinct:,} (expected {pushed:,}) |",
        f"| feedback messages sent | {sent:,} (expected {pushed:,}) |",
        f"| bot CPU | {cpu:.1f} s over {busy:.1f} s ({cpu / pushed * 1000:.2f} ms a message) |",
        f"| bot log lines at WARNING or above | {rig.problems()} |",
        f"| every answer stored and answered exactly once | {'yes' if stored == distinct == pushed == sent else 'NO'} |",
    ])


# ------------------------------------------------------------------ over HTTP callbacks


class CallbackLoad:
    """Encrypted AI bot callbacks at ``rate``/s, open loop; every ``retry_every``-th sent twice (WeCom retries)."""

    def __init__(self, rig: Rig, rate: int, seconds: int, users: int, retry_every: int, workers: int) -> None:
        self.rig, self.workers = rig, workers
        self.total = rate * seconds
        bodies = []
        log(f"http: sealing {self.total:,} callbacks ...")
        for i in range(self.total):
            message = aibot_text(ANSWER.replace("{n}", str(i)), userid=f"m{i % users + 1}", msgid=f"bench-{i}",
                                 response_url=rig.api_url + f"aibot/response?response_code=rc{i}")
            encrypted, query = _seal(TOKEN, AES_KEY, "", json.dumps(message, ensure_ascii=False), None, None, None)
            bodies.append(("/wecom/aibot?" + urlencode(query), json.dumps({"encrypt": encrypted})))
        self.plan = []
        for i in range(self.total):
            self.plan.append((i / rate, bodies[i]))
            if retry_every and i % retry_every == retry_every - 1:
                self.plan.append((i / rate + 0.5 / rate, bodies[i]))
        self.counter = itertools.count()
        self.results: list[tuple[float, int]] = []
        self.lock = threading.Lock()
        self.start = 0.0

    def run(self) -> float:
        self.start = time.perf_counter() + 0.5
        return run_workers(self.workers, self._worker, self.start)

    def _worker(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.rig.port, timeout=10)
        local = []
        while (k := next(self.counter)) < len(self.plan):
            due, (path, body) = self.plan[k]
            if (wait := self.start + due - time.perf_counter()) > 0:
                time.sleep(wait)
            sent = time.perf_counter()
            try:
                connection.request("POST", path, body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", self.rig.port, timeout=10)
                status = 0
            local.append(((time.perf_counter() - sent) * 1000, status))
        with self.lock:
            self.results.extend(local)


def bench_http(rig: Rig, rate: int, seconds: int, users: int, retry_every: int, workers: int) -> str:
    post_challenge(rig, via_ws=False)
    load = CallbackLoad(rig, rate, seconds, users, retry_every, workers)
    log(f"http: {load.total:,} callbacks + {len(load.plan) - load.total:,} retries at {rate}/s ...")
    cpu_before, start = rig.cpu_seconds(), time.perf_counter()
    sent_seconds = load.run()
    graded = wait_for(lambda: rig.query("SELECT COUNT(*) FROM submissions WHERE event_id LIKE 'wecom:bench-%'")[0]
                      >= load.total, 600)
    wait_for(lambda: rig.stats()["paths"].get("aibot/response", {}).get("ok", 0) >= load.total, 600)
    answered = time.perf_counter() - start
    cpu, busy = rig.cpu_seconds() - cpu_before, time.perf_counter() - start
    time.sleep(2)
    stored, distinct = rig.query("SELECT COUNT(*), COUNT(DISTINCT event_id) FROM submissions "
                                 "WHERE event_id LIKE 'wecom:bench-%'")
    responses = rig.stats()["paths"].get("aibot/response", {})
    latencies = [lat for lat, _ in load.results]
    ok = sum(1 for _, status in load.results if status == 200)
    return "\n".join([
        f"### HTTP callbacks: {rate}/s for {seconds} s ({load.total:,} answers, {len(load.plan) - load.total:,} "
        "delivered twice)", "", "| measure | value |", "|---|---:|",
        f"| callbacks sent / HTTP 200 | {len(load.plan):,} / {ok:,} |",
        f"| achieved rate | {len(load.plan) / sent_seconds:.0f} requests/s |",
        f"| ack latency p50 / p99 / max (WeCom waits 5 s) | {pct(latencies, 50):.1f} / {pct(latencies, 99):.1f} / "
        f"{max(latencies):.1f} ms |",
        f"| all graded and stored | {graded:.1f} s after the last request |",
        f"| all answered through their response_url | {answered:.1f} s after the load began |",
        f"| submissions stored / distinct messages | {stored:,} / {distinct:,} (expected {load.total:,}) |",
        f"| replies taken by response_url (each usable once) | {responses.get('ok', 0):,} ok, "
        f"{responses.get('errors', 0):,} refused |",
        f"| bot CPU | {cpu:.1f} s over {busy:.1f} s ({cpu / len(load.plan) * 1000:.2f} ms a request) |",
        f"| bot log lines at WARNING or above | {rig.problems()} |",
        f"| every answer stored and answered exactly once | "
        f"{'yes' if stored == distinct == load.total == responses.get('ok', 0) and ok == len(load.plan) else 'NO'} |",
    ])


# ------------------------------------------------------------------ fan-out, simulated clock


def bench_fanout(groups: int, storms: int) -> str:
    from coachbot.domain.teams import Schedule, Settings, Team
    from coachbot.runtime.app import build
    from coachbot.runtime.wecom import prepare_wecom
    from coachbot.settings import WeComOptions

    start = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)                     # Tuesday 09:00 in Shanghai
    clock = {"now": start}
    keys = [f"robot-{i}" for i in range(groups)]
    with tempfile.TemporaryDirectory() as tmp, FakeWeCom(webhook_keys=keys, enforce_limits=True, record=True,
                                                         clock=lambda: (clock["now"] - start).total_seconds()) as fake:
        env = {"WECOM_API_URL": fake.url, **{f"WECOM_WEBHOOK_{i}": key for i, key in enumerate(keys)},
               "WECOM_CORP_ID": fake.corp_id, "WECOM_APP_SECRET": fake.app_secret,
               "WECOM_AGENT_ID": str(fake.agent_id)}
        team = Team(id="t1", name="一千个群", channels={"wecom": tuple(f"webhook:WECOM_WEBHOOK_{i}"
                                                                   for i in range(groups))},
                    schedule=Schedule(lesson="09:00", challenge="09:00", reveal=None, reveal_after=timedelta(hours=8)))
        settings = Settings(teams=(team,), database=str(Path(tmp) / "fan.db"),
                            platforms={"wecom": WeComOptions(bot="none", app=True)})
        part = prepare_wecom(settings, env)
        bot = build(settings, part.chat, clock=lambda: clock["now"], inline=False)
        fake.fail("webhook/send", errcode=45009, times=storms)            # a frequency storm on the way
        wall = time.perf_counter()
        from coachbot.usecases.due import run_due

        run_due(bot.coach, clock["now"])
        db = sqlite3.connect(settings.database, timeout=30)

        def waiting() -> int:
            return db.execute("SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending', 'unknown')").fetchone()[0]

        while waiting() and clock["now"] - start < timedelta(hours=6):
            while bot.outbox.deliver_one(clock["now"]):
                pass
            clock["now"] += timedelta(milliseconds=100)
        simulated = (clock["now"] - start).total_seconds()
        wall = time.perf_counter() - wall
        calls = fake.calls("webhook/send")
        delivered = [c for c in calls if c.ok]
        per_robot: dict[str, list[float]] = {}
        for c in delivered:
            per_robot.setdefault(c.query["key"], []).append(c.at)
        busiest = max(sum(1 for t in times if t - first < 60) for times in per_robot.values()
                      for first in times)
        kinds: dict[str, int] = {}
        for c in delivered:
            content = c.body["markdown"]["content"]
            kind = "lesson" if "今日一课" in content else "challenge" if "今日挑战" in content else "other"
            kinds[kind] = kinds.get(kind, 0) + 1
        doubles = sum(1 for times in per_robot.values() if len(times) != 2)
        limited = [c for c in calls if c.errcode == 45009]
        failed = db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'failed'").fetchone()[0]
        db.close()
        bot.close()
    return "\n".join([
        f"### Fan-out: one lesson and one challenge to {groups:,} groups, each through its own robot "
        "(20 messages a minute), simulated clock", "", "| measure | value |", "|---|---:|",
        f"| messages delivered | {len(delivered):,} (lessons {kinds.get('lesson', 0):,}, "
        f"challenges {kinds.get('challenge', 0):,}; expected {groups:,} each) |",
        f"| robots with other than exactly one lesson and one challenge | {doubles} |",
        f"| most messages one robot took in any 60 s | {busiest} (limit 20) |",
        f"| 45009 answers (injected storm: {storms}) | {len(limited)}, all retried |",
        f"| deliveries given up | {failed} |",
        f"| simulated time to deliver all | {simulated:.0f} s |",
        f"| wall time | {wall:.1f} s |",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("which", nargs="?", choices=("all", "ws", "http", "fanout"), default="all")
    parser.add_argument("--rate", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--retry-every", type=int, default=20)
    parser.add_argument("--workers", type=int, default=24)
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--storms", type=int, default=200)
    parser.add_argument("--port", type=int, default=38231)
    args = parser.parse_args()
    out = [f"## WeCom benchmarks ({datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores)", ""]
    for which in ("ws", "http", "fanout"):
        if args.which not in ("all", which):
            continue
        if which == "fanout":
            out += [bench_fanout(args.groups, args.storms), ""]
            continue
        with tempfile.TemporaryDirectory() as tmp, Rig(Path(tmp), args.port, mode=which) as rig:
            if which == "ws":
                out += [bench_ws(rig, args.rate, args.seconds, args.users), ""]
            else:
                out += [bench_http(rig, args.rate, args.seconds, args.users, args.retry_every, args.workers), ""]
    print("\n".join(out))


if __name__ == "__main__":
    main()
