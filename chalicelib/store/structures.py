"""Repository of structures, their services and their search index.

- ``STRUCTURE#<id>``: ``STRUCTURE``, ``SERVICE#<code>`` and ``SPACE#<space>``; ``IDENTIFIER#<identifier>``: the
  claim that makes an identifier unique.
- ``IX#<field>#<first 3 characters>`` / ``<word>#<structure id>``: search index items carrying what a result line shows;
  ``IS#...`` the same for the inner suffixes of words.
"""

import dataclasses

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain import entities
from chalicelib.domain.errors import IdentifierTaken, StructureChanged
from chalicelib.domain.search import index_tokens
from chalicelib.store.common import commit, entity, manager_check
from chalicelib.store.models import (
    IdentifierClaim,
    Item,
    SearchEntry,
    Service,
    Structure,
    StructureSpace,
    bind,
    set_actions,
)

STRUCTURE_SK = "STRUCTURE"
SEARCH_FIELDS = ("identifier", "postal_code", "designation", "label", "last_name", "first_name", "city")
ROW_FIELDS = ("structure_id", "identifier", "identifier_type", "designation", "label", "structure_type", "status",
              "last_name", "first_name", "postal_code", "city", "country")


def structure_pk(structure_id: str) -> str:
    return f"STRUCTURE#{structure_id}"


def service_sk(code: str) -> str:
    return f"SERVICE#{code}"


def _index_pk(kind: str, field: str, token: str) -> str:
    return f"{kind}#{field}#{token[:3]}"


def _search_entries(structure: entities.Structure) -> list[SearchEntry]:
    row = {name: getattr(structure, name) for name in ROW_FIELDS}
    entries = {}
    for field in SEARCH_FIELDS:
        whole, inner = index_tokens(field, getattr(structure, field))
        for kind, tokens in (("IX", whole), ("IS", inner)):
            for token in tokens:
                key = (_index_pk(kind, field, token), f"{token}#{structure.structure_id}")
                entries[key] = SearchEntry(*key, **row)
    return list(entries.values())


def structure_item(structure: entities.Structure, new: bool = False) -> Structure:
    """The stored structure: its version is the one read (a write is conditioned on it), none for a new one."""
    skipped = ("pk", "sk", "kind", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk") + (("version",) if new else ())
    values = {name: getattr(structure, name) for name in Structure.get_attributes() if name not in skipped}
    return Structure(structure_pk(structure.structure_id), STRUCTURE_SK, **values)


def save_structure(structure: entities.Structure, services: list[dict], also=None, events=()) -> entities.Structure:
    """The structure, its identifier claim and services (and what ``also(transaction)`` adds, such as its founder's
    rattachement) in one transaction; then its search index items. IdentifierTaken if the identifier has a structure."""
    bind()
    item = structure_item(structure, new=True)
    claim = IdentifierClaim(f"IDENTIFIER#{structure.identifier}", "IDENTIFIER", structure_id=structure.structure_id)

    def write(transaction):
        transaction.save(claim, condition=IdentifierClaim.pk.does_not_exist())
        transaction.save(item, condition=Structure.pk.does_not_exist())
        for service in services:
            transaction.save(Service(structure_pk(structure.structure_id), f"SERVICE#{service['code']}",
                                     structure_id=structure.structure_id, code=service["code"], name=service["name"]))
        if also is not None:
            also(transaction)

    commit(write, IdentifierTaken, events)
    structure.version = 1
    # The index is written after the structure exists (a transaction holds at most 100 items); it is derived data,
    # rebuilt from the structure if a write is ever lost.
    with SearchEntry.batch_write() as batch:
        for entry in _search_entries(structure):
            batch.save(entry)
    return structure


def get_structure(structure_id: str) -> entities.Structure | None:
    bind()
    try:
        return entity(entities.Structure, Structure.get(structure_pk(structure_id), STRUCTURE_SK, consistent_read=True))
    except DoesNotExist:
        return None


@dataclasses.dataclass
class StructureRecord:
    """What a structure's partition holds: the structure, its services and the spaces set (or taken off) on it."""

    structure: entities.Structure | None
    services: list[entities.Service] = dataclasses.field(default_factory=list)
    spaces: dict[str, entities.StructureSpace] = dataclasses.field(default_factory=dict)


def get_structure_record(structure_id: str) -> StructureRecord:
    """The structure, its services and its spaces: one Query on its partition."""
    bind()
    record = StructureRecord(None)
    for item in Item.query(structure_pk(structure_id), consistent_read=True):
        if isinstance(item, Structure):
            record.structure = entity(entities.Structure, item)
        elif isinstance(item, Service):
            record.services.append(entity(entities.Service, item))
        elif isinstance(item, StructureSpace):
            record.spaces[item.space] = entity(entities.StructureSpace, item)
    record.services.sort(key=lambda s: s.code)
    return record


def get_structure_with_services(structure_id: str) -> tuple[entities.Structure | None, list[entities.Service]]:
    """The structure and its services: one Query on its partition."""
    record = get_structure_record(structure_id)
    return record.structure, record.services


def search_index(kind: str, field: str, token: str, exact_word: bool, limit: int):
    """Rows (dicts of ROW_FIELDS) of the index items whose token starts with ``token`` (or equals it), in key order."""
    bind()
    prefix = f"{token}#" if exact_word else token
    for entry in SearchEntry.query(_index_pk(kind, field, token), SearchEntry.sk.startswith(prefix), limit=limit):
        yield {name: getattr(entry, name) for name in ROW_FIELDS}


# Administration by its managers (« Consulter / modifier la structure ») ----------------------------------------------

def update_structure(structure: entities.Structure, changes: dict, manager: entities.Membership) -> entities.Structure:
    """Save a manager's changes to the structure as it read it: one TransactWriteItems conditioned on the version read
    and on the manager's standing, StructureChanged (nothing written) if either changed since. Its search index then
    follows (``reindex``). Returns the structure as saved."""
    bind()
    item = structure_item(structure)  # at the version read: PynamoDB conditions the update on it and increments it
    actions = set_actions(Structure, changes)

    def write(transaction):
        manager_check(transaction, manager)
        transaction.update(item, actions=actions, condition=Structure.pk.exists())

    commit(write, StructureChanged)
    saved = dataclasses.replace(structure, **changes, version=structure.version + 1)
    reindex(structure, saved)
    return saved


def reindex(before: entities.Structure, after: entities.Structure) -> int:
    """Bring a structure's search index items from ``before`` to ``after`` (derived data, written after the change as
    at creation): the entries of the words it no longer has go; when a value every entry carries for the result line
    changed (postal code, city, country), every entry is written again, else only the new ones. Returns how many items
    were written or deleted."""
    bind()
    old = {(entry.pk, entry.sk) for entry in _search_entries(before)}
    new = {(entry.pk, entry.sk): entry for entry in _search_entries(after)}
    row_changed = any(getattr(before, name) != getattr(after, name) for name in ROW_FIELDS)
    stale = old - new.keys()
    fresh = list(new.values()) if row_changed else [new[key] for key in new.keys() - old]
    if stale or fresh:
        with SearchEntry.batch_write() as batch:
            for pk, sk in sorted(stale):
                batch.delete(SearchEntry(pk, sk))
            for entry in fresh:
                batch.save(entry)
    return len(stale) + len(fresh)


def _service_key(structure_id: str, code: str) -> Service:
    return Service(structure_pk(structure_id), service_sk(code))


def add_service(service: entities.Service, manager: entities.Membership) -> None:
    """A new service, while its code is free in the structure (a deactivated service keeps its code) and its author
    manages the structure: one TransactWriteItems; ConcurrentChange if either changed meanwhile."""
    bind()
    item = Service(structure_pk(service.structure_id), service_sk(service.code), structure_id=service.structure_id,
                   code=service.code, name=service.name, active=True)

    def write(transaction):
        manager_check(transaction, manager)
        transaction.save(item, condition=Service.pk.does_not_exist())

    commit(write)


def rename_service(structure_id: str, code: str, name: str, manager: entities.Membership) -> None:
    """Rename an active service while its author manages the structure (one TransactWriteItems)."""
    bind()

    def write(transaction):
        manager_check(transaction, manager)
        transaction.update(_service_key(structure_id, code), actions=[Service.name.set(name)],
                           condition=Service.active == True)  # noqa: E712

    commit(write)


def deactivate_service(structure_id: str, code: str, manager: entities.Membership) -> None:
    """Mark a service inactive while its author manages the structure (one TransactWriteItems): from then on no
    request, decision or subscription names it (their writes check ``active``)."""
    bind()

    def write(transaction):
        manager_check(transaction, manager)
        transaction.update(_service_key(structure_id, code), actions=[Service.active.set(False)],
                           condition=Service.pk.exists())

    commit(write)
