"""A change of address (contact or login) that takes effect only once the new address confirms it (issue 13).

The new address gets a single-use link valid 24 hours; the old one a notice with a link that cancels the change for
7 days (before its confirmation: it never happens; after: the old address comes back and every session ends).
"""

from datetime import timedelta

from .contact import normalise_email
from .errors import Problem
from .states import ABSENT, StateMachine

PENDING = "EN_ATTENTE"
CONFIRMED = "CONFIRMEE"

EMAIL_CHANGE = StateMachine("email_change", (PENDING, CONFIRMED), {
    # A new request replaces a pending one (its links die with it); a confirmed one only once the old address's
    # cancel link has expired (``locked``): replacing it sooner would kill that link, the old owner's way back.
    "request": ((ABSENT, PENDING, CONFIRMED), PENDING),
    "confirm": ((PENDING,), CONFIRMED),
})

FIELDS = ("contact_email", "login")
CONFIRM_LIFETIME = timedelta(hours=24)
CANCEL_LIFETIME = timedelta(days=7)


def check_request(field: str, address: str | None, current: str) -> tuple[str | None, dict[str, Problem]]:
    """The new address normalised, or the problem with it: required, well formed, and not the current one."""
    if field not in FIELDS:
        return None, {"target": Problem("field.choice")}
    if not address:
        return None, {"address": Problem("field.required")}
    normalised, problem = normalise_email(address)
    if problem:
        return None, {"address": problem}
    if same_address(field, normalised, current):
        return None, {"address": Problem("email_change.same")}
    return normalised, {}


def same_address(field: str, new: str, current: str) -> bool:
    """A login is unique without regard to case (``LOGIN#<casefolded>``); a contact address is kept as written."""
    return new.casefold() == current.casefold() if field == "login" else new == current


def pending_shown(change, now) -> bool:
    """« En attente de confirmation » while the new address may still confirm."""
    return change is not None and change.status == PENDING and now < change.confirm_until


def cancellable(change, now) -> bool:
    return change is not None and now < change.cancel_until


def locked(change, now) -> bool:
    """A confirmed change the old address may still cancel: no new change until then."""
    return change is not None and change.status == CONFIRMED and cancellable(change, now)
