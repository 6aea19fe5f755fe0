"""Keep the copies of a person's profile in its memberships current.

Managers' lists (members, pending requests, successor search) are one Query because each membership copies its
member's name, e-mail and address. Saving « Mon Compte » stays one write: the table's stream delivers the profile's
change here (a Lambda in the cloud, filtered on profile items; a poller of the local stack), and this refreshes the
copies a moment later.
"""

import logging

from boto3.dynamodb.types import TypeDeserializer

from chalicelib.store import structures

log = logging.getLogger(__name__)
PROFILE_KIND = "USER"
_deserializer = TypeDeserializer()


def _image(record: dict, name: str) -> dict:
    raw = record.get("dynamodb", {}).get(name) or {}
    return {key: _deserializer.deserialize(value) for key, value in raw.items()}


def changed_profiles(records: list[dict]) -> dict[str, dict]:
    """The latest copied values of each profile whose copied fields changed in ``records`` (stream order)."""
    changed = {}
    for record in records:
        if record.get("eventName") != "MODIFY":
            continue
        new, old = _image(record, "NewImage"), _image(record, "OldImage")
        if new.get("kind") != PROFILE_KIND:
            continue
        values = {name: new.get(name) for name in structures.MEMBER_COPIES}
        if values != {name: old.get(name) for name in structures.MEMBER_COPIES}:
            changed[new["user_id"]] = values
    return changed


def handle(records: list[dict]) -> int:
    """Refresh the copies for a batch of stream records; returns how many memberships were rewritten."""
    refreshed = 0
    for user_id, values in changed_profiles(records).items():
        refreshed += structures.refresh_member_copies(user_id, values)
    if refreshed:
        log.info("profile copies refreshed in %d membership(s)", refreshed)
    return refreshed
