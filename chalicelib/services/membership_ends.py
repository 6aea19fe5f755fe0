"""Dated rattachements (issue 12, point 5): the notice 14 days before the end date (the user and its structure's
principal manager: mail and event), « Prolonger » by a manager, and the end on its own with an event."""

import logging
from datetime import date

from chalicelib.domain import clock
from chalicelib.domain import events as kinds
from chalicelib.domain import membership_ends as rules
from chalicelib.domain.errors import ConcurrentChange, InvalidInput, NotFound
from chalicelib.domain.events import full_name
from chalicelib.domain.memberships import PRINCIPAL, VALIDATED
from chalicelib.services.auth import CurrentSession
from chalicelib.store import membership_ends as store
from chalicelib.store import memberships as membership_store

log = logging.getLogger(__name__)


def _principal(structure_id: str):
    return next((m for m in membership_store.members(structure_id, VALIDATED) if m.role == PRINCIPAL), None)


def _about(kind: str, membership, day: date, managers=(), actor=None):
    return kinds.make(kind, clock.now(), actor_id=actor.user_id if actor else None, subject_id=membership.user_id,
                      structure_id=membership.structure_id, managers=managers,
                      params={"person": full_name(membership), "structure": membership.designation,
                              "actor": full_name(actor) if actor else None, "date": day.isoformat()})


def send_notices(today: date) -> int:
    """Tell the rattachements ending in 14 days: one Query for the day, then per rattachement a GetItem, a Query (its
    principal) and a transaction (mark, event and mails). A rerun tells nothing twice."""
    day = rules.ending_in_notice(today)
    told = 0
    for mark in store.of_day(day):
        if mark.noticed_at is not None:
            continue
        membership = membership_store.get_membership(mark.user_id, mark.structure_id)
        if not rules.still_ending(membership, day):
            continue  # dropped by the end job on its day
        principal = _principal(membership.structure_id)
        managers = [principal.user_id] if principal and principal.user_id != membership.user_id else []
        if not store.notice(mark, clock.now(), [_about(kinds.MEMBERSHIP_ENDING, membership, day, managers)],
                            _notice_mails(membership, managers, day)):
            continue
        told += 1
    return told


def _notice_mails(membership, managers: list[str], day: date):
    """The user's and its principal's mails, queued in the outbox with the notice's own transaction: told once, or
    not at all if the run dies before it commits (the next run tells it then)."""
    from chalicelib.mail import sender

    def queue(transaction) -> None:
        for user_id in [membership.user_id, *managers]:
            sender.queue(transaction, "rattachement_fin_proche", user_id, {
                "member": full_name(membership), "structure_name": membership.designation, "end": day,
                "for_manager": user_id != membership.user_id,
                "extend_link": f"rattachement-prolongation.html?structure_id={membership.structure_id}"
                               f"&user_id={membership.user_id}"})

    return queue


def end_due(today: date) -> dict[str, int]:
    """End the rattachements whose end date has passed (and those a missed run left): idempotent, each in its own
    transaction with its subscriptions, its mark and its event, so that a rerun after a crash ends only the rest."""
    counts = {"ended": 0, "dropped": 0, "subscriptions": 0}
    for day in rules.days_to_end(today):
        for mark in store.of_day(day):
            membership = membership_store.get_membership(mark.user_id, mark.structure_id)
            if not rules.still_ending(membership, day) or not rules.ends_on_its_own(membership):
                store.drop(mark)  # extended, ended or refused since, or a principal's: nothing to end
                counts["dropped"] += 1
                continue
            principal = _principal(membership.structure_id)
            managers = [principal.user_id] if principal else []
            try:
                counts["subscriptions"] += store.end(
                    membership, mark, [_about(kinds.MEMBERSHIP_EXPIRED, membership, day, managers)])
            except ConcurrentChange:
                log.info("rattachement %s/%s changed while ending: next run", mark.structure_id, mark.user_id)
                continue
            counts["ended"] += 1
    return counts


def run(today: date | None = None) -> dict[str, int]:
    today = today or clock.today()
    result = {"noticed": send_notices(today), **end_due(today)}
    log.info("membership ends of %s: %s", today, result)
    return result


# « Prolonger » --------------------------------------------------------------------------------------------------------

def _ending(current: CurrentSession, structure_id: str, user_id: str):
    from chalicelib.services.memberships import as_manager

    manager = as_manager(current, structure_id)
    membership = membership_store.get_membership(user_id, structure_id)
    if membership is None or membership.status != VALIDATED or membership.valid_until is None:
        raise NotFound()
    return manager, membership


def ending(current: CurrentSession, structure_id: str, user_id: str):
    """The dated rattachement a manager of its structure may extend."""
    return _ending(current, structure_id, user_id)[1]


def extend(current: CurrentSession, structure_id: str, user_id: str, valid_until: date):
    manager, membership = _ending(current, structure_id, user_id)
    problems = rules.extension_problems(membership.valid_until, valid_until, clock.today())
    if problems:
        raise InvalidInput(fields=problems)
    store.extend(membership, valid_until, manager, [_about(kinds.MEMBERSHIP_EXTENDED, membership, valid_until,
                                                           actor=manager)])
    return membership_store.get_membership(user_id, structure_id)
