"""Abonnements aux espaces (guide §5): a user asks for spaces of a structure, a manager decides; a principal manager
(or a secondary manager acting as one) sets spaces for the whole structure or takes them off it."""

import logging
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain import clock, entities
from chalicelib.domain import events as event_kinds
from chalicelib.domain.accounts import ACTIVE
from chalicelib.domain.errors import ConcurrentChange, Forbidden, InvalidInput, NotFound, Problem
from chalicelib.domain.memberships import (
    DEFAULT_HABILITATION,
    PRINCIPAL,
    VALIDATED,
    attached_services,
    holds_manager_role,
    manages,
    membership_active,
)
from chalicelib.domain.subscriptions import (
    ORIGIN_REQUEST,
    ORIGIN_STRUCTURE,
    REQUESTABLE_SPACES,
    SPACE_REMOVED,
    SPACE_SET,
    STRUCTURE_SPACE,
    SUBSCRIPTION,
    allowed_services,
    removal_problem,
    space_problem,
    start_problem,
    structure_level_targets,
)
from chalicelib.services.auth import CurrentSession
from chalicelib.services.events import about_structure, about_subscriptions
from chalicelib.services.memberships import as_manager, manager_standing, own_profile
from chalicelib.store import accounts, memberships, structures
from chalicelib.store import subscriptions as store

log = logging.getLogger(__name__)


@dataclass
class Options:
    structure: entities.Structure
    services: list[tuple[str | None, str | None]]  # (code, name); (None, None): the whole structure
    spaces: list[str]
    held: list[entities.Subscription]
    validated_at_once: bool


@dataclass
class DecisionOutcome:
    user_id: str
    service_code: str | None
    space: str
    habilitation: str
    status: str | None = None
    error: str | None = None  # a message key: this row could not be decided, the others went on


def _space_statuses(record) -> dict[str, str]:
    return {name: space.status for name, space in record.spaces.items()}


def _attached(current: CurrentSession, structure_id: str):
    """The caller's active rattachement to the structure, whether it manages it, and the structure's record."""
    membership, manager_space = manager_standing(current, structure_id)
    today = clock.today()
    if not membership_active(membership, today):
        raise Forbidden()
    record = structures.get_structure_record(structure_id)
    if record.structure is None or record.structure.status != ACTIVE:
        raise NotFound()
    return membership, manages(membership, today, manager_space), record


def options(current: CurrentSession, structure_id: str) -> Options:
    """What « Ajouter un abonnement » offers on a structure."""
    membership, at_once, record = _attached(current, structure_id)
    names = {s.code: s.name for s in record.services if s.active}
    codes = allowed_services(attached_services(membership), list(names))
    statuses = _space_statuses(record)
    return Options(
        structure=record.structure, services=[(code, names.get(code)) for code in codes],
        spaces=[space for space in REQUESTABLE_SPACES if space_problem(space, statuses) is None],
        held=store.of_user(current.user_id, structure_id), validated_at_once=at_once,
    )


def _row_problems(rows: list[dict], allowed: list, held: set) -> dict[str, Problem]:
    problems, seen = {}, set()
    for index, row in enumerate(rows):
        code = row["service_code"]
        if code not in allowed:
            problems[f"rows.{index}.service_code"] = Problem("subscription.service_not_attached", {"code": code})
        elif (code, row["habilitation"]) in seen:
            problems[f"rows.{index}"] = Problem("subscription.duplicate_row")
        elif (code, row["habilitation"]) in held:
            problems[f"rows.{index}"] = Problem("subscription.exists")
        seen.add((code, row["habilitation"]))
    return problems


def request(current: CurrentSession, structure_id: str, data: dict) -> list[entities.Subscription]:
    """« Valider » of « Ajouter un abonnement »: one row per service and habilitation ticked; validated at once for a
    manager of the structure, pending otherwise (its managers are mailed)."""
    membership, at_once, record = _attached(current, structure_id)
    today = clock.today()
    space = data["space"]
    problems = {}
    problem = space_problem(space, _space_statuses(record))
    if problem:
        problems["space"] = problem
    problem = start_problem(data["valid_from"], today)
    if problem:
        problems["valid_from"] = problem
    names = {s.code: s.name for s in record.services if s.active}
    allowed = allowed_services(attached_services(membership), list(names))
    held = {(s.service_code, s.habilitation) for s in store.of_user(current.user_id, structure_id) if s.space == space}
    problems.update(_row_problems(data["rows"], allowed, held))
    if problems:
        raise InvalidInput(fields=problems)

    user = own_profile(current)
    transition = SUBSCRIPTION.transition("grant" if at_once else "request")
    now = clock.now()
    structure = record.structure
    rows = [
        entities.Subscription(
            user_id=user.user_id, structure_id=structure_id, identifier=structure.identifier,
            designation=structure.designation, service_code=row["service_code"],
            service_name=names.get(row["service_code"]), space=space, habilitation=row["habilitation"],
            status=transition.target, origin=ORIGIN_REQUEST, valid_from=data["valid_from"],
            comment=data.get("comment") or None, requested_at=now, decided_at=now if at_once else None,
            decided_by=user.user_id if at_once else None, first_name=user.first_name, last_name=user.last_name,
            contact_email=user.contact_email,
        )
        for row in data["rows"]
    ]
    with ExitStack() as mails:
        managers = [] if at_once else _tell_managers(mails, structure, user, rows, data)  # mailed with the request
        events = about_subscriptions(event_kinds.SUBSCRIPTION_REQUESTED, rows, now, managers=managers)
        if at_once:  # a manager's own request: asked and granted in the same moment, in that order
            events += about_subscriptions(event_kinds.SUBSCRIPTION_VALIDATED, rows, now + timedelta(microseconds=1),
                                          actor=membership)
        store.request(rows, transition, membership if at_once else None, events=events)
    log.info("user %s asked %d subscription(s) to %s on %s (%s)", user.user_id, len(rows), space, structure_id,
             transition.target)
    return rows


def _tell_managers(mails: ExitStack, structure: entities.Structure, requester: entities.UserProfile, rows,
                   data) -> list[str]:
    from chalicelib.mail import sender

    managers = [m.user_id for m in memberships.members(structure.structure_id, VALIDATED) if holds_manager_role(m)]
    context = {"structure": structure, "requester": requester, "rows": rows, "space": data["space"],
               "valid_from": data["valid_from"], "comment": data.get("comment")}
    for manager_id in managers:
        profile = accounts.get_profile(manager_id)
        if profile is not None and profile.status == ACTIVE:
            mails.enter_context(sender.with_next_commit("abonnement_demande", profile, context))
    return managers  # their feeds get the request's event too


def remove(current: CurrentSession, keys: list[dict]) -> int:
    """« Supprimer abonnements »: the user gives up some of its subscriptions (or withdraws pending requests)."""
    held = {s.key: s for s in store.of_user(current.user_id)}
    principal_of = {m.structure_id for m in memberships.memberships_of(current.user_id, VALIDATED)
                    if m.role == PRINCIPAL}
    chosen, problems = [], {}
    for index, key in enumerate(keys):
        row = held.get((current.user_id, key["structure_id"], key["service_code"], key["space"], key["habilitation"]))
        if row is None:
            problems[f"subscriptions.{index}"] = Problem("subscription.unknown")
            continue
        problem = removal_problem(row.space, row.structure_id in principal_of)
        if problem:
            problems[f"subscriptions.{index}"] = problem
        chosen.append(row)
    if problems:
        raise InvalidInput(fields=problems)
    unique = list({row.key: row for row in chosen}.values())
    moment = clock.now()

    def events_of(part):
        pending = [row for row in part if row.status == SUBSCRIPTION.transition("request").target]
        held = [row for row in part if row.status != SUBSCRIPTION.transition("request").target]
        return (about_subscriptions(event_kinds.SUBSCRIPTION_WITHDRAWN, pending, moment)
                + about_subscriptions(event_kinds.SUBSCRIPTION_REMOVED, held, moment))

    store.remove(unique, SUBSCRIPTION.transition("remove"), events_of)
    log.info("user %s removed %d subscription(s)", current.user_id, len(unique))
    return len(unique)


# Managers ----------------------------------------------------------------------------------------------------------

def pending(current: CurrentSession, structure_id: str) -> list[entities.Subscription]:
    """The structure's pending subscription requests, for its managers: one Query besides the session."""
    as_manager(current, structure_id)
    rows = store.of_structure(structure_id, SUBSCRIPTION.transition("request").target)
    return sorted(rows, key=lambda s: ((s.last_name or "").casefold(), (s.first_name or "").casefold(), s.user_id,
                                       s.space, s.service_code or "", s.habilitation))


def decide(current: CurrentSession, structure_id: str, validated: bool, reason: str | None,
           targets: list[dict]) -> list[DecisionOutcome]:
    """Validate or refuse pending requests, user by user (a user's list in one transaction); a user whose rows cannot
    be decided is reported, the others go on. Each user is mailed once, in its language."""
    from chalicelib.mail import sender

    manager = as_manager(current, structure_id)
    transition = SUBSCRIPTION.transition("validate" if validated else "refuse")
    structure = structures.get_structure(structure_id)
    outcomes = [DecisionOutcome(t["user_id"], t["service_code"], t["space"], t["habilitation"]) for t in targets]
    by_user: dict[str, list[DecisionOutcome]] = {}
    for outcome in outcomes:
        by_user.setdefault(outcome.user_id, []).append(outcome)
    for user_id, wanted in by_user.items():
        held = {s.key: s for s in store.of_user(user_id, structure_id)}
        rows = []
        for outcome in wanted:
            row = held.get((user_id, structure_id, outcome.service_code, outcome.space, outcome.habilitation))
            if row is None or not transition.allows(row.status):
                outcome.error = "subscription_not_pending"
            else:
                rows.append((outcome, row))
        if not rows:
            continue
        user = accounts.get_profile(user_id)
        if validated and (user is None or user.status != ACTIVE):
            for outcome, _ in rows:
                outcome.error = "request_of_inactive_account"
            continue
        decided = list({row.key: row for _, row in rows}.values())
        context = {"structure": structure, "rows": decided, "reason": reason, "validated": validated}
        try:
            moment = clock.now()
            kind = event_kinds.SUBSCRIPTION_VALIDATED if validated else event_kinds.SUBSCRIPTION_REFUSED

            def events_of(part, kind=kind, moment=moment):
                return about_subscriptions(kind, part, moment, actor=manager, reason=reason)

            if user is None:
                store.decide(decided, transition, manager, moment, events_of)
            else:  # the decision, its mail and its events in one transaction (the first, if the rows take several)
                with sender.with_next_commit("abonnement_decision", user, context):
                    store.decide(decided, transition, manager, moment, events_of)
        except ConcurrentChange:
            for outcome, _ in rows:
                outcome.error = "subscription_not_pending"
            continue
        for outcome, _ in rows:
            outcome.status = transition.target
        log.info("%d subscription request(s) of %s on %s %s by %s", len(decided), user_id, structure_id,
                 transition.target, current.user_id)
    return outcomes


@dataclass
class SpaceSetting:
    space: str
    status: str | None
    habilitation: str | None
    changed_at: datetime | None


def structure_spaces(current: CurrentSession, structure_id: str) -> list[SpaceSetting]:
    """« Paramétrage des espaces »: each space that can be set, as the structure has it."""
    as_manager(current, structure_id)
    record = structures.get_structure_record(structure_id)
    if record.structure is None:
        raise NotFound()
    rows = []
    for space in REQUESTABLE_SPACES:
        setting = record.spaces.get(space)
        rows.append(SpaceSetting(space, setting.status if setting else None,
                                 setting.habilitation if setting else None, setting.changed_at if setting else None))
    return rows


def holders(current: CurrentSession, structure_id: str, space: str) -> int:
    """How many users hold (or asked for) ``space`` on the structure: what taking it off would take from them."""
    as_manager(current, structure_id)
    return len({s.user_id for s in store.of_structure(structure_id, space=space)})


def _change_space(current: CurrentSession, structure_id: str, space: str, habilitation: str | None,
                  transition_name: str) -> entities.StructureSpace:
    manager = as_manager(current, structure_id)
    record = structures.get_structure_record(structure_id)
    if record.structure is None:
        raise NotFound()
    existing = record.spaces.get(space)
    transition = STRUCTURE_SPACE.transition(transition_name)
    status = transition.check(existing.status if existing else None)
    setting = entities.StructureSpace(
        structure_id=structure_id, space=space,
        habilitation=habilitation or (existing.habilitation if existing else DEFAULT_HABILITATION),
        status=status, changed_at=clock.now(), changed_by=current.user_id,
    )
    kind = event_kinds.STRUCTURE_SPACE_SET if transition_name == "set" else event_kinds.STRUCTURE_SPACE_REMOVED
    store.set_structure_space(setting, transition, manager, existing.version if existing else None, events=[
        about_structure(kind, structure_id, record.structure.designation, manager, setting.changed_at, space=space)])
    return setting


def set_space(current: CurrentSession, structure_id: str, space: str, habilitation: str) -> entities.StructureSpace:
    """Set a space for the whole structure: each active user gets an automatic request for it a moment later (off
    the request path: ``jobs.structure_spaces``), which its managers then validate or refuse, user by user."""
    setting = _change_space(current, structure_id, space, habilitation, "set")
    log.info("space %s set on structure %s by %s", space, structure_id, current.user_id)
    return setting


def remove_space(current: CurrentSession, structure_id: str, space: str) -> entities.StructureSpace:
    """Take a space off the structure: nobody may ask for it any more, and every subscription to it is revoked a
    moment later (``jobs.structure_spaces``). One item written, whatever the number of users (the confirmation counted
    them first: ``holders``)."""
    setting = _change_space(current, structure_id, space, None, "remove")
    log.info("space %s taken off structure %s by %s", space, structure_id, current.user_id)
    return setting


# Off the request path ----------------------------------------------------------------------------------------------

def apply_structure_space(structure_id: str, space: str) -> int:
    """Bring the structure's subscriptions in line with how ``space`` is set on it now (read again: a stream record may
    be late or repeated): automatic requests for every active user who lacks it, or the revocation of all of them.
    Idempotent; returns how many subscriptions were written or removed."""
    record = structures.get_structure_record(structure_id)
    setting = record.spaces.get(space)
    if record.structure is None or setting is None:
        return 0
    if setting.status == SPACE_REMOVED:
        return store.revoke(store.of_structure(structure_id, space=space))
    if setting.status != SPACE_SET:
        return 0
    today = clock.today()
    names = {s.code: s.name for s in record.services if s.active}
    held = {(s.user_id, s.service_code, s.habilitation) for s in store.of_structure(structure_id, space=space)}
    written = 0
    for member in memberships.members(structure_id, VALIDATED):
        if not membership_active(member, today):
            continue
        at_once = member.user_id == setting.changed_by  # its author needs no decision; every other list waits
        transition = SUBSCRIPTION.transition("grant" if at_once else "request")
        for code in structure_level_targets(attached_services(member), list(names)):
            if (member.user_id, code, setting.habilitation) in held:
                continue
            written += store.add_if_absent(entities.Subscription(
                user_id=member.user_id, structure_id=structure_id, identifier=record.structure.identifier,
                designation=record.structure.designation, service_code=code, service_name=names.get(code),
                space=space, habilitation=setting.habilitation, status=transition.target, origin=ORIGIN_STRUCTURE,
                valid_from=today, requested_at=setting.changed_at, decided_at=setting.changed_at if at_once else None,
                decided_by=setting.changed_by if at_once else None, first_name=member.first_name,
                last_name=member.last_name, contact_email=member.contact_email,
            ))
    return written
