"""The embedded default: a local chat in the terminal, on a SQLite file, no accounts.

Each input line is a channel message or a command. The first speaker is the
demo team's lead; ``/as NAME`` switches who is speaking (a new name joins the
team as an agent). Runs interactively or from stdin (exit at end of input).
"""

from __future__ import annotations

import itertools
import sys
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from coachbot.domain.records import Delivery
from coachbot.present.messages import Message, render_plain
from coachbot.usecases.inbox import InboxWorker, accept
from coachbot.usecases.ports import Incoming

CHANNEL = "demo"
FIRST_SPEAKER = "lead"
BANNER = """coachbot 控制台 · 演示团队（本地 SQLite：{db}）
你现在是组长 lead。直接输入文字 = 在频道里发言（有挑战时就是你的回答）；
/as 名字 切换成员，/coach help 查看命令，/quit 退出。"""


class ConsoleChat:
    """The terminal as a chat platform: posts and private messages are printed as they are delivered."""

    platform = "console"
    capabilities = frozenset({"history"})

    def __init__(self, out: TextIO, files: Path | None = None) -> None:
        self.out = out
        self.files = files or Path("coachbot-files")   # where attachments (charts) are saved
        self.counter = itertools.count(1)
        self.log: dict[str, str] = {}   # delivery key -> message id, for reconciling within this process

    def _print(self, header: str, msg: Message) -> None:
        self.out.write(f"\n{header}\n{render_plain(msg)}\n")
        if msg.attachment is not None:
            self.files.mkdir(parents=True, exist_ok=True)
            path = self.files / msg.attachment.name
            path.write_bytes(msg.attachment.data)
            self.out.write(f"（{msg.attachment.title or msg.attachment.name}：已保存到 {path}）\n")
        self.out.flush()

    def send(self, delivery: Delivery, message: Message, on_part: Callable[[tuple[str, ...]], None]) -> str:
        message_id = f"console-{next(self.counter)}"
        if delivery.route == "post":
            where = f"#{delivery.channel}" + (f" 回复帖子 {delivery.thread}" if delivery.thread else "")
            self._print(f"[coachbot → {where}] ({message_id})", message)
        elif delivery.route == "update":
            self._print(f"[coachbot 更新 {delivery.thread}]", message)
        else:
            self._print(f"[coachbot → {delivery.user}（仅你可见）]", message)
        self.log[delivery.key] = message_id
        return message_id

    def find(self, delivery: Delivery) -> str | None:
        # A fresh console process has no history of its own: nothing to reconcile.
        return self.log.get(delivery.key)

    def pace(self, delivery: Delivery) -> tuple[str, float]:
        return "console", 0.0

    def display_name(self, user: str) -> str | None:
        return user


def run_console(inbox: InboxWorker, chat: ConsoleChat, clock: Callable[[], datetime], *, db: str,
                read_line: Callable[[str], str | None], echo: bool,
                on_tick: Callable[[datetime], object] | None = None) -> int:
    """Drive the coach from lines of text until end of input or /quit."""
    out = chat.out
    out.write(BANNER.format(db=db) + "\n")
    user = FIRST_SPEAKER
    if on_tick:
        on_tick(clock())
    while (raw := read_line(f"{user}> ")) is not None:
        line = raw.strip()
        if not line:
            continue
        if echo:
            out.write(f"\n{user}> {line}\n")
        if line in ("/quit", "/exit", "/退出"):
            break
        if line.split()[0] == "/as":
            name = line[3:].strip()
            if name:
                user = name
                out.write(f"（现在发言的是 {user}）\n")
            else:
                out.write("用法：/as 名字\n")
            continue
        now = clock()
        if on_tick:
            on_tick(now)
        msg = Incoming(platform=chat.platform, channel=CHANNEL, user=user, user_name=user, text=line)
        kind = "command" if line.startswith("/") else "message"
        accept(inbox.store, key=f"console:{uuid.uuid4().hex}", platform=chat.platform, kind=kind,
               payload={"incoming": msg.as_json()}, now=now)
        inbox.drain(now)
    out.write("\n再见！\n")
    out.flush()
    return 0


def stdin_reader(interactive: bool) -> Callable[[str], str | None]:
    def read(prompt: str) -> str | None:
        if interactive:
            try:
                return input(prompt)
            except EOFError:
                return None
        line = sys.stdin.readline()
        return line if line else None
    return read
