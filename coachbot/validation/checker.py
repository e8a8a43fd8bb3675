"""Read typed fields from a YAML document, recording a problem for each bad one.

Shared by the content schema and ``coachbot.yaml``: one pass collects every
problem, so a person sees all of them at once as ``path:line: field: message``.
"""

from __future__ import annotations

import re
from typing import Any

from coachbot.domain.errors import Problem
from coachbot.validation.yamlfile import Key, Loaded


class Checker:
    """Reads fields from a loaded file, recording a problem for each bad one."""

    def __init__(self, loaded: Loaded, problems: list[Problem]) -> None:
        self.loaded = loaded
        self.problems = problems
        self.ok = True

    def problem(self, key: Key, message: str) -> None:
        self.ok = False
        name = ".".join(str(k) for k in key) or "(file)"
        self.problems.append(Problem(str(self.loaded.path), self.loaded.line(key), name, message))

    def get(self, key: Key) -> Any:
        node: Any = self.loaded.data
        for k in key:
            if isinstance(node, dict):
                node = node.get(k)
            elif isinstance(node, list) and isinstance(k, int) and k < len(node):
                node = node[k]
            else:
                return None
        return node

    def text(self, key: Key, *, required: bool = True, max_len: int | None = None) -> str:
        value = self.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(key, "is required")
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(key, f"must be text, got {type(value).__name__}")
            return ""
        value = str(value).strip()
        if max_len is not None and len(value) > max_len:
            self.problem(key, f"is {len(value)} characters, at most {max_len}")
        return value

    def integer(self, key: Key, *, lo: int, hi: int, default: int | None = None) -> int:
        value = self.get(key)
        if value is None and default is not None:
            return default
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            self.problem(key, f"must be a whole number from {lo} to {hi}, got {value!r}")
            return lo
        return value

    def choice(self, key: Key, allowed: tuple[str, ...]) -> str:
        value = self.text(key)
        if value and value not in allowed:
            self.problem(key, f"{value!r} is not one of: {', '.join(allowed)}")
        return value

    def seq(self, key: Key, *, required: bool = True, min_len: int = 0) -> list:
        value = self.get(key)
        if value is None:
            if required:
                self.problem(key, "is required")
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem(key, f"must be a list, got {type(value).__name__}")
            return []
        if len(value) < min_len:
            self.problem(key, f"needs at least {min_len} entries, has {len(value)}")
        return value

    def texts(self, key: Key, *, required: bool = True, min_len: int = 0, ids: bool = False) -> tuple[str, ...]:
        """A list of texts; one plain text is read as a one-item list. With ``ids`` it is split at commas
        (names may hold spaces) (``leads: U0LEAD`` and ``admins: U1, U2`` mean what they say)."""
        value = self.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            text = str(value).strip()
            items = tuple(t for t in re.split(r"\s*[,，、;；]\s*", text) if t) if ids else ((text,) if text else ())
            if not items and required:
                self.problem(key, "is required")
            elif len(items) < min_len:
                self.problem(key, f"needs at least {min_len} entries, has {len(items)}")
            return items
        listed = self.seq(key, required=required, min_len=min_len)
        return tuple(t for i in range(len(listed)) if (t := self.text(key + (i,))))

    def mapping(self, key: Key) -> bool:
        if not isinstance(self.get(key), dict):
            self.problem(key, "must be a mapping")
            return False
        return True

    def known_fields(self, key: Key, allowed: set[str]) -> None:
        node = self.get(key)
        if isinstance(node, dict):
            for k in node:
                if k not in allowed:
                    self.problem(key + (k,), f"unknown field; expected one of: {', '.join(sorted(allowed))}")
