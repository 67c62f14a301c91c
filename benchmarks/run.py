"""How ropagraph scales: from a small company's record to a group-wide 100k activities.

    python benchmarks/run.py --sizes 1000,10000,100000 --out benchmarks/results.json
    python benchmarks/run.py --quick            # 1000 activities only: a smoke test for CI

Figures come from this script, never from timed tests. Every stage runs in a fresh subprocess
(one per run), so its peak RSS is its own and no warm cache from an earlier stage flatters it;
the figure is the median of the runs. Setup a stage needs (the parsed record, the graph, a loaded
store) is read from pickles made once per size, so a stage's time is only the work it names, and
its peak RSS includes what it had to hold to do that work (reported beside it as setup RSS).

The alternatives run in the same process tree on the same record: grand-cypher (Cypher over
networkx) against the embedded store, one CREATE per row against the bulk Arrow COPY, and the
pure-Python YAML loader against the C one. Slow alternatives get a time cap and are reported as
"> cap" when they exceed it, never extrapolated into a figure.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import hashlib
import importlib
import json
import os
import pickle
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: import the project from the tree
    sys.path.insert(0, str(ROOT))

DEFAULT_SIZES = (1000, 10000, 100000)
MORE_PAGES = {
    "lawful_basis": "Lawful basis",
    "transfers": "Transfers",
    "recipients": "Recipients & sources",
    "findings": "Findings",
    "ropa": "ROPA",
    "console": "Cypher console",
    "breach": "Breach impact",
    "where": "Where is it?",
    "notice": "Privacy notice",
    "upload": "Load a record",
}
"""Dashboard pages beyond the Overview and the explorer whose first render is timed (issue 15:
every page ≤ 2 s at 100k)."""
CHOSEN_PAGES = {
    "breach": "Breach impact, first system chosen",
    "where": "Where is it?, first group of data subjects chosen",
    "notice": "Privacy notice, 'Generate' pressed",
    "recipients": "Recipients & sources, first data category chosen",
}
"""Pages that build their answer on a large record only once the person picks (nothing is
pre-selected above 300 activities): the time from that pick, after the first render."""
KEPT_FINDINGS_PAGES = {"overview": "Overview", "findings": "Findings", "breach": "Breach impact"}
"""Pages that show the findings, timed again with the findings of the store generation already
kept beside the store (dashboard/findings_cache.py: a second process, or a later visit). The
plain dashboard_* stages delete that entry first, so they pay for the rules."""
DEFAULT_RUNS = 3
DEFAULT_SEED = 7
WARM_REPEATS = 5
STAGE_TIMEOUT_S = 1800.0
"""No stage should take half an hour; if one does the machine is wedged, not slow."""

Timed = Callable[[], Mapping[str, Any] | None]
"""The work a stage times; it may return details (rows, bytes) to report beside the time."""


# ============================================================================ stage catalogue


@dataclass(frozen=True)
class Stage:
    name: str
    group: str
    title: str
    bound: str
    """What bounds the figure: where the time goes, in a phrase (for the README)."""
    max_size: int | None = None
    cap_s: float | None = None
    runs_in_process: bool = False
    """Query-like stages: one process runs a cold query and then warm repeats."""


@dataclass(frozen=True)
class AdhocQuery:
    name: str
    cypher: str


# Ad-hoc Cypher that both the embedded store and grand-cypher understand (double-quoted
# strings, upper-case COUNT, labels in patterns), so the comparison runs the very same text.
ADHOC: tuple[AdhocQuery, ...] = (
    AdhocQuery(
        "special-data",
        "MATCH (a:Activity)-[:PROCESSES]->(d:DataCategory) WHERE d.special = true "
        "RETURN a.id, d.id",
    ),
    AdhocQuery(
        "us-recipients",
        'MATCH (a:Activity)-[:DISCLOSES_TO]->(r:Recipient) WHERE r.country = "US" '
        "RETURN a.id, r.id",
    ),
    AdhocQuery(
        "consent-activities",
        'MATCH (a:Activity)-[:RELIES_ON]->(b:LawfulBasis {id: "consent"}) RETURN a.id, a.name',
    ),
    AdhocQuery(
        "source-to-processor",
        "MATCH (s:Source)-[:SUPPLIES]->(a:Activity)-[:DISCLOSES_TO]->(r:Recipient) "
        'WHERE r.kind = "processor" RETURN s.id, a.id, r.id',
    ),
    AdhocQuery(
        "category-usage",
        "MATCH (a:Activity)-[:PROCESSES]->(d:DataCategory) RETURN d.id, COUNT(a)",
    ),
)


@dataclass(frozen=True)
class Caps:
    """Seconds a slow stage may take before it is stopped and reported as "> cap"."""

    grand_cypher: float = 60.0
    naive_load: float = 120.0
    yaml_python: float = 300.0
    export: float = 600.0
    dashboard: float = 300.0


def catalogue(caps: Caps, compare_max: int) -> list[Stage]:
    """Every stage, in the order a record flows through ropagraph."""
    from graph.queries import CATALOG

    stages = [
        Stage("generate", "record", "generate synthetic record", "YAML emitting (C emitter)"),
        Stage("parse", "pipeline", "parse YAML (loader, C)", "PyYAML's Python constructor"),
        Stage(
            "parse_fast",
            "pipeline",
            "parse YAML (fast path: yaml-rs where exact)",
            "yaml-rs + the YAML 1.1/1.2 scan (loaders/fast_yaml.py)",
        ),
        Stage("validate", "pipeline", "validate (pydantic + refs)", "pydantic-core"),
        Stage("build", "pipeline", "build graph (networkx)", "networkx add_edge per relationship"),
        Stage(
            "build_tables",
            "pipeline",
            "build Arrow tables from the record",
            "columns per relationship type over all activities, then pyarrow",
        ),
        Stage(
            "store_load",
            "pipeline",
            "load embedded store from networkx",
            "Arrow tables from networkx + COPY",
        ),
        Stage("store_copy", "pipeline", "load embedded store from tables", "ladybug COPY"),
        Stage(
            "pipeline",
            "pipeline",
            "ropagraph load: fast parse + tables + COPY",
            "parse + validate + tables + COPY, one process (what `ropagraph load` does)",
        ),
        Stage(
            "pipeline_previous",
            "pipeline",
            "previous load: C parse + networkx + COPY",
            "the previous implementation, GC paused as shipped",
        ),
        Stage(
            "reload_one_file",
            "pipeline",
            "ropagraph load after one file changed",
            "cached table fragments + the changed file's tables + COPY",
        ),
        Stage(
            "reload_one_file_previous",
            "pipeline",
            "previous reload: cached parses, whole record",
            "cached parses + re-validation + tables + COPY (before per-file fragments)",
        ),
        Stage(
            "pipeline_whole_record",
            "pipeline",
            "previous load: fast parse + tables + COPY",
            "the load before per-file fragments (what `pipeline` was), cache cold",
        ),
    ]
    for name in CATALOG:
        stages.append(
            Stage(
                f"query:{name}",
                "query",
                f"query {name}",
                "ladybug execution + row conversion to Python",
                runs_in_process=True,
            )
        )
    for name in CATALOG:
        stages.append(
            Stage(
                f"query_page:{name}",
                "query",
                f"query {name}: first page + exact count",
                "ladybug top-k + count(*)",
                runs_in_process=True,
            )
        )
    for name in PREVIOUS_QUERIES:
        for kind, what in (("query", ""), ("query_page", ": first page + exact count")):
            stages.append(
                Stage(
                    f"{kind}_previous:{name}",
                    "query",
                    f"query {name}{what}, as at {QUERY_PREVIOUS_REVISION}",
                    "the previous Cypher and row conversion",
                    runs_in_process=True,
                )
            )
    stages += [
        Stage("findings", "findings", "findings (all rules)", "the rules' queries"),
        Stage(
            "findings_previous",
            "findings",
            f"findings (all rules), as at {QUERY_PREVIOUS_REVISION}",
            "the previous rules' queries and judges",
        ),
        Stage(
            "neo4j_push",
            "neo4j",
            "Neo4j push (first sync, record absent)",
            "Bolt round trips: UNWIND/MERGE batches of 1000 rows",
        ),
        Stage(
            "neo4j_resync",
            "neo4j",
            "Neo4j push again (nothing changed)",
            "read existing uids + MERGE every row again",
        ),
    ]
    for name in CATALOG:
        stages.append(
            Stage(
                f"neo4j_query:{name}",
                "neo4j",
                f"Neo4j query {name}",
                "Bolt round trip + Neo4j execution + row conversion",
                runs_in_process=True,
            )
        )
    stages += [
        Stage("neo4j_findings", "neo4j", "Neo4j findings (all rules)", "the rules' queries"),
        Stage(
            "export_xlsx",
            "export",
            "ROPA export xlsx",
            "openpyxl cell writes",
            cap_s=caps.export,
        ),
        Stage(
            "export_xlsx_previous",
            "export",
            "ROPA export xlsx, previous renderer",
            "openpyxl cell objects (the renderer before write-only mode)",
            cap_s=caps.export,
        ),
        Stage(
            "export_docx",
            "export",
            "ROPA export docx",
            "WordprocessingML text streamed into the zip (deflate)",
            cap_s=caps.export,
        ),
        Stage(
            "export_docx_previous",
            "export",
            "ROPA export docx, previous renderer",
            "python-docx objects per paragraph, run and cell",
            cap_s=caps.export,
            max_size=20_000,  # the previous renderer's own limit (DOCX_MAX_ACTIVITIES)
        ),
        Stage("export_html", "export", "ROPA export html", "Jinja2 template rendering"),
        Stage(
            "export_html_previous",
            "export",
            "ROPA export html, previous renderer",
            "Jinja2 render() of the whole page as one string",
            cap_s=caps.export,
        ),
        Stage(
            "export_notice_docx",
            "export",
            "privacy notice export docx (notice_bytes, after build_notice)",
            "WordprocessingML text streamed into the zip (deflate)",
            cap_s=caps.export,
        ),
        Stage(
            "export_notice_docx_previous",
            "export",
            "privacy notice export docx, previous renderer",
            "python-docx objects per paragraph and run",
            cap_s=caps.export,
        ),
        Stage(
            "dashboard_overview",
            "dashboard",
            "dashboard Overview first render",
            "Streamlit script run + the page's queries",
            cap_s=caps.dashboard,
        ),
        Stage(
            "dashboard_explorer",
            "dashboard",
            "dashboard Graph explorer first render",
            "graph fetched from the store + view + pyvis HTML",
            cap_s=caps.dashboard,
        ),
        *(
            Stage(
                f"dashboard_{page}",
                "dashboard",
                f"dashboard {title} first render",
                "Streamlit script run + the page's queries",
                cap_s=caps.dashboard,
            )
            for page, title in MORE_PAGES.items()
        ),
        *(
            Stage(
                f"dashboard_chosen_{page}",
                "dashboard",
                f"dashboard {title}",
                "the page's answer for the chosen element (after its first render)",
                cap_s=caps.dashboard,
            )
            for page, title in CHOSEN_PAGES.items()
        ),
        *(
            Stage(
                f"dashboard_kept_{page}",
                "dashboard",
                f"dashboard {title} first render, findings kept beside the store",
                "Streamlit script run + the page's queries (findings read, not run)",
                cap_s=caps.dashboard,
            )
            for page, title in KEPT_FINDINGS_PAGES.items()
        ),
        Stage(
            "explorer_fetch",
            "dashboard",
            "explorer: whole graph from the store",
            "one query per label and type + networkx",
            cap_s=caps.dashboard,
        ),
        Stage(
            "explorer_view",
            "dashboard",
            "explorer default view {nodes, edges} + pyvis HTML",
            "view selection/aggregation + pyvis HTML",
        ),
        Stage(
            "overview_counts",
            "dashboard",
            "Overview headline figures from count() queries",
            "label counts + transfer totals + basis summary in the store",
        ),
        Stage(
            "explorer_overview",
            "dashboard",
            "explorer first drawing from count() queries + pyvis HTML",
            "34 count queries in the store (graph/visual/aggregates.py)",
        ),
    ]
    stages += question_stages()  # breach impact and where-is-it (issue 17)
    for query in ADHOC:
        stages.append(
            Stage(
                f"adhoc_embedded:{query.name}",
                "compare",
                f"ad-hoc {query.name}: embedded",
                "ladybug",
                max_size=compare_max,
                runs_in_process=True,
            )
        )
        stages.append(
            Stage(
                f"adhoc_grandcypher:{query.name}",
                "compare",
                f"ad-hoc {query.name}: grand-cypher",
                "pure-Python subgraph matching",
                max_size=compare_max,
                cap_s=caps.grand_cypher,
            )
        )
    stages += [
        Stage(
            "naive_load",
            "compare",
            "naive load: one CREATE per row",
            "one parameterised statement per node/relationship",
            max_size=compare_max,
            cap_s=caps.naive_load,
        ),
        Stage(
            "yaml_c",
            "compare",
            "YAML parse, C loader",
            "libyaml + Python constructor",
            max_size=compare_max,
        ),
        Stage(
            "yaml_python",
            "compare",
            "YAML parse, pure-Python loader",
            "pure-Python scanner/parser",
            max_size=compare_max,
            cap_s=caps.yaml_python,
        ),
    ]
    return stages


RATIOS: tuple[tuple[str, str, str], ...] = (
    *(
        (f"ad-hoc {q.name}: grand-cypher / embedded", f"adhoc_grandcypher:{q.name}",
         f"adhoc_embedded:{q.name}")
        for q in ADHOC
    ),
    ("load: one CREATE per row / bulk COPY", "naive_load", "store_load"),
    ("YAML: pure-Python / C loader", "yaml_python", "yaml_c"),
    ("parse: C loader / fast path", "parse", "parse_fast"),
    ("tables: via networkx / direct", "build_and_store_load", "build_tables_and_copy"),
    ("ropagraph load: previous / now", "pipeline_previous", "pipeline"),
    ("reload: full load / one file changed", "pipeline", "reload_one_file"),
    ("reload: whole record / per-file fragments", "reload_one_file_previous", "reload_one_file"),
    ("load: whole record / per-file fragments", "pipeline_whole_record", "pipeline"),
    ("xlsx export: previous / streaming", "export_xlsx_previous", "export_xlsx"),
    ("docx export: python-docx / streamed XML", "export_docx_previous", "export_docx"),
    ("html export: previous / streamed", "export_html_previous", "export_html"),
    ("notice docx: python-docx / streamed XML", "export_notice_docx_previous",
     "export_notice_docx"),
    ("explorer first data: whole graph / counts", "explorer_fetch", "explorer_overview"),
)  # fmt: skip
"""Pairs whose names are not stages (``build_and_store_load``) are sums, see ``ratios_for``."""

SUMS: dict[str, tuple[str, ...]] = {
    "build_and_store_load": ("build", "store_load"),
    "build_tables_and_copy": ("build_tables", "store_copy"),
}


# ============================================================================ the worker side
#
# A worker is this script started with --worker SPEC: it sets a stage up, times it once (or, for
# queries, once cold and WARM_REPEATS times warm), and writes a JSON result file.


class NotMeasured(Exception):
    """The stage cannot run here (its module is missing, or its API is not what we expect)."""


@dataclass
class Paths:
    """Where one size's prepared artefacts live."""

    base: Path

    @property
    def record(self) -> Path:
        return self.base / "record"

    @property
    def store(self) -> Path:
        return self.base / "store.lbug"

    @property
    def parsed(self) -> Path:
        return self.base / "parsed.pickle"

    @property
    def record_pickle(self) -> Path:
        return self.base / "record.pickle"

    @property
    def graph_pickle(self) -> Path:
        return self.base / "graph.pickle"

    @property
    def meta(self) -> Path:
        return self.base / "prepared.json"


def _unpickle(path: Path) -> Any:
    with path.open("rb") as handle:
        return pickle.load(handle)


def _pickle(path: Path, value: Any) -> None:
    from graph.atomic import atomic_write_bytes

    atomic_write_bytes(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _require(module: str, *names: str) -> Any:
    """Import ``module`` and check it has ``names``; NotMeasured says what is missing."""
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise NotMeasured(f"{module} is not available ({exc})") from None
    missing = [n for n in names if not hasattr(mod, n)]
    if missing:
        raise NotMeasured(f"{module} has no {', '.join(missing)}")
    return mod


def _setup_parse(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    loader = _require("loaders.yaml_record", "record_files", "_parse")
    files = loader.record_files(paths.record)

    def run() -> dict[str, Any]:
        parsed = [loader._parse(f) for f in files]
        return {"files": len(parsed)}

    return run


def _setup_yaml(loader_name: str) -> Callable[[Paths, Mapping[str, Any]], Timed]:
    def setup(paths: Paths, spec: Mapping[str, Any]) -> Timed:
        import yaml

        from loaders import record_files

        loader = getattr(yaml, loader_name, None)
        if loader is None:
            raise NotMeasured(f"this PyYAML has no {loader_name}")
        texts = [f.read_text(encoding="utf-8") for f in record_files(paths.record)]

        def run() -> dict[str, Any]:
            for text in texts:
                yaml.load(text, Loader=loader)
            return {"bytes": sum(len(t) for t in texts)}

        return run

    return setup


def _setup_parse_fast(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    cached = _require("loaders.cached_record", "_parse_file", "ParseStats")
    from loaders import record_files

    files = record_files(paths.record)

    def run() -> dict[str, Any]:
        stats = cached.ParseStats()
        for file in files:
            cached._parse_file(file, None, stats, set())
        return {"files": len(files), "fast": len(stats.fast), "full": len(stats.full)}

    return run


def _setup_validate(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    loader = _require("loaders.yaml_record", "_merge")
    from graph.model import Record, check_references

    parsed = _unpickle(paths.parsed)

    def run() -> dict[str, Any]:
        merge, problems = loader._merge(parsed)
        record = Record.model_validate(merge.data)
        refs = check_references(record)
        if problems or refs:
            raise RuntimeError(f"the generated record has problems: {problems or refs}")
        return {"activities": len(record.activities)}

    return run


def _setup_build(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    from graph.build import build_graph

    record = _unpickle(paths.record_pickle)
    digest = json.loads(paths.meta.read_text())["content_hash"]

    def run() -> dict[str, Any]:
        graph = build_graph(record, digest)
        return {"nodes": graph.number_of_nodes(), "relationships": graph.number_of_edges()}

    return run


def _warm_arrow() -> None:
    """pyarrow's first table costs ~0.5-1.5 s once per process (kernel and allocator set-up):
    paid outside the timing by the stages that compare table building, inside by the pipelines."""
    import pyarrow as pa

    pa.table({"s": pa.array([["x"]], type=pa.list_(pa.string())), "b": pa.array([True])})


def _setup_build_tables(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    tables = _require("graph.tables", "build_tables")
    _warm_arrow()
    record = _unpickle(paths.record_pickle)
    digest = json.loads(paths.meta.read_text())["content_hash"]

    def run() -> dict[str, Any]:
        built = tables.build_tables(record, digest)
        return {"nodes": built.node_count, "relationships": built.relationship_count}

    return run


def _setup_store_copy(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    tables = _require("graph.tables", "build_tables")
    from graph.stores import EmbeddedStore

    built = tables.build_tables(_unpickle(paths.record_pickle))
    target = _scratch(paths, "load")

    def run() -> dict[str, Any]:
        report = EmbeddedStore(target).load_tables(built)
        return {"stages": {k: round(v, 3) for k, v in report.stages.items()}}

    return run


SCRATCH_PREFIXES = ("load", "pipeline", "naive", "reload")
"""Per-run scratch stores (``_scratch``) start with these; the parent removes them."""


def _scratch(paths: Paths, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=paths.base))
    return folder / "store.lbug"


def _setup_store_load(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    from graph.stores import EmbeddedStore

    graph = _unpickle(paths.graph_pickle)
    target = _scratch(paths, "load")
    _warm_arrow()

    def run() -> dict[str, Any]:
        report = EmbeddedStore(target).load(graph)
        return {"stages": {k: round(v, 3) for k, v in report.stages.items()}}

    return run


def _load_as_the_cli(record: Path, target: Path) -> dict[str, Any]:
    """What `ropagraph load` does now (graph/cli/commands.py load_into): the record's tables from
    per-file fragments (loaders/table_cache.py; the whole record when they decline), then COPY."""
    from graph.gcpause import gc_paused
    from graph.stores import EmbeddedStore
    from graph.tables import build_tables
    from loaders import content_hash
    from loaders.cached_record import parse_cache_for, parse_record_cached
    from loaders.table_cache import tables_from_fragments

    with gc_paused():  # as load_into: the collector waits for the whole load
        t0 = time.perf_counter()
        reloaded = tables_from_fragments(record, parse_cache_for(target))
        if reloaded is None:
            checked = parse_record_cached(record, parse_cache_for(target))[0]
            tables = build_tables(checked, content_hash(record))
            files: dict[str, Any] = {"whole record": True}
        else:
            tables = reloaded.tables
            files = {"built": len(reloaded.built), "cached": len(reloaded.cached)}
        t1 = time.perf_counter()
        EmbeddedStore(target).load_tables(tables)
        t2 = time.perf_counter()
    return {"tables_s": round(t1 - t0, 3), "copy_s": round(t2 - t1, 3), "files": files}


def _import_load_path() -> None:
    """Import what :func:`_load_as_the_cli` uses before the timing, as the other stages do."""
    import graph.stores
    import graph.table_fragments  # noqa: F401
    import loaders.table_cache  # noqa: F401


def _setup_pipeline(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    """What `ropagraph load` does now (graph/cli/commands.py load_into), cache cold."""
    _import_load_path()
    target = _scratch(paths, "pipeline")
    return lambda: _load_as_the_cli(paths.record, target)


def _setup_pipeline_whole_record(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    """The load before per-file fragments: fast parse, whole-record tables, COPY; cache cold."""
    from graph.gcpause import gc_paused
    from graph.stores import EmbeddedStore
    from graph.tables import build_tables
    from loaders import content_hash
    from loaders.cached_record import parse_cache_for, parse_record_cached

    target = _scratch(paths, "pipeline")
    cache = parse_cache_for(target)

    def run() -> dict[str, Any]:
        with gc_paused():  # as load_into: the collector waits for the whole load
            return steps()

    def steps() -> dict[str, Any]:
        t0 = time.perf_counter()
        record, _, stats = parse_record_cached(paths.record, cache)
        t1 = time.perf_counter()
        digest = content_hash(paths.record)
        t2 = time.perf_counter()
        tables = build_tables(record, digest)
        t3 = time.perf_counter()
        EmbeddedStore(target).load_tables(tables)
        t4 = time.perf_counter()
        return {
            "parse+validate_s": round(t1 - t0, 3),
            "content_hash_s": round(t2 - t1, 3),
            "tables_s": round(t3 - t2, 3),
            "copy_s": round(t4 - t3, 3),
            "files": {"fast": len(stats.fast), "full": len(stats.full)},
        }

    return run


def _copy_and_edit_later(paths: Paths) -> tuple[Path, Path, Callable[[], None]]:
    """A copy of the record, its store path, and the edit (one activities file) to make."""
    base = Path(tempfile.mkdtemp(prefix="reload-", dir=paths.base))
    record = base / "record"
    shutil.copytree(paths.record, record)

    def edit() -> None:
        edited = sorted(record.glob("activities-*.yaml"))[0]
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text.replace("ref: ", "ref: edited ", 1), encoding="utf-8")

    return record, base / "store.lbug", edit


def _setup_reload_one_file(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    """`ropagraph load` again after one activities file changed: a copy of the record is loaded
    once (filling the caches) and one file edited, both outside the timing."""
    record, target, edit = _copy_and_edit_later(paths)
    first = _load_as_the_cli(record, target)
    if first["files"].get("cached", 0) or "built" not in first["files"]:
        raise NotMeasured(f"the first load did not build every file's fragment: {first}")
    edit()
    return lambda: _load_as_the_cli(record, target)


def _setup_reload_one_file_previous(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    """The reload before per-file fragments: cached parses, the whole record validated, turned
    into tables and copied (the first load and the edit outside the timing)."""
    from graph.gcpause import gc_paused
    from graph.stores import EmbeddedStore
    from graph.tables import build_tables
    from loaders import content_hash
    from loaders.cached_record import parse_cache_for, parse_record_cached

    base = Path(tempfile.mkdtemp(prefix="reload-", dir=paths.base))
    record = base / "record"
    shutil.copytree(paths.record, record)
    target = base / "store.lbug"
    cache = parse_cache_for(target)

    def load() -> dict[str, Any]:
        with gc_paused():  # as load_into: the collector waits for the whole load
            return steps()

    def steps() -> dict[str, Any]:
        t0 = time.perf_counter()
        checked, _, stats = parse_record_cached(record, cache)
        t1 = time.perf_counter()
        tables = build_tables(checked, content_hash(record))
        t2 = time.perf_counter()
        EmbeddedStore(target).load_tables(tables)
        t3 = time.perf_counter()
        return {
            "parse+validate_s": round(t1 - t0, 3),
            "hash+tables_s": round(t2 - t1, 3),
            "copy_s": round(t3 - t2, 3),
            "files": {"cached": len(stats.cached), "parsed": len(stats.fast) + len(stats.full)},
        }

    load()
    edited = sorted(record.glob("activities-*.yaml"))[0]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("ref: ", "ref: edited ", 1), encoding="utf-8")
    return load


def _setup_pipeline_previous(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    """The previous `ropagraph load`: C loader, networkx graph, tables from it, COPY."""
    from graph.build import build_graph
    from graph.stores import EmbeddedStore
    from loaders import content_hash, load_record

    target = _scratch(paths, "pipeline")

    def run() -> dict[str, Any]:
        t0 = time.perf_counter()
        record = load_record(paths.record)
        t1 = time.perf_counter()
        digest = content_hash(paths.record)
        t2 = time.perf_counter()
        graph = build_graph(record, digest)
        t3 = time.perf_counter()
        EmbeddedStore(target).load(graph)
        t4 = time.perf_counter()
        return {
            "parse+validate_s": round(t1 - t0, 3),
            "content_hash_s": round(t2 - t1, 3),
            "build_s": round(t3 - t2, 3),
            "store_load_s": round(t4 - t3, 3),
        }

    return run


def _setup_findings(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    findings = _require("graph.findings", "run_findings")
    from graph.stores import EmbeddedStore

    store = EmbeddedStore(paths.store)
    store.query("MATCH (r:Record) RETURN r.id")  # open the database outside the timing

    def run() -> dict[str, Any]:
        report = findings.run_findings(store)
        rules: dict[str, int] = {}
        for item in report.findings:
            rule = str(getattr(item, "rule", "?"))
            rules[rule] = rules.get(rule, 0) + 1
        # A rule that failed would flatter the time: its errors are reported with the figure.
        return {"findings": len(report.findings), "by_rule": rules, "errors": report.errors}

    return run


QUERY_PREVIOUS_REVISION = "fafa0af"
"""The catalog queries, the embedded store's row conversion and the findings rules before the
query work of issue 15: ``findings_previous``, ``query_previous:*`` and
``query_page_previous:*`` run that code, read from git, on the same store (same-run ratios)."""
PREVIOUS_QUERIES = (
    "activities-by-basis",
    "categories-by-basis",
    "legitimate-interests",
    "special-category-processing",
    "activities-without-basis",
    "third-country-transfers",
    "what-goes-to",
    "who-receives",
    "retention-schedule",
    "subject-processing",
    "activities-recipients",
    "activities-categories",
    "activities-subjects",
    "subprocessors",
)
"""The slowest queries before, and the rewritten ones (who-receives, the activity follow-ups);
every query changed in how its rows reach Python and how its count is asked."""


def _use_previous_tree(paths: Paths) -> None:
    """Import ``graph`` (and what it needs) from QUERY_PREVIOUS_REVISION in this worker."""
    if "graph" in sys.modules:
        raise RuntimeError("the previous tree must be imported before graph")
    tree = paths.base / f"previous-{QUERY_PREVIOUS_REVISION}"
    if not (tree / "graph").is_dir():
        scratch = paths.base / f"previous-{QUERY_PREVIOUS_REVISION}.{os.getpid()}"
        scratch.mkdir(parents=True, exist_ok=True)
        try:
            archive = subprocess.run(
                ["git", "archive", QUERY_PREVIOUS_REVISION, "graph", "loaders", "data/reference"],
                cwd=ROOT, capture_output=True, check=True,
            ).stdout  # fmt: skip
        except (OSError, subprocess.CalledProcessError) as exc:
            missing = f"revision {QUERY_PREVIOUS_REVISION} is not in this checkout"
            raise NotMeasured(missing) from exc
        subprocess.run(["tar", "-x", "-C", str(scratch)], input=archive, check=True)
        with contextlib.suppress(OSError):
            scratch.rename(tree)  # another worker may have made it first: either is the same
        shutil.rmtree(scratch, ignore_errors=True)
    sys.path.insert(0, str(tree))


def _setup_findings_previous(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    _use_previous_tree(paths)
    return _setup_findings(paths, spec)


NEO4J_MISSING = (
    'no Neo4j server: NEO4J_URI/NEO4J_PASSWORD not set (start one: eval "$(make -s neo4j)")'
)
BENCH_RECORDS = "synthetic-"
"""Records this benchmark pushes (generate_record's ids): the only ones it ever removes."""


def _neo4j_store() -> Any:
    if not os.environ.get("NEO4J_URI") or os.environ.get("NEO4J_PASSWORD") is None:
        raise NotMeasured(NEO4J_MISSING)
    from graph.stores.neo4j_store import open_neo4j_store

    return open_neo4j_store(prompt=None)


def _neo4j_holding(store: Any, graph: Any) -> str:
    """Make the database hold this size's record and no other benchmark record; its id.

    Catalog queries and findings see every record in a database, so another size's record
    would flatter nothing but distort everything. Records not pushed by the benchmark are
    never touched: with one present the Neo4j stages are not measured (use a scratch database).
    """
    from graph.stores.neo4j_sync import record_id

    record = record_id(graph)
    wanted = next(d.get("contentHash") for _, d in graph.nodes(data=True) if d["label"] == "Record")
    rows = store.query("MATCH (r:Record) RETURN r.id AS id, r.contentHash AS hash").records()
    foreign = [str(r["id"]) for r in rows if not str(r["id"]).startswith(BENCH_RECORDS)]
    if foreign:
        raise NotMeasured(f"the Neo4j database holds other records ({', '.join(foreign)})")
    for row in rows:
        if row["id"] != record:
            store.remove(str(row["id"]))
    if not any(r["id"] == record and r["hash"] == wanted for r in rows):
        store.load(graph)
    return record


def _neo4j_version(store: Any) -> str:
    # store.read: an internal read (the user-query guard refuses every CALL)
    rows = store.read("CALL dbms.components() YIELD name, versions, edition RETURN *", {})
    return "; ".join(f"{name} {versions[0]} {edition}" for edition, name, versions in rows)


def _setup_neo4j_push(again: bool) -> Callable[[Paths, Mapping[str, Any]], Timed]:
    def setup(paths: Paths, spec: Mapping[str, Any]) -> Timed:
        store = _neo4j_store()
        graph = _unpickle(paths.graph_pickle)
        record = _neo4j_holding(store, graph)
        if not again:
            store.remove(record)  # a first push: the record is absent, the schema is there
        version = _neo4j_version(store)

        def run() -> dict[str, Any]:
            report = store.load(graph)
            return {
                "server": version,
                "batch_size": store.batch_size,
                "nodes_created": report.nodes_created,
                "relationships_created": report.relationships_created,
                "removed": report.nodes_removed + report.relationships_removed,
                "stages_s": {k: round(v, 3) for k, v in report.stages.items()},
            }

        return run

    return setup


def _neo4j_cleanup(say: Callable[[str], None]) -> None:
    """Remove the records the Neo4j stages pushed (and only those)."""
    try:
        store = _neo4j_store()
        rows = store.query("MATCH (r:Record) RETURN r.id AS id").rows
        for (record,) in rows:
            if str(record).startswith(BENCH_RECORDS):
                store.remove(str(record))
    except NotMeasured:
        return
    except Exception as exc:  # the figures are written already: say so, never fail the run
        say(f"could not remove the benchmark's records from Neo4j: {exc}")


def _setup_neo4j_findings(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    findings = _require("graph.findings", "run_findings")
    store = _neo4j_store()
    _neo4j_holding(store, _unpickle(paths.graph_pickle))

    def run() -> dict[str, Any]:
        report = findings.run_findings(store)
        return {"findings": len(report.findings), "errors": report.errors}

    return run


PREVIOUS_REVISION = "35f2286"
"""The commit before this issue's changes: the previous renderers are read from it."""


def _setup_export_previous(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    """The XLSX renderer as it was (openpyxl cell objects), loaded from git, same record."""
    import importlib.util

    ropa = _require("graph.ropa.build", "build_document")
    try:
        source = subprocess.run(
            ["git", "show", f"{PREVIOUS_REVISION}:graph/ropa/to_xlsx.py"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as exc:
        raise NotMeasured(f"the previous renderer is not in this checkout ({exc})") from None
    module_path = paths.base / "previous_to_xlsx.py"
    module_path.write_text(source, encoding="utf-8")
    spec_ = importlib.util.spec_from_file_location("previous_to_xlsx", module_path)
    assert spec_ is not None and spec_.loader is not None
    previous = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(previous)
    record = _unpickle(paths.record_pickle)

    def run() -> dict[str, Any]:
        data = previous.render_xlsx(ropa.build_document(record))
        return {"bytes": len(data)}

    return run


PREVIOUS_DOCS_REVISION = "fafa0af"
"""The commit before the streaming DOCX and HTML writers: their previous renderers (python-docx
objects; Jinja2 render() of one string) are read from it."""


def _setup_export_previous_document(fmt: str) -> Callable[[Paths, Mapping[str, Any]], Timed]:
    """The DOCX or HTML renderer as it was, loaded from git (with its templates), run on the
    same record after today's build_document (as ``export_xlsx_previous`` does)."""

    def setup(paths: Paths, spec: Mapping[str, Any]) -> Timed:
        import importlib.util

        ropa = _require("graph.ropa.build", "build_document")
        folder = paths.base / f"previous_{fmt}"
        files = {"to_docx.py": "to_docx.py"} if fmt == "docx" else {
            "to_html.py": "to_html.py",
            "templates/ropa.html.j2": "templates/ropa.html.j2",
            "templates/ropa.md.j2": "templates/ropa.md.j2",
        }  # fmt: skip
        for source, target in files.items():
            try:
                text = subprocess.run(
                    ["git", "show", f"{PREVIOUS_DOCS_REVISION}:graph/ropa/{source}"],
                    cwd=ROOT, capture_output=True, text=True, check=True,
                ).stdout  # fmt: skip
            except (OSError, subprocess.CalledProcessError) as exc:
                missing = f"the previous renderer is not in this checkout ({exc})"
                raise NotMeasured(missing) from None
            (folder / target).parent.mkdir(parents=True, exist_ok=True)
            (folder / target).write_text(text, encoding="utf-8")
        module_file = folder / next(iter(files.values()))
        spec_ = importlib.util.spec_from_file_location(f"previous_{fmt}_renderer", module_file)
        assert spec_ is not None and spec_.loader is not None
        previous = importlib.util.module_from_spec(spec_)
        spec_.loader.exec_module(previous)
        record = _unpickle(paths.record_pickle)

        def run() -> dict[str, Any]:
            document = ropa.build_document(record)
            if fmt == "docx":
                return {"bytes": len(previous.render_docx(document))}
            return {"bytes": len(previous.render_html(document).encode("utf-8"))}

        return run

    return setup


def _setup_export(fmt: str) -> Callable[[Paths, Mapping[str, Any]], Timed]:
    def setup(paths: Paths, spec: Mapping[str, Any]) -> Timed:
        ropa = _require("graph.ropa", "export_ropa_bytes")
        record = _unpickle(paths.record_pickle)
        limit = getattr(importlib.import_module("graph.ropa.export"), "DOCX_MAX_ACTIVITIES", None)
        if fmt == "docx" and limit is not None and len(record.activities) > limit:
            raise NotMeasured(
                f"refused by design above {limit:,} activities (clear message, points to xlsx/html)"
            )

        def run() -> dict[str, Any]:
            data = ropa.export_ropa_bytes(record, fmt)
            return {"bytes": len(data)}

        return run

    return setup


PREVIOUS_NOTICE_REVISION = "b376ab8"
"""The commit before the notice's streamed Word writer: its python-docx renderer is read from it."""


def _setup_export_notice_docx(previous: bool) -> Callable[[Paths, Mapping[str, Any]], Timed]:
    """notice_bytes(notice, "docx") on the notice built (untimed) from the same record; with
    ``previous`` the python-docx renderer as it was, loaded from git (same-run ratio)."""

    def setup(paths: Paths, spec: Mapping[str, Any]) -> Timed:
        import importlib.util

        notice_api = _require("graph.notice", "build_notice")
        render: Any = importlib.import_module("graph.notice.render")
        if previous:
            try:
                text = subprocess.run(
                    ["git", "show", f"{PREVIOUS_NOTICE_REVISION}:graph/notice/render.py"],
                    cwd=ROOT, capture_output=True, text=True, check=True,
                ).stdout  # fmt: skip
            except (OSError, subprocess.CalledProcessError) as exc:
                missing = f"the previous renderer is not in this checkout ({exc})"
                raise NotMeasured(missing) from None
            module_file = paths.base / "previous_notice_render.py"
            module_file.write_text(text, encoding="utf-8")
            spec_ = importlib.util.spec_from_file_location("previous_notice_render", module_file)
            assert spec_ is not None and spec_.loader is not None
            render = importlib.util.module_from_spec(spec_)
            spec_.loader.exec_module(render)
        notice = notice_api.build_notice(_unpickle(paths.record_pickle))

        def run() -> dict[str, Any]:
            return {"bytes": len(render.notice_bytes(notice, "docx"))}

        return run

    return setup


def _grand_graph(graph: Any) -> Any:
    """The graph as grand-cypher wants it: labels and types as ``__labels__`` sets."""
    import networkx as nx

    copy = nx.MultiDiGraph()
    for key, data in graph.nodes(data=True):
        copy.add_node(key, __labels__={data["label"]}, **data)
    for source, target, rel, data in graph.edges(keys=True, data=True):
        copy.add_edge(source, target, key=rel, __labels__={data["type"]}, **data)
    return copy


def _adhoc(name: str) -> AdhocQuery:
    for query in ADHOC:
        if query.name == name:
            return query
    raise NotMeasured(f"no ad-hoc query {name}")


def _setup_grandcypher(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    gc = _require("grandcypher", "GrandCypher")
    query = _adhoc(str(spec["arg"]))
    graph = _grand_graph(_unpickle(paths.graph_pickle))

    def run() -> dict[str, Any]:
        result = gc.GrandCypher(graph).run(query.cypher)
        columns = list(result.values())
        return {"rows": len(columns[0]) if columns else 0}

    return run


def _setup_naive_load(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    """One parameterised CREATE per node and per relationship: how a hand-written loader goes."""
    import ladybug

    from graph.schema import NODE_SPECS, REL_SPECS
    from graph.stores import schema_ddl

    graph = _unpickle(paths.graph_pickle)
    cap = float(spec.get("cap_s") or STAGE_TIMEOUT_S)
    target = _scratch(paths, "naive")
    db = ladybug.Database(str(target))
    conn = ladybug.Connection(db)
    for statement in schema_ddl():
        conn.execute(statement)
    labels = dict(graph.nodes(data="label"))
    total = graph.number_of_nodes() + graph.number_of_edges()

    def props(data: Mapping[str, Any], allowed: Mapping[str, str]) -> dict[str, Any]:
        return {k: v for k, v in data.items() if k in allowed and v is not None}

    def run() -> dict[str, Any]:
        started = time.perf_counter()
        done = 0
        for _, data in graph.nodes(data=True):
            values = props(data, NODE_SPECS[data["label"]].properties)
            fields = ", ".join(f"{k}: ${k}" for k in values)
            conn.execute(f"CREATE (:{data['label']} {{{fields}}})", values)
            done += 1
            if done % 500 == 0 and time.perf_counter() - started > cap:
                return {"rows_done": done, "rows_total": total, "capped": True}
        for source, target_key, data in graph.edges(data=True):
            spec_rel = REL_SPECS[data["type"]]
            values = props(data, spec_rel.properties)
            fields = ", ".join(f"{k}: ${k}" for k in values)
            params = {**values, "__from": graph.nodes[source]["id"]}
            params["__to"] = graph.nodes[target_key]["id"]
            conn.execute(
                f"MATCH (a:{labels[source]} {{id: $__from}}), (b:{labels[target_key]} "
                f"{{id: $__to}}) CREATE (a)-[:{data['type']} {{{fields}}}]->(b)",
                params,
            )
            done += 1
            if done % 500 == 0 and time.perf_counter() - started > cap:
                return {"rows_done": done, "rows_total": total, "capped": True}
        return {"rows_done": done, "rows_total": total}

    return run


def _setup_explorer_fetch(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    """What the explorer does once per record: read the whole graph back from the store."""
    visual = _require("graph.visual", "graph_from_store")
    from graph.stores import EmbeddedStore

    store = EmbeddedStore(paths.store)
    store.query("MATCH (r:Record) RETURN r.id")

    def run() -> dict[str, Any]:
        graph = visual.graph_from_store(store)
        return {"nodes": graph.number_of_nodes(), "relationships": graph.number_of_edges()}

    return run


def _setup_explorer_view(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    """What the explorer does on every rerun: pick the default view and draw it (pyvis HTML)."""
    visual = _require("graph.visual", "ViewFilter", "view")
    graph_html = _require("dashboard.graph_html", "render_html")
    graph = _unpickle(paths.graph_pickle)

    def run() -> dict[str, Any]:
        shown = visual.view(graph, visual.ViewFilter())
        page = graph_html.render_html(shown.visual)
        return {
            "matched": shown.matched,
            "aggregated": shown.aggregated,
            "drawn_nodes": len(shown.visual["nodes"]),
            "drawn_edges": len(shown.visual["edges"]),
            "html_bytes": len(page.encode("utf-8")),
        }

    return run


def _setup_explorer_overview(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    """The explorer's first (aggregated) drawing from count() queries, then pyvis HTML."""
    aggregates = _require("graph.visual.aggregates", "default_overview")
    graph_html = _require("dashboard.graph_html", "render_html")
    from graph.stores import EmbeddedStore

    store = EmbeddedStore(paths.store)
    store.query("MATCH (r:Record) RETURN r.id")

    def run() -> dict[str, Any]:
        shown = aggregates.default_overview(store)
        if shown is None:
            return {"aggregated": False, "note": "small record: drawn node by node instead"}
        page = graph_html.render_html(shown.visual)
        return {
            "matched": shown.matched,
            "drawn_nodes": len(shown.visual["nodes"]),
            "html_bytes": len(page.encode("utf-8")),
        }

    return run


def _setup_overview_counts(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    """The Overview page's figures without its full transfers table (dashboard/data.py
    transfer_totals): what the page costs once it uses the count helpers, findings aside."""
    queries = _require("graph.queries", "TRANSFER_TOTALS", "get_query")
    from graph.stores import EmbeddedStore, label_counts

    store = EmbeddedStore(paths.store)
    store.query("MATCH (r:Record) RETURN r.id")

    def run() -> dict[str, Any]:
        counts = label_counts(store)
        [[flows, countries]] = store.query(queries.TRANSFER_TOTALS).rows
        bases = store.query(queries.get_query("basis-summary").cypher).rows
        return {"activities": counts.get("Activity"), "flows": flows, "bases": len(bases),
                "countries": len(countries or [])}  # fmt: skip

    return run


DASHBOARD_APP = ROOT / "dashboard" / "streamlit_app.py"
DASHBOARD_PAGES = {"overview": "app_pages/overview.py", "explorer": "app_pages/explorer.py"}
DASHBOARD_PAGES.update({page: f"app_pages/{page}.py" for page in MORE_PAGES})


_KEEP_FINDINGS = """
import datetime, sys
sys.path.insert(0, sys.argv[1])
from dashboard import findings_cache
from dashboard.findings_view import summary
from graph.findings import run_findings
from graph.stores import EmbeddedStore

store_path, day = sys.argv[2], datetime.date.today()
with EmbeddedStore(store_path) as store:
    [[digest]] = store.query("MATCH (r:Record) RETURN r.contentHash").rows
    key = findings_cache.entry_key(str(digest), day, findings_cache.rules_version())
    report = run_findings(store, as_of=day)
folder = findings_cache.folder_of(store_path)
findings_cache.write(folder, key, report)
findings_cache.write_summary(folder, key, summary(report, 5))
"""
"""Keeps the findings of today as a previous dashboard process (showing the Overview) leaves
them — in a process of its own, so the timed one has not imported or warmed anything more."""


def _keep_findings(paths: Paths, keep: bool) -> None:
    """Delete the findings kept beside the store (a cold first render), or compute and keep
    them for today (as a previous dashboard process would have), outside the timing."""
    import shutil

    try:
        from dashboard import findings_cache
    except ImportError:  # the dashboard before findings were kept on disk
        return
    shutil.rmtree(findings_cache.folder_of(paths.store), ignore_errors=True)
    if keep:
        subprocess.run(
            [sys.executable, "-c", _KEEP_FINDINGS, str(ROOT), str(paths.store)],
            check=True,
            capture_output=True,
            timeout=STAGE_TIMEOUT_S,
        )


def _setup_dashboard(
    page: str, kept_findings: bool = False
) -> Callable[[Paths, Mapping[str, Any]], Timed]:
    """A fresh Streamlit session opening ``page`` first: caches empty, as for a new visitor."""

    def setup(paths: Paths, spec: Mapping[str, Any]) -> Timed:
        _keep_findings(paths, kept_findings)
        if not DASHBOARD_APP.exists():
            raise NotMeasured(f"{DASHBOARD_APP.relative_to(ROOT)} does not exist yet")
        page_file = DASHBOARD_APP.parent / DASHBOARD_PAGES[page]
        if not page_file.exists():
            raise NotMeasured(f"{page_file.relative_to(ROOT)} does not exist yet")
        testing = _require("streamlit.testing.v1", "AppTest")
        # docs/dashboard.md: the app reads its store and record from these variables.
        os.environ["ROPAGRAPH_STORE"] = "embedded"
        os.environ["ROPAGRAPH_DB"] = str(paths.store)
        os.environ["ROPAGRAPH_RECORD"] = str(paths.record)
        timeout = float(spec.get("cap_s") or STAGE_TIMEOUT_S)
        app = testing.AppTest.from_file(str(DASHBOARD_APP), default_timeout=timeout)
        if page != "overview":
            app.switch_page(DASHBOARD_PAGES[page])
        _LAST_APP[0] = app

        def run() -> dict[str, Any]:
            app.run()
            if app.exception:
                messages = "; ".join(str(e.message)[:200] for e in app.exception)
                raise RuntimeError(f"the page raised: {messages}")
            errors = [str(e.value)[:200] for e in app.error]
            return {"elements": len(list(app.main)), "errors_shown": errors[:3]}

        return run

    return setup


_FIRST_CHOICE = {
    "breach": ("breach_element_system", "MATCH (y:System) RETURN y.id ORDER BY y.id LIMIT 1"),
    "where": ("where_subject", "MATCH (s:DataSubject) RETURN s.id ORDER BY s.id LIMIT 1"),
    "recipients": ("recipients_category", None),
}


def _first_choice(page: str, paths: Paths) -> str | None:
    """The first option of the page's picker (read outside the timing)."""
    if page not in _FIRST_CHOICE:
        return None
    from graph.queries import get_query
    from graph.stores import EmbeddedStore

    cypher = _FIRST_CHOICE[page][1] or get_query("data-categories").cypher
    with EmbeddedStore(paths.store) as store:
        return str(store.query(cypher).rows[0][0])


def _choose(app: Any, page: str, first: str | None) -> None:
    """What a person does on ``page`` after its first render (CHOSEN_PAGES): the first option,
    set by value (AppTest's select_index does not undo a format_func)."""
    if page in _FIRST_CHOICE:
        app.selectbox(key=_FIRST_CHOICE[page][0]).set_value(first)
    elif page == "notice":
        app.button(key="notice_generate").click()


def _setup_dashboard_chosen(page: str) -> Callable[[Paths, Mapping[str, Any]], Timed]:
    """The page's first render outside the timing, then the person's pick (:func:`_choose`)."""
    first = _setup_dashboard(page)

    def setup(paths: Paths, spec: Mapping[str, Any]) -> Timed:
        choice = _first_choice(page, paths)
        render = first(paths, spec)
        render()
        app = _LAST_APP[0]

        def run() -> dict[str, Any]:
            _choose(app, page, choice)
            app.run()
            if app.exception:
                messages = "; ".join(str(e.message)[:200] for e in app.exception)
                raise RuntimeError(f"the page raised: {messages}")
            return {
                "elements": len(list(app.main)),
                "errors_shown": [str(e.value)[:200] for e in app.error][:3],
            }

        return run

    return setup


_LAST_APP: list[Any] = [None]
"""The AppTest the last dashboard setup made (so a 'chosen' stage can act on it)."""


SETUPS: dict[str, Callable[[Paths, Mapping[str, Any]], Timed]] = {
    "parse": _setup_parse,
    "validate": _setup_validate,
    "build": _setup_build,
    "store_load": _setup_store_load,
    "parse_fast": _setup_parse_fast,
    "build_tables": _setup_build_tables,
    "store_copy": _setup_store_copy,
    "pipeline": _setup_pipeline,
    "pipeline_previous": _setup_pipeline_previous,
    "reload_one_file": _setup_reload_one_file,
    "reload_one_file_previous": _setup_reload_one_file_previous,
    "pipeline_whole_record": _setup_pipeline_whole_record,
    "findings": _setup_findings,
    "neo4j_push": _setup_neo4j_push(again=False),
    "neo4j_resync": _setup_neo4j_push(again=True),
    "neo4j_findings": _setup_neo4j_findings,
    "export_xlsx": _setup_export("xlsx"),
    "export_xlsx_previous": _setup_export_previous,
    "export_docx": _setup_export("docx"),
    "export_docx_previous": _setup_export_previous_document("docx"),
    "export_html": _setup_export("html"),
    "export_html_previous": _setup_export_previous_document("html"),
    "export_notice_docx": _setup_export_notice_docx(previous=False),
    "export_notice_docx_previous": _setup_export_notice_docx(previous=True),
    "explorer_overview": _setup_explorer_overview,
    "overview_counts": _setup_overview_counts,
    "dashboard_overview": _setup_dashboard("overview"),
    "dashboard_explorer": _setup_dashboard("explorer"),
    **{f"dashboard_{page}": _setup_dashboard(page) for page in MORE_PAGES},
    **{f"dashboard_kept_{page}": _setup_dashboard(page, True) for page in KEPT_FINDINGS_PAGES},
    **{f"dashboard_chosen_{page}": _setup_dashboard_chosen(page) for page in CHOSEN_PAGES},
    "explorer_fetch": _setup_explorer_fetch,
    "explorer_view": _setup_explorer_view,
    "adhoc_grandcypher": _setup_grandcypher,
    "naive_load": _setup_naive_load,
    "yaml_c": _setup_yaml("CSafeLoader"),
    "yaml_python": _setup_yaml("SafeLoader"),
}


# ---------------------------------------------------------------- questions (issue 17)
# Breach impact and where-is-it, timed as `ropagraph impact` / `locate` run them on a loaded
# store (the findings they show beside the answer are the "findings" stage's figure).


def question_stages() -> list[Stage]:
    return [
        Stage(
            f"impact:{kind}",
            "questions",
            f"breach impact from the busiest {kind}",
            "a few catalog queries (scope, subjects, recipients, sub-processors, systems)",
        )
        for kind in ("recipient", "system", "category")
    ] + [
        Stage(
            "locate",
            "questions",
            "where is it? for the busiest data subject",
            "a few catalog queries (activities, bases, retention, systems, recipients)",
        )
    ]


def _question_params(graph: Any) -> dict[str, Any]:
    """The busiest system and subject, and lists for the catalog queries that take them: the
    busiest recipient, and the first 100 (by id) of the activities disclosing to it — capped so
    results.json stays small; the impact stages use the whole scope."""
    counts: dict[str, dict[str, int]] = {"USES": {}, "CONCERNS": {}, "DISCLOSES_TO": {}}
    for _, target, rel in graph.edges(data="type"):
        if rel in counts:
            node_id = graph.nodes[target]["id"]
            counts[rel][node_id] = counts[rel].get(node_id, 0) + 1
    busiest = {rel: max(sorted(c), key=lambda k: c[k]) for rel, c in counts.items() if c}
    recipient = busiest.get("DISCLOSES_TO")
    activities = sorted(
        graph.nodes[source]["id"]
        for source, target, rel in graph.edges(data="type")
        if rel == "DISCLOSES_TO" and graph.nodes[target]["id"] == recipient
    )
    return {
        "system": busiest.get("USES", "none"),
        "subject": busiest.get("CONCERNS", "none"),
        "activities": activities[:100],
        "recipients": [recipient] if recipient else [],
    }


def _setup_question(paths: Paths, spec: Mapping[str, Any]) -> Timed:
    questions = _require("graph.questions", "Breached", "breach_impact", "locate_subject")
    from graph.stores import EmbeddedStore

    params = json.loads(paths.meta.read_text())["params"]
    store = EmbeddedStore(paths.store)
    store.query("MATCH (r:Record) RETURN r.id")  # open the database outside the timing
    kind = str(spec.get("arg") or "")

    def run() -> dict[str, Any]:
        if str(spec["stage"]) == "locate":
            where = questions.locate_subject(store, params["subject"])
            return {
                "subject": params["subject"],
                "activities": len(where.activities),
                "systems": len(where.systems),
                "recipients": len(where.recipients),
            }
        element = params[kind]
        answer = questions.breach_impact(store, questions.Breached(kind), element)
        return {
            kind: element,
            "activities": len(answer.activities),
            "subjects": len(answer.subjects),
            "destinations": len(answer.destinations),
            "duties": len(answer.duties),
        }

    return run


SETUPS.update({"impact": _setup_question, "locate": _setup_question})
SETUPS.update({"findings_previous": _setup_findings_previous})


def _query_worker(paths: Paths, spec: Mapping[str, Any]) -> dict[str, Any]:
    """Open the store, run the query once cold, then WARM_REPEATS times warm."""
    from graph.stores import EmbeddedStore

    kind, _, name = str(spec["stage"]).partition(":")
    extra: list[str] = []  # query_page: the count runs after the page, timed together
    if kind in ("query", "query_page", "neo4j_query"):
        from graph.queries import CATALOG, count_cypher, page_cypher

        query = CATALOG[name]
        meta = json.loads(paths.meta.read_text())
        params = {p: meta["params"][p] for p in query.params}
        cypher = query.cypher
        if kind == "query_page":
            cypher, extra = page_cypher(query), [count_cypher(query)]
    else:
        cypher, params = _adhoc(name).cypher, {}
    store: Any
    if kind == "neo4j_query":
        store = _neo4j_store()
        _neo4j_holding(store, _unpickle(paths.graph_pickle))
    else:
        store = EmbeddedStore(paths.store)
    rss_setup = _rss_mb()
    started = time.perf_counter()
    result = store.query(cypher, params)
    for other in extra:
        store.query(other, params)
    cold = time.perf_counter() - started
    warm, warm_cpu = [], []
    for _ in range(WARM_REPEATS):
        cpu = _cpu_s()
        started = time.perf_counter()
        store.query(cypher, params)
        for other in extra:
            store.query(other, params)
        warm.append(time.perf_counter() - started)
        warm_cpu.append(_cpu_s() - cpu)
    store.close()
    return {
        "seconds": statistics.median(warm),
        "cold_s": cold,
        "warm_s": warm,
        "setup_rss_mb": rss_setup,
        # CPU (all threads) of the warm runs, median: the work itself on a loaded machine.
        "extra": {
            "rows": len(result.rows),
            "params": params,
            "cpu_s": round(statistics.median(warm_cpu), 4),
        },
    }


def _rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux: the high-water mark of this process, setup included.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Run one measurement described by ``spec`` and return its result (never raises)."""
    paths = Paths(Path(spec["base"]))
    stage = str(spec["stage"])
    kind = stage.split(":", 1)[0]
    try:
        if kind in ("query_previous", "query_page_previous"):
            _use_previous_tree(paths)
            result = _query_worker(paths, {**spec, "stage": stage.replace("_previous:", ":")})
        elif kind in ("query", "query_page", "adhoc_embedded", "neo4j_query"):
            result = _query_worker(paths, spec)
        elif kind == "prepare":
            result = _prepare(paths, spec)
        elif kind == "generate":
            result = _generate(paths, spec)
        else:
            setup = SETUPS.get(kind)
            if setup is None:
                raise NotMeasured(f"no stage named {stage}")
            timed = setup(paths, {**spec, "arg": stage.partition(":")[2]})
            rss_setup = _rss_mb()
            cpu = _cpu_s()
            started = time.perf_counter()
            extra = timed()
            seconds = time.perf_counter() - started
            details = dict(extra or {})
            # CPU seconds (all threads) beside wall time: on a shared, loaded machine the wall
            # figure includes waiting for a core; CPU time shows the work itself.
            details["cpu_s"] = round(_cpu_s() - cpu, 3)
            result = {"seconds": seconds, "setup_rss_mb": rss_setup, "extra": details}
        result["status"] = "capped" if result.get("extra", {}).get("capped") else "ok"
    except NotMeasured as exc:
        result = {"status": "not measured", "reason": str(exc)}
    except Exception as exc:  # reported, not hidden: the table shows the failure
        result = {"status": "failed", "reason": f"{type(exc).__name__}: {exc}"[:500]}
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


def _generate(paths: Paths, spec: Mapping[str, Any]) -> dict[str, Any]:
    from graph.synthetic import generate_record, write_generated

    started = time.perf_counter()
    data = generate_record(int(spec["size"]), int(spec["seed"]))
    files = write_generated(data, paths.record)
    seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for f in files)
    return {"seconds": seconds, "extra": {"files": len(files), "bytes": size}}


def _prepare(paths: Paths, spec: Mapping[str, Any]) -> dict[str, Any]:
    """Pickles and a loaded store for the stages to start from; params for catalog queries."""
    from graph.build import build_graph
    from graph.stores import EmbeddedStore
    from loaders import content_hash, load_record
    from loaders.yaml_record import _parse, record_files

    files = record_files(paths.record)
    _pickle(paths.parsed, [_parse(f) for f in files])
    record = load_record(paths.record)
    _pickle(paths.record_pickle, record)
    digest = content_hash(paths.record)
    graph = build_graph(record, digest)
    _pickle(paths.graph_pickle, graph)
    EmbeddedStore(paths.store).load(graph)
    meta = {
        "size": spec["size"],
        "seed": spec["seed"],
        "generator": spec["generator"],
        "content_hash": digest,
        "files": len(files),
        "bytes": sum(f.stat().st_size for f in files),
        "nodes": graph.number_of_nodes(),
        "relationships": graph.number_of_edges(),
        "params": {**_sensible_params(graph), **_question_params(graph)},
    }
    paths.meta.write_text(json.dumps(meta, indent=2))
    return {"seconds": 0.0, "extra": meta}


def _sensible_params(graph: Any) -> dict[str, str]:
    """Parameters for catalog queries: the busiest recipient and category (the worst case)."""
    recipients: dict[str, int] = {}
    categories: dict[str, int] = {}
    for _, target, rel in graph.edges(data="type"):
        node_id = graph.nodes[target]["id"]
        if rel == "DISCLOSES_TO":
            recipients[node_id] = recipients.get(node_id, 0) + 1
        elif rel == "PROCESSES":
            categories[node_id] = categories.get(node_id, 0) + 1
    busiest_category = max(sorted(categories), key=lambda k: categories[k])
    return {
        "recipient": max(sorted(recipients), key=lambda k: recipients[k]),
        "category": busiest_category,
    }


# ============================================================================ the parent side


@dataclass
class StageResult:
    status: str = "ok"
    reason: str | None = None
    runs_s: list[float] = field(default_factory=list)
    cold_s: list[float] = field(default_factory=list)
    cap_s: float | None = None
    peak_rss_mb: float | None = None
    setup_rss_mb: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median_s(self) -> float | None:
        return statistics.median(self.runs_s) if self.runs_s and self.status == "ok" else None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status}
        if self.reason:
            out["reason"] = self.reason
        if self.runs_s:
            out["median_s"] = _round(self.median_s)
            out["runs_s"] = [_round(s) for s in self.runs_s]
            out["runs"] = len(self.runs_s)
        if self.cold_s:
            out["cold_median_s"] = _round(statistics.median(self.cold_s))
            out["cold_runs_s"] = [_round(s) for s in self.cold_s]
        if self.cap_s is not None and self.status == "capped":
            out["cap_s"] = self.cap_s
        if self.peak_rss_mb is not None:
            out["peak_rss_mb"] = round(self.peak_rss_mb, 1)
        if self.setup_rss_mb is not None:
            out["setup_rss_mb"] = round(self.setup_rss_mb, 1)
        if self.extra:
            out["extra"] = self.extra
        return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 5)


def spawn(spec: Mapping[str, Any], timeout: float) -> dict[str, Any]:
    """Run one worker in a fresh interpreter; a timeout kills it and says so."""
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as handle:
        result_path = Path(handle.name)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)]
    env = {**os.environ, "PYTHONHASHSEED": "0", "BENCH_RESULT": str(result_path)}
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        result_path.unlink(missing_ok=True)
        return {"status": "capped", "reason": f"> {timeout:g} s", "seconds": None}
    try:
        result: dict[str, Any] = json.loads(result_path.read_text() or "{}")
    except (OSError, json.JSONDecodeError):
        result = {}
    finally:
        result_path.unlink(missing_ok=True)
    if not result:
        tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-3:]
        return {
            "status": "failed",
            "reason": f"exit {proc.returncode} after {time.perf_counter() - started:.0f} s: "
            + " | ".join(tail),
        }
    return result


@dataclass
class Settings:
    sizes: list[int]
    runs: int
    seed: int
    work: Path
    stages: list[Stage]
    only: set[str] | None
    out: Path
    readme: Path | None


PREPARED_FROM = (
    "graph/synthetic",
    "graph/model",
    "graph/schema.py",
    "graph/build.py",
    "graph/stores/embedded.py",
    "loaders/yaml_record.py",
)
"""The code whose output is cached per size (record, pickles, store): a change re-prepares."""


def _prepared_digest() -> str:
    digest = hashlib.sha256()
    for name in PREPARED_FROM:
        path = ROOT / name
        files = sorted(path.glob("*.py")) if path.is_dir() else [path]
        for file in files:
            content = file.read_bytes() if file.exists() else b""
            digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + content)
    return digest.hexdigest()[:16]


def prepare_size(settings: Settings, size: int, say: Callable[[str], None]) -> dict[str, Any]:
    """Generate (unless cached) and prepare one size; returns its record facts."""
    paths = Paths(settings.work / f"size-{size}-seed-{settings.seed}")
    paths.base.mkdir(parents=True, exist_ok=True)
    generator = _prepared_digest()
    base_spec = {"base": str(paths.base), "size": size, "seed": settings.seed}
    meta: dict[str, Any] = {}
    if paths.meta.exists():
        meta = json.loads(paths.meta.read_text())
    if meta.get("generator") == generator and paths.store.exists():
        say(f"  reusing the prepared {size}-activity record in {paths.base}")
        return meta
    say(f"  generating {size} activities (seed {settings.seed}) ...")
    generated = spawn({**base_spec, "stage": "generate"}, STAGE_TIMEOUT_S)
    if generated.get("status") != "ok":
        raise SystemExit(f"generation failed: {generated.get('reason')}")
    say("  preparing pickles and the shared store ...")
    prepared = spawn({**base_spec, "stage": "prepare", "generator": generator}, STAGE_TIMEOUT_S)
    if prepared.get("status") != "ok":
        raise SystemExit(f"preparation failed: {prepared.get('reason')}")
    meta = json.loads(paths.meta.read_text())
    meta["generate"] = {
        "seconds": round(float(generated["seconds"]), 3),
        "peak_rss_mb": round(float(generated["peak_rss_mb"]), 1),
    }
    paths.meta.write_text(json.dumps(meta, indent=2))
    return meta


def measure(settings: Settings, size: int, stage: Stage, say: Callable[[str], None]) -> StageResult:
    """Median of ``settings.runs`` fresh-process runs of ``stage`` at ``size``."""
    if stage.max_size is not None and size > stage.max_size:
        return StageResult(
            status="not measured",
            reason=f"only run up to {stage.max_size} activities (--compare-max)",
        )
    paths = Paths(settings.work / f"size-{size}-seed-{settings.seed}")
    result = StageResult()
    timeout = (stage.cap_s + 60.0) if stage.cap_s else STAGE_TIMEOUT_S
    for _ in range(settings.runs):
        spec = {"base": str(paths.base), "stage": stage.name, "size": size, "cap_s": stage.cap_s}
        outcome = spawn(spec, timeout)
        status = str(outcome.get("status", "failed"))
        seconds = outcome.get("seconds")
        if status == "ok" and stage.cap_s and seconds is not None and seconds > stage.cap_s:
            status = "capped"
        if status != "ok":
            result.status = status
            result.reason = outcome.get("reason")
            if status == "capped":
                result.cap_s = stage.cap_s
                extra = outcome.get("extra") or {}
                done = (
                    f" ({extra['rows_done']:,} of {extra['rows_total']:,} rows done)"
                    if "rows_done" in extra
                    else ""
                )
                result.reason = f"> {stage.cap_s:g} s{done}"
            result.extra = dict(outcome.get("extra") or {})
            result.peak_rss_mb = outcome.get("peak_rss_mb")
            break
        result.runs_s.append(float(seconds or 0.0))
        if "cold_s" in outcome:
            result.cold_s.append(float(outcome["cold_s"]))
        peak = float(outcome.get("peak_rss_mb") or 0.0)
        result.peak_rss_mb = max(result.peak_rss_mb or 0.0, peak)
        setup = outcome.get("setup_rss_mb")
        if setup is not None:
            result.setup_rss_mb = max(result.setup_rss_mb or 0.0, float(setup))
        result.extra = dict(outcome.get("extra") or {})
    # Per-run scratch stores are made inside the size folder by the workers: drop them.
    for scratch in paths.base.iterdir():
        if scratch.is_dir() and scratch.name.split("-", 1)[0] in SCRATCH_PREFIXES:
            shutil.rmtree(scratch, ignore_errors=True)
    say(f"    {stage.title:<48} {_cell(result)}")
    return result


def _cell(result: StageResult | Mapping[str, Any] | None) -> str:
    if result is None:
        return "—"
    data = result.as_json() if isinstance(result, StageResult) else dict(result)
    status = data.get("status")
    if status == "capped":
        return _short(str(data.get("reason") or "> cap"))
    if status == "not measured" and str(data.get("reason", "")).startswith("only run up to"):
        return "— (smaller sizes only)"
    if status != "ok":
        return _short(f"{status}: {data.get('reason', '')}")
    median = data.get("median_s")
    text = _seconds(median)
    cpu = (data.get("extra") or {}).get("cpu_s")
    if cpu is not None and median is not None and median >= 0.05:
        text += f" (CPU {_seconds(cpu)})"
    rss = data.get("peak_rss_mb")
    if rss is not None:
        text += f" · {rss:,.0f} MB"
    return text


def _short(text: str, limit: int = 60) -> str:
    """Table cells stay one line; results.json keeps the whole reason."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


# ============================================================================ machine, targets


def machine() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    import psutil

    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions: dict[str, str | None] = {}
    for package in (
        "ladybug", "networkx", "pydantic", "pydantic-core", "grand-cypher", "streamlit",
        "pyyaml", "pyarrow", "openpyxl", "python-docx", "pyvis",
    ):  # fmt: skip
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    import yaml

    return {
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
        "versions": versions,
    }


@dataclass(frozen=True)
class Target:
    name: str
    limit: float
    unit: str


def evaluate_targets(sizes: Mapping[int, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each target from the brief, with the figure reached and whether it is met."""

    def stage(size: int, name: str) -> dict[str, Any] | None:
        data = sizes.get(size, {}).get("stages", {}).get(name)
        return dict(data) if data else None

    out: list[dict[str, Any]] = []

    def add(target: str, figure: float | None, limit: float, unit: str, note: str = "") -> None:
        met = None if figure is None else figure <= limit
        entry = {
            "target": target,
            "figure": None if figure is None else round(figure, 4),
            "limit": limit,
            "unit": unit,
            "met": met,
            "note": note or ("not run at this size" if figure is None else ""),
        }
        cpu = re.match(r"CPU ([0-9.]+) s", note)
        if cpu:  # what the work itself took: the figure on a machine with a free core
            entry["cpu_s"] = float(cpu.group(1))
            entry["met_on_cpu"] = float(cpu.group(1)) <= limit
        out.append(entry)

    def figure(size: int, name: str, key: str = "median_s") -> tuple[float | None, str]:
        data = stage(size, name) or {}
        value = data.get(key)
        note = str(data.get("reason", ""))
        cpu = (data.get("extra") or {}).get("cpu_s")
        if key == "median_s" and value is not None and cpu is not None:
            note = f"CPU {cpu:g} s of it"  # wall time on a shared machine includes waiting
        return (None if value is None else float(value)), note

    load_s, note = figure(100000, "pipeline")
    add(
        "100k: `ropagraph load` end to end (parse, validate, tables, COPY)", load_s, 15.0, "s", note
    )
    load_mb, note = figure(100000, "pipeline", "peak_rss_mb")
    add("100k: peak RSS of `ropagraph load`", load_mb, 2048.0, "MB", note)
    reload_s, note = figure(100000, "reload_one_file")
    add("100k: reload after one file changed", reload_s, 5.0, "s", note)
    at_100k = sizes.get(100000, {}).get("stages", {})
    for prefix, limit, what in (
        ("query_page:", 0.1, "first page + exact count"),
        ("query:", 1.0, "full result"),
    ):
        found = {n: d for n, d in at_100k.items() if n.startswith(prefix)}
        slowest = max((d["median_s"] for d in found.values() if d.get("median_s")), default=None)
        over = [n.split(":", 1)[1] for n, d in found.items() if (d.get("median_s") or 0) > limit]
        add(f"100k: every catalog query, {what} (warm)", slowest, limit, "s",
            ("over: " + ", ".join(over)) if over else "")  # fmt: skip
    ratios = [
        r for r in sizes.get(10000, {}).get("ratios", [])
        if r["name"].startswith("ad-hoc") and r.get("ratio") is not None
    ]  # fmt: skip
    lowest = min((r["ratio"] for r in ratios), default=None)
    out.append(
        {
            "target": "10k: ad-hoc Cypher, embedded vs grand-cypher (slowest ratio)",
            "figure": None if lowest is None else round(lowest, 1),
            "limit": 50.0,
            "unit": "x faster",
            "met": None if lowest is None else lowest >= 50.0,
            "note": "" if lowest is not None else "not run at this size",
        }
    )
    for page in (
        "dashboard_overview",
        "dashboard_explorer",
        *(f"dashboard_{p}" for p in MORE_PAGES),
    ):
        value, note = figure(100000, page)
        add(f"100k: {page.replace('_', ' ')} first render", value, 2.0, "s", note)
    value, note = figure(100000, "overview_counts")
    add("100k: Overview headline figures from count() queries", value, 2.0, "s", note)
    value, note = figure(100000, "explorer_overview")
    add("100k: explorer first drawing from count() queries (data + HTML)", value, 2.0, "s", note)
    for fmt, limit in (("xlsx", 5.0), ("docx", 10.0), ("html", 5.0)):
        value, note = figure(10000, f"export_{fmt}")
        add(f"10k: ROPA {fmt} export", value, limit, "s", note)
    value, note = figure(100000, "export_xlsx")
    add("100k: ROPA xlsx export", value, 60.0, "s", note)
    value, note = figure(100000, "export_xlsx", "peak_rss_mb")
    add("100k: ROPA xlsx export peak RSS", value, 2048.0, "MB", note)
    docx = stage(100000, "export_docx") or {}
    refused = "refused" in str(docx.get("reason", ""))
    out.append(
        {
            "target": "100k: ROPA docx finishes, or is refused with a pointer to xlsx/html",
            "figure": docx.get("median_s"),
            "limit": STAGE_TIMEOUT_S,
            "unit": "s",
            "met": True if refused or docx.get("status") == "ok" else (None if not docx else False),
            "note": "refused up front (DOCX_MAX_ACTIVITIES)" if refused else docx.get("reason", ""),
        }
    )
    value, note = figure(100000, "findings")
    add("100k: findings (all rules)", value, 2.0, "s", note)
    return out


def ratios_for(stages: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Alternative / ours, per pair, when both were measured."""
    out = []
    for name, slow, fast in RATIOS:
        a, b = _stage_or_sum(stages, slow), _stage_or_sum(stages, fast)
        entry: dict[str, Any] = {"name": name, "slow": slow, "fast": fast, "ratio": None}
        if a and b and b.get("median_s"):
            if a.get("status") == "ok" and a.get("median_s") is not None:
                entry["ratio"] = round(a["median_s"] / b["median_s"], 1)
                cpu_a = (a.get("extra") or {}).get("cpu_s")
                cpu_b = (b.get("extra") or {}).get("cpu_s")
                if cpu_a and cpu_b:  # less noisy than wall time on a loaded machine
                    entry["cpu_ratio"] = round(cpu_a / cpu_b, 1)
            elif a.get("status") == "capped":
                entry["ratio_at_least"] = round(_cap_of(a) / b["median_s"], 1)
                entry["note"] = f"alternative {a.get('reason', 'capped')}"
            if "rows" in a.get("extra", {}) and "rows" in b.get("extra", {}):
                entry["rows_match"] = a["extra"]["rows"] == b["extra"]["rows"]
        out.append(entry)
    return out


def _stage_or_sum(stages: Mapping[str, Mapping[str, Any]], name: str) -> Mapping[str, Any] | None:
    """A stage, or the sum of the stages in :data:`SUMS` when all of them ran."""
    if name not in SUMS:
        return stages.get(name)
    parts = [stages.get(part) for part in SUMS[name]]
    if not all(p and p.get("status") == "ok" and p.get("median_s") for p in parts):
        return None
    total = sum(float(p["median_s"]) for p in parts if p)
    cpus = [(p.get("extra") or {}).get("cpu_s") for p in parts if p]
    extra = {"cpu_s": sum(float(c or 0) for c in cpus)} if all(c is not None for c in cpus) else {}
    return {"status": "ok", "median_s": total, "extra": extra}


def _cap_of(data: Mapping[str, Any]) -> float:
    """The cap a stage ran into: recorded beside it, else the first number of its reason."""
    if data.get("cap_s"):
        return float(data["cap_s"])
    match = re.search(r"\d+(?:\.\d+)?", str(data.get("reason", "")))
    return float(match.group()) if match else 0.0


# ============================================================================ reporting


def render_table(results: Mapping[str, Any]) -> Any:
    from rich.table import Table

    sizes = list(results["sizes"])
    table = Table(title="ropagraph benchmark (median of runs · peak RSS)")
    table.add_column("stage", no_wrap=True)
    for size in sizes:
        table.add_column(f"{int(size):,} activities", justify="right")
    names: list[str] = []
    for size in sizes:
        for name in results["sizes"][size]["stages"]:
            if name not in names:
                names.append(name)
    for name in names:
        table.add_row(name, *(_cell(results["sizes"][s]["stages"].get(name)) for s in sizes))
    return table


def markdown(results: Mapping[str, Any]) -> str:
    """The results as Markdown tables (for benchmarks/README.md)."""
    sizes = list(results["sizes"])
    lines = []
    m = results["machine"]
    load = results["load_average"]
    lines.append(
        f"Run {results['finished_at']} on {m['cpu']} ({m['logical_cores']} cores, "
        f"{m['ram_gb']} GB RAM), Python {m['python']}, ladybug {m['versions'].get('ladybug')}, "
        f"load average at start {load['start'][0]:.2f} / end {load['end'][0]:.2f}; "
        f"median of {results['settings']['runs']} runs, each in a fresh process."
    )
    lines.append("")
    header = "| stage | " + " | ".join(f"{int(s):,} activities" for s in sizes) + " |"
    lines += [header, "|---" * (len(sizes) + 1) + "|"]
    rec = "| record: nodes / relationships / YAML MB | " + " | ".join(
        f"{results['sizes'][s]['record']['nodes']:,} / "
        f"{results['sizes'][s]['record']['relationships']:,} / "
        f"{results['sizes'][s]['record']['bytes'] / 1e6:.1f}"
        for s in sizes
    )
    lines.append(rec + " |")
    names: list[str] = []
    for size in sizes:
        for name in results["sizes"][size]["stages"]:
            if name not in names:
                names.append(name)
    for name in names:
        cells = [_cell(results["sizes"][s]["stages"].get(name)) for s in sizes]
        lines.append(f"| {name} | " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    lines += ["", "Ratios (alternative ÷ ropagraph, same record, same run):", ""]
    lines += ["| comparison | " + " | ".join(f"{int(s):,}" for s in sizes) + " |"]
    lines += ["|---" * (len(sizes) + 1) + "|"]
    for name, _, _ in RATIOS:
        cells = []
        for size in sizes:
            entry = next(
                (r for r in results["sizes"][size].get("ratios", []) if r["name"] == name), None
            )
            cells.append(_ratio_text(entry))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Targets: (met: on the wall-clock figure of this run; met on CPU: on the CPU seconds",
        "of the same run, i.e. as if the stage had a core to itself)",
        "",
        "| target | reached | limit | met | met on CPU |",
        "|---|---|---|---|---|",
    ]
    for t in results["targets"]:
        figure = "—" if t["figure"] is None else f"{t['figure']:g} {t['unit']}"
        met = {True: "yes", False: "**no**", None: "not run"}[t["met"]]
        on_cpu = {True: "yes", False: "**no**", None: "—"}[t.get("met_on_cpu")]
        note = f" ({t['note']})" if t.get("note") else ""
        lines.append(
            f"| {t['target']} | {figure}{note} | {t['limit']:g} {t['unit']} | {met} | {on_cpu} |"
        )
    return "\n".join(lines) + "\n"


def _ratio_text(entry: Mapping[str, Any] | None) -> str:
    if entry is None:
        return "—"
    if entry.get("ratio") is not None:
        text = f"{entry['ratio']:,.1f}×"
        if entry.get("cpu_ratio") is not None:
            text += f" (CPU {entry['cpu_ratio']:,.1f}×)"
    elif entry.get("ratio_at_least") is not None:
        text = f"> {entry['ratio_at_least']:,.0f}×"
    else:
        return "not measured"
    if entry.get("rows_match") is False:
        text += " (row counts differ)"
    return text


README_START = "<!-- results:start -->"
README_END = "<!-- results:end -->"


def update_readme(readme: Path, results: Mapping[str, Any]) -> None:
    """Replace the table between the README's markers with the latest results."""
    from graph.atomic import atomic_write_text

    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    block = f"{README_START}\n{markdown(results)}{README_END}"
    if README_START in text and README_END in text:
        head, rest = text.split(README_START, 1)
        tail = rest.split(README_END, 1)[1]
        text = head + block + tail
    else:
        text = text + ("\n" if text and not text.endswith("\n") else "") + block + "\n"
    atomic_write_text(readme, text)


# ============================================================================ main


def _previous(out: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data


def _merge_base(previous: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """Keep earlier figures; this run's stages replace theirs, and its load average is added."""
    merged = dict(previous)
    merged["sizes"] = dict(previous.get("sizes", {}))
    runs = list(previous.get("merged_runs", []))
    runs.append(
        {
            "command": current["command"],
            "started_at": current["started_at"],
            "load_average_start": current["load_average"]["start"],
        }
    )
    merged["merged_runs"] = runs
    return merged


def _write(out: Path, results: dict[str, Any]) -> None:
    from graph.atomic import atomic_write_text

    results["load_average"]["end"] = list(os.getloadavg())
    results["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results["targets"] = evaluate_targets({int(k): v for k, v in results["sizes"].items()})
    atomic_write_text(out, json.dumps(results, indent=2, ensure_ascii=False) + "\n")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark ropagraph from 1k to 100k activities (see benchmarks/README.md)."
    )
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="comma-separated activity counts (default: %(default)s)",
    )
    parser.add_argument("--quick", action="store_true", help="1000 activities only (smoke test)")
    parser.add_argument(
        "--runs",
        type=int,
        default=DEFAULT_RUNS,
        help="fresh-process runs per stage; the median is reported (min 1)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.json")
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="where generated records and stores go (default: a temp folder; "
        "give one to reuse records between runs)",
    )
    parser.add_argument(
        "--only",
        default=None,
        help="comma-separated stage names or prefixes (e.g. parse,query); 'name$' is exact",
    )
    parser.add_argument(
        "--gc-cap",
        type=float,
        default=60.0,
        help="seconds allowed per grand-cypher query (default: %(default)s)",
    )
    parser.add_argument(
        "--naive-cap",
        type=float,
        default=120.0,
        help="seconds allowed for the one-CREATE-per-row load",
    )
    parser.add_argument(
        "--yaml-cap",
        type=float,
        default=300.0,
        help="seconds allowed for the pure-Python YAML parse",
    )
    parser.add_argument(
        "--export-cap", type=float, default=600.0, help="seconds allowed per ROPA export"
    )
    parser.add_argument(
        "--dashboard-cap",
        type=float,
        default=300.0,
        help="seconds allowed per dashboard page render",
    )
    parser.add_argument(
        "--compare-max",
        type=int,
        default=10000,
        help="largest size for the slow alternatives (default: %(default)s)",
    )
    parser.add_argument(
        "--readme",
        type=Path,
        default=None,
        help="also rewrite the results table in this Markdown file",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the figures already in --out and replace only the stages run now",
    )
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def _selected(name: str, wanted: str) -> bool:
    """--only entries match a stage name or its prefix; a trailing '$' asks for the exact name."""
    if wanted.endswith("$"):
        return name == wanted[:-1]
    return name == wanted or name.startswith(wanted)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.worker is not None:
        result = worker(json.loads(args.worker))
        Path(os.environ["BENCH_RESULT"]).write_text(json.dumps(result, default=str))
        return 0

    from rich.console import Console

    console = Console(stderr=True)
    try:
        sizes = [1000] if args.quick else [int(s) for s in str(args.sizes).split(",") if s]
    except ValueError:
        console.print(f"[red]error:[/] --sizes must be comma-separated integers, got {args.sizes}")
        return 2
    if not sizes or min(sizes) < 1:
        console.print("[red]error:[/] --sizes needs at least one positive activity count")
        return 2
    only = {s.strip() for s in args.only.split(",")} if args.only else None
    caps = Caps(args.gc_cap, args.naive_cap, args.yaml_cap, args.export_cap, args.dashboard_cap)
    stages = catalogue(caps, args.compare_max)
    if only:
        stages = [s for s in stages if any(_selected(s.name, o) for o in only)]
    temp = None
    if args.work is None:
        temp = tempfile.mkdtemp(prefix="ropagraph-bench-")
        work = Path(temp)
    else:
        work = args.work
        work.mkdir(parents=True, exist_ok=True)
    settings = Settings(sizes, args.runs, args.seed, work, stages, only, args.out, args.readme)

    def say(text: str) -> None:
        console.print(text, highlight=False)

    started_at = dt.datetime.now(dt.UTC)
    previous = _previous(args.out) if args.merge else None
    results: dict[str, Any] = {
        "schema": 1,
        "command": "python benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average": {"start": list(os.getloadavg()), "per_size": {}},
        "settings": {
            "runs": args.runs,
            "seed": args.seed,
            "warm_repeats": WARM_REPEATS,
            "caps_s": dataclasses.asdict(caps),
            "compare_max": args.compare_max,
        },
        "sizes": {},
    }  # fmt: skip
    if previous is not None:
        results = _merge_base(previous, results)
    try:
        for size in sizes:
            say(f"[bold]{size:,} activities[/] (load average {os.getloadavg()[0]:.2f})")
            results["load_average"]["per_size"][str(size)] = list(os.getloadavg())
            meta = prepare_size(settings, size, say)
            stage_results: dict[str, Any] = {}
            gen = meta.get("generate")
            if gen and (only is None or "generate" in only):
                stage_results["generate"] = {
                    "status": "ok", "median_s": gen["seconds"], "runs_s": [gen["seconds"]],
                    "runs": 1, "peak_rss_mb": gen["peak_rss_mb"],
                    "extra": {"note": "one run, when the record was generated"},
                }  # fmt: skip
            for stage in stages:
                if stage.name == "generate":
                    continue
                stage_results[stage.name] = measure(settings, size, stage, say).as_json()
            kept = results["sizes"].get(str(size), {}).get("stages", {})
            merged = {**kept, **stage_results}
            results["sizes"][str(size)] = {
                "record": {
                    k: meta[k] for k in ("nodes", "relationships", "files", "bytes", "params")
                },
                "stages": merged,
                "ratios": ratios_for(merged),
            }
            _write(args.out, results)  # after each size: a long run interrupted keeps its figures
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
        if any(stage.group == "neo4j" for stage in stages):
            _neo4j_cleanup(say)
    _write(args.out, results)
    Console(width=max(120, 40 + 28 * len(results["sizes"]))).print(render_table(results))
    for target in results["targets"]:
        met = {True: "[green]met[/]", False: "[red]missed[/]", None: "[dim]not run[/]"}
        figure = "—" if target["figure"] is None else f"{target['figure']:g} {target['unit']}"
        say(f"{met[target['met']]}  {target['target']}: {figure} (limit {target['limit']:g})")
    if args.readme:
        update_readme(args.readme, results)
    say(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
