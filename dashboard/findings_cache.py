"""The findings of one store generation, kept on disk beside the embedded store (issue 15).

Running every rule over a 100,000-activity record takes seconds; the answer only depends on
what the store holds (its record's content hash), the evaluation date, the reference data the
rules read (data/reference/) and the rules themselves (the code of the ``graph`` package). A
new dashboard process — or a second one beside it — then reads the report instead of running
the rules again: the findings are computed at most once per store generation and date.

Safe by construction: the entry is JSON (plain data, never code), written atomically
(graph/atomic.py), named by a hash of everything it depends on, and checked on reading (its own
key inside, every field of the expected type); anything unreadable or unexpected is a miss and
the rules simply run. Only the newest few entries are kept. Neo4j has no folder of its own, so
there the report is cached in the process only (``dashboard.data``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.atomic import atomic_write_text

if TYPE_CHECKING:
    from dashboard.findings_view import Summary
    from graph.findings import FindingsReport

KEEP = 8
"""Entries kept per store (dates and generations); older ones are removed on each write."""
FORMAT = 1
"""Bumped when the file layout changes (an old entry is then a miss)."""
_GRAPH_CODE = Path(__file__).resolve().parent.parent / "graph"


def folder_of(db: str | Path) -> Path:
    """Where a store's cached findings live: ``<store>.findings-cache/`` beside it."""
    path = Path(db)
    return path.with_name(path.name + ".findings-cache")


@functools.cache
def rules_version() -> str:
    """A hash of what the rules read besides the store: the reference data and the code of the
    ``graph`` package (rules, law, queries). Any edit there makes every old entry a miss.

    Worked out once per process (about 0.1 s of reading files, on every rerun of the Overview
    and Findings pages otherwise): the process runs the code it imported and the reference data
    ``graph.reference`` read once, so a later edit on disk only matters to a new process."""
    from graph.reference import REFERENCE_DIR

    digest = hashlib.sha256(f"format {FORMAT}".encode())
    files = sorted(Path(REFERENCE_DIR).glob("*.yaml")) + sorted(_GRAPH_CODE.rglob("*.py"))
    for file in files:
        digest.update(file.name.encode() + b"\0")
        try:
            digest.update(file.read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()


def entry_key(content_hash: str, as_of: dt.date, version: str) -> str:
    return hashlib.sha256(f"{content_hash}\0{as_of.isoformat()}\0{version}".encode()).hexdigest()


def read(folder: Path, key: str) -> FindingsReport | None:
    """The cached report under ``key``, or None (absent, damaged or not what was expected)."""
    path = folder / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return _report(data["report"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write(folder: Path, key: str, report: FindingsReport) -> None:
    """Keep ``report`` under ``key`` (atomically); never fails the page (a read-only folder
    just means the rules run again next time)."""
    try:
        payload = json.dumps({"key": key, "report": report.to_dict()}, ensure_ascii=False)
        atomic_write_text(folder / f"{key}.json", payload)
        entries = sorted(
            (p for p in folder.glob("*.json") if not p.name.endswith(".summary.json")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
            old.with_name(old.name.replace(".json", ".summary.json")).unlink(missing_ok=True)
    except OSError:
        return


def read_summary(folder: Path, key: str) -> Summary | None:
    """The Overview's summary kept under ``key`` (``<key>.summary.json``), or None."""
    from dashboard.findings_view import Summary

    try:
        data = json.loads((folder / f"{key}.summary.json").read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        kept = data["summary"]
        counts = {str(k): int(v) for k, v in kept["counts"].items()}
        top = [
            {str(k): v for k, v in row.items() if isinstance(v, str | int)} for row in kept["top"]
        ]
        return Summary(dt.date.fromisoformat(kept["as_of"]), int(kept["total"]), counts, top)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_summary(folder: Path, key: str, summary: Summary) -> None:
    """Keep the Overview's summary beside the report (atomically; never fails the page)."""
    try:
        payload = json.dumps({"key": key, "summary": summary.to_dict()}, ensure_ascii=False)
        atomic_write_text(folder / f"{key}.summary.json", payload)
    except (OSError, TypeError, ValueError):
        return


def _report(data: dict[str, Any]) -> FindingsReport:
    from graph.findings import Finding, FindingsReport, Severity

    def text(value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError("expected text")
        return value

    findings = [
        Finding(
            rule=text(f["rule"]),
            title=text(f["title"]),
            severity=Severity(f["severity"]),
            articles=tuple(text(a) for a in f["articles"]),
            element_label=text(f["element_label"]),
            element_id=text(f["element_id"]),
            element_name=text(f["element_name"]),
            why=text(f["why"]),
            what_to_do=text(f["what_to_do"]),
            ref=None if f["ref"] is None else text(f["ref"]),
        )
        for f in data["findings"]
    ]
    jurisdiction = data["jurisdiction"]
    return FindingsReport(
        as_of=dt.date.fromisoformat(text(data["as_of"])),
        findings=findings,
        errors={text(k): text(v) for k, v in data["errors"].items()},
        jurisdiction=None if jurisdiction is None else text(jurisdiction),
        not_applied={text(k): text(v) for k, v in data["not_applied"].items()},
    )
