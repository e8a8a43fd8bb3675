"""Log lines as ``event=name key=value …`` (logfmt), safe against forged lines.

    log.warning("event=post_failed team=%s hint=%s", team.id, q("check the token"))

:func:`q` quotes a value that holds spaces, quotes or ``=``; :class:`LineFormatter`
escapes line breaks and other control characters in the whole line, so text a
member or a request supplied can never start a log line of its own.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_BARE = re.compile(r"^[^\s\"'=\\]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def _escape_control(text: str) -> str:
    return _CONTROL.sub(lambda m: {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(m.group(), f"\\x{ord(m.group()):02x}"), text)


def q(value: object) -> str:
    """A logfmt value: as is when it is one plain word, else double-quoted with escapes."""
    text = str(value)
    if text and _BARE.match(text):
        return _escape_control(text)
    return '"' + _escape_control(text.replace("\\", "\\\\").replace('"', '\\"')) + '"'


class LineFormatter(logging.Formatter):
    """One record, one line: control characters in the message are escaped; a traceback follows indented."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return _escape_control(super().formatMessage(record))

    def formatException(self, ei: Any) -> str:
        return "\n".join("    " + line for line in super().formatException(ei).splitlines())

    def formatStack(self, stack_info: str) -> str:
        return "\n".join("    " + line for line in stack_info.splitlines())
