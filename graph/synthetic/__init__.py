"""Seeded synthetic records of processing, for benchmarks, demos and load tests.

``vocabulary`` holds the synthetic organisation's words and weights, ``generate`` builds a record
(as plain data, ready to validate), ``write`` writes it as YAML.
"""

from graph.synthetic.generate import generate_record
from graph.synthetic.vocabulary import DEFAULT_PER_FILE
from graph.synthetic.write import (
    dump_yaml,
    is_single_file,
    record_files,
    single_file,
    write_generated,
)

__all__ = [
    "DEFAULT_PER_FILE",
    "dump_yaml",
    "generate_record",
    "is_single_file",
    "record_files",
    "single_file",
    "write_generated",
]
