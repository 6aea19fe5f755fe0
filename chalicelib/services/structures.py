"""Structures and rattachements (guide §4): search, creation, requests, their validation by managers, leaving a
structure and the transfer of the principal-manager role."""

import logging
import uuid
from dataclasses import dataclass
from datetime import date

from chalicelib.domain import clock
from chalicelib.domain.errors import DomainError, InvalidInput, NotFound, Problem
from chalicelib.domain.memberships import (
    DEFAULT_HABILITATION,
    MANAGER_SPACE,
    PENDING,
    PRINCIPAL,
    SCOPE_MANAGER,
    SECONDARY,
    USER,
    VALIDATED,
    can_manage,
    default_spaces,
    is_active,
)
from chalicelib.domain.search import MAX_RESULTS, build_search, normalise_text
from chalicelib.domain.structures import check_new_structure
from chalicelib.services.auth import CurrentSession
from chalicelib.store import accounts, structures
from chalicelib.store.structures import NewMembership

log = logging.getLogger(__name__)


class Forbidden(DomainError):
    code = "forbidden"


class SuccessorRequired(DomainError):
    code = "successor_required"


class SolePrincipal(DomainError):
    code = "sole_principal"


class UserNotFound(DomainError):
    code = "user_not_found"


@dataclass
class SearchResult:
    rows: list[dict]
    total: int
    truncated: bool
    items_read: int


def search(params: dict) -> SearchResult:
    """Every structure matching the criteria, sorted by designation (at most MAX_RESULTS)."""
    query = build_search(params)
    driver = query.driver
    kinds = ("IX", "IS") if driver.mode == "infix" else ("IX",)
    found, items_read = {}, 0
    for kind in kinds:
        for entry in structures.search_index(kind, driver.field, driver.token, driver.mode == "word",
                                             limit=20 * MAX_RESULTS):
            items_read += 1
            row = {name: getattr(entry, name) for name in structures.ROW_FIELDS}
            if row["structure_id"] not in found and query.matches(row):
                found[row["structure_id"]] = row
    rows = sorted(found.values(), key=lambda r: (normalise_text(r["designation"]), r["identifier"]))
    return SearchResult(rows[:MAX_RESULTS], len(rows), len(rows) > MAX_RESULTS, items_read)


def membership_active(membership) -> bool:
    """Validated, and today within its validity dates."""
    if membership is None:
        return False
    until = date.fromisoformat(membership.valid_until) if membership.valid_until else None
    return is_active(membership.status, date.fromisoformat(membership.valid_from), until, clock.today())


def _manages(membership) -> bool:
    return membership is not None and can_manage(membership.role, membership.manager_scope,
                                                 membership_active(membership))


def _profile(current: CurrentSession):
    profile = accounts.get_profile(current.user_id)
    if profile is None:
        raise Forbidden()
    return profile


def _services_by_code(services, codes: list[str], field: str) -> list[dict]:
    known = {s.code: s for s in services if s.active}
    chosen = []
    for code in dict.fromkeys(codes):
        if code not in known:
            raise InvalidInput(fields={field: Problem("service.unknown", {"code": code})})
        chosen.append({"code": code, "name": known[code].name})
    return chosen


def _check_dates(valid_from, valid_until) -> None:
    if valid_until is not None and valid_until < valid_from:
        raise InvalidInput(fields={"valid_until": Problem("dates.order")})


def create(current: CurrentSession, data: dict):
    """A person creates a structure no search found: it becomes its principal manager at once."""
    identifier, problems = check_new_structure(data)
    if problems:
        raise InvalidInput(fields=problems)

    user, address = _profile(current), data["address"]
    now = clock.now()
    structure_id = uuid.uuid4().hex
    values = {
        "identifier": identifier, "identifier_type": data["identifier_type"], "designation": data["designation"],
        "label": data.get("label") or None, "structure_type": data["structure_type"], "status": "ACTIF",
        "last_name": data.get("last_name") or None, "first_name": data.get("first_name") or None,
        "address_line1": address["line1"], "address_line2": address.get("line2") or None,
        "postal_code": address["postal_code"], "city": address["city"], "country": address["country"],
        "principal_user_id": current.user_id, "created_at": now,
    }
    founder = NewMembership(
        user=user, role=PRINCIPAL, status=VALIDATED, valid_from=clock.today().isoformat(), valid_until=None,
        comment=None, services=[], requested_at=now, decided_at=now, decided_by=current.user_id,
    )
    try:
        structure = structures.create_structure(
            structure_id, values, data["services"], founder, default_spaces(PRINCIPAL), DEFAULT_HABILITATION
        )
    except structures.IdentifierTaken:
        raise structures.IdentifierTaken(fields={"identifier": Problem("identifier.taken")}) from None
    log.info("structure %s created by user %s", structure_id, current.user_id)
    return structure


def detail(current: CurrentSession, structure_id: str):
    structure, services = structures.get_structure_with_services(structure_id)
    if structure is None:
        raise NotFound()
    membership = structures.get_membership(current.user_id, structure_id)
    return structure, services, membership, _manages(membership)


def request(current: CurrentSession, structure_id: str, data: dict):
    """« Valider » of the request form: pending until a manager of the structure decides; its principal is told."""
    _check_dates(data["valid_from"], data["valid_until"])
    structure, services = structures.get_structure_with_services(structure_id)
    if structure is None or structure.status != "ACTIF":
        raise NotFound()
    chosen = _services_by_code(services, data["services"], "services")
    user = _profile(current)
    membership = structures.request_membership(structure, NewMembership(
        user=user, role=USER, status=PENDING, valid_from=data["valid_from"].isoformat(),
        valid_until=data["valid_until"].isoformat() if data["valid_until"] else None,
        comment=data.get("comment") or None, services=chosen, requested_at=clock.now(),
    ))
    principal = accounts.get_profile(structure.principal_user_id)
    if principal is not None:
        from chalicelib.mail import sender

        sender.send("rattachement_demande", principal, {"structure": structure, "requester": user,
                                                      "membership": membership})
    return membership


def _manager_membership(current: CurrentSession, structure_id: str):
    manager = structures.get_membership(current.user_id, structure_id)
    if not _manages(manager):
        raise Forbidden()
    return manager


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


def list_members(current: CurrentSession, structure_id: str, text: str | None, status: str | None):
    _manager_membership(current, structure_id)
    rows = [m for m in structures.members(structure_id, status) if m.status != "SUPPRIMEE" or status]
    return sorted(_filter_members(rows, text),
                  key=lambda m: (normalise_text(m.last_name), normalise_text(m.first_name)))


def attach(current: CurrentSession, structure_id: str, data: dict):
    """A manager attaches a user (found by its login) on its own initiative."""
    _check_dates(data["valid_from"], data["valid_until"])
    manager = _manager_membership(current, structure_id)
    structure, services = structures.get_structure_with_services(structure_id)
    chosen = _services_by_code(services, data["services"], "services")
    user_id = accounts.find_user_id(data["login"])
    user = accounts.get_profile(user_id) if user_id else None
    if user is None:
        raise UserNotFound(fields={"login": Problem("user.not_found")})
    now = clock.now()
    membership = structures.attach_member(structure, NewMembership(
        user=user, role=USER, status=VALIDATED, valid_from=data["valid_from"].isoformat(),
        valid_until=data["valid_until"].isoformat() if data["valid_until"] else None, comment=None,
        services=chosen, requested_at=now, decided_at=now, decided_by=manager.user_id,
    ), default_spaces(USER), DEFAULT_HABILITATION)
    from chalicelib.mail import sender

    sender.send("rattachement_valide", user, {"structure": structure, "membership": membership, "reason": None})
    return membership


def set_role(current: CurrentSession, structure_id: str, user_id: str, role: str, scope: str | None):
    """Only the principal manager names secondary managers and chooses how they act."""
    manager = structures.get_membership(current.user_id, structure_id)
    if manager is None or manager.role != PRINCIPAL or not membership_active(manager):
        raise Forbidden()
    if role == SECONDARY and scope is None:
        raise InvalidInput(fields={"manager_scope": Problem("field.required")})
    member = structures.get_membership(user_id, structure_id)
    if member is None or member.status != VALIDATED or member.role == PRINCIPAL:
        raise NotFound()
    structure = structures.get_structure(structure_id)
    scope = scope if role == SECONDARY else None
    acts_as_manager = role == SECONDARY and scope == SCOPE_MANAGER
    was_manager = member.role == SECONDARY and member.manager_scope == SCOPE_MANAGER
    structures.set_role(
        structure, member, role, scope, manager,
        add_spaces=(MANAGER_SPACE,) if acts_as_manager and not was_manager else (),
        remove_spaces=(MANAGER_SPACE,) if was_manager and not acts_as_manager else (),
    )
    member.role, member.manager_scope = role, scope
    return member


def leave(current: CurrentSession, structure_id: str, successor_user_id: str | None):
    """« Supprimer rattachements » for one structure. A principal manager hands its role over first and stays."""
    membership = structures.get_membership(current.user_id, structure_id)
    if membership is None or membership.status == "SUPPRIMEE":
        raise NotFound()
    if membership.role != PRINCIPAL:
        structures.end_membership(membership, structures.subscriptions_of(current.user_id, structure_id))
        membership.status, membership.manager_scope = "SUPPRIMEE", None
        log.info("user %s left structure %s", current.user_id, structure_id)
        return membership
    others = [m for m in structures.members(structure_id, VALIDATED)
              if m.user_id != current.user_id and membership_active(m)]
    if not others:
        raise SolePrincipal()
    if not successor_user_id:
        raise SuccessorRequired()
    successor = next((m for m in others if m.user_id == successor_user_id), None)
    if successor is None:
        raise InvalidInput(fields={"successor_user_id": Problem("successor.not_member")})
    structure = structures.get_structure(structure_id)
    structures.transfer_principal(structure, membership, successor, default_spaces(PRINCIPAL), DEFAULT_HABILITATION)
    log.info("principal manager of structure %s moved from %s to %s", structure_id, current.user_id,
             successor_user_id)
    membership.role, membership.manager_scope = USER, None
    return membership


def managed_structures(current: CurrentSession):
    """The memberships through which the user manages a structure (from its own partition: one Query)."""
    account = accounts.load_account(current.user_id)
    return [m for m in (account.memberships if account else []) if _manages(m)]


def pending_requests(current: CurrentSession):
    managed = managed_structures(current)
    pending = []
    for membership in managed:
        pending.extend(structures.members(membership.structure_id, PENDING))
    return managed, sorted(pending, key=lambda m: m.requested_at)


def decide(current: CurrentSession, validated: bool, reason: str | None, targets: list[dict]) -> list[dict]:
    """Validate or refuse each request on its own; one that cannot be decided is reported, the others go on."""
    from chalicelib.mail import sender

    managers, results = {}, []
    for target in targets:
        structure_id, user_id = target["structure_id"], target["user_id"]
        outcome = {"structure_id": structure_id, "user_id": user_id, "status": None, "error": None}
        results.append(outcome)
        if structure_id not in managers:
            manager = structures.get_membership(current.user_id, structure_id)
            managers[structure_id] = manager if _manages(manager) else None
        manager = managers[structure_id]
        request_item = structures.get_membership(user_id, structure_id) if manager else None
        if manager is None or request_item is None or request_item.status != PENDING:
            outcome["error"] = "request_not_pending"
            continue
        structure = structures.get_structure(structure_id)
        try:
            structures.decide_request(
                structure, request_item, manager, validated, reason, clock.now(),
                default_spaces(request_item.role, request_item.manager_scope), DEFAULT_HABILITATION,
            )
        except structures.Stale:
            outcome["error"] = "request_not_pending"
            continue
        outcome["status"] = VALIDATED if validated else "REFUSEE"
        user = accounts.get_profile(user_id)
        if user is not None:
            sender.send("rattachement_valide" if validated else "rattachement_refuse", user,
                        {"structure": structure, "membership": request_item, "reason": reason})
        log.info("request of %s to %s %s by %s", user_id, structure_id, outcome["status"], current.user_id)
    return results
