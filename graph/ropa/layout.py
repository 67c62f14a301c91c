"""The ICO controller-template layout and the line formats inside its cells.

Both sides of the spreadsheet trip read this module: graph/ropa/to_xlsx.py writes these
headings and line shapes, loaders/ico/ finds and parses them. Keeping them in one place is
what makes an export import back unchanged. The headings are the ICO template's wording (a
layout, not a legal fact); article numbers never appear here, they come from data/reference.
"""

from __future__ import annotations

from graph.model import ProcedureKind

# The column headings of the UK ICO "Documentation template for controllers", in its order. This
# is a layout (the ICO's wording), not a legal fact; the importer matches these headings.
H_BUSINESS_FUNCTION = "Business function"
H_PURPOSE = "Purpose of processing"
H_JOINT_CONTROLLER = "Name and contact details of joint controller (if applicable)"
H_SUBJECTS = "Categories of individuals"
H_CATEGORIES = "Categories of personal data"
H_RECIPIENTS = "Categories of recipients"
H_CONTRACT = "Link to contract with processor"
H_COUNTRIES = (
    "Names of third countries or international organisations that personal data are "
    "transferred to (if applicable)"
)
H_SAFEGUARDS = (
    "Safeguards for exceptional transfers of personal data to third countries or "
    "international organisations (if applicable)"
)
H_RETENTION = "Retention schedule (if possible)"
H_SECURITY = "General description of technical and organisational security measures (if possible)"
H_ART6 = "Article 6 lawful basis for processing personal data"
H_ART9 = "Article 9 condition for processing special category data"
H_LI = "Legitimate interests for the processing (if applicable)"
H_LIA = "Link to record of legitimate interests assessment (if applicable)"
H_RIGHTS = "Rights available to individuals"
H_ADM = "Existence of automated decision-making, including profiling (if applicable)"
H_SOURCE = "The source of the personal data (if applicable)"
H_CONSENT_RECORD = "Link to record of consent"
H_LOCATION = "Location of personal data"
H_DPIA_REQUIRED = "Data Protection Impact Assessment required?"
H_DPIA_PROGRESS = "Data Protection Impact Assessment progress"
H_DPIA_LINK = "Link to Data Protection Impact Assessment"
H_BREACH = "Has a personal data breach occurred?"
H_BREACH_LINK = "Link to record of personal data breach"
H_SCHEDULE1 = "Data Protection Act 2018 Schedule 1 Condition for processing"
H_ART6_SPECIAL = "GDPR Article 6 lawful basis for processing"
H_RETENTION_POLICY = "Link to retention and erasure policy document"
H_RETENTION_KEPT = "Is personal data retained and erased in accordance with the policy document?"
H_RETENTION_REASONS = "Reasons for not adhering to policy document (if applicable)"

ICO_HEADINGS: tuple[str, ...] = (
    H_BUSINESS_FUNCTION,
    H_PURPOSE,
    H_JOINT_CONTROLLER,
    H_SUBJECTS,
    H_CATEGORIES,
    H_RECIPIENTS,
    H_CONTRACT,
    H_COUNTRIES,
    H_SAFEGUARDS,
    H_RETENTION,
    H_SECURITY,
    H_ART6,
    H_ART9,
    H_LI,
    H_LIA,
    H_RIGHTS,
    H_ADM,
    H_SOURCE,
    H_CONSENT_RECORD,
    H_LOCATION,
    H_DPIA_REQUIRED,
    H_DPIA_PROGRESS,
    H_DPIA_LINK,
    H_BREACH,
    H_BREACH_LINK,
    H_SCHEDULE1,
    H_ART6_SPECIAL,
    H_RETENTION_POLICY,
    H_RETENTION_KEPT,
    H_RETENTION_REASONS,
)

# The controller block above the table: one line per party, these fields across.
BLOCK_FIELDS: tuple[str, ...] = ("Name", "Address", "Email", "Telephone", "Website", "Country")
PARTY_CONTROLLER = "Controller"
PARTY_DPO = "Data Protection Officer"
PARTY_REPRESENTATIVE = "Representative"

# The ICO processor template (Art 30(2)): its columns about each controller served. The
# processor sheet also repeats the controller template's transfer and security columns.
H_P_CONTROLLER = "Name and contact details of controller"
H_P_REPRESENTATIVE = "Name and contact details of controller's representative (if applicable)"
H_P_DPO = "Name and contact details of controller's data protection officer (if applicable)"
H_P_CATEGORIES = "Categories of processing"
H_P_ACTIVITY_ID = "Activity id"
PROCESSOR_SHEET = "Processor record"
PROCESSOR_SHEET_HEADINGS: tuple[str, ...] = (
    H_P_CONTROLLER,
    H_P_REPRESENTATIVE,
    H_P_DPO,
    H_P_CATEGORIES,
    H_COUNTRIES,
    H_SAFEGUARDS,
    H_SECURITY,
    H_P_ACTIVITY_ID,
)
PROCESSOR_SELF = "Name and contact details of our organisation"  # the processor itself
PROCESSOR_TITLE = "Processor record (Art 30(2))"
PROCESSOR_INTRO = (
    "Processing carried out as a processor, on behalf of each controller below: the "
    "controller's contacts, the categories of processing, transfers and security measures."
)
CATEGORY_OF_CONTROLLERS = "A category of controllers, not one named organisation."

MAIN_SHEET = "Record of processing"
RECIPIENTS_SHEET = "Recipients"
PROVENANCE_SHEET = "Provenance"
FINDINGS_SHEET = "Findings"
FINDINGS_HEADINGS: tuple[str, ...] = (
    "Severity",
    "Finding",
    "Element",
    "Articles",
    "Why",
    "What to do",
    "Source",
)

# The extra sheets: recipients in full, and where each row comes from.
RECIPIENT_HEADINGS: tuple[str, ...] = (
    "Recipient",
    "Kind",
    "Named organisation or category",
    "Country",
    "Contract reference",
    "Transfer to",
    "Transfer mechanism",
    "Mechanism as stated",
    "Certification recorded",
    "Derogation",
    "Disclosed by",
    "Source",
)
PROVENANCE_HEADINGS: tuple[str, ...] = (
    "Row",
    "Activity id",
    "Processing activity",
    "Role",
    "First purpose",
    "Source",
)
ROLE_NOT_STATED = "role not stated"
NAMED_ORGANISATION = "named organisation"
CATEGORY_ONLY = "category"

# Line formats the importer parses back (see loaders/ico/importer.py).
SEP = " — "  # joins a value and its qualifier: "Consent — Art 6(1)(a)"
NOT_STATED_COUNTRY = "Country not stated"
STATED_AS_OPEN = " (stated as “"
STATED_AS_CLOSE = "”)"
CRIMINAL_PREFIX = "Criminal offence data: "
CONSENT_WITHDRAWAL_LABEL = "Withdraw consent"
NOT_STATED = "Not stated in the record."

# Procedures that are rights a person can exercise (the others are the controller's duties).
RIGHT_PROCEDURES: tuple[ProcedureKind, ...] = (
    ProcedureKind.subject_access,
    ProcedureKind.rectification,
    ProcedureKind.erasure,
    ProcedureKind.restriction,
    ProcedureKind.portability,
    ProcedureKind.objection,
    ProcedureKind.complaint,
)
