"""Spaces set on (or taken off) a whole structure reach its users a moment after the manager's action.

Setting a space on a structure of 5,000 users must answer at once: the request writes one item (``SPACE#<space>`` in
the structure's partition); its stream record brings it here (a Lambda in the cloud, filtered on these items; the
poller of the local stack), which writes each user's automatic request, or revokes every subscription to a space taken
off. Each run reads the setting again and skips what is done, so a record delivered twice, late, or a run stopped
half-way changes nothing more than one run.
"""

import logging

from chalicelib.store import streams

log = logging.getLogger(__name__)


def handle(records: list[dict]) -> int:
    """Apply the structure-space changes of a batch of stream records; returns how many subscriptions changed."""
    from chalicelib.services import subscriptions

    changed = 0
    for structure_id, space in streams.changed_structure_spaces(records):
        count = subscriptions.apply_structure_space(structure_id, space)
        log.info("space %s of structure %s applied to %d subscription(s)", space, structure_id, count)
        changed += count
    return changed
