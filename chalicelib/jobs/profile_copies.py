"""Keep the copies of a person's profile in its memberships current.

Managers' lists (members, pending requests, successor search) are one Query because each membership copies its
member's name, e-mail and address. Saving « Mon Compte » stays one write: the table's stream delivers the profile's
change here (a Lambda in the cloud, filtered on profile items; a poller of the local stack), and this refreshes the
copies a moment later.
"""

import logging

from chalicelib.store import memberships, streams

log = logging.getLogger(__name__)


def handle(records: list[dict]) -> int:
    """Refresh the copies for a batch of stream records; returns how many memberships were rewritten."""
    refreshed = 0
    for user_id, values in streams.changed_profiles(records).items():
        refreshed += memberships.refresh_member_copies(user_id, values)
    if refreshed:
        log.info("profile copies refreshed in %d membership(s)", refreshed)
    return refreshed
