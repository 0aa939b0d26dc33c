"""Deadline rules about providers' standing: evidence expiry, concern reviews, the annual
re-accreditation and Ofsted re-inspection. Pure, like `dps.scheduler.domain` (whose conventions
apply: events at 00:00 in England, the latest due event of a series is sent, deterministic keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dps.accounts.domain import SettingType
from dps.compliance.domain.concerns import ConcernStatus
from dps.core.dates import UK_TIME, long_date, months_after, start_of
from dps.frameworks.domain.applications import MembershipStatus
from dps.scheduler.domain import ONE_DAY, Event, Message

# --- evidence expiry (DESIGN.md story 5) -------------------------------------------------------

# Reminders to the provider 30 and 7 days before its evidence expires (issue 8, story 5).
EVIDENCE_REMINDER_DAYS = (30, 7)


@dataclass(frozen=True, slots=True)
class EvidenceFacts:
    id: int
    status: str  # current | replaced | expired
    expires_on: date | None
    # Set when the piece was attached ahead of its start day (an early renewal): it takes over then.
    takes_effect_on: date | None = None
    # A held renewal covers the expiry without a gap (compliance's timeline says so): no reminders.
    renewed: bool = False


def evidence_lapses_at(expires_on: date) -> datetime:
    """A certificate is good through its expiry date and lapses the day after. The compliance
    service judges that on the UTC date (`Evidence.is_expired_on(now.date())`), so the lapse is
    acted on at 00:00 UTC of the next day: never before compliance agrees it has lapsed."""
    return datetime.combine(expires_on + ONE_DAY, time(0), tzinfo=UTC)


def evidence_takes_effect_at(starts_on: date) -> datetime:
    """A renewal takes over on its start day, judged (like the lapse) on the UTC date."""
    return datetime.combine(starts_on, time(0), tzinfo=UTC)


def evidence_events(facts: EvidenceFacts) -> list[Event]:
    """The day an early renewal takes over (what it overtakes is replaced; memberships suspended
    for a gap in cover are reinstated), reminders 30 and 7 days before expiry unless a renewal
    held covers it (issue 12), and the expiry itself (the check becomes `expired` and memberships
    relying on it as a mandatory requirement are suspended, unless a renewal is in force)."""
    if facts.status != "current":
        return []
    prefix = f"evidence:{facts.id}"
    events: list[Event] = []
    if facts.takes_effect_on is not None:
        starts = facts.takes_effect_on
        events.append(Event("takes-effect", evidence_takes_effect_at(starts), f"{prefix}:takes-effect:{starts}"))
    if facts.expires_on is None:
        return events
    expires = facts.expires_on
    if not facts.renewed:
        events += [
            Event(
                f"expiring-{n}d", start_of(expires - timedelta(days=n)), f"{prefix}:expiring-{n}d:{expires.isoformat()}"
            )
            for n in EVIDENCE_REMINDER_DAYS
        ]
    events.append(Event("expiry", evidence_lapses_at(expires), f"{prefix}:expired"))
    return events


def evidence_message(evidence_id: int, requirement_title: str, expires_on: date, today: date) -> Message:
    days = (expires_on - today).days
    return Message(
        "evidence.expiring",
        f"{requirement_title} expires on {long_date(expires_on)}",
        f"Your evidence for '{requirement_title}' (evidence {evidence_id}) expires on {long_date(expires_on)}, "
        f"in {days} day{'s' if days != 1 else ''}. Attach the renewed evidence before then: memberships "
        "that rely on it are suspended when it lapses.",
        f"/api/v1/compliance/evidence/{evidence_id}",
    )


# --- concern review dates (information sharing protocol) ---------------------------------------

# The issuing council reviews a live concern on the review date it set (ISP: the issuing council
# keeps the concern under review and rescinds it once rectified); its staff are reminded a week
# before and on the day.
CONCERN_REMINDER_DAYS = (7, 0)
LIVE_CONCERN = frozenset({ConcernStatus.ISSUED, ConcernStatus.RESPONDED})


@dataclass(frozen=True, slots=True)
class ConcernFacts:
    id: int
    status: ConcernStatus
    review_on: date | None


def concern_events(facts: ConcernFacts) -> list[Event]:
    if facts.status not in LIVE_CONCERN or facts.review_on is None:
        return []
    review = facts.review_on
    return [
        Event(
            "review-due" if n == 0 else f"review-{n}d",
            start_of(review - timedelta(days=n)),
            f"concern:{facts.id}:review-{n}d:{review.isoformat()}",
        )
        for n in CONCERN_REMINDER_DAYS
    ]


def concern_message(event: Event, concern_id: int, provider_name: str, review_on: date) -> Message:
    when = "today" if event.name == "review-due" else f"on {long_date(review_on)}"
    return Message(
        "concern.review_due",
        f"Concern {concern_id} about {provider_name}: review due {when}",
        f"The concern {concern_id} your council issued about {provider_name} is due for review {when}. "
        "Review the provider's response and rescind the concern once it is rectified.",
        f"/api/v1/concerns/{concern_id}",
    )


# --- annual re-accreditation (DESIGN.md story 8) -----------------------------------------------

# An annual refresh of each member's evidence: requested 11 months after the last verification,
# due on its anniversary, and the membership is suspended when a grace period of 30 days after the
# anniversary passes without it (our decision; the issue leaves the length open). Refreshing later
# reinstates the membership.
REFRESH_AFTER_MONTHS = 11
REFRESH_DUE_MONTHS = 12
REFRESH_GRACE = timedelta(days=30)
# The status reason that marks a suspension as this rule's own (so only it reinstates).
REACCREDITATION_REASON = "re-accreditation: the annual refresh of evidence was not received by"


@dataclass(frozen=True, slots=True)
class ReaccreditationFacts:
    membership_id: int
    status: MembershipStatus
    status_reason: str | None
    started_on: date
    # The day every mandatory requirement's evidence was last refreshed: the oldest of the
    # latest submissions per mandatory evidence requirement (None: some was never given).
    evidence_refreshed_on: date | None

    @property
    def last_verified_on(self) -> date:
        """The membership's start, or the latest complete refresh of its evidence if later."""
        if self.evidence_refreshed_on is not None and self.evidence_refreshed_on > self.started_on:
            return self.evidence_refreshed_on
        return self.started_on

    @property
    def suspended_by_us(self) -> bool:
        return self.status is MembershipStatus.SUSPENDED and (self.status_reason or "").startswith(
            REACCREDITATION_REASON
        )


@dataclass(frozen=True, slots=True)
class ReaccreditationPlan:
    request: Event | None  # tell the provider the refresh is due
    suspend: bool
    reinstate: bool
    due_on: date
    next_at: datetime | None


def reaccreditation_plan(facts: ReaccreditationFacts, now: datetime) -> ReaccreditationPlan:
    """The refresh request, the suspension after the grace period, or the reinstatement once the
    refresh has come in. While suspended by this rule the membership is looked at daily."""
    verified = facts.last_verified_on
    due = months_after(verified, REFRESH_DUE_MONTHS)
    request_at = start_of(months_after(verified, REFRESH_AFTER_MONTHS))
    suspend_at = start_of(due) + REFRESH_GRACE
    if facts.suspended_by_us:
        if now < suspend_at:
            # The refresh came in: the last verification moved and its grace has not run out.
            return ReaccreditationPlan(None, False, True, due, request_at if now < request_at else suspend_at)
        return ReaccreditationPlan(None, False, False, due, next_local_midnight(now))
    if facts.status is MembershipStatus.SUSPENDED:
        # Suspended for another reason (compliance, an officer): look again daily until it is lifted.
        return ReaccreditationPlan(None, False, False, due, next_local_midnight(now))
    if facts.status is not MembershipStatus.ACTIVE:
        return ReaccreditationPlan(None, False, False, due, None)  # removed or expired: nothing left
    key = f"membership:{facts.membership_id}:refresh:{due.isoformat()}"
    if now >= suspend_at:
        return ReaccreditationPlan(None, True, False, due, next_local_midnight(now))
    if now >= request_at:
        return ReaccreditationPlan(Event("refresh-requested", request_at, key), False, False, due, suspend_at)
    return ReaccreditationPlan(None, False, False, due, request_at)


def refresh_message(membership_id: int, arrangement_title: str, due_on: date) -> Message:
    return Message(
        "membership.refresh_requested",
        f"Annual refresh of your evidence for {arrangement_title}",
        f"Your membership {membership_id} of {arrangement_title} is due for its annual re-accreditation. "
        f"Attach current evidence for every mandatory requirement by {long_date(due_on)}; the membership is "
        f"suspended if it has not come in {REFRESH_GRACE.days} days after that.",
        f"/api/v1/memberships/{membership_id}",
    )


def reaccreditation_suspended_message(membership_id: int, arrangement_title: str, due_on: date) -> Message:
    return Message(
        "membership.suspended_for_refresh",
        f"Membership of {arrangement_title} suspended: annual refresh not received",
        f"Membership {membership_id} of {arrangement_title} is suspended: the annual refresh of evidence "
        f"due on {long_date(due_on)} was not received within {REFRESH_GRACE.days} days. Attaching the current "
        "evidence reinstates it.",
        f"/api/v1/memberships/{membership_id}",
    )


# --- Ofsted re-inspection expected by setting type ---------------------------------------------

# Ofsted's Social Care Common Inspection Framework (SCCIF): children's homes are inspected at
# least once in every year (Care Standards Act 2000 s.31 and the Children's Homes (England)
# Regulations 2015, SCCIF: "full inspection at least once a year"); independent fostering agencies
# at least once within three years (SCCIF: independent fostering agencies); supported
# accommodation within a 3-year cycle (Supported Accommodation (England) Regulations 2023,
# SCCIF: supported accommodation); non-association independent schools within three years
# (Education and Skills Act 2008 s.109 and the EIF; standard cycle).
OFSTED_INTERVAL_MONTHS: dict[SettingType, int] = {
    SettingType.CHILDRENS_HOME: 12,
    SettingType.FOSTERING_AGENCY_BRANCH: 36,
    SettingType.SUPPORTED_ACCOMMODATION: 36,
    SettingType.SCHOOL: 36,
}


def reinspection_expected_by(setting_type: SettingType, last_inspection: date) -> date:
    """The last day by which the next Ofsted inspection is expected for this type of setting."""
    return months_after(last_inspection, OFSTED_INTERVAL_MONTHS[setting_type])


def reinspection_overdue(setting_type: SettingType, last_inspection: date | None, today: date) -> date | None:
    """The date the re-inspection was expected by, when `today` is past it; otherwise None. A
    setting never inspected is not judged here (its registration check is compliance's)."""
    if last_inspection is None:
        return None
    expected = reinspection_expected_by(setting_type, last_inspection)
    return expected if today > expected else None


def ofsted_message(
    provider_id: int, setting_id: int, setting_name: str, provider_name: str, last: date, expected: date
) -> Message:
    return Message(
        "setting.ofsted_overdue",
        f"Ofsted re-inspection overdue: {setting_name}",
        f"{setting_name} ({provider_name}) was last inspected by Ofsted on {long_date(last)}; the next "
        f"inspection was expected by {long_date(expected)}. Record the latest judgement or ask the provider.",
        f"/api/v1/providers/{provider_id}/settings/{setting_id}",
    )


def next_local_midnight(now: datetime) -> datetime:
    """00:00 in England on the day after `now` (the daily census's next run)."""
    return start_of(now.astimezone(UK_TIME).date() + ONE_DAY)
