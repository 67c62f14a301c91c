"""The synthetic organisation's vocabularies and weights: business functions, data categories,
subjects, sources, recipients' countries and the mechanisms and bases they state, and the rates of
the deliberate gaps findings should find. Sampling choices made to look like real records, right or
wrong; never a statement of law."""

from __future__ import annotations

from graph.model import (
    Art9Condition,
    LawfulBasisId,
    MeasureKind,
    RecipientKind,
    SourceKind,
    SpecialCategory,
    TransferMechanismId,
)

DEFAULT_PER_FILE = 10_000
"""Activities per file when a record is written as a folder: small enough to open in an editor."""

CONTROLLER_COUNTRY = "GB"

# --------------------------------------------------------------------------- vocabularies
# fmt: off
# (Kept compact by hand: one vocabulary per few lines reads better than one word per line.)

_FUNCTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Human resources", ("manage employment contracts", "run payroll", "handle sickness absence",
                         "recruit staff", "run performance reviews", "administer pensions")),
    ("Finance", ("invoice customers", "collect payments", "pay suppliers", "prevent fraud",
                 "prepare statutory accounts", "recover debts")),
    ("Marketing", ("send newsletters", "run promotional campaigns", "measure campaign reach",
                   "segment audiences", "manage event registrations")),
    ("Sales", ("qualify leads", "manage customer accounts", "prepare quotations",
               "track opportunities")),
    ("Customer service", ("answer enquiries", "handle complaints", "record support calls",
                          "process returns")),
    ("IT", ("administer user accounts", "monitor networks", "back up systems",
            "investigate security incidents")),
    ("Legal", ("manage litigation", "respond to regulators", "review contracts",
               "handle rights requests")),
    ("Procurement", ("onboard suppliers", "assess supplier risk", "manage tenders")),
    ("Logistics", ("deliver orders", "plan routes", "track shipments")),
    ("Health and safety", ("record accidents", "manage occupational health referrals",
                           "run site inductions")),
    ("Research", ("run customer surveys", "analyse product usage", "conduct user testing")),
    ("Product", ("personalise the service", "operate loyalty schemes", "provide the mobile app")),
    ("Facilities", ("manage building access", "operate CCTV", "book meeting rooms")),
    ("Compliance", ("screen against sanctions lists", "run anti-money-laundering checks",
                    "keep whistleblowing reports")),
)

_REGIONS = ("UK North", "UK South", "Ireland", "DACH", "Benelux", "Nordics", "Iberia", "Central",
            "Americas", "APAC")

# 45 ordinary category bases x 4 audiences = 180; 8 special x 2 = 16; 2 criminal x 2 = 4: 200.
_ORDINARY = (
    "Full name", "Email address", "Postal address", "Phone number", "Date of birth",
    "Bank details", "Payment card details", "Purchase history", "Account credentials",
    "IP address", "Device identifiers", "Cookie identifiers", "Location data",
    "Call recordings", "Photographs", "Job title", "Employment history", "Salary details",
    "Tax identifiers", "National insurance number", "Passport details", "Driving licence details",
    "Marital status", "Next of kin", "Education history", "Training records",
    "Performance ratings", "Disciplinary records", "Absence records", "Pension details",
    "Benefits selections", "Vehicle details", "Credit score", "Income details",
    "Marketing preferences", "Survey responses", "Support tickets", "Chat transcripts",
    "Website usage", "App usage", "Social media handles", "Signature", "Gender",
    "Nationality", "Loyalty points",
)
_AUDIENCES = ("customers", "employees", "prospects", "supplier contacts")
_SPECIAL: tuple[tuple[str, SpecialCategory], ...] = (
    ("Health records", SpecialCategory.health),
    ("Biometric templates", SpecialCategory.biometric),
    ("Genetic test results", SpecialCategory.genetic),
    ("Trade union membership", SpecialCategory.trade_union_membership),
    ("Ethnic origin (equality monitoring)", SpecialCategory.racial_ethnic_origin),
    ("Religious beliefs (dietary requirements)", SpecialCategory.religious_philosophical_beliefs),
    ("Sexual orientation (diversity survey)", SpecialCategory.sex_life_sexual_orientation),
    ("Political opinions (stakeholder contacts)", SpecialCategory.political_opinions),
)
_SPECIAL_AUDIENCES = ("employees", "customers")
_CRIMINAL = ("Criminal record checks", "Fraud allegations")

_SUBJECTS = (
    "Customers", "Prospective customers", "Employees", "Former employees", "Job applicants",
    "Contractors", "Website visitors", "App users", "Supplier contacts", "Business partners",
    "Shareholders", "Visitors to premises", "Newsletter subscribers", "Complainants",
    "Children using the service", "Patients", "Students", "Event attendees", "Next of kin",
    "Members of the public",
)
_SUBJECT_WEIGHTS = (30, 8, 25, 4, 6, 5, 10, 8, 6, 4, 1, 3, 5, 3, 1, 1, 1, 3, 2, 2)

_SOURCES: tuple[tuple[str, SourceKind], ...] = (
    ("From the individual directly", SourceKind.data_subject),
    ("Web forms", SourceKind.data_subject),
    ("Mobile app", SourceKind.data_subject),
    ("Generated by use of the service", SourceKind.generated_by_use),
    ("Website analytics", SourceKind.generated_by_use),
    ("Purchased marketing lists", SourceKind.purchased_from_third_party),
    ("Data brokers", SourceKind.purchased_from_third_party),
    ("Referral partners", SourceKind.third_party),
    ("Recruitment agencies", SourceKind.third_party),
    ("Previous employers (references)", SourceKind.third_party),
    ("Credit reference agencies", SourceKind.credit_reference_agency),
    ("Public registers", SourceKind.public_source),
    ("Social media (public profiles)", SourceKind.public_source),
    ("Business customers' uploads", SourceKind.customer),
    ("Legacy systems (origin not recorded)", SourceKind.unspecified),
)

_T, _O = MeasureKind.technical, MeasureKind.organisational
_MEASURES: tuple[tuple[str, MeasureKind | None], ...] = (
    ("Encryption at rest", _T), ("Encryption in transit (TLS)", _T),
    ("Multi-factor authentication", _T), ("Role-based access control", _T),
    ("Pseudonymisation", _T), ("Data loss prevention", _T), ("Endpoint protection", _T),
    ("Security logging and monitoring", _T), ("Vulnerability scanning", _T),
    ("Penetration testing", _T), ("Backups with restore tests", _T),
    ("Network segmentation", _T), ("Secure software development", _T),
    ("Key management service", _T), ("Database activity monitoring", _T),
    ("Staff data protection training", _O), ("Information security policy", _O),
    ("Access reviews", _O), ("Supplier due diligence", _O), ("Incident response plan", _O),
    ("Clear desk policy", _O), ("Confidentiality agreements", _O),
    ("Data retention schedule", _O), ("Privacy by design reviews", _O),
    ("Joiners, movers and leavers process", _O), ("Physical access control", _O),
    ("Business continuity plan", _O), ("Internal audit", _O),
    ("Vendor security questionnaires", None), ("Secure disposal of media", None),
)

_PERIODS = ("28 days", "30 days", "90 days", "6 months", "1 year", "2 years", "3 years",
            "6 years", "7 years", "10 years", "12 years", "25 years")
_CRITERIA = (
    "until the account is closed, then deleted within the period stated",
    "for the life of the contract plus the limitation period",
    "while the individual remains subscribed",
    "until the legal hold is lifted",
    "until the end of the tax year after the transaction",
)

_NAME_FIRST = ("Nor", "Ash", "Bright", "Clear", "Delta", "Ever", "Fair", "Green", "High", "Iron",
               "Key", "Lumen", "Meri", "North", "Oak", "Pine", "Quad", "River", "Silver", "Tri",
               "Uni", "Vale", "West", "Zen")
_NAME_SECOND = ("bridge", "field", "stone", "gate", "point", "wave", "line", "path", "works",
                "view", "mark", "core", "star", "side")
_NAME_TRADE = ("Analytics", "Payroll", "Cloud", "Logistics", "Mailing", "Payments", "Hosting",
               "Recruitment", "Legal", "Marketing", "Security", "Software", "Health", "Insurance",
               "Printing", "Telecoms", "Consulting", "Data")
_NAME_FORM = ("Ltd", "plc", "GmbH", "SAS", "BV", "Inc.", "LLC", "Pty Ltd", "AB", "S.p.A.")
_CATEGORY_ONLY = ("Debt collection agencies", "Professional advisers", "Insurers",
                  "Law enforcement agencies", "Courier companies", "Auditors")
_SYSTEM_KINDS = ("CRM", "HR platform", "Data warehouse", "Ticketing tool", "Payroll engine",
                 "Email service", "File share", "ERP", "Analytics suite", "Mobile backend",
                 "Call recorder", "Access control system", "Learning platform", "Billing system")

# Destination profiles are sampling weights for a plausible UK group, not legal statements:
# "domestic" recipients need no transfer, "near" ones are mostly stated under adequacy, "far"
# ones under a mix of tools, including some a findings rule should flag.
_COUNTRIES: tuple[tuple[str, int, str], ...] = (
    ("GB", 360, "domestic"),
    ("IE", 50, "near"), ("DE", 45, "near"), ("FR", 35, "near"), ("NL", 35, "near"),
    ("ES", 20, "near"), ("IT", 18, "near"), ("SE", 12, "near"), ("PL", 14, "near"),
    ("BE", 10, "near"), ("DK", 8, "near"), ("FI", 6, "near"), ("AT", 6, "near"),
    ("PT", 8, "near"), ("CZ", 6, "near"), ("CH", 10, "near"), ("NO", 6, "near"),
    ("US", 150, "far"), ("CA", 15, "far"), ("JP", 8, "far"), ("KR", 5, "far"),
    ("IN", 40, "far"), ("PH", 15, "far"), ("SG", 10, "far"), ("AU", 12, "far"),
    ("NZ", 4, "far"), ("BR", 8, "far"), ("ZA", 8, "far"), ("MX", 5, "far"),
    ("CN", 6, "far"), ("AE", 6, "far"), ("IL", 5, "far"),
)

_M = TransferMechanismId
_NEAR_MECHANISMS: tuple[tuple[TransferMechanismId, int], ...] = (
    (_M.adequacy, 85), (_M.eu_scc, 5), (_M.uk_addendum, 3), (_M.not_stated, 7),
)
_FAR_MECHANISMS: tuple[tuple[TransferMechanismId, int], ...] = (
    (_M.idta, 22), (_M.uk_addendum, 20), (_M.eu_scc, 8), (_M.bcr, 8), (_M.art49_derogation, 3),
    (_M.not_stated, 14), (_M.legacy_eu_scc, 8), (_M.adequacy, 4),
)
_US_MECHANISMS: tuple[tuple[TransferMechanismId, int], ...] = (
    (_M.uk_extension_dpf, 30), (_M.idta, 15), (_M.uk_addendum, 15), (_M.eu_scc, 5),
    (_M.bcr, 5), (_M.not_stated, 10), (_M.privacy_shield, 12), (_M.legacy_eu_scc, 5),
    (_M.safe_harbour, 2), (_M.eu_us_dpf, 1),
)

_B = LawfulBasisId
_BASES: tuple[tuple[LawfulBasisId, int], ...] = (
    (_B.contract, 30), (_B.legitimate_interests, 25), (_B.legal_obligation, 20),
    (_B.consent, 15), (_B.public_task, 2), (_B.vital_interests, 2),
    (_B.recognised_legitimate_interest, 3),
)
_C = Art9Condition
_CONDITIONS: tuple[tuple[Art9Condition, int], ...] = (
    (_C.explicit_consent, 25), (_C.employment_social_security, 30), (_C.health_social_care, 12),
    (_C.legal_claims, 8), (_C.substantial_public_interest, 10), (_C.vital_interests, 3),
    (_C.archiving_research_statistics, 5), (_C.public_health, 3),
    (_C.made_public_by_data_subject, 2), (_C.not_for_profit_body, 2),
)
_K = RecipientKind
_KINDS: tuple[tuple[RecipientKind, int], ...] = (
    (_K.processor, 58), (_K.sub_processor, 6), (_K.controller, 18), (_K.joint_controller, 3),
    (_K.public_authority, 6), (_K.unspecified, 9),
)
# fmt: on

# How often the record has the gaps real records have (probabilities).
P_SPECIAL_WITHOUT_CONDITION = 0.2
P_CRIMINAL_WITHOUT_BASIS = 0.3
P_CONSENT_WITHOUT_WITHDRAWAL = 0.1
P_LI_WITHOUT_LIA = 0.2
P_PROCESSOR_WITHOUT_CONTRACT = 0.15
OUTDATED_TRANSFER_EVERY = 8
"""Among recipients abroad, roughly one in this many (far away) states a mechanism from the
past (Privacy Shield, the old SCCs) on top of those the weights pick."""
