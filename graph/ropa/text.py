"""How record facts read in the ROPA: labels, with article numbers from data/reference.

One place decides how a lawful basis, a country, a transfer or a retention rule is written, so
every format says "Consent — Art 6(1)(a)" or "United States (US)" the same way, and the
importer (loaders/ico/) can parse back exactly these shapes. Article numbers and names are
read from data/reference; when an entry is missing the id is shown rather than an invented article.
"""

from __future__ import annotations

from graph.model import (
    Art9Condition,
    LawfulBasisId,
    Recipient,
    RecipientKind,
    Transfer,
    TransferMechanismId,
    country_name,
)
from graph.reference import reference_by_id
from graph.ropa.layout import (
    NOT_STATED_COUNTRY,
    ROLE_NOT_STATED,
    SEP,
    STATED_AS_CLOSE,
    STATED_AS_OPEN,
)
from graph.wordml import clean_text as clean_text


def country_label(code: str | None) -> str:
    """'United States (US)': the name a reader knows and the code the importer reads back."""
    if code is None:
        return ""
    return f"{country_name(code)} ({code})"


def basis_label(basis: LawfulBasisId) -> str:
    entry = reference_by_id("lawful_bases").get(basis.value)
    if entry is None:  # reference data lags the enum: say so rather than invent an article
        return basis.value.replace("_", " ")
    return SEP.join(x for x in (entry.name or basis.value, entry.article) if x)


def condition_label(condition: Art9Condition) -> str:
    entry = reference_by_id("art9_conditions").get(condition.value)
    if entry is None:
        return condition.value.replace("_", " ")
    return SEP.join(x for x in (entry.name or condition.value, entry.article) if x)


def condition_name(condition: Art9Condition) -> str:
    entry = reference_by_id("art9_conditions").get(condition.value)
    return (entry.name if entry and entry.name else condition.value).strip()


def mechanism_name(mechanism: TransferMechanismId) -> str:
    entry = reference_by_id("transfer_mechanisms").get(mechanism.value)
    return entry.name if entry and entry.name else mechanism.value


def mechanism_article(mechanism: TransferMechanismId) -> str:
    entry = reference_by_id("transfer_mechanisms").get(mechanism.value)
    return entry.article or "" if entry else ""


def kind_label(kind: RecipientKind) -> str:
    """'sub processor', 'role not stated': the recipients sheet shows it, the importer reads it."""
    if kind is RecipientKind.unspecified:
        return ROLE_NOT_STATED
    return kind.value.replace("_", " ")


def note_detail(note: str | None) -> str | None:
    return f"Note: {note}" if note else None


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def retention_text(name: str, period: str | None, criteria: str | None) -> str:
    """'Name: 6 years; criteria' — the importer splits on the first ': ' and a leading period."""
    detail = "; ".join(x for x in (period, criteria) if x)
    return f"{name}: {detail}" if detail else name


def transfer_destination(transfer: Transfer, recipient: Recipient) -> str | None:
    return transfer.country or recipient.country


def safeguard_text(recipient: Recipient, transfer: Transfer) -> str:
    """'MailChimp (United States (US)): EU-US Privacy Shield (stated as “…”)'."""
    where = transfer_destination(transfer, recipient)
    head = f"{recipient.name} ({country_label(where) or NOT_STATED_COUNTRY}): "
    text = head + mechanism_name(transfer.mechanism)
    if transfer.stated_as:
        text += f"{STATED_AS_OPEN}{transfer.stated_as}{STATED_AS_CLOSE}"
    return text
