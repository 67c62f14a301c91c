"""Deterministic OOXML packages: the same document gives the same bytes.

The machinery moved to :mod:`graph.wordml`, which the privacy notice's Word export shares; the
ROPA's writers (and the previous renderers kept in tests/previous_ropa/) import it from here.
"""

from __future__ import annotations

from graph.wordml import (
    FIXED_ZIP_TIME,
    StableZipFile,
    generated_datetime,
    stable_entry,
    stable_zip,
)

__all__ = ["FIXED_ZIP_TIME", "StableZipFile", "generated_datetime", "stable_entry", "stable_zip"]
