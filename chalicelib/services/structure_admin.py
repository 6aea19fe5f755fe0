"""« Consulter / modifier la structure » (guide §4) for its managers: the address and contact details of the structure,
its services (add, rename, deactivate), and the end of a member's rattachement.

Every use case starts with ``as_manager``: the principal manager, or a secondary manager its principal lets act as a
manager, holding the space « Activité du gestionnaire »; the write then checks that standing again.
"""

import dataclasses
import logging
from contextlib import ExitStack
from dataclasses import dataclass

from chalicelib.domain import clock, entities
from chalicelib.domain import events as event_kinds
from chalicelib.domain.accounts import ACTIVE
from chalicelib.domain.errors import (
    ConcurrentChange,
    InvalidInput,
    NotFound,
    PrincipalRoleNeedsSuccessor,
    StructureChanged,
)
from chalicelib.domain.memberships import MEMBERSHIP, PRINCIPAL, listed, service_losses
from chalicelib.domain.structures import check_structure_update, service_code_problem
from chalicelib.services.auth import CurrentSession
from chalicelib.services.events import about_membership
from chalicelib.services.memberships import as_manager
from chalicelib.services.structures import StructurePage
from chalicelib.store import accounts, memberships, structures, subscriptions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceImpact:
    """What the confirmation of a deactivation says: the users who hold (or asked for) a subscription to the service,
    which every rattachement limited to it gives, and how many subscriptions go."""

    code: str
    users: int
    subscriptions: int


@dataclass(frozen=True)
class ServiceDeactivation:
    service: entities.Service
    users: int
    memberships_ended: int
    memberships_changed: int
    subscriptions_revoked: int


def _record(structure_id: str) -> structures.StructureRecord:
    record = structures.get_structure_record(structure_id)
    if record.structure is None:
        raise NotFound()
    return record


def _service(record: structures.StructureRecord, code: str, active_only: bool = True) -> entities.Service:
    service = next((s for s in record.services if s.code == code and (s.active or not active_only)), None)
    if service is None:
        raise NotFound()
    return service


# The structure's record ------------------------------------------------------------------------------------------

def update_structure(current: CurrentSession, structure_id: str, data: dict) -> StructurePage:
    """« Valider » of the edit form: the address and contact details at once, or nothing. ``data`` has the shape of
    ``schemas.StructureUpdate``, with the version the form read: a record changed since is not overwritten."""
    manager = as_manager(current, structure_id)
    changes, problems = check_structure_update(data)
    if problems:
        raise InvalidInput(fields=problems)
    record = _record(structure_id)
    if record.structure.version != data["version"]:
        raise StructureChanged()
    saved = structures.update_structure(record.structure, changes, manager)
    log.info("structure %s updated by user %s", structure_id, current.user_id)
    return StructurePage(saved, [s for s in record.services if s.active], manager, True)


# Services ----------------------------------------------------------------------------------------------------------

def add_service(current: CurrentSession, structure_id: str, data: dict) -> entities.Service:
    """« Ajouter un service »: a code unique in the structure (deactivated services keep theirs) and a name."""
    manager = as_manager(current, structure_id)
    record = _record(structure_id)
    problem = service_code_problem(data["code"], [s.code for s in record.services])
    if problem:
        raise InvalidInput(fields={"code": problem})
    service = entities.Service(structure_id=structure_id, code=data["code"], name=data["name"])
    structures.add_service(service, manager)
    log.info("service %s added to structure %s by user %s", service.code, structure_id, current.user_id)
    return service


def rename_service(current: CurrentSession, structure_id: str, code: str, name: str) -> entities.Service:
    """« Renommer »: the service's name, then the copies of it that rattachements and subscriptions carry (so that
    « Mon Compte » shows the new name)."""
    manager = as_manager(current, structure_id)
    service = _service(_record(structure_id), code)
    if service.name != name:
        structures.rename_service(structure_id, code, name, manager)
        copies = memberships.rename_service_copies(structure_id, code, name)
        copies += subscriptions.rename_service(structure_id, code, name)
        log.info("service %s of structure %s renamed by user %s (%d copies)", code, structure_id, current.user_id,
                 copies)
    service.name = name
    return service


def deactivation_impact(current: CurrentSession, structure_id: str, code: str) -> ServiceImpact:
    """What « Désactiver » asks confirmation for: one Query of the structure's subscriptions besides the session (the
    budget of a read). A rattachement limited to the service always holds subscriptions to it (the spaces every
    rattachement gives cannot be given up), so its user is counted among their holders."""
    as_manager(current, structure_id)
    rows = [s for s in subscriptions.of_structure(structure_id) if s.service_code == code]
    return ServiceImpact(code, len({s.user_id for s in rows}), len(rows))


def deactivate_service(current: CurrentSession, structure_id: str, code: str) -> ServiceDeactivation:
    """Confirmed « Désactiver »: the service becomes inactive (no request or subscription can name it any more), each
    rattachement limited to it loses it (one whose only service it was ends, with its subscriptions; a principal
    manager's is widened to the whole structure), then every subscription to it is revoked.

    Everything after the first write is idempotent: confirming again an already inactive service finishes what an
    interrupted run left."""
    manager = as_manager(current, structure_id)
    service = _service(_record(structure_id), code, active_only=False)
    if service.active:
        structures.deactivate_service(structure_id, code, manager)
        service.active = False
    users, ended, changed = set(), 0, 0
    for loss in service_losses(memberships.members(structure_id), code):
        member = loss.membership
        try:
            if loss.ending is not None:
                memberships.end_membership(member, loss.ending,
                                           memberships.subscriptions_of(member.user_id, structure_id))
                ended += 1
            else:
                memberships.set_services(member, loss.remaining)
                changed += 1
        except ConcurrentChange:
            # Changed meanwhile (left, decided): its new state is read by the next confirmation.
            log.warning("rattachement of user %s to %s changed during the deactivation of service %s",
                        member.user_id, structure_id, code)
            continue
        users.add(member.user_id)
    holders = [s for s in subscriptions.of_structure(structure_id) if s.service_code == code]
    users.update(s.user_id for s in holders)
    revoked = subscriptions.revoke(holders)
    log.info("service %s of structure %s deactivated by user %s: %d rattachement(s) ended, %d changed, "
             "%d subscription(s) revoked", code, structure_id, current.user_id, ended, changed, revoked)
    return ServiceDeactivation(service, len(users), ended, changed, revoked)


# Members -----------------------------------------------------------------------------------------------------------

def end_member(current: CurrentSession, structure_id: str, user_id: str) -> entities.Membership:
    """« Supprimer le rattachement » of « Activité du gestionnaire »: a manager ends a member's rattachement with its
    subscriptions to the structure; the member is mailed. The principal manager's own link only ends once its role is
    handed over (« Supprimer rattachements », « Désactiver mon compte »)."""
    manager = as_manager(current, structure_id)
    member = memberships.get_membership(user_id, structure_id)
    if not listed(member):
        raise NotFound()
    if member.role == PRINCIPAL:
        raise PrincipalRoleNeedsSuccessor()
    transition = MEMBERSHIP.transition("end")
    target = transition.check(member.status)
    from chalicelib.mail import sender

    held = memberships.subscriptions_of(user_id, structure_id)
    profile = accounts.get_profile(user_id)
    with ExitStack() as mail:
        if profile is not None and profile.status == ACTIVE:  # a deactivated account gets no mail (guide §7)
            ended = dataclasses.replace(member, status=target, manager_scope=None)
            mail.enter_context(sender.with_next_commit("rattachement_supprime", profile, {"membership": ended}))
        memberships.end_membership(member, transition, held, manager=manager, events=[about_membership(
            event_kinds.MEMBERSHIP_DELETED, member, clock.now(), actor=manager)])
    log.info("rattachement of user %s to structure %s ended by user %s", user_id, structure_id, current.user_id)
    member.status, member.manager_scope = target, None
    return member
