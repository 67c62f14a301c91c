"""The ROPA document (GDPR Art 30): one document model, rendered as XLSX (ICO layout), DOCX, HTML
and Markdown.

``document`` builds the format-neutral rows from a record, ``layout`` and ``sections`` hold the
ICO layout and the document's parts, ``text`` the wording shared by every renderer (and parsed
back by the ICO importer), ``to_xlsx``/``to_docx``/``to_html`` one renderer per format, and
``export`` the entry point the CLI and the dashboard share.
"""

from graph.ropa.export import (
    ICO_HEADINGS,
    ROPA_FORMATS,
    ROPA_MEDIA_TYPES,
    SUFFIX_FORMATS,
    FindingLike,
    FindingsLike,
    RopaExportError,
    export_ropa,
    export_ropa_bytes,
    format_for,
)

__all__ = [
    "ICO_HEADINGS",
    "ROPA_FORMATS",
    "ROPA_MEDIA_TYPES",
    "SUFFIX_FORMATS",
    "FindingLike",
    "FindingsLike",
    "RopaExportError",
    "export_ropa",
    "export_ropa_bytes",
    "format_for",
]
