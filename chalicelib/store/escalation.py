"""Repository of the daily check of stale requests (``jobs.stale_requests``).

- ``CHECK#<structure>#<requester>`` / ``CHECK``: a pending request, indexed by ``gsi1`` under ``STALE#<day>`` /
  ``<structure>#<requester>`` for the day it becomes stale; written with the request (``store.memberships``), so a
  day's checks are one Query (no Scan) whose size is the number of requests made 15 days before. One key per request:
  a new request after a refusal refiles it, and moving it to a later day is one UpdateItem.
- ``JOB#<name>`` / ``LAST_DAY``: the last day the job finished, so that a run reads the days it missed and no other.
"""

from datetime import date

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError

from chalicelib.domain import entities
from chalicelib.store.common import entity
from chalicelib.store.memberships import check_item, to_membership
from chalicelib.store.models import (
    PROFILE_SK,
    Item,
    JobMark,
    LoginAttempts,
    Membership,
    RequestCheck,
    Structure,
    UserProfile,
    bind,
    check_day_pk,
    check_keys,
    membership_sk,
    user_pk,
)
from chalicelib.store.security import attempts_key
from chalicelib.store.structures import STRUCTURE_SK, structure_pk

LAST_DAY_SK = "LAST_DAY"


def _job_pk(job: str) -> str:
    return f"JOB#{job}"


def last_day(job: str) -> date | None:
    bind()
    try:
        return date.fromisoformat(JobMark.get(_job_pk(job), LAST_DAY_SK, consistent_read=True).day)
    except DoesNotExist:
        return None


def finish_day(job: str, day: date) -> None:
    bind()
    JobMark(_job_pk(job), LAST_DAY_SK, day=day.isoformat()).save()


def due_on(day: date) -> list[tuple[str, str]]:
    """(structure, requester) of every request filed for ``day``: one Query (a page per 1 MB)."""
    bind()
    return [(item.structure_id, item.user_id)
            for item in Item.structure_members.query(check_day_pk(day.isoformat()))
            if isinstance(item, RequestCheck)]


def requests_and_structures(keys: list[tuple[str, str]]):
    """The requests of ``keys`` and their structures, in one BatchGetItem (per 100 keys): ``{(structure, user):
    membership}``, ``{structure: structure}``."""
    bind()
    wanted = [(user_pk(user_id), membership_sk(structure_id)) for structure_id, user_id in keys]
    wanted += [(structure_pk(structure_id), STRUCTURE_SK) for structure_id in sorted({s for s, _ in keys})]
    requests, structures = {}, {}
    for item in Item.batch_get(wanted, consistent_read=True):
        if isinstance(item, Membership):
            requests[(item.structure_id, item.user_id)] = to_membership(item)
        elif isinstance(item, Structure):
            structures[item.structure_id] = entity(entities.Structure, item)
    return requests, structures


def principals(user_ids: set[str]) -> dict:
    """``{user: (account status, locked until)}`` of ``user_ids`` (a missing account is left out): one BatchGetItem
    for the profiles, one for the failures of their login names."""
    bind()
    if not user_ids:
        return {}
    profiles = {item.user_id: item for item in Item.batch_get(
        [(user_pk(user_id), PROFILE_SK) for user_id in sorted(user_ids)], consistent_read=True)
        if isinstance(item, UserProfile)}
    by_key = {attempts_key(profile.login)[0]: user_id for user_id, profile in profiles.items()}
    locks = {by_key[item.pk]: item.locked_until for item in Item.batch_get(
        [attempts_key(profile.login) for profile in profiles.values()], consistent_read=True)
        if isinstance(item, LoginAttempts)}
    return {user_id: (profile.status, locks.get(user_id)) for user_id, profile in profiles.items()}


def refile(structure_id: str, user_id: str, day: date, later: date) -> None:
    """Check the request again on ``later`` (unless it was refiled or removed meanwhile)."""
    bind()
    keys = check_keys(structure_id, user_id, later.isoformat())
    try:
        RequestCheck(keys["pk"], keys["sk"]).update(
            actions=[RequestCheck.gsi1pk.set(keys["gsi1pk"])],
            condition=RequestCheck.gsi1pk == check_day_pk(day.isoformat()))
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


def drop(structure_id: str, user_id: str, day: date) -> None:
    """Forget the check of a request no longer pending (unless a new request refiled it)."""
    bind()
    keys = check_keys(structure_id, user_id, day.isoformat())
    try:
        RequestCheck(keys["pk"], keys["sk"]).delete(condition=RequestCheck.gsi1pk == keys["gsi1pk"])
    except DeleteError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


def file_once(request: entities.Membership, day: date) -> bool:
    """File a pending request for its check on ``day`` unless it is filed already (local data saved before checks
    existed); whether it was."""
    bind()
    try:
        check_item(request, day).save(condition=RequestCheck.pk.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
