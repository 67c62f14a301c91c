"""Building blocks every record element shares: slugs, non-empty text, ISO country codes, and
the ``Element``/``Identified`` bases that carry each fact's source reference (``ref``)."""

from __future__ import annotations

from typing import Annotated, Any

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=120)]
"""A stable id: lower-case letters, digits, '-' and '_'; unique within its kind."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _upper_country(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _check_country(value: str) -> str:
    if pycountry.countries.get(alpha_2=value) is None:
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code (e.g. 'GB', 'US')")
    return value


CountryCode = Annotated[
    str,
    BeforeValidator(_upper_country),
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    AfterValidator(_check_country),
    Field(description="ISO 3166-1 alpha-2 country code, e.g. 'GB', 'US'"),
]


def country_name(code: str) -> str:
    """Human name for an ISO alpha-2 code ('US' -> 'United States')."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def _one_or_many(value: Any) -> Any:
    """Let authors write a single item where a list is expected."""
    if value is None:
        return []
    if isinstance(value, (str, dict)):
        return [value]
    return value


class Element(BaseModel):
    """Base of every record element: strict fields and a provenance reference."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False, str_strip_whitespace=True)

    ref: str | None = Field(
        default=None,
        description="Where this fact comes from: document and section, "
        "e.g. 'kynex-privacy-policy §5.3'.",
    )
    note: str | None = Field(
        default=None, description="Free-text remark: what is vague, outdated or assumed."
    )


class Identified(Element):
    id: Slug = Field(description="Stable id (slug), unique among elements of the same kind.")
    name: Text
    description: str | None = None


# --------------------------------------------------------------------------- vocabularies
