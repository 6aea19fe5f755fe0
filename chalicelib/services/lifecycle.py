"""« Désactiver mon compte » (guide §7): at once for a user or secondary manager; a principal manager first names
a new principal manager for every structure it leads. The account's pending requests are withdrawn with it."""

import logging

from chalicelib.domain import clock, entities
from chalicelib.domain import events as event_kinds
from chalicelib.domain.errors import InvalidInput, Problem, SuccessorRequired
from chalicelib.domain.memberships import MEMBERSHIP, PENDING, PRINCIPAL, ROLE, default_spaces, membership_active
from chalicelib.domain.subscriptions import SUBSCRIPTION
from chalicelib.services.auth import CurrentSession, end_all_sessions
from chalicelib.services.events import about_account, about_membership, about_subscriptions
from chalicelib.store import accounts, memberships, structures

log = logging.getLogger(__name__)


def _led(account: entities.Account) -> list[entities.Membership]:
    """The structures the user leads: each needs a successor before the account is deactivated."""
    hand_over = ROLE.transition("hand_over")
    suspend = MEMBERSHIP.transition("suspend")
    return [m for m in account.memberships if hand_over.allows(m.role) and suspend.allows(m.status)]


def structures_to_hand_over(current: CurrentSession) -> list[entities.Membership]:
    return _led(accounts.load_account(current.user_id))


def deactivate(current: CurrentSession, successors: dict[str, str]) -> None:
    account = accounts.load_account(current.user_id)
    led = _led(account)
    strangers = {f"successors.{sid}": Problem("successor.not_led") for sid in successors
                 if sid not in {m.structure_id for m in led}}
    if strangers:
        raise InvalidInput(fields=strangers)
    today = clock.today()
    everyone = {m.structure_id: memberships.members(m.structure_id) for m in led}
    missing = {}
    for membership in led:
        if not successors.get(membership.structure_id):
            alone = not any(m.user_id != current.user_id and membership_active(m, today)
                            for m in everyone[membership.structure_id])
            missing[f"successors.{membership.structure_id}"] = Problem(
                "successor.alone" if alone else "successor.required")
    if missing:
        raise SuccessorRequired(fields=missing)
    transfers, problems = [], {}
    for former in led:
        successor = memberships.get_membership(successors[former.structure_id], former.structure_id)
        if (successor is None or successor.user_id == current.user_id or not membership_active(successor, today)
                or successor.role == PRINCIPAL):
            problems[f"successors.{former.structure_id}"] = Problem("successor.not_member")
            continue
        pending = [m for m in everyone[former.structure_id] if m.status == PENDING]
        transfers.append((structures.get_structure(former.structure_id), former, successor, pending))
    if problems:
        raise InvalidInput(fields=problems)
    suspended = [m for m in account.memberships if MEMBERSHIP.transition("suspend").allows(m.status)]
    withdrawn = [m for m in account.memberships if MEMBERSHIP.transition("withdraw").allows(m.status)]
    # Pending subscription requests go too: nobody may validate what a deactivated account asked.
    asked = [s for s in account.subscriptions if s.status == SUBSCRIPTION.transition("request").target]
    now = clock.now()
    events = [about_account(event_kinds.ACCOUNT_DEACTIVATED, current.user_id, now)]
    events += [about_membership(event_kinds.PRINCIPAL_TRANSFERRED, successor, now, actor=former)
               for _, former, successor, _ in transfers]
    events += [about_membership(event_kinds.MEMBERSHIP_WITHDRAWN, request, now) for request in withdrawn]
    events += about_subscriptions(event_kinds.SUBSCRIPTION_WITHDRAWN, asked, now)
    accounts.deactivate_account(account.profile, suspended, withdrawn, transfers, now,
                                default_spaces(PRINCIPAL), asked, events=events)
    ended = end_all_sessions(current.user_id)
    log.info("account %s deactivated; %d structure(s) handed over, %d request(s) withdrawn, %d session(s) ended",
             current.user_id, len(transfers), len(withdrawn) + len(asked), ended)
