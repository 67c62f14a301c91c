"""The processor record (GDPR / UK GDPR Art 30(2)): the controllers an organisation serves.

An organisation acting as a processor must record (a) the name and contact details of each
controller on whose behalf it acts, with that controller's representative and DPO, (b) the
categories of processing carried out for each, (c) transfers and their safeguards and (d) a
general description of its security measures. In ropagraph (c) and (d) come from the processor
activities themselves (their recipients' transfers and their security measures); this module
adds (a) as ``Record.controllers_served`` and (b) as each processor activity's ``on_behalf_of``.

Many processors serve a class of customers rather than a list the record can name ("our business
customers"): ``category_only`` records that honestly, as for recipients.
"""

from __future__ import annotations

from pydantic import Field

from graph.model.base import CountryCode, Identified
from graph.model.elements import Contact, Person


class ServedController(Identified):
    """A controller on whose behalf the organisation processes personal data (Art 30(2)(a))."""

    country: CountryCode | None = Field(
        default=None, description="Where the controller is established; None when not stated."
    )
    contact: Contact | None = None
    representative: Person | None = None
    dpo: Person | None = None
    category_only: bool = Field(
        default=False,
        description="True when the record names a class of controllers ('our business "
        "customers'), not one organisation.",
    )
    contract_ref: str | None = Field(
        default=None, description="The Art 28 contract under which the organisation processes."
    )
