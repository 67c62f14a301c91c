"""``ropagraph generate``: write a seeded synthetic record, for benchmarks, demos and load tests.

A plugin of :mod:`graph.cli` (see ``_PLUGINS`` there). It refuses to replace an existing path
unless told to, because a record folder is often someone's work; with ``--force`` the new record
replaces the old one atomically, so an interrupted run leaves the old record intact.
"""

from __future__ import annotations

import time
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer

from graph.synthetic import DEFAULT_PER_FILE, generate_record, is_single_file, write_generated
from loaders.yaml_record import MAX_FILE_BYTES

MAX_ACTIVITIES = 1_000_000
"""Beyond this a generated record no longer fits comfortably in memory on a laptop."""
BYTES_PER_ACTIVITY = 1_000
"""A generous estimate of one generated activity's YAML (about 850 bytes in practice)."""


def register(cli: ModuleType) -> None:
    """Add ``generate`` to the ``ropagraph`` command line."""
    app: typer.Typer = cli.app

    @app.command("generate")
    def generate(
        out: Annotated[
            Path,
            typer.Option(
                "--out",
                "-o",
                help="Where to write: a .yaml/.yml file, or a folder (one file per "
                "--per-file activities; the default for anything without a YAML suffix).",
                show_default=False,
            ),
        ],
        activities: Annotated[
            int,
            typer.Option(
                "--activities",
                "-n",
                min=1,
                max=MAX_ACTIVITIES,
                help="How many processing activities the record has.",
            ),
        ] = 1000,
        seed: Annotated[
            int, typer.Option(help="Random seed: the same seed gives byte-identical files.")
        ] = 0,
        per_file: Annotated[
            int,
            typer.Option("--per-file", min=1, help="Activities per file when writing a folder."),
        ] = DEFAULT_PER_FILE,
        force: Annotated[
            bool, typer.Option("--force", help="Replace OUT if it already exists.")
        ] = False,
    ) -> None:
        """Write a synthetic record of processing (valid, realistic shape, seeded).

        About one recipient per 20 activities across ~30 countries, 200 data categories (some
        special category), and the gaps real records have — special-category processing without
        an Art 9 condition, transfers under mechanisms no longer valid — so the findings rules
        have something to find. Example: ropagraph generate -n 10000 --seed 7 -o big-record/
        """
        if out.exists() and not force:
            raise cli.fail(f"{out} already exists: choose another --out, or add --force")
        if out.exists() and is_single_file(out) != out.is_file():
            kind = "file" if out.is_file() else "folder"
            wanted = "a file" if is_single_file(out) else "a folder"
            raise cli.fail(
                f"{out} is a {kind}, but this --out writes {wanted}; "
                "a .yaml/.yml path is written as one file, any other path as a folder"
            )
        if is_single_file(out) and activities * BYTES_PER_ACTIVITY > MAX_FILE_BYTES:
            raise cli.fail(
                f"{activities:,} activities make a file larger than the loader reads "
                f"({MAX_FILE_BYTES // 2**20} MB): give --out a folder (no .yaml suffix)"
            )
        started = time.perf_counter()
        data = generate_record(activities, seed)
        try:
            files = write_generated(data, out, per_file=per_file)
        except OSError as exc:
            raise cli.fail(f"cannot write {out}: {exc.strerror or exc}") from None
        size = sum(f.stat().st_size for f in files)
        cli.out.print(
            f"Wrote a synthetic record of {activities:,} activities (seed {seed}) to {out}: "
            f"{len(files)} file(s), {size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s. "
            f"Check it with: ropagraph validate {out}",
            highlight=False,
        )
