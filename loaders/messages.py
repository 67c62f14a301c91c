"""Pydantic's validation errors in the record author's words: unknown fields with the field meant,
enum values with the value meant, ids and country codes with a corrected form."""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel

from graph.model import Record

Loc = tuple[str | int, ...]


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The pydantic model that owns the last field of ``loc`` (for 'did you mean' on fields)."""
    model: Any = Record
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        info = model.model_fields.get(str(part))
        if info is None:
            return None
        model = _inner_model(info.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def human_message(error: Any) -> tuple[str, str | None]:
    """Turn one pydantic error into (message, suggestion) in the author's words."""
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    name = str(loc[-1]) if loc else "record"
    value = error.get("input")
    if kind == "extra_forbidden":
        model = _model_at(loc)
        fields = list(model.model_fields) if model else []
        near = difflib.get_close_matches(name, fields, n=1, cutoff=0.5)
        return (
            f"unknown field '{name}'",
            f"did you mean '{near[0]}'?"
            if near
            else (f"valid fields: {', '.join(fields)}" if fields else None),
        )
    if kind == "enum":
        expected = re.findall(r"'([^']+)'", error.get("ctx", {}).get("expected", ""))
        field_name = _enum_field_name(loc)
        near = difflib.get_close_matches(str(value), expected, n=1, cutoff=0.5)
        return (
            f"{field_name} '{value}' is not one of: {', '.join(expected)}",
            f"did you mean '{near[0]}'?" if near else None,
        )
    if kind == "missing":
        return f"required field '{name}' is missing", f"add '{name}:'"
    if kind == "string_pattern_mismatch" and "a-z0-9" in str(
        error.get("ctx", {}).get("pattern", "")
    ):
        slug = re.sub(r"[^a-z0-9_-]+", "-", str(value).lower()).strip("-")
        return (
            f"'{value}' is not a valid id (lower-case letters, digits, '-' and '_')",
            f"try '{slug}'" if slug else None,
        )
    if kind == "string_pattern_mismatch" and "A-Z]{2}" in str(
        error.get("ctx", {}).get("pattern", "")
    ):
        return _country_problem(str(value))
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{message} (got {value!r})" if kind.endswith("_type") else message, None


def _country_problem(value: str) -> tuple[str, str | None]:
    """'usa' / 'United Kingdom' -> a message about country codes and the code meant, if found."""
    import pycountry

    try:
        found = pycountry.countries.lookup(value.strip())
    except LookupError:
        found = None
    return (
        f"'{value}' is not a country code: use the two-letter ISO 3166 code (e.g. 'GB', 'US')",
        f"did you mean '{found.alpha_2}' ({found.name})?" if found is not None else None,
    )


def _enum_field_name(loc: Loc) -> str:
    """'lawful_bases[0].basis' reads better as 'lawful basis' in an enum message."""
    names = [p for p in loc if isinstance(p, str)]
    if (
        len(names) >= 2
        and names[-1] in ("basis", "condition", "mechanism")
        and names[-2] in ("lawful_bases", "special_category_conditions", "transfers")
    ):
        return {
            "basis": "lawful_basis",
            "condition": "art9_condition",
            "mechanism": "transfer mechanism",
        }[names[-1]]
    return names[-1] if names else "value"
