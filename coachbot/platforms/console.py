"""The embedded default: a local chat in the terminal, on a SQLite file, no accounts.

Each input line is a channel message or a command. The first speaker is the
demo team's lead; ``/as NAME`` switches who is speaking (a new name joins the
team as an agent). Runs interactively or from stdin (exit at end of input).
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import TextIO

from coachbot.present.messages import Message, render_plain
from coachbot.usecases.dispatch import handle
from coachbot.usecases.ports import Incoming, Reply

CHANNEL = "demo"
FIRST_SPEAKER = "lead"
BANNER = """coachbot 控制台 · 演示团队（本地 SQLite：{db}）
你现在是组长 lead。直接输入文字 = 在频道里发言（有挑战时就是你的回答）；
/as 名字 切换成员，/coach help 查看命令，/quit 退出。"""


class ConsoleChat:
    platform = "console"
    capabilities = frozenset({"history"})

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.counter = itertools.count(1)
        self.log: list[tuple[str, str, Message, str | None]] = []

    def _print(self, header: str, msg: Message) -> None:
        self.out.write(f"\n{header}\n{render_plain(msg)}\n")
        self.out.flush()

    def post(self, channel: str, msg: Message, *, thread: str | None = None) -> str:
        message_id = f"console-{next(self.counter)}"
        where = f"#{channel}" + (f" 回复帖子 {thread}" if thread else "")
        self._print(f"[coachbot → {where}] ({message_id})", msg)
        self.log.append((message_id, channel, msg, thread))
        return message_id

    def tell(self, channel: str, user: str, msg: Message) -> None:
        self._print(f"[coachbot → {user}（仅你可见）]", msg)

    def update(self, channel: str, message_id: str, msg: Message) -> None:
        self._print(f"[coachbot 更新 {message_id}]", msg)

    def find_post(self, channel: str, kind: str, content_id: str, day: date) -> str | None:
        # A fresh console process has no history of its own: nothing to reconcile.
        for message_id, ch, msg, thread in self.log:
            if ch == channel and thread is None and msg.kind == kind and msg.meta.get("content_id") == content_id:
                return message_id
        return None


def deliver(chat: ConsoleChat, msg: Incoming, replies: list[Reply]) -> None:
    for r in replies:
        if r.private:
            chat.tell(msg.channel, msg.user_name or msg.user, r.message)
        else:
            chat.post(msg.channel, r.message, thread=r.thread)


def run_console(coach, chat: ConsoleChat, clock: Callable[[], datetime], *, db: str,
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
        deliver(chat, msg, handle(coach, msg, now))
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
