"""The fast YAML path reads exactly what PyYAML reads, or declines (then the full loader runs)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.synthetic import generate_record, write_generated
from loaders import fast_yaml

pytestmark = pytest.mark.skipif(
    fast_yaml.yaml_rs is None, reason="yaml-rs is not installed: only the full loader runs"
)

ROOT = Path(__file__).resolve().parent.parent


def pyyaml(text: str) -> Any:
    return yaml.load(text, Loader=yaml.CSafeLoader)


def test_sample_and_generated_records_take_the_fast_path_and_read_the_same(
    tmp_path: Path,
) -> None:
    write_generated(generate_record(200, seed=5), tmp_path / "gen", per_file=50)
    files = sorted((ROOT / "data" / "kynex").glob("*.yaml")) + sorted(
        (tmp_path / "gen").glob("*.yaml")
    )
    assert len(files) > 10
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert fast_yaml.reason_for_slow_path(text) is None, file
        assert fast_yaml.fast_parse(text) == pyyaml(text), file


# Plain scalars that YAML 1.1 (PyYAML) and YAML 1.2 (yaml-rs) read differently: declined.
DIFFERENT = [
    "a: yes",
    "a: No",
    "a: ON",
    "- off",
    "[x, y, n]",
    "yes: 1",
    "a: 0755",
    "a: 012",
    "a: 1e3",
    "a: 1:20",
    "a: 2023-07-11",
    "a: 2023-07-11T10:00:00Z",
    "a: 0o17",
    "a: 0b101",
    "a: 1_000",
    "a: &x 1\nb: *x",
    "a: !!str 1",
    "<<: {a: 1}",
    "---\na: 1\n---\nb: 2",
    "%YAML 1.1\n---\na: 1",
]


@pytest.mark.parametrize("text", DIFFERENT)
def test_forms_the_versions_read_differently_are_declined(text: str) -> None:
    assert fast_yaml.reason_for_slow_path(text) is not None
    assert fast_yaml.fast_parse(text) is None


@pytest.mark.parametrize(
    "text",
    ["a: 'yes'", 'a: "2023-07-11"', "a: based on consent", "a: DPA-2020-063", "a: 13", "a: 1.5"],
)
def test_quoted_and_ordinary_values_stay_fast_and_equal(text: str) -> None:
    assert fast_yaml.fast_parse(text) == pyyaml(text)


def test_errors_and_duplicate_keys_are_left_to_the_full_loader() -> None:
    assert fast_yaml.fast_parse("a: [unclosed\n") is None
    assert fast_yaml.fast_parse("a: 1\na: 2\n") is None


TOKENS = [
    "yes", "No", "on", "OFF", "y", "n", "true", "False", "null", "~", "0", "07", "012", "0x1F",
    "0o17", "0b11", "1_000", "1e3", "1.0e+3", ".5", "1.", "-.inf", ".NaN", "1:20", "2023-07-11",
    "2023-7-1 10:00", "+12", "-0", "abc", "a b", "DPA-2020-063", "'yes'", '"012"', "x: y",
    "a, b", "=", "<<", "#c", "", "-", "?", "[]", "{}", "[yes, 012]", "{k: on}",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(TOKENS), st.sampled_from(TOKENS), st.booleans()),
        min_size=1,
        max_size=6,
    )
)
def test_whatever_the_fast_path_accepts_reads_as_pyyaml_reads_it(
    items: list[tuple[str, str, bool]],
) -> None:
    lines = []
    for index, (key, value, as_list) in enumerate(items):
        lines.append(f"k{index}:" if as_list else f"{key or 'k'}{index}: {value}")
        if as_list:
            lines.append(f"  - {value}")
            lines.append(f"  - [{key}, {value}]")
    text = "\n".join(lines) + "\n"
    try:
        expected = pyyaml(text)
    except yaml.YAMLError:
        assert fast_yaml.fast_parse(text) is None
        return
    fast = fast_yaml.fast_parse(text)
    # repr: NaN equals NaN, and True is not 1 (a bool must stay a bool)
    assert fast is None or repr(fast) == repr(expected), text


def test_a_bool_word_in_the_middle_of_a_file_is_declined() -> None:
    text = "a:\n  - yes\n  - x\nb: on\nc: 1\n"
    assert fast_yaml.fast_parse(text) is None


def test_deep_nesting_is_left_to_the_full_loader() -> None:
    block = "".join(" " * i + f"k{i}:\n" for i in range(300)) + " " * 300 + "x\n"
    flow = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    assert fast_yaml.fast_parse(block) is None
    assert fast_yaml.fast_parse(flow) is None


# The rules as first written (a look-behind after each candidate character: 4-5 s on 83 MB),
# kept here as the reference the faster scan must agree with on every text.
_PREV_AFTER = r"(?:(?<=[:?-] .)|(?<=[,\[{].)|(?<=, .)|(?<=  .)|(?<=\t.)|(?<=\n.)|(?<=\n .))"
_PREV_AMBIGUOUS = (
    re.compile(rf"[yYnNoO]{_PREV_AFTER}(?:|[eE][sS]|[oO]|[nN]|[fF][fF]){fast_yaml._END}", re.M),
    re.compile(rf"[!&*<=?]{_PREV_AFTER}", re.M),
)
_PREV_NUMBER_START = re.compile(rf"(?:[.0-9]|[-+](?=[.0-9])){_PREV_AFTER}", re.M)
_PREV_NUMBER_FULL = re.compile(rf"(?:{fast_yaml._NUMBER}{fast_yaml._END}|{fast_yaml._DATE})", re.M)
_PREV_DEEP = re.compile(r"(?:[\[{][ \t]*){50}|^[ \t-]{100}", re.M)


def _previous_declines(text: str) -> bool:
    if (
        re.search(r"^%", text, re.M)
        or len(re.findall(r"^(?:---|\.\.\.)(?:[ \t]|$)", text, re.M)) > 1
    ):
        return True
    padded = "\n" + text
    if _PREV_DEEP.search(text) or any(p.search(padded) for p in _PREV_AMBIGUOUS):
        return True
    return any(
        _PREV_NUMBER_FULL.match(padded, s.start()) for s in _PREV_NUMBER_START.finditer(padded)
    )


PIECES = [*TOKENS, "[[[[", "[ [", "&a", "*a", "!t", "-1", "+.5", "o", "no more", "%", "---", "..."]
GLUE = ["", " ", "  ", "\t", "\n", ": ", ", ", "\n  - ", "- ", "? ", ",", "[", "{"]


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(GLUE)), max_size=14))
def test_the_scan_declines_exactly_what_the_first_rules_declined(
    items: list[tuple[str, str]],
) -> None:
    text = "".join(piece + glue for piece, glue in items)
    assert (fast_yaml.reason_for_slow_path(text) is not None) == _previous_declines(text), text


@pytest.mark.parametrize(
    "text", ["a: " + "[" * 60, "a: " + "[ " * 60, " " * 100 + "x", "a:\n" + " " * 120 + "x"]
)
def test_deep_nesting_hints_match_the_safety_check(text: str) -> None:
    assert fast_yaml.reason_for_slow_path(text) == "deep nesting"
    assert fast_yaml.yaml_safety._DEEP_HINT.search(text)


def test_other_threads_take_the_slow_path() -> None:
    """yaml-rs crashed the process in a Streamlit script thread, so only the main thread uses it;
    elsewhere fast_parse declines and the full loader reads the same data."""
    import threading

    text = "name: Kynex\nitems:\n  - a\n  - b\n"
    assert fast_yaml.fast_parse(text) == {"name": "Kynex", "items": ["a", "b"]}
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(fast_yaml.fast_parse(text)))
    worker.start()
    worker.join()
    assert seen == [None]
