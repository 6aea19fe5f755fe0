"""Daily: a request pending for more than 14 days whose principal manager cannot act (account not active, login
locked) goes to the structure's other managers too, secondary managers acting as users included.

Reads only the requests filed under the day they became stale, and the days missed since the last finished run: one
Query per day, then batched reads and one transaction per escalated request, whatever the number of users. A request
whose principal is active (or whose structure has no other manager) is filed for the next day, so it is checked
again until someone decides it. The last finished day is written after each day: a second run the same day reads
nothing, and a run stopped half-way finishes that day on the next run.
"""

import logging
from collections import Counter
from datetime import timedelta

from chalicelib.domain import clock
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.domain.memberships import (
    PENDING,
    VALIDATED,
    check_day,
    days_to_check,
    deputies,
    principal_unavailable,
    stale,
)
from chalicelib.store import escalation, memberships

log = logging.getLogger(__name__)

JOB = "stale_requests"


def run() -> dict:
    now = clock.now()
    counts = Counter()
    for day in days_to_check(escalation.last_day(JOB), now.date()):
        _check(day, now, counts)
        escalation.finish_day(JOB, day)
    log.info("stale requests: %s", dict(counts) or "none")
    return dict(counts)


def _check(day, now, counts: Counter) -> None:
    keys = escalation.due_on(day)
    if not keys:
        return
    requests, structures = escalation.requests_and_structures(keys)
    principals = escalation.principals({s.principal_user_id for s in structures.values()})
    tomorrow, today = now.date() + timedelta(days=1), clock.today()
    members = {}  # structure: its validated members, read once for all its escalated requests
    for structure_id, user_id in keys:
        request, structure = requests.get((structure_id, user_id)), structures.get(structure_id)
        if request is None or request.status != PENDING or structure is None:
            escalation.drop(structure_id, user_id, day)
            counts["dropped"] += 1
            continue
        if not stale(request.requested_at, now):  # asked again since: checked on its own day
            escalation.refile(structure_id, user_id, day, check_day(request.requested_at))
            continue
        status, locked_until = principals.get(structure.principal_user_id, (None, None))
        if not principal_unavailable(status, locked_until, now):
            escalation.refile(structure_id, user_id, day, tomorrow)
            counts["waiting"] += 1
            continue
        if structure_id not in members:
            members[structure_id] = memberships.members(structure_id, VALIDATED)
        chosen = deputies(members[structure_id], structure.principal_user_id, today)
        if not chosen:
            log.warning("request of %s to structure %s is stale, its principal manager unavailable and the structure "
                        "has no other manager", user_id, structure_id)
            escalation.refile(structure_id, user_id, day, tomorrow)
            counts["no_manager"] += 1
            continue
        try:
            counts["copies"] += memberships.escalate_request(request, chosen, now)
        except ConcurrentChange:  # decided or asked again meanwhile
            escalation.drop(structure_id, user_id, day)
            counts["dropped"] += 1
            continue
        counts["escalated"] += 1
        log.info("request of %s to structure %s escalated to %d manager(s)", user_id, structure_id, len(chosen))
