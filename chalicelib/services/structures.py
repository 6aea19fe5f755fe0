"""Structures (guide §4): search, creation and the structure's page."""

import logging
import uuid
from dataclasses import dataclass

from chalicelib.domain import clock, entities
from chalicelib.domain import events as event_kinds
from chalicelib.domain.accounts import ACTIVE
from chalicelib.domain.errors import IdentifierTaken, InvalidInput, NotFound, Problem
from chalicelib.domain.memberships import (
    DEFAULT_HABILITATION,
    MEMBERSHIP,
    PRINCIPAL,
    default_spaces,
    manages,
)
from chalicelib.domain.search import MAX_RESULTS, build_search, normalise_text
from chalicelib.domain.structures import check_new_structure
from chalicelib.services.auth import CurrentSession
from chalicelib.services.events import about_membership
from chalicelib.services.memberships import manager_standing, new_membership, own_profile
from chalicelib.store import memberships, structures

log = logging.getLogger(__name__)


@dataclass
class SearchResult:
    rows: list[dict]
    total: int
    truncated: bool
    items_read: int


@dataclass
class StructurePage:
    structure: entities.Structure
    services: list[entities.Service]
    membership: entities.Membership | None
    can_manage: bool


def search(params: dict) -> SearchResult:
    """Every structure matching the criteria, sorted by designation (at most MAX_RESULTS)."""
    query = build_search(params)
    driver = query.driver
    kinds = ("IX", "IS") if driver.mode == "infix" else ("IX",)
    found, items_read = {}, 0
    for kind in kinds:
        for row in structures.search_index(kind, driver.field, driver.token, driver.mode == "word",
                                           limit=20 * MAX_RESULTS):
            items_read += 1
            if row["structure_id"] not in found and query.matches(row):
                found[row["structure_id"]] = row
    rows = sorted(found.values(), key=lambda r: (normalise_text(r["designation"]), r["identifier"]))
    return SearchResult(rows[:MAX_RESULTS], len(rows), len(rows) > MAX_RESULTS, items_read)


def create(current: CurrentSession, data: dict) -> entities.Structure:
    """A person creates a structure no search found: it becomes its principal manager at once."""
    identifier, problems = check_new_structure(data)
    if problems:
        raise InvalidInput(fields=problems)

    user, address = own_profile(current), data["address"]
    now = clock.now()
    structure = entities.Structure(
        structure_id=uuid.uuid4().hex, identifier=identifier, identifier_type=data["identifier_type"],
        designation=data["designation"], label=data.get("label") or None, structure_type=data["structure_type"],
        status=ACTIVE, last_name=data.get("last_name") or None, first_name=data.get("first_name") or None,
        address_line1=address["line1"], address_line2=address.get("line2") or None,
        postal_code=address["postal_code"], city=address["city"], country=address["country"],
        principal_user_id=current.user_id, created_at=now,
    )
    found = MEMBERSHIP.transition("found")
    founder = new_membership(structure, user, PRINCIPAL, found.check(None), clock.today(), None, None, [], now,
                             decided_by=current.user_id)
    try:
        structures.save_structure(structure, data["services"], also=memberships.founder_writes(
            structure, founder, default_spaces(PRINCIPAL), DEFAULT_HABILITATION), events=[about_membership(
                event_kinds.STRUCTURE_CREATED, founder, now)])
    except IdentifierTaken:
        raise IdentifierTaken(fields={"identifier": Problem("identifier.taken")}) from None
    log.info("structure %s created by user %s", structure.structure_id, current.user_id)
    return structure


def detail(current: CurrentSession, structure_id: str) -> StructurePage:
    """The structure, its services and the caller's rattachement: one Query besides the session (which brought the
    rattachement along)."""
    structure, services = structures.get_structure_with_services(structure_id)
    if structure is None:
        raise NotFound()
    membership, manager_space = manager_standing(current, structure_id)
    return StructurePage(structure, [s for s in services if s.active], membership,
                         manages(membership, clock.today(), manager_space))
