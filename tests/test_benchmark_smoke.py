"""The benchmark script works end to end on a tiny record (figures are not asserted: no timing).

The real figures come from ``python benchmarks/run.py``; this only checks that the script runs,
that its alternatives answer the same questions as the embedded store (same row counts), and
that what it writes (results.json, the README table) is well formed.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "run.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


bench = _load()


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    work = tmp_path_factory.mktemp("bench")
    out = work / "results.json"
    readme = work / "README.md"
    readme.write_text(
        "# Benchmarks\n\nintro\n\n<!-- results:start -->\nold\n<!-- results:end -->\n"
    )
    proc = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--sizes",
            "40",
            "--runs",
            "1",
            "--only",
            "query:basis-summary,adhoc_embedded:consent,adhoc_grandcypher:consent",
            "--work",
            str(work / "w"),
            "--out",
            str(out),
            "--readme",
            str(readme),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(out.read_text()), readme


def test_results_have_machine_load_and_stages(tiny_run: tuple[dict[str, Any], Path]) -> None:
    results, _ = tiny_run
    assert results["machine"]["logical_cores"] >= 1
    assert "ladybug" in results["machine"]["versions"]
    assert len(results["load_average"]["start"]) == 3
    size = results["sizes"]["40"]
    assert size["record"]["nodes"] > 40
    stages = size["stages"]
    assert "parse" not in stages  # --only keeps the run to the stages named
    query = stages["query:basis-summary"]
    assert query["status"] == "ok", query
    assert query["median_s"] > 0 and query["cold_median_s"] > 0
    assert query["peak_rss_mb"] > 0
    assert query["extra"]["rows"] == 7  # one row per lawful basis


def test_grand_cypher_answers_the_same_question(tiny_run: tuple[dict[str, Any], Path]) -> None:
    results, _ = tiny_run
    ratios = {r["name"]: r for r in results["sizes"]["40"]["ratios"]}
    entry = ratios["ad-hoc consent-activities: grand-cypher / embedded"]
    assert entry["rows_match"] is True
    assert entry["ratio"] is not None and entry["ratio"] > 0


def test_readme_table_is_replaced_between_markers(tiny_run: tuple[dict[str, Any], Path]) -> None:
    _, readme = tiny_run
    text = readme.read_text()
    assert text.startswith("# Benchmarks\n\nintro\n")
    assert "old" not in text
    assert "| query:basis-summary |" in text and "Targets:" in text


def test_missing_module_is_reported_not_faked(tmp_path: Path) -> None:
    result = bench.worker({"base": str(tmp_path), "stage": "no_such_stage", "size": 1})
    assert result["status"] == "not measured"
    assert "no stage named" in result["reason"]


def test_targets_say_not_run_for_missing_sizes() -> None:
    targets = bench.evaluate_targets({})
    assert targets and all(t["met"] is None for t in targets)


def test_targets_judge_figures() -> None:
    sizes = {
        100000: {
            "stages": {
                "pipeline": {"status": "ok", "median_s": 20.0, "peak_rss_mb": 1500.0},
                "query:a": {"status": "ok", "median_s": 0.05},
                "query:b": {"status": "ok", "median_s": 1.25},
                "query_page:a": {"status": "ok", "median_s": 0.02},
                "export_docx": {"status": "not measured", "reason": "refused by design above"},
            }
        }
    }
    by_name = {t["target"]: t for t in bench.evaluate_targets(sizes)}
    assert (
        by_name["100k: `ropagraph load` end to end (parse, validate, tables, COPY)"]["met"] is False
    )
    assert by_name["100k: peak RSS of `ropagraph load`"]["met"] is True
    queries = by_name["100k: every catalog query, full result (warm)"]
    assert queries["met"] is False and "b" in queries["note"]
    assert by_name["100k: every catalog query, first page + exact count (warm)"]["met"] is True
    docx = by_name["100k: ROPA docx finishes, or is refused with a pointer to xlsx/html"]
    assert docx["met"] is True and "refused" in docx["note"]


def test_ratio_of_summed_stages() -> None:
    stages = {
        "build": {"status": "ok", "median_s": 3.0},
        "store_load": {"status": "ok", "median_s": 3.0},
        "build_tables": {"status": "ok", "median_s": 1.0},
        "store_copy": {"status": "ok", "median_s": 2.0},
    }
    entry = next(r for r in bench.ratios_for(stages) if r["slow"] == "build_and_store_load")
    assert entry["ratio"] == 2.0


def test_capped_alternative_gives_a_lower_bound() -> None:
    stages = {
        "naive_load": {"status": "capped", "reason": "> 120 s (5,000 of 9,000 rows done)"},
        "store_load": {"status": "ok", "median_s": 2.0},
    }
    entry = next(r for r in bench.ratios_for(stages) if r["slow"] == "naive_load")
    assert entry["ratio"] is None
    assert entry["ratio_at_least"] == 60.0


def test_bad_sizes_are_a_usage_error(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--sizes", "ten", "--out", str(tmp_path / "r.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "--sizes" in proc.stderr
    assert not (tmp_path / "r.json").exists()
