"""« Pièces jointes » (guide §6): the browser uploads to S3 with a presigned POST, the server checks what S3 holds and
records it; downloads are presigned GETs that S3 serves as attachments, never rendered by the portal's origin."""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib import settings
from chalicelib.domain import attachments as rules
from chalicelib.domain import clock, entities
from chalicelib.domain import events as event_kinds
from chalicelib.domain.errors import AttachmentQuota, InvalidInput, NotFound, Problem, ServiceUnavailable
from chalicelib.services.auth import CurrentSession
from chalicelib.services.events import about_account
from chalicelib.store import attachments as store

log = logging.getLogger(__name__)


@dataclass
class Upload:
    upload_id: str
    url: str
    fields: dict
    expires_at: datetime
    max_size: int


@dataclass
class Download:
    attachment: entities.Attachment
    url: str
    expires_at: datetime


def _checked(file_name: str, size: int | None, attachment_type: str, designation: str) -> str:
    name, problems = rules.file_problems(file_name, size, attachment_type, designation)
    if problems:
        raise InvalidInput(fields=problems)
    return name


def start_upload(current: CurrentSession, data: dict) -> Upload:
    """Refuse up front what the file cannot be, and a user at its limit; then a presigned POST to a key of the
    server's choosing (the key names the user: the confirmation reads only the caller's own prefix)."""
    name = _checked(data["file_name"], data["size"], data["attachment_type"], data["designation"])
    limit = settings.attachments_per_user()
    if store.count_of(current.user_id) >= limit:
        raise AttachmentQuota(limit=limit)
    upload_id = uuid.uuid4().hex
    post = store.presigned_upload(current.user_id, upload_id, rules.CONTENT_TYPES[rules.extension_of(name)],
                                  rules.MAX_SIZE, rules.UPLOAD_SECONDS)
    return Upload(upload_id=upload_id, url=post["url"], fields=post["fields"],
                  expires_at=clock.now() + timedelta(seconds=rules.UPLOAD_SECONDS), max_size=rules.MAX_SIZE)


def record(current: CurrentSession, data: dict) -> entities.Attachment:
    """Check the uploaded bytes (size, then the first bytes against the extension), move the object to its final
    key and write the item with the user's count in one transaction. A refused file is deleted."""
    name = _checked(data["file_name"], None, data["attachment_type"], data["designation"])
    extension = rules.extension_of(name)
    upload_id = data["upload_id"]
    found = store.temporary_head(current.user_id, upload_id, rules.SNIFF_BYTES)
    if found is None:
        raise NotFound()
    size, head = found
    problem = None
    if size <= 0:
        problem = Problem("attachment.empty")
    elif size > rules.MAX_SIZE:
        problem = Problem("attachment.too_large", {"max_mb": rules.MAX_SIZE // (1024 * 1024)})
    elif not rules.content_matches(extension, head):
        problem = Problem("attachment.content", {"file_name": name, "extension": extension})
    if problem:
        store.discard_temporary(current.user_id, upload_id)
        log.info("upload %s of user %s refused: %s", upload_id, current.user_id, problem.key)
        raise InvalidInput(fields={"file_name": problem})
    attachment_id = uuid.uuid4().hex
    content_type = rules.CONTENT_TYPES[extension]
    key = store.promote(current.user_id, upload_id, attachment_id, content_type)
    attachment = entities.Attachment(
        attachment_id=attachment_id, attachment_type=data["attachment_type"], designation=data["designation"],
        file_name=name, extension=extension, size=size, object_key=key,
    )
    try:
        store.add_attachment(current.user_id, attachment, settings.attachments_per_user(), events=[about_account(
            event_kinds.ATTACHMENT_ADDED, current.user_id, clock.now(), attachment=attachment.designation)])
    except Exception as error:
        store.delete_objects([key])  # nothing recorded: no object left behind either
        # AWS busy (503): the upload stays, so that the same request sent again records it (housekeeping removes it
        # within the hour if it never is); refused (quota): it goes.
        if not isinstance(error, ServiceUnavailable):
            store.discard_temporary(current.user_id, upload_id)
        raise
    store.discard_temporary(current.user_id, upload_id)
    log.info("attachment %s recorded for user %s (%d bytes)", attachment_id, current.user_id, size)
    return attachment


def describe(current: CurrentSession, attachment_id: str, data: dict) -> entities.Attachment:
    """« Éditer »: the designation and the type."""
    problems = rules.description_problems(data["attachment_type"], data["designation"])
    if problems:
        raise InvalidInput(fields=problems)
    return store.describe(current.user_id, attachment_id, data["version"], data["designation"],
                          data["attachment_type"])


def _own(current: CurrentSession, ids: list[str]) -> list[entities.Attachment]:
    """The caller's attachments of ``ids``, all of them, or NotFound (another user's id is not found either)."""
    found = store.get_attachments(current.user_id, ids)
    if len(found) != len(set(ids)):
        raise NotFound()
    order = {attachment_id: index for index, attachment_id in enumerate(ids)}
    return sorted(found, key=lambda a: order[a.attachment_id])


def remove(current: CurrentSession, ids: list[str]) -> int:
    """« Supprimer pièces jointes »: the items and the count together, then the objects; nothing if one id is not
    the caller's."""
    attachments = _own(current, ids)
    moment = clock.now()
    store.remove(current.user_id, attachments, lambda part: [about_account(
        event_kinds.ATTACHMENT_DELETED, current.user_id, moment,
        attachment=", ".join(attachment.designation for attachment in part))])
    log.info("%d attachment(s) deleted by user %s", len(attachments), current.user_id)
    return len(attachments)


def _download(attachment: entities.Attachment) -> Download:
    # An extension no longer on the list is still served, as bytes to save, never as something to render.
    content_type = rules.CONTENT_TYPES.get(attachment.extension, "application/octet-stream")
    url = store.presigned_download(attachment.object_key, content_type,
                                   rules.content_disposition(attachment.file_name), rules.DOWNLOAD_SECONDS)
    return Download(attachment, url, clock.now() + timedelta(seconds=rules.DOWNLOAD_SECONDS))


def download(current: CurrentSession, attachment_id: str) -> Download:
    attachment = store.get_attachment(current.user_id, attachment_id)
    if attachment is None:
        raise NotFound()
    return _download(attachment)


def downloads(current: CurrentSession, ids: list[str]) -> list[Download]:
    """Presigned GETs for « Télécharger pièces jointes »: the browser builds the zip, so nothing passes through
    API Gateway's payload limit or a Lambda's memory."""
    return [_download(attachment) for attachment in _own(current, ids)]
