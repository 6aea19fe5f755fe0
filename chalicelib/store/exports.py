"""Repository of « Télécharger mes données »: ``USER#<id>`` / ``EXPORT`` (one per user, read with « Mon Compte »), the
queue that hands requests to the job, what the archive gathers, and the archive itself in the attachments bucket
under ``exports/`` (expired by the bucket's lifecycle in the cloud, by housekeeping locally)."""

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib import settings
from chalicelib.domain import entities
from chalicelib.domain.data_export import EXPORT, REQUESTED, STALLED_AFTER
from chalicelib.domain.errors import ExportInProgress
from chalicelib.store import attachments
from chalicelib.store.common import allowed_states, entity
from chalicelib.store.models import EXPORT_SK, DataExport, Item, RequestCopy, bind, user_pk
from chalicelib.store.security import expiry_keys
from chalicelib.store.sessions import _session_pk as session_pk

PREFIX = "exports/"


def get(user_id: str) -> entities.DataExport | None:
    bind()
    try:
        return entity(entities.DataExport, DataExport.get(user_pk(user_id), EXPORT_SK, consistent_read=True))
    except DoesNotExist:
        return None


def privacy_items(user_id: str) -> tuple[entities.EmailChange | None, entities.DataExport | None]:
    """The address change and the export of « Sécurité et confidentialité »: one BatchGetItem."""
    from chalicelib.store.models import EMAIL_CHANGE_SK, EmailChange

    bind()
    change = export = None
    for item in Item.batch_get([(user_pk(user_id), EMAIL_CHANGE_SK), (user_pk(user_id), EXPORT_SK)],
                               consistent_read=True):
        if isinstance(item, EmailChange):
            change = entity(entities.EmailChange, item)
        elif isinstance(item, DataExport):
            export = entity(entities.DataExport, item)
    return change, export


def request(user_id: str, now: datetime) -> None:
    """One export at a time: the write holds only if none is being built (or the one being built stalled)."""
    bind()
    stalled = (DataExport.status == REQUESTED) & (DataExport.requested_at <= now - STALLED_AFTER)
    condition = allowed_states(DataExport, DataExport.status, EXPORT.transition("request")) | stalled
    try:
        DataExport(user_pk(user_id), EXPORT_SK, user_id=user_id, status=EXPORT.transition("request").target,
                   requested_at=now).save(condition=condition)
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise ExportInProgress() from error
        raise


def _finish(user_id: str, requested_at: datetime, transition: str, changes: list) -> bool:
    """Record the job's outcome for the request it built (a newer request is left alone): False if there was none."""
    bind()
    try:
        DataExport(user_pk(user_id), EXPORT_SK).update(
            actions=[DataExport.status.set(EXPORT.transition(transition).target), *changes],
            condition=allowed_states(DataExport, DataExport.status, EXPORT.transition(transition))
            & (DataExport.requested_at == requested_at),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def complete(export: entities.DataExport, object_key: str, size: int, ready_at: datetime,
             until: datetime) -> bool:
    pk = user_pk(export.user_id)
    keys = expiry_keys(until, pk, EXPORT_SK)
    return _finish(export.user_id, export.requested_at, "complete", [
        DataExport.ready_at.set(ready_at), DataExport.object_key.set(object_key), DataExport.size.set(size),
        DataExport.expires_at.set(until), DataExport.gsi1pk.set(keys["gsi1pk"]),
        DataExport.gsi1sk.set(keys["gsi1sk"]),
    ])


def fail(export: entities.DataExport) -> bool:
    return _finish(export.user_id, export.requested_at, "fail", [])


# --- the queue --------------------------------------------------------------------------------------------------------

def enqueue(user_id: str) -> None:
    import json

    import boto3

    boto3.client("sqs", region_name=settings.region()).send_message(
        QueueUrl=settings.exports_queue_url(), MessageBody=json.dumps({"user_id": user_id}))


# --- what the archive gathers -----------------------------------------------------------------------------------------

def user_items(user_id: str) -> list[dict]:
    """Every item of the user's partition but the copies of other people's requests waiting for its decision, and of
    its sessions' partition (sessions, login history, second factor), its feed and its requests' steps, as plain JSON
    values with their ``kind``: four Queries."""
    from chalicelib.store import events

    bind()
    items = list(Item.query(user_pk(user_id), consistent_read=True, filter_condition=Item.kind != RequestCopy))
    items.extend(Item.query(session_pk(user_id), consistent_read=True))
    # Events (issue 11): the user's « Fil d'événements » and the steps of its requests (« Mes demandes »).
    feed = list(Item.query(f"{events.FEED_PREFIX}{user_id}"))
    steps = list(Item.query(f"{events.REQUESTS_PREFIX}{user_id}"))
    # force: string sets (the browsers already seen, the recovery codes' hashes) come as lists, sorted.
    return ([_plain(item) for item in items] + [{**_plain(item), "kind": "FEED_EVENT"} for item in feed]
            + [{**_plain(item), "kind": "REQUEST_STEP"} for item in steps])


def _plain(item) -> dict:
    return {name: sorted(value) if isinstance(value, set | list) and name in _sets(item) else value
            for name, value in item.to_simple_dict(force=True).items()}


def _sets(item) -> set[str]:
    from pynamodb.attributes import UnicodeSetAttribute

    return {name for name, attribute in item.get_attributes().items() if isinstance(attribute, UnicodeSetAttribute)}


def read_object(key: str) -> bytes:
    return attachments.s3().get_object(Bucket=settings.attachments_bucket(), Key=key)["Body"].read()


# --- the archive ------------------------------------------------------------------------------------------------------

STAMP = "%Y%m%dT%H%M%SZ"


def archive_key(user_id: str, moment: datetime, name: str) -> str:
    """The archive's key starts with the time it was built, which housekeeping reads (S3's own dates are the
    server's, never the injectable clock's)."""
    return f"{PREFIX}{user_id}/{moment.strftime(STAMP)}-{name}"


def put_archive(key: str, path: str) -> None:
    attachments.s3().upload_file(path, settings.attachments_bucket(), key,
                                 ExtraArgs={"ContentType": "application/zip"})


def presigned(key: str, file_name: str, seconds: int) -> str:
    return attachments.presigned_download(key, "application/zip", f'attachment; filename="{file_name}"', seconds)


def remove_old_archives(before: datetime) -> int:
    """Delete the archives built at or before ``before`` (the bucket's lifecycle does it in the cloud)."""
    s3 = attachments.s3()
    old = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=settings.attachments_bucket(), Prefix=PREFIX):
        old.extend(entry["Key"] for entry in page.get("Contents", []) if _built_at(entry["Key"]) <= before)
    attachments.delete_objects(old)
    return len(old)


def remove_archive(key: str) -> None:
    attachments.delete_objects([key])


def _built_at(key: str) -> datetime:
    from datetime import UTC

    try:
        return datetime.strptime(key.rsplit("/", 1)[-1].split("-", 1)[0], STAMP).replace(tzinfo=UTC)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)  # not an archive of ours: nothing under exports/ is kept
