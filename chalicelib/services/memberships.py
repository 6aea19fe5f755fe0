"""Rattachements (guide §4): requests, their decision by managers in « Activité du gestionnaire », members, roles,
leaving a structure and the transfer of the principal-manager role."""

import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from chalicelib.domain import clock, entities
from chalicelib.domain import events as event_kinds
from chalicelib.domain.accounts import ACTIVE
from chalicelib.domain.errors import (
    ConcurrentChange,
    Forbidden,
    InvalidInput,
    NotFound,
    PrincipalRoleNeedsSuccessor,
    Problem,
    ServiceDecidedTwice,
    ServiceNotRequested,
    SolePrincipal,
    SuccessorRequired,
    UserNotFound,
)
from chalicelib.domain.memberships import (
    DEFAULT_HABILITATION,
    MANAGER_SPACE,
    MEMBERSHIP,
    PENDING,
    PRINCIPAL,
    ROLE,
    SCOPE_MANAGER,
    SECONDARY,
    USER,
    VALIDATED,
    decide_services,
    default_spaces,
    holds_manager_role,
    listed,
    manages,
    may_decide_escalated,
    membership_active,
    service_date_problems,
    summary_status,
)
from chalicelib.domain.search import normalise_text
from chalicelib.services.auth import CurrentSession
from chalicelib.services.events import about_membership
from chalicelib.store import accounts, memberships, structures

log = logging.getLogger(__name__)


@dataclass
class DecisionOutcome:
    structure_id: str
    user_id: str
    status: str | None = None
    error: str | None = None  # a message key: this request could not be decided, the others went on
    error_params: dict = field(default_factory=dict)


@dataclass
class ManagerRequests:
    managed: list[entities.Membership]
    pending: list[entities.Membership]
    memberships: list[entities.Membership] = field(default_factory=list)  # all the caller's rattachements
    second_factor: bool = False  # whether the caller logs in with a second factor

    @property
    def second_factor_advised(self) -> bool:
        """A principal manager without a second factor is encouraged to turn it on."""
        return not self.second_factor and any(m.role == PRINCIPAL for m in self.managed)


def own_profile(current: CurrentSession) -> entities.UserProfile:
    profile = accounts.get_profile(current.user_id)
    if profile is None:
        raise Forbidden()
    return profile


def standing(current: CurrentSession, structure_id: str) -> entities.Membership | None:
    """The caller's rattachement to a structure: the one read with the session when the route asked for it."""
    if current.structure_id == structure_id:
        return current.membership
    return memberships.get_membership(current.user_id, structure_id)


def manager_standing(current: CurrentSession, structure_id: str) -> tuple[entities.Membership | None, bool]:
    """The caller's rattachement to a structure and whether it holds its manager space (read with the session when
    the route asked for it)."""
    if current.structure_id == structure_id:
        return current.membership, current.manager_space
    return memberships.membership_and_manager_space(current.user_id, structure_id)


def as_manager(current: CurrentSession, structure_id: str) -> entities.Membership:
    """The caller's rattachement, if it manages the structure today (role and manager space); Forbidden otherwise."""
    manager, manager_space = manager_standing(current, structure_id)
    if not manages(manager, clock.today(), manager_space):
        raise Forbidden()
    return manager


def new_membership(structure: entities.Structure, user: entities.UserProfile, role: str, status: str,
                   valid_from: date, valid_until: date | None, comment: str | None, services: list,
                   requested_at: datetime, decided_by: str | None = None, manager_scope: str | None = None,
                   ) -> entities.Membership:
    """A rattachement to write, with its requester's details as managers will list them."""
    return entities.Membership(
        user_id=user.user_id, structure_id=structure.structure_id, identifier=structure.identifier,
        designation=structure.designation, role=role, manager_scope=manager_scope, status=status,
        valid_from=valid_from, valid_until=valid_until, comment=comment, services=services,
        requested_at=requested_at, decided_at=requested_at if decided_by else None, decided_by=decided_by,
        decision_reason=None, first_name=user.first_name, last_name=user.last_name,
        contact_email=user.contact_email, address_line1=user.address_line1, postal_code=user.postal_code,
        city=user.city,
    )


def _services_by_code(services, codes: list[str], field: str) -> list[entities.ServiceRef]:
    known = {s.code: s for s in services if s.active}
    chosen = []
    for code in dict.fromkeys(codes):
        if code not in known:
            raise InvalidInput(fields={field: Problem("service.unknown", {"code": code})})
        chosen.append(entities.ServiceRef(code, known[code].name))
    return chosen


def _requested_services(services, data: dict, status: str) -> list[entities.ServiceRef]:
    """The services a request asks for, each with its own dates and comment (the request's dates by default)."""
    choices = {}
    for choice in data["services"]:
        choices.setdefault(choice["code"], choice)
    return [
        replace(ref, status=status, valid_from=choices[ref.code].get("valid_from") or data["valid_from"],
                valid_until=choices[ref.code].get("valid_until") or data["valid_until"],
                comment=choices[ref.code].get("comment") or None)
        for ref in _services_by_code(services, list(choices), "services")
    ]


def _check_dates(valid_from, valid_until) -> None:
    if valid_until is not None and valid_until < valid_from:
        raise InvalidInput(fields={"valid_until": Problem("dates.order")})


def _managers(everyone: list[entities.Membership]) -> list[str]:
    """Who gets a copy of a new request: every manager of the structure, even one whose validity has not begun."""
    return [m.user_id for m in everyone if holds_manager_role(m)]


def copy_to_managers(request: entities.Membership) -> int:
    """Give a pending request a copy for each manager of its structure (local data saved before the copies existed);
    how many were written."""
    if request.status != PENDING or memberships.copies_of(request):
        return 0
    managers = _managers(memberships.members(request.structure_id, VALIDATED))
    for manager_id in managers:
        memberships.add_request_copies(manager_id, [request])
    return len(managers)


def request(current: CurrentSession, structure_id: str, data: dict) -> entities.Membership:
    """« Valider » of the request form: pending until a manager of the structure decides; its principal is told, and
    every manager finds it in « Activité du gestionnaire »."""
    _check_dates(data["valid_from"], data["valid_until"])
    problems = service_date_problems(data["services"], data["valid_from"], clock.today())
    if problems:
        raise InvalidInput(fields=problems)
    structure, services = structures.get_structure_with_services(structure_id)
    if structure is None or structure.status != ACTIVE:
        raise NotFound()
    pending = MEMBERSHIP.transition("request").target
    chosen = _requested_services(services, data, pending)
    user = own_profile(current)
    membership = new_membership(structure, user, USER, pending, data["valid_from"], data["valid_until"],
                                data.get("comment") or None, chosen, clock.now())
    principal = accounts.get_profile(structure.principal_user_id)
    if principal is not None:  # what its requester sees it waiting for, copied: « Mon Compte » reads no other partition
        membership.waiting_for = [entities.ManagerName(principal.first_name, principal.last_name, PRINCIPAL)]
    from chalicelib.mail import sender

    managers = _managers(memberships.members(structure_id, VALIDATED))
    events = [about_membership(event_kinds.MEMBERSHIP_REQUESTED, membership, membership.requested_at,
                               managers=managers)]
    if principal is None:
        memberships.request_membership(membership, managers, events=events)
        return membership
    with sender.with_next_commit("rattachement_demande", principal, {"structure": structure, "requester": user,
                                                                   "membership": membership}):
        memberships.request_membership(membership, managers, events=events)
    return membership


def _filter_members(rows, text: str | None):
    wanted = normalise_text(text)
    if not wanted:
        return rows
    return [
        m for m in rows
        if wanted in normalise_text(" ".join(filter(None, (
            m.first_name, m.last_name, m.contact_email, m.address_line1, m.postal_code, m.city))))
        or wanted in (m.contact_email or "").casefold()
    ]


def list_members(current: CurrentSession, structure_id: str, text: str | None,
                 status: str | None) -> list[entities.Membership]:
    """Members of a structure for its managers: one Query besides the session (which brought the caller's standing)."""
    as_manager(current, structure_id)
    rows = [m for m in memberships.members(structure_id, status) if listed(m) or status]
    return sorted(_filter_members(rows, text),
                  key=lambda m: (normalise_text(m.last_name), normalise_text(m.first_name)))


def attach(current: CurrentSession, structure_id: str, data: dict) -> entities.Membership:
    """A manager attaches a user (found by its login) on its own initiative."""
    _check_dates(data["valid_from"], data["valid_until"])
    manager = as_manager(current, structure_id)
    structure, services = structures.get_structure_with_services(structure_id)
    chosen = _services_by_code(services, data["services"], "services")
    user_id = accounts.find_user_id(data["login"])
    user = accounts.get_profile(user_id) if user_id else None
    if user is None or user.status != ACTIVE:
        raise UserNotFound(fields={"login": Problem("user.not_found")})
    now = clock.now()
    membership = new_membership(structure, user, USER, MEMBERSHIP.transition("attach").target, data["valid_from"],
                                data["valid_until"], None, chosen, now, decided_by=manager.user_id)
    from chalicelib.mail import sender

    with sender.with_next_commit("rattachement_valide", user, {"structure": structure, "membership": membership,
                                                             "reason": None}):
        memberships.attach_member(structure, membership, default_spaces(USER), DEFAULT_HABILITATION, events=[
            about_membership(event_kinds.MEMBERSHIP_ADDED, membership, now, actor=manager)])
    return membership


def set_role(current: CurrentSession, structure_id: str, user_id: str, role: str,
             scope: str | None) -> entities.Membership:
    """Only the principal manager names secondary managers and chooses how they act; its own role moves only by a
    transfer to a successor."""
    manager = as_manager(current, structure_id)
    if manager.role != PRINCIPAL:
        raise Forbidden()
    if user_id == current.user_id:
        raise PrincipalRoleNeedsSuccessor()
    if role == SECONDARY and scope is None:
        raise InvalidInput(fields={"manager_scope": Problem("field.required")})
    member = memberships.get_membership(user_id, structure_id)
    if member is None or member.status != VALIDATED:
        raise NotFound()
    transition = ROLE.transition("promote" if role == SECONDARY else "demote")
    if not transition.allows(member.role):
        raise PrincipalRoleNeedsSuccessor()
    structure = structures.get_structure(structure_id)
    scope = scope if role == SECONDARY else None
    acts_as_manager = role == SECONDARY and scope == SCOPE_MANAGER
    was_manager = member.role == SECONDARY and member.manager_scope == SCOPE_MANAGER
    becomes_manager = acts_as_manager and not was_manager
    memberships.set_role(
        structure, member, transition, scope, manager,
        add_spaces=(MANAGER_SPACE,) if becomes_manager else (),
        remove_spaces=(MANAGER_SPACE,) if was_manager and not acts_as_manager else (),
        pending=memberships.members(structure_id, PENDING) if becomes_manager else (),
        events=[about_membership(event_kinds.ROLE_CHANGED, member, clock.now(), actor=manager,
                                 role=transition.target, scope=scope)],
    )
    member.role, member.manager_scope = transition.target, scope
    return member


def leave(current: CurrentSession, structure_id: str, successor_user_id: str | None) -> entities.Membership:
    """« Supprimer rattachements » for one structure (or the withdrawal of one's pending request). A principal manager
    hands its role over first and stays."""
    membership = memberships.get_membership(current.user_id, structure_id)
    if not listed(membership):
        raise NotFound()
    if membership.role != PRINCIPAL:
        transition = MEMBERSHIP.transition("withdraw" if membership.status == PENDING else "leave")
        target = transition.check(membership.status)
        kind = event_kinds.MEMBERSHIP_WITHDRAWN if membership.status == PENDING else event_kinds.MEMBERSHIP_DELETED
        memberships.end_membership(membership, transition, memberships.subscriptions_of(current.user_id, structure_id),
                                   events=[about_membership(kind, membership, clock.now())])
        membership.status, membership.manager_scope = target, None
        log.info("user %s left structure %s", current.user_id, structure_id)
        return membership
    everyone = memberships.members(structure_id)
    today = clock.today()
    others = [m for m in everyone if m.user_id != current.user_id and membership_active(m, today)]
    if not others:
        raise SolePrincipal()
    if not successor_user_id:
        raise SuccessorRequired()
    successor = next((m for m in others if m.user_id == successor_user_id), None)
    if successor is None:
        raise InvalidInput(fields={"successor_user_id": Problem("successor.not_member")})
    structure = structures.get_structure(structure_id)
    memberships.transfer_principal(structure, membership, successor, default_spaces(PRINCIPAL), DEFAULT_HABILITATION,
                                   [m for m in everyone if m.status == PENDING], events=[about_membership(
                                       event_kinds.PRINCIPAL_TRANSFERRED, successor, clock.now(), actor=membership)])
    log.info("principal manager of structure %s moved from %s to %s", structure_id, current.user_id,
             successor_user_id)
    membership.role, membership.manager_scope = ROLE.transition("hand_over").target, None
    return membership


def managed_structures(current: CurrentSession) -> ManagerRequests:
    """The structures the caller manages and the requests waiting for it: one Query on its own partition, whatever
    the number of structures. A copy of a request is shown only while the caller manages its structure, so a manager
    whose role was just taken away sees nothing more; an escalated one (its principal manager unavailable) also while
    the caller is a secondary manager of it acting as a user. A caller with none of these is refused."""
    view = memberships.manager_view(current.user_id)
    today = clock.today()
    managed = [m for m in view.memberships if manages(m, today, m.structure_id in view.manager_spaces)]
    ids = {m.structure_id for m in managed}
    deputy_of = {m.structure_id for m in view.memberships if may_decide_escalated(m, True, today)}
    pending = sorted((r for r in view.pending if r.structure_id in ids
                      or (r.escalated_at is not None and r.structure_id in deputy_of)), key=lambda r: r.requested_at)
    if not managed and not pending:
        raise Forbidden()
    return ManagerRequests(sorted(managed, key=lambda m: m.designation), pending, view.memberships,
                           view.second_factor)


def decide(current: CurrentSession, validated: bool, reason: str | None, targets: list[dict]) -> list[DecisionOutcome]:
    """Validate or refuse each request on its own; one that cannot be decided is reported, the others go on. A target
    may name services to validate and services to refuse, the others go as the decision says: the request is validated
    if one of its services is, refused if all are."""
    from chalicelib.mail import sender

    view = managed_structures(current)
    managed = {m.structure_id: m for m in view.managed}
    today = clock.today()
    # A secondary manager acting as a user decides only requests escalated to it (checked on the request below).
    deputy_of = {m.structure_id: m for m in view.memberships if may_decide_escalated(m, True, today)}
    decision = MEMBERSHIP.transition("validate" if validated else "refuse")
    results, structures_read = [], {}
    for target in targets:
        structure_id, user_id = target["structure_id"], target["user_id"]
        outcome = DecisionOutcome(structure_id, user_id)
        results.append(outcome)
        manager = managed.get(structure_id) or deputy_of.get(structure_id)
        if manager is None:
            outcome.error = "forbidden"
            continue
        request_item = memberships.get_membership(user_id, structure_id)
        if request_item is None or not decision.allows(request_item.status):
            memberships.drop_copy(current.user_id, structure_id, user_id)
            outcome.error = "request_not_pending"
            continue
        as_deputy = structure_id not in managed
        if as_deputy and not may_decide_escalated(manager, request_item.escalated_at is not None, today):
            outcome.error = "forbidden"
            continue
        try:
            request_item.services = decide_services(request_item.services, target.get("validated_services") or [],
                                                    target.get("refused_services") or [], decision.target)
        except (ServiceNotRequested, ServiceDecidedTwice) as error:
            outcome.error, outcome.error_params = error.code, error.params
            continue
        status = summary_status(s.status for s in request_item.services) if request_item.services else decision.target
        transition = MEMBERSHIP.transition("validate" if status == VALIDATED else "refuse")
        user = accounts.get_profile(user_id)
        if user is None or user.status != ACTIVE:
            outcome.error = "request_of_inactive_account"
            continue
        if structure_id not in structures_read:  # several requests of one structure: read it once
            structures_read[structure_id] = structures.get_structure(structure_id)
        structure = structures_read[structure_id]
        moment = clock.now()
        kind = event_kinds.MEMBERSHIP_VALIDATED if transition.target == VALIDATED else event_kinds.MEMBERSHIP_REFUSED
        mail = sender.with_next_commit(
            "rattachement_valide" if transition.target == VALIDATED else "rattachement_refuse", user, {
                "structure": structure, "membership": request_item, "reason": reason,
                "validated": [s for s in request_item.services or [] if s.status == VALIDATED],
                "refused": [s for s in request_item.services or [] if s.status != VALIDATED],
            })
        try:
            with mail:  # the decision, its mail and its events in one transaction
                memberships.decide_request(
                    structure, request_item, manager, transition, reason, moment,
                    default_spaces(request_item.role, request_item.manager_scope), DEFAULT_HABILITATION,
                    escalated=as_deputy, events=[about_membership(kind, request_item, moment, actor=manager,
                                                                  reason=reason)],
                )
        except ConcurrentChange:
            outcome.error = "request_not_pending"
            continue
        outcome.status = transition.target
        log.info("request of %s to %s %s by %s", user_id, structure_id, outcome.status, current.user_id)
    return results
