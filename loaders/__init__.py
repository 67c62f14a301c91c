"""Loaders: turn authored input (YAML, spreadsheets) into a validated `graph.model.Record`."""

from loaders.problems import Problem, RecordInvalid
from loaders.yaml_record import (
    content_hash,
    load_record,
    parse_record,
    record_files,
    skipped_files,
)

__all__ = [
    "Problem",
    "RecordInvalid",
    "content_hash",
    "load_record",
    "parse_record",
    "record_files",
    "skipped_files",
]
