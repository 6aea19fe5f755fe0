"""« Désactiver mon compte » (guide §7): at once for a user or secondary manager; a principal manager first names
a new principal manager for every structure it leads."""

import logging

from chalicelib.domain import clock
from chalicelib.domain.errors import InvalidInput, Problem
from chalicelib.domain.memberships import DEFAULT_HABILITATION, PRINCIPAL, VALIDATED, default_spaces
from chalicelib.services.auth import CurrentSession, end_all_sessions
from chalicelib.services.structures import SuccessorRequired, membership_active
from chalicelib.store import accounts, structures

log = logging.getLogger(__name__)


def structures_to_hand_over(current: CurrentSession) -> list:
    account = accounts.load_account(current.user_id)
    return [m for m in account.memberships if m.role == PRINCIPAL and m.status == VALIDATED]


def deactivate(current: CurrentSession, successors: dict[str, str]) -> None:
    account = accounts.load_account(current.user_id)
    led = [m for m in account.memberships if m.role == PRINCIPAL and m.status == VALIDATED]
    strangers = {f"successors.{sid}": Problem("successor.not_led") for sid in successors
                 if sid not in {m.structure_id for m in led}}
    if strangers:
        raise InvalidInput(fields=strangers)
    missing = {}
    for membership in led:
        if not successors.get(membership.structure_id):
            alone = not any(m.user_id != current.user_id and membership_active(m)
                            for m in structures.members(membership.structure_id, VALIDATED))
            missing[f"successors.{membership.structure_id}"] = Problem(
                "successor.alone" if alone else "successor.required")
    if missing:
        raise SuccessorRequired(fields=missing)
    transfers, problems = [], {}
    for former in led:
        successor = structures.get_membership(successors[former.structure_id], former.structure_id)
        if (successor is None or successor.user_id == current.user_id or not membership_active(successor)
                or successor.role == PRINCIPAL):
            problems[f"successors.{former.structure_id}"] = Problem("successor.not_member")
            continue
        transfers.append((structures.get_structure(former.structure_id), former, successor))
    if problems:
        raise InvalidInput(fields=problems)
    suspended = [m for m in account.memberships if m.status == VALIDATED]
    structures.deactivate_account(account.profile, suspended, transfers, clock.now(), default_spaces(PRINCIPAL),
                                  DEFAULT_HABILITATION)
    ended = end_all_sessions(current.user_id)
    log.info("account %s deactivated; %d structure(s) handed over, %d session(s) ended", current.user_id,
             len(transfers), ended)
