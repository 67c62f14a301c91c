"""Pause Python's cyclic garbage collector around bulk object creation.

Parsing a large record, validating it and building its graph allocate millions of containers and
create no reference cycles; each allocation burst still makes the cyclic collector rescan the
growing heap, which the benchmark measured at more than half of the whole load (100k activities:
127 s with the collector, 52 s without). Reference counting still frees everything as usual;
only the cycle hunt waits until the bulk step is over.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
