"""Dated rattachements (issue 12): told 14 days before their end date, extended by a manager (« Prolonger »), ended
on their own once it has passed. Pure rules."""

from datetime import date, timedelta

from .errors import Problem
from .memberships import PRINCIPAL, VALIDATED

NOTICE_BEFORE = timedelta(days=14)
# Days back the end job reads, so that a run missed (or crashed) is caught up by the next ones.
CATCH_UP_DAYS = 3


def notice_day(valid_until: date) -> date:
    return valid_until - NOTICE_BEFORE


def ending_in_notice(today: date) -> date:
    """The end date whose rattachements are told today."""
    return today + NOTICE_BEFORE


def days_to_end(today: date) -> list[date]:
    """The end dates whose rattachements end today: the validity's last day is included, so yesterday's, and the days
    before it a missed run left."""
    return [today - timedelta(days=back) for back in range(CATCH_UP_DAYS, 0, -1)]


def still_ending(membership, day: date) -> bool:
    """The rattachement filed under ``day`` still ends that day (not extended, not ended or refused since)."""
    return membership is not None and membership.status == VALIDATED and membership.valid_until == day


def ends_on_its_own(membership) -> bool:
    """A principal manager's link never ends on its own: a structure always keeps its principal."""
    return membership.role != PRINCIPAL


def extension_problems(current_until: date | None, new_until: date, today: date) -> dict:
    if current_until is None:
        return {"valid_until": Problem("extension.undated")}
    if new_until <= current_until or new_until < today:
        return {"valid_until": Problem("extension.later", {"date": current_until.isoformat()})}
    return {}
