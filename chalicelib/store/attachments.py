"""Repository of « pièces jointes »: the items (``USER#<id>`` / ``ATTACHMENT#<id>``), the user's count
(``ATTACHMENT_COUNT``) and the objects of the attachments bucket (``tmp/<user>/<upload>`` while an upload waits for
its check, ``users/<user>/<attachment>`` once recorded). Keys never leave this module.
"""

import logging
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from botocore.exceptions import ClientError
from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib import settings
from chalicelib.domain import entities
from chalicelib.domain.errors import AttachmentChanged, AttachmentQuota, NotFound
from chalicelib.store.common import commit, entity
from chalicelib.store.models import (
    ATTACHMENT_COUNT_SK,
    ATTACHMENT_PREFIX,
    Attachment,
    AttachmentCount,
    bind,
    user_pk,
)

log = logging.getLogger(__name__)

TEMPORARY_PREFIX = "tmp/"
# A transaction holds 100 actions at most: the count takes one.
DELETES_PER_TRANSACTION = 98  # with the count and the part's event


@lru_cache(maxsize=4)
def _client(region: str):
    import boto3
    from botocore.config import Config

    # Virtual-hosted and regional (https://<bucket>.s3.<region>.amazonaws.com): the address the page's CSP
    # (connect-src) and the bucket's CORS expect; botocore would presign the global one otherwise. An IP endpoint
    # (moto locally) stays path-style.
    return boto3.client("s3", region_name=region, config=Config(s3={"addressing_style": "virtual"}))


def s3():
    """The S3 client, built on first use (a cold start that serves no attachment never pays for it)."""
    return _client(settings.region())


def temporary_key(user_id: str, upload_id: str) -> str:
    return f"{TEMPORARY_PREFIX}{user_id}/{upload_id}"


def object_key(user_id: str, attachment_id: str) -> str:
    return f"users/{user_id}/{attachment_id}"


def _sk(attachment_id: str) -> str:
    return f"{ATTACHMENT_PREFIX}{attachment_id}"


# --- S3 ---------------------------------------------------------------------------------------------------------------

def _public(url: str) -> str:
    """The URL as the browser must use it: under ``settings.attachments_url()`` when set (the local stack's proxy of
    moto's path-style bucket), S3's own otherwise. The proxy forwards to the original host, so signatures hold."""
    base = settings.attachments_url()
    if not base:
        return url
    parts = urlsplit(url)
    bucket, path = settings.attachments_bucket(), parts.path
    if (parts.hostname or "").startswith(f"{bucket}."):  # virtual-hosted style: the proxy's paths name the bucket
        path = f"/{bucket}" + ("" if path == "/" else path)
    return base.rstrip("/") + path + (f"?{parts.query}" if parts.query else "")


def presigned_upload(user_id: str, upload_id: str, content_type: str, max_size: int, seconds: int) -> dict:
    """A presigned POST to the temporary key: the size range and the content type are part of the signed policy."""
    post = s3().generate_presigned_post(
        Bucket=settings.attachments_bucket(), Key=temporary_key(user_id, upload_id),
        Fields={"Content-Type": content_type},
        Conditions=[["content-length-range", 1, max_size], {"Content-Type": content_type}],
        ExpiresIn=seconds,
    )
    return {**post, "url": _public(post["url"])}


def temporary_head(user_id: str, upload_id: str, length: int) -> tuple[int, bytes] | None:
    """The size and first ``length`` bytes of an upload waiting in the caller's own temporary prefix (None: there
    is none, whoever else's it may be)."""
    bucket, key = settings.attachments_bucket(), temporary_key(user_id, upload_id)
    try:
        size = s3().head_object(Bucket=bucket, Key=key)["ContentLength"]
        head = s3().get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{length - 1}")["Body"].read() if size else b""
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    return size, head


def discard_temporary(user_id: str, upload_id: str) -> None:
    s3().delete_object(Bucket=settings.attachments_bucket(), Key=temporary_key(user_id, upload_id))


def promote(user_id: str, upload_id: str, attachment_id: str, content_type: str) -> str:
    """Copy the checked upload to its final key with the allow-listed type; the temporary object stays until the
    attachment is recorded (``discard_temporary``), so that a record that fails can be sent again."""
    bucket, key = settings.attachments_bucket(), object_key(user_id, attachment_id)
    s3().copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": temporary_key(user_id, upload_id)},
                     ContentType=content_type, MetadataDirective="REPLACE")
    return key


def delete_objects(keys: list[str]) -> None:
    bucket = settings.attachments_bucket()
    for start in range(0, len(keys), 1000):
        s3().delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys[start:start + 1000]],
                                                   "Quiet": True})


def presigned_download(key: str, content_type: str, disposition: str, seconds: int) -> str:
    return _public(s3().generate_presigned_url("get_object", Params={
        "Bucket": settings.attachments_bucket(), "Key": key,
        "ResponseContentType": content_type, "ResponseContentDisposition": disposition,
    }, ExpiresIn=seconds))


def remove_stale_uploads(before: datetime) -> int:
    """Delete the temporary objects last written before ``before`` (the cloud's lifecycle rule does it there)."""
    stale = []
    for page in s3().get_paginator("list_objects_v2").paginate(Bucket=settings.attachments_bucket(),
                                                                Prefix=TEMPORARY_PREFIX):
        stale.extend(entry["Key"] for entry in page.get("Contents", []) if entry["LastModified"] < before)
    delete_objects(stale)
    return len(stale)


# --- DynamoDB ---------------------------------------------------------------------------------------------------------

def count_of(user_id: str) -> int:
    bind()
    try:
        return int(AttachmentCount.get(user_pk(user_id), ATTACHMENT_COUNT_SK, consistent_read=True).count or 0)
    except DoesNotExist:
        return 0


def add_attachment(user_id: str, attachment: entities.Attachment, limit: int | None = None, events=()) -> None:
    """The item and the user's count in one transaction, the count staying under ``limit`` (AttachmentQuota)."""
    bind()
    limit = settings.attachments_per_user() if limit is None else limit
    values = {name: value for name, value in vars(attachment).items() if name != "version"}
    item = Attachment(user_pk(user_id), _sk(attachment.attachment_id), **values)
    counter = AttachmentCount(user_pk(user_id), ATTACHMENT_COUNT_SK)

    def write(transaction):
        transaction.save(item, condition=Attachment.pk.does_not_exist())
        transaction.update(counter, actions=[AttachmentCount.kind.set(AttachmentCount), AttachmentCount.count.add(1)],
                           condition=AttachmentCount.count.does_not_exist() | (AttachmentCount.count < limit))

    commit(write, lambda: AttachmentQuota(limit=limit), events)
    attachment.version = 1


def get_attachments(user_id: str, attachment_ids: list[str]) -> list[entities.Attachment]:
    """The user's attachments among ``attachment_ids`` (one BatchGetItem for up to 100): another user's id is simply
    not found."""
    bind()
    keys = [(user_pk(user_id), _sk(attachment_id)) for attachment_id in dict.fromkeys(attachment_ids)]
    return [entity(entities.Attachment, item) for item in Attachment.batch_get(keys, consistent_read=True)]


def get_attachment(user_id: str, attachment_id: str) -> entities.Attachment | None:
    bind()
    try:
        return entity(entities.Attachment, Attachment.get(user_pk(user_id), _sk(attachment_id), consistent_read=True))
    except DoesNotExist:
        return None


def describe(user_id: str, attachment_id: str, version: int, designation: str,
             attachment_type: str) -> entities.Attachment:
    """« Éditer »: the designation and the type, if the item is still at ``version`` (AttachmentChanged otherwise)."""
    bind()
    item = Attachment(user_pk(user_id), _sk(attachment_id))
    item.version = version  # PynamoDB conditions the update on this version and increments it
    try:
        item.update(actions=[Attachment.designation.set(designation), Attachment.attachment_type.set(attachment_type)],
                    condition=Attachment.pk.exists())
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        if get_attachment(user_id, attachment_id) is None:
            raise NotFound() from error
        raise AttachmentChanged() from error
    return entity(entities.Attachment, item)


def remove(user_id: str, attachments: list[entities.Attachment], events_of=None) -> None:
    """Delete the items and lower the count together (99 items a transaction), then their objects. Each item must
    still be there (ConcurrentChange otherwise, nothing deleted by that transaction)."""
    bind()
    counter = AttachmentCount(user_pk(user_id), ATTACHMENT_COUNT_SK)
    for start in range(0, len(attachments), DELETES_PER_TRANSACTION):
        part = attachments[start:start + DELETES_PER_TRANSACTION]

        def write(transaction, part=part):
            for attachment in part:
                transaction.delete(Attachment(user_pk(user_id), _sk(attachment.attachment_id)),
                                   condition=Attachment.pk.exists(), add_version_condition=False)
            transaction.update(counter, actions=[AttachmentCount.count.add(-len(part))],
                               condition=AttachmentCount.count >= len(part))

        commit(write, events=events_of(part) if events_of else ())
        delete_objects([attachment.object_key for attachment in part])
