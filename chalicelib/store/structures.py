"""Repository of structures, their services and their search index.

- ``STRUCTURE#<id>``: ``STRUCTURE``, ``SERVICE#<code>`` and ``SPACE#<space>``; ``IDENTIFIER#<identifier>``: the
  claim that makes an identifier unique.
- ``IX#<field>#<first 3 characters>`` / ``<word>#<structure id>``: search index items carrying what a result line shows;
  ``IS#...`` the same for the inner suffixes of words.
"""

import dataclasses

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain import entities
from chalicelib.domain.errors import IdentifierTaken
from chalicelib.domain.search import index_tokens
from chalicelib.store.common import commit, entity
from chalicelib.store.models import IdentifierClaim, Item, SearchEntry, Service, Structure, StructureSpace, bind

STRUCTURE_SK = "STRUCTURE"
SEARCH_FIELDS = ("identifier", "postal_code", "designation", "label", "last_name", "first_name", "city")
ROW_FIELDS = ("structure_id", "identifier", "identifier_type", "designation", "label", "structure_type", "status",
              "last_name", "first_name", "postal_code", "city", "country")


def structure_pk(structure_id: str) -> str:
    return f"STRUCTURE#{structure_id}"


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
    skipped = ("pk", "sk", "kind", "gsi1pk", "gsi1sk") + (("version",) if new else ())
    values = {name: getattr(structure, name) for name in Structure.get_attributes() if name not in skipped}
    return Structure(structure_pk(structure.structure_id), STRUCTURE_SK, **values)


def save_structure(structure: entities.Structure, services: list[dict], also=None) -> entities.Structure:
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

    commit(write, IdentifierTaken)
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
