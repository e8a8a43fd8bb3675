"""YAML loading that remembers the line of every key.

``load(path)`` returns a :class:`Loaded` whose ``line(("steps", 2, "say"))``
answers the 1-based line of that key, so a validator can report
``path:line: field: message`` for the offending key, not just the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Key = tuple[Any, ...]


class YamlError(Exception):
    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: yaml: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass
class Loaded:
    path: Path
    data: Any
    lines: dict[Key, int] = field(default_factory=dict)

    def line(self, key: Key = ()) -> int:
        """Line of ``key``; falls back to the nearest enclosing key, then line 1."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    pass


def _construct(node: yaml.Node, loader: _Loader, key: Key, lines: dict[Key, int]) -> Any:
    lines.setdefault(key, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        loader.flatten_mapping(node)
        for k_node, v_node in node.value:
            k = loader.construct_object(k_node, deep=True)
            if isinstance(k, list):
                k = tuple(k)
            lines[key + (k,)] = k_node.start_mark.line + 1
            if k in out:
                raise YamlError(Path(loader.name), k_node.start_mark.line + 1, f"duplicate key {k!r}")
            out[k] = _construct(v_node, loader, key + (k,), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(n, loader, key + (i,), lines) for i, n in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except ValueError as exc:  # e.g. an impossible date such as 2026-13-05
        raise YamlError(Path(loader.name), node.start_mark.line + 1, f"cannot read {node.value!r}: {exc}") from None


def loads(text: str, path: Path) -> Loaded:
    lines: dict[Key, int] = {}
    loader = _Loader(text)
    loader.name = str(path)
    try:
        node = loader.get_single_node()
        data = None if node is None else _construct(node, loader, (), lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        last_line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        line = min(mark.line + 1, last_line) if mark else 1
        message = (exc.problem or str(exc)).strip()
        if exc.context and exc.context_mark is not None:
            message += f" ({exc.context} at line {exc.context_mark.line + 1})"
        raise YamlError(path, line, message) from None
    except yaml.YAMLError as exc:
        raise YamlError(path, 1, str(exc)) from None
    finally:
        loader.dispose()
    return Loaded(path=path, data=data, lines=lines)


def load(path: Path) -> Loaded:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(path, 1, f"not UTF-8 ({exc.reason})") from None
    return loads(text, path)
