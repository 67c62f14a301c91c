"""Parse a record file fast when that cannot change its meaning; otherwise say so and let the
position-tracking loader (:mod:`loaders.yaml_record`) do it.

PyYAML's C loader still builds every value in Python: 83 MB of YAML (100,000 activities) take
about 20 s on our 2-core machine. yaml-rs (a Rust parser) reads the same files about 15 times
faster (benchmarks/README.md, ``yaml_rs`` against ``yaml_c``). It follows YAML 1.2, PyYAML
follows YAML 1.1, and they read some plain (unquoted) scalars differently:

=========================  ===================  ===================
plain scalar               PyYAML (YAML 1.1)    yaml-rs (YAML 1.2)
=========================  ===================  ===================
``yes`` / ``no`` / ``on``  True / False         the string
``0755`` / ``012``         493 / 10 (octal)     755 / 12
``1e3``                    the string '1e3'     1000.0
``1:20``                   80 (base 60)         the string
``2023-07-11``             a date               the string
``0o17`` / ``0b101``       the string / 5       15 / the string
two documents in a file    an error             a list
duplicate keys             the last one wins    an error
=========================  ===================  ===================

So the fast path is taken only for text that has none of those forms (:func:`fast_parse`
returns None otherwise) and the result is then, by construction, what PyYAML gives. Every
failure, and any file with anchors, directives or tags, goes to the slow path, which gives the
located ``file:line:column`` errors — error quality does not depend on the fast path.
``tests/test_fast_yaml.py`` checks both agree on the sample, generated records and a generated
set of tricky scalars.

Only the main thread takes the fast path. yaml-rs 0.1.6 bundles mimalloc, and called for the
first time from a Streamlit script thread it crashed the whole process (a segmentation fault
reading mimalloc's thread-local heap; reproducible with
``pytest "tests/test_dashboard_app.py::test_every_page_runs_on_kynex[ropa]"`` run alone, not in
a plain threaded script). A crash loses the user's session, so other threads use the slow path,
which gives the same data (the dashboard reads records through
:mod:`loaders.record_worker`, which parses in a worker process, on its main thread).
"""

from __future__ import annotations

import re
import threading
from types import ModuleType
from typing import Any

from loaders import yaml_safety

yaml_rs: ModuleType | None
try:
    import yaml_rs
except ImportError:  # pragma: no cover - the fast parser is a dependency; the full loader copes
    yaml_rs = None

_END = r"[ \t]*(?:$|#|,|\]|\}|:(?:[ \t]|$))"
_NUMBER = (
    r"[-+]?(?:"
    r"0[0-9_]+(?:\.[0-9_]*)?"  # leading zero: octal in YAML 1.1
    r"|0[bBoO][0-9a-fA-F_]+"  # binary (1.1) / octal (1.2) prefixes
    r"|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"  # base 60
    r"|[0-9_]*\.?[0-9_]*[eE][-+]?[0-9]+"  # exponent without a dot (a string in 1.1)
    r"|[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?"  # digit separators
    r")"
)
_DATE = r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
_SCALAR = (
    r"(?:"
    # yes / no / on / off / y / n in any case: booleans in YAML 1.1, strings in 1.2
    rf"[yYnNoO](?:|[eE][sS]|[oO]|[nN]|[fF][fF]){_END}"
    # tags, anchors, aliases, merge keys, value keys and complex keys: left to the full loader
    r"|[!&*<=?]"
    # numbers the two versions read differently, and dates (PyYAML makes date objects)
    rf"|(?=[.0-9]|[-+][.0-9])(?:{_NUMBER}{_END}|{_DATE})"
    r")"
)
_DEPTH_RUN = yaml_safety.MAX_DEPTH // 2 - 1
_FIRST = r"(?=[-+.0-9yYnNoO!&*<=?])"
"""Whatever a scalar above starts with: a cheap test before the full alternatives."""
# A plain scalar starts after 'key: ', '- ', '? ', ', ' or two spaces (_AFTER_SPACE), or right
# after a flow's '[', '{', ',', a tab or a line break (_AFTER_CHAR). Prose that merely wraps onto
# a new line or has a word such as 'no' mid-sentence does not count. Each pattern starts with
# the character(s) before the scalar, which lets the regular expression engine skip ahead in C
# to the next candidate (a space, or one of ',[{' tab newline) instead of trying every position:
# 83 MB of records are scanned in well under a second (the previous form, a look-behind after
# the scalar's first character, took 4-5 s, most of the fast parse).
_AFTER_SPACE = re.compile(rf" {_FIRST}(?<=[:?\-, \n] ){_SCALAR}", re.MULTILINE)
_AFTER_CHAR = re.compile(
    rf"[,\[{{\t\n](?:{_FIRST}{_SCALAR}|(?P<deep>(?<=[\[{{])(?:[ \t]*[\[{{]){{{_DEPTH_RUN}}}))",
    re.MULTILINE,
)
_DOCUMENT = re.compile(r"\n(?:---|\.\.\.)(?=[ \t]|$)", re.MULTILINE)
_DEEP_INDENT = re.compile(rf"\n[ \t-]{{{yaml_safety.MAX_DEPTH}}}")
"""Text that may nest deeper than the full loader allows goes to it, so its nesting check
refuses it with a position. Together with the ``deep`` group above this is exactly
:data:`loaders.yaml_safety._DEEP_HINT` (a run of brackets, a very deep indentation), written so
it shares the scan above."""


RULES_VERSION = 4
"""Bumped when the rules above change, so cached parses made under old rules are not reused."""


def parser_version() -> str:
    """The fast parser's identity, for cache keys: a new version re-parses everything."""
    return f"yaml-rs {getattr(yaml_rs, '__version__', 'none')}; rules {RULES_VERSION}"


def reason_for_slow_path(text: str) -> str | None:
    """Why ``text`` must go to the YAML 1.1 loader, or None when the fast parser is exact."""
    if yaml_rs is None:
        return "yaml-rs is not installed"
    padded = "\n" + text  # so a scalar on the first line has a character before it
    if "\n%" in padded:
        return "a YAML directive"
    if len(_DOCUMENT.findall(padded)) > 1:
        return "document markers"
    if _DEEP_INDENT.search(padded):
        return "deep nesting"
    found = _AFTER_CHAR.search(padded)
    if found and found.group("deep") is not None:
        return "deep nesting"
    found = found or _AFTER_SPACE.search(padded)
    if found:
        return f"a scalar YAML 1.1 and 1.2 may read differently: {found.group(0)[1:].strip()!r}"
    return None


def fast_parse(text: str) -> Any | None:
    """``text`` parsed exactly as PyYAML's safe loader would, or None: use the slow path.

    None also covers every parse failure (and duplicate keys), so errors are always reported
    by the position-tracking loader. Outside the main thread it is always None (see the module
    docstring: yaml-rs crashed in a Streamlit script thread).
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    if reason_for_slow_path(text) is not None:
        return None
    assert yaml_rs is not None
    try:
        return yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # any refusal: the slow path decides and reports it with a position
        return None
