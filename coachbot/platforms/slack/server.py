"""Slack's HTTP mode served by waitress (a production WSGI server) through Bolt's WSGI adapter."""

from __future__ import annotations

from collections.abc import Callable

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
HTTP_THREADS = 16


def wsgi_app(app: App) -> Callable:
    """Bolt's WSGI adapter at ``/slack/events`` plus a ``/healthz`` for load balancers."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ, start_response):
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") == "GET":
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok"]
        return slack(environ, start_response)

    return application


def create_server(app: App, *, host: str = "0.0.0.0", port: int = 3000, threads: int = HTTP_THREADS):
    """A waitress server for the app (``server.run()`` blocks; port 0 picks a free one)."""
    return waitress.create_server(  # type: ignore[attr-defined]  # waitress has no stubs for itwsgi_app(app), host=host, port=port, threads=threads, ident="coachbot",
                                  asyncore_use_poll=True, connection_limit=1000)
