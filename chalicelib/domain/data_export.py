"""« Télécharger mes données » (GDPR, article 20): one archive at a time per user, built off the request path.

What goes in is everything the portal holds about the person, machine-readable, and nothing of anyone else: the
secrets are left out, and so is what names another person (who decided a request, the managers a request waits for).
"""

from datetime import timedelta

from .states import ABSENT, StateMachine

REQUESTED = "DEMANDEE"
READY = "PRETE"
FAILED = "ECHEC"
STATUSES = (REQUESTED, READY, FAILED)

EXPORT = StateMachine("export", (REQUESTED, READY, FAILED), {
    # One at a time: a new request only once the previous one is done (or has failed, or stalled: see ``stalled``).
    "request": ((ABSENT, READY, FAILED), REQUESTED),
    "complete": ((REQUESTED,), READY),
    "fail": ((REQUESTED,), FAILED),
})

# How long a built archive stays downloadable (the bucket's lifecycle keeps it one day at most, housekeeping too).
KEPT_FOR = timedelta(hours=24)
# A request still not built after this is taken as lost (its job failed for good): a new one may replace it.
STALLED_AFTER = timedelta(hours=1)
# How long the download link the portal hands out works.
LINK_LIFETIME = timedelta(minutes=5)

# Never exported: secrets, the table's keys and bookkeeping, and what identifies other people.
HIDDEN = frozenset({
    "pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "kind", "version", "expires_at",
    "password_hash", "secret_answer_hash", "confirm_hash", "cancel_hash", "token_hash", "totp_secret", "secret",
    "recovery_codes", "code_hashes", "object_key", "pending_secret", "recovery_hashes", "challenge_hash",
    "pending_login",
    "decided_by", "waiting_for", "changed_by", "principal_user_id",
})


def stalled(requested_at, now) -> bool:
    return now - requested_at >= STALLED_AFTER


def may_request(status: str | None, requested_at, now) -> bool:
    return EXPORT.transition("request").allows(status) or (status == REQUESTED and stalled(requested_at, now))


def clean(attributes: dict) -> dict:
    """An item as the archive shows it: hidden names left out, at any depth."""
    return {name: _clean_value(value) for name, value in attributes.items() if name not in HIDDEN}


def _clean_value(value):
    if isinstance(value, dict):
        return clean(value)
    if isinstance(value, list):
        return [_clean_value(v) for v in value]
    return value


def archive_name(file_name: str, attachment_id: str) -> str:
    """Where an attachment's file goes in the archive: its id first, so that two files of the same name never
    overwrite each other."""
    return f"pieces-jointes/{attachment_id}-{file_name}"


# What names a person in an event's sentence (``domain.events``' params): the subject, and who made the change.
_PERSON_PARAMS = {"subject_id": "person", "actor_id": "actor"}


def own_event(attributes: dict, user_id: str) -> dict | None:
    """An event of the user's feed or requests as the archive shows it: only those it is the subject or the author of,
    without the other party's id or name (a manager's validation keeps its structure and date, not the manager)."""
    if user_id not in (attributes.get("subject_id"), attributes.get("actor_id")):
        return None
    shown = clean(attributes)
    params = dict(shown.get("params") or {})
    for id_name, param in _PERSON_PARAMS.items():
        if shown.get(id_name) != user_id:
            shown.pop(id_name, None)
            params.pop(param, None)
    if "params" in shown:
        shown["params"] = params
    return shown
