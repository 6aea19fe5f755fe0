"""Records of the table's stream, decoded: what changed, in the terms of the domain."""

from boto3.dynamodb.types import TypeDeserializer

from chalicelib.store.memberships import MEMBER_COPIES
from chalicelib.store.models import MAIL_KIND, PROFILE_KIND, STRUCTURE_SPACE_KIND

_deserializer = TypeDeserializer()


def _image(record: dict, name: str) -> dict:
    raw = record.get("dynamodb", {}).get(name) or {}
    return {key: _deserializer.deserialize(value) for key, value in raw.items()}


def changed_profiles(records: list[dict]) -> dict[str, dict]:
    """The latest copied values (``MEMBER_COPIES``) of each profile whose copied fields changed in ``records``
    (stream order)."""
    changed = {}
    for record in records:
        if record.get("eventName") != "MODIFY":
            continue
        new, old = _image(record, "NewImage"), _image(record, "OldImage")
        if new.get("kind") != PROFILE_KIND:
            continue
        values = {name: new.get(name) for name in MEMBER_COPIES}
        if values != {name: old.get(name) for name in MEMBER_COPIES}:
            changed[new["user_id"]] = values
    return changed


def changed_structure_spaces(records: list[dict]) -> list[tuple[str, str]]:
    """(structure id, space) of each space set on a structure or taken off it in ``records``, once each, in order."""
    changed = {}
    for record in records:
        if record.get("eventName") not in ("INSERT", "MODIFY"):
            continue
        new, old = _image(record, "NewImage"), _image(record, "OldImage")
        if new.get("kind") != STRUCTURE_SPACE_KIND:
            continue
        if (new.get("status"), new.get("habilitation")) != (old.get("status"), old.get("habilitation")):
            changed[(new["structure_id"], new["space"])] = True
    return list(changed)


def new_mails(records: list[dict]) -> list[str]:
    """The ids of the mails written to the outbox in ``records``, once each, in order (later changes of a mail, its
    marks, are not new mails)."""
    found = {}
    for record in records:
        if record.get("eventName") != "INSERT":
            continue
        new = _image(record, "NewImage")
        if new.get("kind") == MAIL_KIND:
            found[new["mail_id"]] = True
    return list(found)
