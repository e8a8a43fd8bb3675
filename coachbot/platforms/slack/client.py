"""The Web API client: retries on 429/5xx/dropped connections, and reading its errors."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import (
    BackoffRetryIntervalCalculator,
)
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator

from coachbot.platforms.slack.limits import AUTH_ERRORS


def make_client(token: str, *, base_url: str | None = None, rate_limit_retries: int = 3,
                server_error_retries: int = 2, connection_retries: int = 2,
                backoff: RetryIntervalCalculator | None = None, timeout: int = 15) -> WebClient:
    """A WebClient that waits out 429s (``Retry-After``) and backs off on 5xx and dropped connections."""
    interval = backoff or BackoffRetryIntervalCalculator(backoff_factor=0.5)
    url = base_url or WebClient.BASE_URL
    return WebClient(
        token=token, base_url=url if url.endswith("/") else url + "/", timeout=timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=connection_retries, interval_calculator=interval),
            RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
            ServerErrorRetryHandler(max_retry_count=server_error_retries, interval_calculator=interval),
        ],
    )


def api_error(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__


def is_auth_error(exc: Exception) -> bool:
    return api_error(exc) in AUTH_ERRORS
