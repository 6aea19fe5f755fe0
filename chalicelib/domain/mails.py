"""Mails of the outbox: each is written with the change it tells about, then sent once, off the request path.

A mail waits (``A_ENVOYER``), is claimed by one run of the mailer (``EN_ENVOI``), and ends sent, skipped (its address
bounces, or its recipient is gone) or parked after too many failed attempts (the dead letter). A failed attempt gives
it back to the queue; a claim whose run died is taken again once its lease is over.
"""

from datetime import timedelta

from .states import StateMachine

QUEUED, SENDING, SENT, SKIPPED, PARKED = "A_ENVOYER", "EN_ENVOI", "ENVOYE", "ECARTE", "EN_ATTENTE_SUPPORT"
MAIL = StateMachine("mail", (QUEUED, SENDING, SENT, SKIPPED, PARKED), {
    "claim": ((QUEUED,), SENDING),  # or SENDING whose lease is over: see ``store.outbox.claim``
    "sent": ((SENDING,), SENT),
    "skip": ((SENDING,), SKIPPED),
    "fail": ((SENDING,), QUEUED),
    "park": ((SENDING,), PARKED),
})

MAX_ATTEMPTS = 5  # then parked: the dead-letter queue hears of it
# How long a claim holds at most; in Lambda, until the invocation's end (its context says when): a run that dies
# mid-send leaves a claim the batch's retry, which starts after that end, takes again.
CLAIM_LEASE = timedelta(minutes=2)
KEEP_FOR = timedelta(days=7)  # then the item expires (TTL; the housekeeping job locally)

# One-time links the mailer issues when it sends, so that no raw token is ever written to the table.
LINK_PURPOSES = ("ACTIVATION", "RESET", "UNLOCK", "REACTIVATION",
                 "EMAIL_CHANGE", "EMAIL_CHANGE_CANCEL")  # issue 13: tied to their change by ``link_ref``
# What SES says of an address that must get no more mails (a permanent bounce, a complaint).
BOUNCE, COMPLAINT = "BOUNCE", "COMPLAINT"


def bounce_kind(notification: dict) -> str | None:
    """``BOUNCE``, ``COMPLAINT`` or None (a transient bounce, a delivery: nothing to stop) of an SES event, as a
    configuration set publishes it (``eventType``) or as identity notifications do (``notificationType``)."""
    kind = notification.get("eventType") or notification.get("notificationType")
    if kind == "Bounce" and (notification.get("bounce") or {}).get("bounceType") == "Permanent":
        return BOUNCE
    if kind == "Complaint":
        return COMPLAINT
    return None


def bounced_addresses(notification: dict) -> list[str]:
    """The recipients the event is about, lower-cased."""
    kind = bounce_kind(notification)
    if kind == BOUNCE:
        recipients = notification["bounce"].get("bouncedRecipients") or []
    elif kind == COMPLAINT:
        recipients = notification["complaint"].get("complainedRecipients") or []
    else:
        return []
    return [r["emailAddress"].strip().lower() for r in recipients if r.get("emailAddress")]


def mail_tags(notification: dict) -> dict[str, str]:
    """The tags the mailer put on the mail (``user``, ``address``), as SES hands them back: name → first value."""
    tags = (notification.get("mail") or {}).get("tags") or {}
    return {name: values[0] for name, values in tags.items() if values}
