"""Rattachements: their statuses and roles as state machines, default spaces, and who may do what in a structure."""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from .accounts import ACTIVE
from .errors import Problem, ServiceDecidedTwice, ServiceNotRequested
from .states import ABSENT, StateMachine, Transition
from .subscriptions import (
    ACCOUNT_SPACE,
    HOME_SPACE,
    INVOICES_SENT,
    MANAGER_SPACE,
    MODIFICATION,
    REQUESTS_SENT,
)

PRINCIPAL = "GESTIONNAIRE_PRINCIPAL"
SECONDARY = "GESTIONNAIRE_SECONDAIRE"
USER = "UTILISATEUR"
ROLES = (PRINCIPAL, SECONDARY, USER)

PENDING = "EN_COURS_DE_VALIDATION"
VALIDATED = "VALIDEE"
REFUSED = "REFUSEE"
DEACTIVATED = "DESACTIVEE"
DELETED = "SUPPRIMEE"
STATUSES = (PENDING, VALIDATED, REFUSED, DEACTIVATED, DELETED)

# The status of a rattachement (guide §4): asked, decided, suspended while the account is deactivated, ended.
MEMBERSHIP = StateMachine("membership", STATUSES, {
    "request": ((ABSENT, REFUSED, DELETED), PENDING),  # a refused or ended link may be asked again
    "attach": ((ABSENT, REFUSED, DELETED), VALIDATED),  # a manager attaches a user on its own initiative
    "found": ((ABSENT,), VALIDATED),  # the creator of a structure
    "validate": ((PENDING,), VALIDATED),
    "refuse": ((PENDING,), REFUSED),
    "withdraw": ((PENDING,), DELETED),  # by its author, or by the deactivation of its author's account
    "leave": ((VALIDATED, REFUSED), DELETED),
    "suspend": ((VALIDATED,), DEACTIVATED),  # the account is deactivated
    "restore": ((DEACTIVATED,), VALIDATED),  # the account is reactivated
    # A manager ends a member's link (« Supprimer le rattachement »), or the only service it was limited to is
    # deactivated: a suspended link (account deactivated) can be ended too, or it would come back on reactivation.
    "end": ((VALIDATED, DEACTIVATED), DELETED),
})

# The role in a structure, changed only on a validated rattachement. The principal's role moves by a transfer
# (hand over + take over in one transaction), never by a plain role change.
ROLE = StateMachine("role", ROLES, {
    "promote": ((USER, SECONDARY), SECONDARY),  # name a secondary manager, or change how it acts
    "demote": ((SECONDARY, USER), USER),
    "hand_over": ((PRINCIPAL,), USER),
    "take_over": ((USER, SECONDARY), PRINCIPAL),
})

SCOPE_MANAGER = "GESTIONNAIRE"
SCOPE_USER = "UTILISATEUR"
SCOPES = (SCOPE_MANAGER, SCOPE_USER)

DEFAULT_SPACES = {
    PRINCIPAL: (HOME_SPACE, MANAGER_SPACE, INVOICES_SENT, REQUESTS_SENT, ACCOUNT_SPACE),
    SECONDARY: (HOME_SPACE, MANAGER_SPACE, INVOICES_SENT, REQUESTS_SENT, ACCOUNT_SPACE),
    USER: (HOME_SPACE, INVOICES_SENT, REQUESTS_SENT, ACCOUNT_SPACE),
}
DEFAULT_HABILITATION = MODIFICATION
MAX_SERVICES_PER_REQUEST = 15
COMMENT_MAX = 255


def is_active(status: str, valid_from: date, valid_until: date | None, today: date) -> bool:
    """A rattachement gives access only once validated and between its validity dates."""
    return status == VALIDATED and valid_from <= today and (valid_until is None or today <= valid_until)


def can_manage(role: str, scope: str | None, active: bool) -> bool:
    """The principal manager, or a secondary manager its principal lets act as a manager."""
    return active and (role == PRINCIPAL or (role == SECONDARY and scope == SCOPE_MANAGER))


def default_spaces(role: str, scope: str | None = None) -> tuple[str, ...]:
    if role == SECONDARY and scope != SCOPE_MANAGER:
        return DEFAULT_SPACES[USER]
    return DEFAULT_SPACES[role]


def membership_active(membership, today: date) -> bool:
    """Validated, and ``today`` within its validity dates (``membership`` a ``entities.Membership`` or None)."""
    if membership is None:
        return False
    return is_active(membership.status, membership.valid_from, membership.valid_until, today)


def manages(membership, today: date, holds_manager_space: bool = True) -> bool:
    """Whether this rattachement lets its user manage its structure on ``today``: a manager's role, and the space
    « Activité du gestionnaire » still held (a manager who gave it up reaches no manager route)."""
    return membership is not None and holds_manager_space and can_manage(
        membership.role, membership.manager_scope, membership_active(membership, today))


def holds_manager_role(membership) -> bool:
    """A validated rattachement with a manager's role, whatever its dates: who keeps a copy of the structure's pending
    requests (shown only on the days it ``manages``)."""
    return membership.status == VALIDATED and can_manage(membership.role, membership.manager_scope, True)


def listed(membership) -> bool:
    """A rattachement the user still sees (an ended one is history)."""
    return membership is not None and membership.status != DELETED


# Services decided one by one (guide §4, « Liste des services »: « Statut du rattachement » per service) ---------------

def summary_status(service_statuses) -> str:
    """The status of a rattachement whose services are decided one by one: validated as soon as one service is,
    refused once every one was, pending while undecided."""
    statuses = list(service_statuses)
    if VALIDATED in statuses:
        return VALIDATED
    if statuses and all(status == REFUSED for status in statuses):
        return REFUSED
    return PENDING


def service_status(link_status: str, own_status: str | None) -> str:
    """What one service of a rattachement shows: its own decision; the link's status when it has none (stored before
    services had their own), or when the link is suspended or ended (its validated services go with it)."""
    if own_status is None or (link_status in (DEACTIVATED, DELETED) and own_status != REFUSED):
        return link_status
    return own_status


def attached_services(membership) -> list[str] | None:
    """The codes of the services a rattachement reaches, None for the whole structure: a refused service reaches
    nothing, so no subscription is asked or granted for it (a link whose services were all refused reaches none)."""
    if not membership.services:
        return None
    return [service.code for service in membership.services if service.status != REFUSED]


def service_date_problems(choices: list[dict], valid_from: date, today: date, field: str = "services") -> dict:
    """The problems of the dates a request gives per service: none in the past, and an end not before its start (the
    request's own start for a service that gives none). Keyed by field path (``services.1.valid_from``)."""
    problems = {}
    for index, choice in enumerate(choices):
        start, end = choice.get("valid_from"), choice.get("valid_until")
        for name, day in (("valid_from", start), ("valid_until", end)):
            if day is not None and day < today:
                problems[f"{field}.{index}.{name}"] = Problem("dates.past_service", {"code": choice["code"]})
        until = f"{field}.{index}.valid_until"
        if end is not None and until not in problems and end < (start or valid_from):
            problems[until] = Problem("dates.order_service", {"code": choice["code"]})
    return problems


def decide_services(services: list, validated: list[str], refused: list[str], default: str) -> list:
    """The services of a request (``entities.ServiceRef``) with their decision: those named to validate or to refuse,
    the others as the decision says (``default``). Naming a service the request does not ask for, or one service both
    ways, refuses the decision."""
    requested = {service.code for service in services}
    for code in (*validated, *refused):
        if code not in requested:
            raise ServiceNotRequested(code=code)
    both = sorted(set(validated) & set(refused))
    if both:
        raise ServiceDecidedTwice(code=both[0])

    def decision(code: str) -> str:
        return VALIDATED if code in validated else REFUSED if code in refused else default

    return [replace(service, status=decision(service.code)) for service in services]
# Deactivation of a service ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ServiceLoss:
    """What the deactivation of a service does to one rattachement limited to it: it keeps its other services
    (``remaining``), or it ends along ``ending``; a principal manager's link is widened to the whole structure instead
    (``remaining`` empty, no ending): a structure always keeps its principal manager."""

    membership: object
    remaining: list
    ending: Transition | None


# The links that still give (or ask for) access: a refused or ended one is history and keeps its services as they were.
_STILL_LINKED = (PENDING, VALIDATED, DEACTIVATED)


def service_losses(memberships, code: str) -> list[ServiceLoss]:
    """The rattachements limited to service ``code`` among ``memberships``, and what each becomes without it."""
    losses = []
    for membership in memberships:
        if membership.status not in _STILL_LINKED or code not in {s.code for s in membership.services}:
            continue
        remaining = [s for s in membership.services if s.code != code]
        ending = None
        # Without a service it reaches (refused ones reach nothing) the link ends, but a principal's.
        if not [s for s in remaining if s.status != REFUSED] and membership.role != PRINCIPAL:
            ending = next(MEMBERSHIP.transition(name) for name in ("leave", "withdraw", "end")
                          if MEMBERSHIP.transition(name).allows(membership.status))
        losses.append(ServiceLoss(membership, remaining, ending))
    return losses


# A request nobody decides does not wait forever: past this age, a principal manager who cannot act (account not
# active, or login locked) hands it to the structure's other managers.
STALE_AFTER = timedelta(days=14)


def stale(requested_at: datetime, now: datetime) -> bool:
    """A pending request asked more than 14 days ago."""
    return now - requested_at > STALE_AFTER


def check_day(requested_at: datetime) -> date:
    """The first day (UTC) at whose start a request is ``stale``: the day the daily check files it under."""
    return (requested_at + STALE_AFTER).date() + timedelta(days=1)


def days_to_check(last_checked: date | None, today: date) -> list[date]:
    """The days a run reads: today, and every day missed since the last finished one (none if today is done)."""
    if last_checked is None:
        return [today]
    return [last_checked + timedelta(days=n) for n in range(1, (today - last_checked).days + 1)]


def principal_unavailable(account_status: str | None, locked_until: datetime | None, now: datetime) -> bool:
    """The principal manager cannot decide: no active account (``None``: none at all), or its login is locked."""
    return account_status != ACTIVE or (locked_until is not None and now < locked_until)


def deputies(members, principal_user_id: str, today: date) -> list:
    """Who an escalated request goes to: the structure's secondary managers, acting as managers or as users, whose
    rattachement is in force today (the principal excluded)."""
    return [m for m in members if m.role == SECONDARY and m.user_id != principal_user_id
            and membership_active(m, today)]


def may_decide_escalated(membership, escalated: bool, today: date) -> bool:
    """A secondary manager acting as a user decides a request of its structure only once it was escalated."""
    return (escalated and membership is not None and membership.role == SECONDARY
            and membership_active(membership, today))
