"""The privacy notice from the record (Art 13 and 14), and the drift between a published notice
and the record: ``build_notice`` writes one, ``check_notice`` compares one with the record.

A feature on the core model: it reads a :class:`graph.model.Record` and reference data, never a
store, the CLI or the dashboard.
"""

from graph.notice.check import check_notice
from graph.notice.generate import build_notice
from graph.notice.model import TO_COMPLETE, Notice, Section, Statement
from graph.notice.read import NoticeReadError, NoticeText, read_notice, read_notice_bytes
from graph.notice.render import (
    NOTICE_FORMATS,
    NOTICE_MEDIA_TYPES,
    export_notice,
    notice_bytes,
    notice_format_for,
)
from graph.notice.report import DriftItem, DriftReport

__all__ = [
    "NOTICE_FORMATS",
    "NOTICE_MEDIA_TYPES",
    "TO_COMPLETE",
    "DriftItem",
    "DriftReport",
    "Notice",
    "NoticeReadError",
    "NoticeText",
    "Section",
    "Statement",
    "build_notice",
    "check_notice",
    "export_notice",
    "notice_bytes",
    "notice_format_for",
    "read_notice",
    "read_notice_bytes",
]
