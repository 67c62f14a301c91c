"""What the Privacy and Electronic Communications Regulations 2003 (PECR) need from a record.

PECR sits beside the UK GDPR: it governs cookies and similar technologies on a website or app
(reg 6), electronic marketing (regs 21-22), traffic and location data (regs 7, 8, 14) and, for
providers of a public electronic communications service, breach notification (reg 5A). Whether
those rules bite depends on facts a GDPR record does not hold — does the controller run a
website, provide a public electronic communications service, which channels does its marketing
use, which cookies does it set and on what footing — so they are recorded here, as the source
states them, and judged by the findings rules. A fact the source does not state stays None.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from graph.model.base import Element, Identified


class ControllerPecr(Element):
    """Facts about the controller that decide which PECR rules apply to it."""

    sector: str | None = Field(
        default=None, description="The controller's sector as the source states it, e.g. telecoms."
    )
    public_ecs_provider: bool | None = Field(
        default=None,
        description="Provides a public electronic communications service (PECR reg 2): regs 5A, "
        "7 and 8 apply to it.",
    )
    website_or_app: bool | None = Field(
        default=None, description="Runs a website or app that can set cookies (PECR reg 6)."
    )


class CookiePurpose(StrEnum):
    """Why a cookie or similar technology is set: decides whether consent is needed (reg 6)."""

    strictly_necessary = "strictly_necessary"
    communication = "communication"
    analytics = "analytics"  # statistics about how the service is used, to improve it
    appearance = "appearance"  # functionality or appearance the user chose
    security = "security"
    emergency = "emergency"
    advertising = "advertising"
    unspecified = "unspecified"


class CookieExemption(StrEnum):
    """The PECR ground for setting a cookie without consent, where the record claims one."""

    strictly_necessary = "strictly_necessary"  # reg 6(4)(b)
    communication = "communication"  # reg 6(4)(a)
    statistical = "statistical"  # Sch A1 (from the Data (Use and Access) Act 2025)
    appearance = "appearance"  # Sch A1
    security = "security"  # Sch A1
    emergency = "emergency"  # Sch A1


class Cookie(Identified):
    """A cookie or similar technology (pixel, local storage, SDK) an activity sets or reads."""

    purpose: CookiePurpose = CookiePurpose.unspecified
    provider: str | None = Field(default=None, description="Who sets it, e.g. Google.")
    consent: bool | None = Field(
        default=None, description="Consent obtained before it is set; None when not stated."
    )
    exemption: CookieExemption | None = Field(
        default=None, description="The ground claimed for setting it without consent, if any."
    )
    information: str | None = Field(
        default=None, description="The information given to users about it, verbatim."
    )
    objection: str | None = Field(
        default=None, description="How users can object or switch it off, verbatim."
    )


class MarketingChannel(StrEnum):
    email = "email"
    sms = "sms"  # electronic mail under PECR reg 22, like email
    phone = "phone"  # live calls, reg 21
    automated_call = "automated_call"  # reg 19
    post = "post"  # not PECR
    social_media = "social_media"
    fax = "fax"  # reg 20


ELECTRONIC_MAIL = (MarketingChannel.email, MarketingChannel.sms)
"""Channels PECR reg 22 calls electronic mail."""


class MarketingAudience(StrEnum):
    """Who the marketing goes to: reg 22 protects individual subscribers (including sole traders
    and partnerships); corporate subscribers are covered only by reg 21/21A-style rules."""

    individuals = "individuals"
    corporate = "corporate"
    both = "both"


class Marketing(Element):
    """How an activity markets: the channels, to whom, and what the record says about consent."""

    channels: list[MarketingChannel] = Field(default_factory=list)
    audience: MarketingAudience | None = None
    soft_opt_in: bool | None = Field(
        default=None,
        description="Relies on the reg 22(3) soft opt-in (details obtained in a sale, similar "
        "products, a chance to refuse each time).",
    )
    tps_screened: bool | None = Field(
        default=None, description="Numbers screened against the TPS/CTPS before live calls."
    )


class PecrDataKind(StrEnum):
    """Data PECR regulates beyond the UK GDPR (regs 7, 8 and 14)."""

    traffic = "traffic"
    location = "location"
