"""A fake Slack Socket Mode gateway on 127.0.0.1: hello, envelopes, acks, disconnects.

    with FakeGateway() as gw:
        api.socket_url = gw.url          # apps.connections.open answers with it
        ...
        gw.send({"envelope_id": "e1", "type": "slash_commands", "payload": {...}, "accepts_response_payload": True})
        ack = gw.ack("e1", timeout=3)    # what the bot acknowledged, or None

Runs an asyncio loop with a ``websockets`` server in a thread of the test process.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import websockets


class FakeGateway:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.connected = threading.Event()
        self.acks: dict[str, dict[str, Any]] = {}
        self.acked_at: dict[str, float] = {}       # envelope id -> time.perf_counter() when its ack arrived
        self.acked = threading.Condition()
        self.sockets: list[Any] = []
        self.server: Any = None
        self.port = 0
        self.thread = threading.Thread(target=self.loop.run_forever, name="fake-socket-gateway", daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link"

    async def _handler(self, ws: Any) -> None:
        self.sockets.append(ws)
        await ws.send(json.dumps({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"},
                                  "connection_info": {"app_id": "A1"}}))
        self.connected.set()
        try:
            async for raw in ws:
                data = json.loads(raw)
                if "envelope_id" in data:
                    with self.acked:
                        self.acks[data["envelope_id"]] = data
                        self.acked_at[data["envelope_id"]] = time.perf_counter()
                        self.acked.notify_all()
        except websockets.ConnectionClosed:
            pass

    async def _start(self) -> None:
        self.server = await websockets.serve(self._handler, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    def __enter__(self) -> FakeGateway:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(5)
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            self.server.close()
            await self.server.wait_closed()
        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    def send(self, envelope: dict[str, Any]) -> None:
        """Deliver an envelope on the newest connection."""
        ws = self.sockets[-1]
        asyncio.run_coroutine_threadsafe(ws.send(json.dumps(envelope, ensure_ascii=False)), self.loop).result(5)

    def disconnect(self, reason: str = "refresh_requested") -> None:
        self.send({"type": "disconnect", "reason": reason})

    def ack(self, envelope_id: str, *, timeout: float) -> dict[str, Any] | None:
        """The bot's acknowledgement of ``envelope_id``, waiting up to ``timeout`` seconds."""
        with self.acked:
            self.acked.wait_for(lambda: envelope_id in self.acks, timeout)
            return self.acks.get(envelope_id)
