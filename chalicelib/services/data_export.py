"""« Télécharger mes données » (GDPR, article 20): the request (a conditional write and a message on the queue), the
archive built off the request path by ``jobs.exports``, and the short-lived link to it."""

import json
import logging
import os
import tempfile
import uuid
import zipfile

from chalicelib.domain import clock, data_export, entities
from chalicelib.domain.data_export import READY, REQUESTED
from chalicelib.domain.errors import ExportNotReady
from chalicelib.mail import sender
from chalicelib.services.auth import CurrentSession
from chalicelib.store import accounts, exports

log = logging.getLogger(__name__)

# Which item goes under which heading of ``donnees.json``; unknown kinds (added later) go under ``other``.
SECTIONS = {
    "MEMBERSHIP": "memberships", "SUBSCRIPTION": "subscriptions", "ATTACHMENT": "attachments", "SESSION": "sessions",
    "EMAIL_CHANGE": "email_changes", "CREDENTIALS": "login", "LOGIN_EVENT": "login_history",
}
# What « Sécurité et confidentialité » keeps beside the sessions that is the person's (its second factor's secret,
# recovery codes' hashes and login challenge are not: an allow-list, so a secret added later stays out too).
SECURITY_SHOWN = ("known_browsers", "totp_enabled_at")
# Not the person's data: bookkeeping of the portal (the count that enforces the attachments limit, this export).
SKIPPED = {"ATTACHMENT_COUNT", "EXPORT"}
SETTINGS = ("language", "notifications", "status", "created_at", "updated_at", "reactivated_at", "deactivated_at",
            "password_changed_at")


def request(current: CurrentSession) -> entities.DataExport:
    """One archive at a time (the conditional write refuses a second while one is built)."""
    now = clock.now()
    exports.request(current.user_id, now)
    try:
        exports.enqueue(current.user_id)
    except Exception:
        export = exports.get(current.user_id)
        if export is not None:
            exports.fail(export)
        raise
    log.info("data export requested by user %s", current.user_id)
    return entities.DataExport(user_id=current.user_id, status=REQUESTED, requested_at=now)


def link(current: CurrentSession) -> tuple[str, object]:
    """A fresh, short-lived download link to the user's own archive while it exists."""
    export = exports.get(current.user_id)
    now = clock.now()
    if export is None or export.status != READY or now >= export.ready_at + data_export.KEPT_FOR:
        raise ExportNotReady()
    seconds = int(data_export.LINK_LIFETIME.total_seconds())
    return exports.presigned(export.object_key, file_name(export), seconds), now + data_export.LINK_LIFETIME


def file_name(export) -> str:
    return f"mes-donnees-chorus-pro-{export.ready_at.date().isoformat()}.zip"


def document(user_id: str, items: list[dict], now) -> tuple[dict, list[tuple[str, str]]]:
    """``donnees.json`` and the files to add (archive name, object key), from the items gathered."""
    doc = {"format": "chorus-pro-mon-compte/1", "generated_at": now.isoformat(), "user_id": user_id, "profile": None,
           "settings": None, "login": None, "memberships": [], "subscriptions": [], "attachments": [],
           "sessions": [], "login_history": [], "security": None, "email_changes": [], "events": [],
           "request_steps": [], "other": {}}
    files = []
    for raw in items:
        kind = raw["kind"]
        if kind in SKIPPED:
            continue
        shown = data_export.clean(raw)
        if kind == "USER":
            doc["settings"] = {name: shown.pop(name, None) for name in SETTINGS}
            doc["profile"] = shown
        elif kind == "CREDENTIALS":
            doc["login"] = shown
        elif kind in ("FEED_EVENT", "REQUEST_STEP"):
            # Only those the user is the subject or author of, without the other party (``own_event``).
            event = data_export.own_event(raw, user_id)
            if event is not None:
                doc["events" if kind == "FEED_EVENT" else "request_steps"].append(event)
        elif kind == "SECURITY":
            doc["security"] = {name: shown.get(name) for name in SECURITY_SHOWN}
        elif kind == "ATTACHMENT":
            shown["file"] = data_export.archive_name(raw["file_name"], raw["attachment_id"])
            files.append((shown["file"], raw["object_key"]))
            doc["attachments"].append(shown)
        elif kind in SECTIONS:
            doc[SECTIONS[kind]].append(shown)
        else:
            doc["other"].setdefault(kind.lower(), []).append(shown)
    return doc, files


def build(user_id: str) -> bool:
    """Build the user's archive, record it and mail the user: False when there was nothing to build."""
    export = exports.get(user_id)
    if export is None or export.status != REQUESTED:
        log.info("no export to build for user %s", user_id)
        return False
    try:
        now = clock.now()
        doc, files = document(user_id, exports.user_items(user_id), now)
        key = exports.archive_key(user_id, now, f"{uuid.uuid4().hex}.zip")
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "archive.zip")
            with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("donnees.json", json.dumps(doc, ensure_ascii=False, indent=2, default=str))
                for name, object_key in files:
                    archive.writestr(name, exports.read_object(object_key))
            size = os.path.getsize(path)
            exports.put_archive(key, path)
    except Exception:
        log.exception("data export of user %s failed", user_id)
        exports.fail(export)
        raise
    ready_at = clock.now()
    if not exports.complete(export, key, size, ready_at, ready_at + data_export.KEPT_FOR):
        exports.remove_archive(key)  # a newer request replaced this one meanwhile
        return False
    profile = accounts.get_profile(user_id)
    if profile is not None:
        sender.send("export_pret", profile, {"until": ready_at + data_export.KEPT_FOR})
    log.info("data export of user %s ready (%d bytes, %d file(s))", user_id, size, len(files))
    return True
