"""Reading what people type into ICO-template cells: lists, lawful bases, countries, tools.

Spreadsheets written by hand say "Consent", "Art 6(1)(a)", "6(1)(b) contract", "USA" or
"SCCs"; ropagraph's own exports say "Consent — Art 6(1)(a)" and "United States (US)". These
functions turn either into the record's vocabularies. The text patterns below are parsing (how
people write a basis), not legal facts: which letter of Art 6(1) or Art 9(2) is which basis is
read from data/reference, so the importer and the exporter cannot disagree about an article.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pycountry

from graph.model import Art9Condition, LawfulBasisId, TransferMechanismId
from graph.reference import reference

# ----------------------------------------------------------------------------- splitting cells

# Company-name endings that follow a comma ("Acme, Inc."): never split them off.
_COMPANY_SUFFIXES = re.compile(
    r"^(inc|ltd|limited|llc|llp|plc|gmbh|ag|sa|s\.a|bv|b\.v|nv|n\.v|co|corp|pty|srl|sas|oy|ab)"
    r"\.?$",
    re.IGNORECASE,
)
_OPENERS = {"(": ")", "[": "]", "{": "}", "“": "”", '"': '"'}


def split_lines(text: str) -> list[str]:
    """One value per line: how ropagraph writes multi-valued cells."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def split_values(text: str, *, lines_only: bool) -> list[str]:
    """The values in a multi-valued cell.

    New lines always separate values. A single-line cell (typed by hand) is split on
    semicolons, or failing that on commas — but only commas outside brackets and quotes, not
    between digits ("1,000"), and not before a company ending ("Acme, Inc."). ``lines_only``
    (ropagraph's own exports) splits on new lines alone, so names with commas survive.
    """
    lines = split_lines(text)
    if lines_only or len(lines) != 1:
        return lines
    line = lines[0]
    if ";" in line:
        return [part.strip() for part in line.split(";") if part.strip()]
    return _split_commas(line)


def _split_commas(line: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    closing: list[str] = []
    for index, char in enumerate(line):
        if closing and char == closing[-1]:
            closing.pop()
        elif char in _OPENERS and not (char == '"' and closing and closing[-1] == '"'):
            closing.append(_OPENERS[char])
        elif char == "," and not closing:
            before, after = line[index - 1 : index], line[index + 1 : index + 2]
            if not (before.isdigit() and after.isdigit()):
                parts.append("".join(current))
                current = []
                continue
        current.append(char)
    parts.append("".join(current))
    merged: list[str] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if merged and _COMPANY_SUFFIXES.match(part):
            merged[-1] = f"{merged[-1]}, {part}"
        else:
            merged.append(part)
    return merged


# ----------------------------------------------------------------------------- ids and names


def slugify(text: str, max_length: int = 80) -> str:
    """A record id from a name: ASCII, lower case, words joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or "item"


class IdAllocator:
    """Unique slugs within one collection: 'hr', 'hr-2', 'hr-3', …"""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def claim(self, wanted: str) -> str:
        base = wanted if re.fullmatch(r"[a-z0-9][a-z0-9_-]*", wanted) else slugify(wanted)
        base = base[:110]
        candidate, n = base, 2
        while candidate in self.used:
            candidate, n = f"{base}-{n}", n + 1
        self.used.add(candidate)
        return candidate


def short_name(text: str, limit: int = 80) -> str:
    """A readable name from a long purpose: cut at a word boundary, marked with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…"


def normalise(text: str) -> str:
    """Case-, space- and punctuation-insensitive form for matching headings and labels."""
    text = re.sub(r"\(\s*if [^)]*\)", " ", text.casefold())
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def same_name(text: str) -> str:
    """The key under which two spellings of one name are the same element."""
    return " ".join(text.casefold().split())


EMPTY_ANSWERS = frozenset({"no", "none", "n/a", "na", "not applicable", "-", "–", "—", "nil"})


def is_empty_answer(text: str) -> bool:
    """'No', 'N/A', '-' mean nothing to record in a free-text column."""
    return text.strip().casefold() in EMPTY_ANSWERS


def parse_yes_no(text: str) -> bool | None:
    value = text.strip().casefold()
    if value in ("yes", "y", "true", "required"):
        return True
    if value in ("no", "n", "false", "not required"):
        return False
    return None


# ----------------------------------------------------------------------------- lawful bases

# How people write each Art 6(1) basis; first match wins (recognised before plain legitimate).
BASIS_PATTERNS: tuple[tuple[LawfulBasisId, re.Pattern[str]], ...] = tuple(
    (basis, re.compile(pattern, re.IGNORECASE))
    for basis, pattern in (
        (LawfulBasisId.recognised_legitimate_interest, r"recogni[sz]ed\s+legitimate\s+interest"),
        (LawfulBasisId.legitimate_interests, r"legitimate\s+interest"),
        (LawfulBasisId.consent, r"\bconsent"),
        (LawfulBasisId.contract, r"\bcontract"),
        (
            LawfulBasisId.legal_obligation,
            r"legal\s+obligation|statutory\s+(obligation|duty)|required\s+by\s+law",
        ),
        (LawfulBasisId.vital_interests, r"vital\s+interest"),
        (LawfulBasisId.public_task, r"public\s+task|official\s+authority|public\s+interest"),
    )
)
_ART6_LETTER = re.compile(
    r"6\s*\(\s*1\s*\)\s*\(\s*(ea|[a-f])\s*\)|\b6\s*\.\s*1\s*\.?\s*\(?\s*(ea|[a-f])\b\)?",
    re.IGNORECASE,
)

# How people write each Art 9(2) condition; first match wins (public health before health).
CONDITION_PATTERNS: tuple[tuple[Art9Condition, re.Pattern[str]], ...] = tuple(
    (condition, re.compile(pattern, re.IGNORECASE))
    for condition, pattern in (
        (Art9Condition.substantial_public_interest, r"substantial\s+public\s+interest"),
        (Art9Condition.public_health, r"public\s+health"),
        (Art9Condition.explicit_consent, r"\bconsent"),
        (
            Art9Condition.employment_social_security,
            r"employment|social\s+security|social\s+protection",
        ),
        (Art9Condition.vital_interests, r"vital\s+interest"),
        (Art9Condition.not_for_profit_body, r"not[-\s]for[-\s]profit|non[-\s]profit|foundation"),
        (
            Art9Condition.made_public_by_data_subject,
            r"made\s+public|manifestly\s+(made\s+)?public",
        ),
        (Art9Condition.legal_claims, r"legal\s+claim|judicial"),
        (
            Art9Condition.health_social_care,
            r"health\s+or\s+social\s+care|social\s+care|health\s*care|medic|occupational",
        ),
        (Art9Condition.archiving_research_statistics, r"archiv|research|statistic"),
    )
)
_ART9_LETTER = re.compile(r"9\s*\(\s*2\s*\)\s*\(\s*([a-j])\s*\)", re.IGNORECASE)


@cache
def _letters(reference_name: str) -> dict[str, str]:
    """Article letter -> id, read from data/reference ('Art 6(1)(a)' -> 'consent')."""
    letters: dict[str, str] = {}
    for entry in reference(reference_name):
        match = re.search(r"\(([a-z]+)\)\s*$", entry.article or "")
        if match:
            letters[match.group(1)] = entry.id
    return letters


class Unrecognised(ValueError):
    """A cell value the importer cannot map; the message says what it expected."""


def parse_basis(text: str) -> LawfulBasisId:
    """'Consent', 'Art 6(1)(a)', '6(1)(b) contract', 'Consent — Art 6(1)(a)' -> the enum."""
    from_letter: LawfulBasisId | None = None
    match = _ART6_LETTER.search(text)
    if match:
        letter = (match.group(1) or match.group(2)).lower()
        found = _letters("lawful_bases").get(letter)
        if found is None:
            raise Unrecognised(f"Art 6(1)({letter}) is not a lawful basis in the reference data")
        from_letter = LawfulBasisId(found)
    from_text = next((basis for basis, rx in BASIS_PATTERNS if rx.search(text)), None)
    if from_letter and from_text and from_letter is not from_text:
        article = _article_of("lawful_bases", from_letter.value)
        raise Unrecognised(
            f"'{text}' names {from_text.value.replace('_', ' ')} but {article} is "
            f"{from_letter.value.replace('_', ' ')}"
        )
    basis = from_letter or from_text
    if basis is None:
        raise Unrecognised(f"'{text}' is not a lawful basis ropagraph recognises")
    return basis


def parse_condition(text: str) -> Art9Condition:
    """'Explicit consent', 'Art 9(2)(h)', 'Health or social care — Art 9(2)(h)' -> the enum."""
    from_letter: Art9Condition | None = None
    match = _ART9_LETTER.search(text)
    if match:
        letter = match.group(1).lower()
        found = _letters("art9_conditions").get(letter)
        if found is None:
            raise Unrecognised(f"Art 9(2)({letter}) is not a condition in the reference data")
        from_letter = Art9Condition(found)
    from_text = next((c for c, rx in CONDITION_PATTERNS if rx.search(text)), None)
    if from_letter and from_text and from_letter is not from_text:
        article = _article_of("art9_conditions", from_letter.value)
        raise Unrecognised(
            f"'{text}' reads as {from_text.value.replace('_', ' ')} but {article} is "
            f"{from_letter.value.replace('_', ' ')}"
        )
    condition = from_letter or from_text
    if condition is None:
        raise Unrecognised(f"'{text}' is not an Art 9 condition ropagraph recognises")
    return condition


def _article_of(reference_name: str, entry_id: str) -> str:
    for entry in reference(reference_name):
        if entry.id == entry_id:
            return entry.article or entry_id
    return entry_id


def basis_choices() -> str:
    """'Consent (Art 6(1)(a)), Contract (Art 6(1)(b)), …' for suggestions."""
    return ", ".join(f"{e.name} ({e.article})" for e in reference("lawful_bases"))


def condition_choices() -> str:
    return ", ".join(f"{e.name} ({e.article})" for e in reference("art9_conditions"))


# ----------------------------------------------------------------------------- transfer tools

# How people write each transfer tool; first match wins (the specific before the general).
MECHANISM_PATTERNS: tuple[tuple[TransferMechanismId, re.Pattern[str]], ...] = tuple(
    (mechanism, re.compile(pattern, re.IGNORECASE))
    for mechanism, pattern in (
        (TransferMechanismId.uk_extension_dpf, r"uk\s+extension|data\s+bridge"),
        (TransferMechanismId.eu_us_dpf, r"data\s+privacy\s+framework|\bdpf\b"),
        (TransferMechanismId.privacy_shield, r"privacy\s+shield"),
        (TransferMechanismId.safe_harbour, r"safe\s+harbou?r"),
        (TransferMechanismId.uk_addendum, r"addendum"),
        (TransferMechanismId.idta, r"\bidta\b|international\s+data\s+transfer\s+agreement"),
        (
            TransferMechanismId.legacy_eu_scc,
            r"(legacy|old|pre-?2021|2010/87|2004/915|2001/497).*(scc|standard\s+contractual)",
        ),
        (TransferMechanismId.eu_scc, r"\bsccs?\b|standard\s+contractual|model\s+clauses"),
        (TransferMechanismId.bcr, r"\bbcrs?\b|binding\s+corporate"),
        (TransferMechanismId.art49_derogation, r"art(icle)?\.?\s*49|derogation"),
        (TransferMechanismId.adequacy, r"adequa"),
        (
            TransferMechanismId.not_stated,
            r"^\s*(none|not\s+stated|no\s+(transfer\s+)?mechanism(\s+stated)?)\s*$",
        ),
    )
)


def parse_mechanism(text: str) -> TransferMechanismId | None:
    """The tool a safeguard text names (reference name, id or a usual wording); None if none."""
    key = same_name(text)
    for entry in reference("transfer_mechanisms"):
        if key in (same_name(entry.name or ""), entry.id):
            return TransferMechanismId(entry.id)
    return next((m for m, rx in MECHANISM_PATTERNS if rx.search(text)), None)


# ----------------------------------------------------------------------------- countries

# Everyday names that are not ISO 3166 names.
COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "u s": "US",
    "u s a": "US",
    "us": "US",
    "america": "US",
    "united states of america": "US",
}
_CODE_IN_PARENS = re.compile(r"\(([A-Za-z]{2})\)\s*$")


def parse_country(text: str) -> str:
    """'United States (US)', 'USA', 'Germany', 'de' -> ISO alpha-2; Unrecognised otherwise."""
    match = _CODE_IN_PARENS.search(text)
    if match and pycountry.countries.get(alpha_2=match.group(1).upper()) is not None:
        return match.group(1).upper()
    alias = COUNTRY_ALIASES.get(normalise(text))
    if alias:
        return alias
    try:
        return str(pycountry.countries.lookup(text.strip()).alpha_2)
    except LookupError:
        pass
    import difflib

    names = [str(getattr(c, "common_name", None) or c.name) for c in pycountry.countries]
    near = difflib.get_close_matches(text.strip(), names, n=2, cutoff=0.7)
    hint = f"did you mean {' or '.join(repr(n) for n in near)}?" if near else None
    raise Unrecognised(
        f"'{text}' is not a country ropagraph recognises"
        + (f" ({hint})" if hint else "; international organisations are not supported yet")
    )
