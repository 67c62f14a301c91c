"""What PyYAML lets through silently or turns into a traceback, made into located problems.

* A mapping key given twice: YAML says keys are unique, PyYAML keeps the last one. An activity
  with two ``lawful_bases:`` (or a file with two ``data_categories:``) would silently lose the
  first list, so it is an error naming both lines.
* A complex key (``? [1, 2]``): never meaningful in a record; refused where it is written.
* Nesting deeper than :data:`MAX_DEPTH`: a record is a few levels deep; hundreds of levels only
  exhaust Python's recursion (a RecursionError), so the deep point is reported instead.
* Alias expansion is budgeted in bytes as well as nodes (see ``yaml_record``): one 1 MB string
  referenced 4,000 times is 4 GB.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from loaders.problems import Problem, RecordInvalid

try:  # the C loader is an optional part of PyYAML wheels
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Base  # type: ignore[assignment]

MAX_DEPTH = 100
"""Deepest nesting of lists and mappings accepted (a record needs fewer than ten)."""
ALIAS_BYTES_FACTOR = 10
ALIAS_BYTES_FLOOR = 16 * 1024 * 1024
"""Text an alias-using file may expand to: ten times its own size, and at least 16 MB."""
_MERGE = "tag:yaml.org,2002:merge"


class YamlRefused(Exception):
    """A located problem found while reading YAML (turned into a :class:`Problem`)."""

    def __init__(
        self,
        message: str,
        mark: Any = None,
        suggestion: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = mark.line + 1 if mark is not None else None
        self.column = mark.column + 1 if mark is not None else None
        self.suggestion = suggestion

    def problem(self, path: Path) -> Problem:
        return Problem(
            str(path), self.message, line=self.line, column=self.column, suggestion=self.suggestion
        )


def check_keys(node: yaml.MappingNode) -> None:
    """Refuse a complex key or a key written twice in one mapping (merge keys aside)."""
    seen: dict[tuple[str, str], yaml.Node] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE:
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlRefused(
                "a mapping key must be plain text, not a list or a mapping",
                key_node.start_mark,
                "write the key as a word, e.g. 'name:'",
            )
        identity = (key_node.tag, key_node.value)
        first = seen.get(identity)
        if first is not None:
            raise YamlRefused(
                f"'{key_node.value}' is given twice in the same mapping (lines "
                f"{first.start_mark.line + 1} and {key_node.start_mark.line + 1}); YAML would "
                "silently keep only the second",
                key_node.start_mark,
                f"merge the two '{key_node.value}:' entries into one",
            )
        seen[identity] = key_node


def unreadable_value(node: yaml.Node, exc: Exception) -> YamlRefused:
    """PyYAML's constructors raise plain Python errors for some bad values
    (``!!timestamp 2024-01-01x`` gives AttributeError): located here instead."""
    value = str(getattr(node, "value", ""))[:40]
    kind = node.tag.rsplit(":", 1)[-1]
    return YamlRefused(
        f"'{value}' cannot be read as a {kind} ({type(exc).__name__})",
        node.start_mark,
        "remove the explicit '!!' tag or write the value in the usual form",
    )


_VALUE_ERRORS = (ValueError, TypeError, AttributeError, OverflowError, IndexError, KeyError)


class StrictLoader(_Base):
    """The fast (C) safe loader, refusing duplicate and complex keys and locating bad values."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        check_keys(node)
        result: dict[object, object] = super().construct_mapping(node, deep=deep)
        return result

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except _VALUE_ERRORS as exc:
            raise unreadable_value(node, exc) from None


_DEEP_HINT = re.compile(rf"(?:[\[{{][ \t]*){{{MAX_DEPTH // 2}}}|^[ \t-]{{{MAX_DEPTH}}}", re.M)
"""A cheap sign that a text may nest deeply (a run of brackets, a very deep indentation)."""


def check_depth(text: str) -> None:
    """Refuse ``text`` where it nests deeper than MAX_DEPTH (checked only when it may)."""
    if _DEEP_HINT.search(text):
        found = deep_point(text)
        if found.line is not None:
            raise found


def deep_point(text: str) -> YamlRefused:
    """The first place ``text`` nests deeper than MAX_DEPTH (found without recursion)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Base):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return _too_deep(event.start_mark)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass
    return _too_deep(None)


def _too_deep(mark: Any) -> YamlRefused:
    return YamlRefused(
        f"lists or mappings are nested more than {MAX_DEPTH} levels deep here",
        mark,
        "a record is only a few levels deep: check the brackets and indentation",
    )


class AliasBomb(Exception):
    """Alias expansion went over budget; the argument says which budget."""


def compose_budgeted(node: yaml.Node, budget: list[int]) -> Any:
    """Turn a composed node tree into Python objects, counting every node an alias expands.

    ``budget`` is [nodes, bytes of scalar text] still allowed: aliases can multiply either.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise AliasBomb("nodes")
    if isinstance(node, yaml.MappingNode):
        check_keys(node)
        return {compose_budgeted(k, budget): compose_budgeted(v, budget) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [compose_budgeted(item, budget) for item in node.value]
    budget[1] -= len(node.value) if isinstance(node.value, str) else 0
    if budget[1] < 0:
        raise AliasBomb("bytes")
    constructor = yaml.SafeLoader("")
    try:
        return constructor.construct_object(node, deep=True)
    except _VALUE_ERRORS as exc:
        raise unreadable_value(node, exc) from None


def count_nodes(node: yaml.Node, seen: set[int]) -> int:
    if id(node) in seen:
        return 0
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        return 1 + sum(count_nodes(k, seen) + count_nodes(v, seen) for k, v in node.value)
    if isinstance(node, yaml.SequenceNode):
        return 1 + sum(count_nodes(item, seen) for item in node.value)
    return 1


def refuse(path: Path, exc: YamlRefused) -> RecordInvalid:
    return RecordInvalid([exc.problem(path)])
