"""SES's bounces and complaints, back through the configuration set's event destination → SNS → SQS → here.

Each mail carries the tags ``user`` and ``address`` (``mail.sender.deliver``), so a notification finds its profile in
one GetItem, with no index of addresses. A permanent bounce or a complaint for the profile's contact address marks it
(one UpdateItem, conditioned on the address being still the contact address): the mailer sends nothing more there
until the person changes it, and « Mon Compte » says so. Mails to the login address (account access) are still
attempted: the person asks for them, and they are the only way back into the account. A transient bounce, a delivery
or an address no longer used changes nothing.
"""

import json
import logging

from chalicelib.domain import clock
from chalicelib.domain.mails import bounce_kind, bounced_addresses, mail_tags
from chalicelib.observability import metric
from chalicelib.store import accounts, outbox

log = logging.getLogger(__name__)


def notification_of(body: str) -> dict:
    """The SES event in an SQS message body: wrapped in SNS's envelope, or raw (raw message delivery)."""
    message = json.loads(body)
    if message.get("Type") == "Notification" and isinstance(message.get("Message"), str):
        message = json.loads(message["Message"])
    return message


def handle(bodies: list[str]) -> int:
    """Mark the contact addresses the notifications are about; returns how many profiles were marked."""
    marked = 0
    for body in bodies:
        try:
            notification = notification_of(body)
        except (ValueError, TypeError):
            log.warning("mail feedback: a message that is no SES notification was ignored")
            continue
        kind = bounce_kind(notification)
        if kind is None:
            continue
        metric("MailBounces" if kind == "BOUNCE" else "MailComplaints")
        user_id = mail_tags(notification).get("user")
        if not user_id:
            log.warning("mail feedback: a %s without the user tag was ignored", kind)
            continue
        profile = accounts.get_profile(user_id)
        if profile is None or (profile.contact_email or "").lower() not in bounced_addresses(notification):
            log.info("mail feedback: %s for user %s, not its contact address (login, or changed since)", kind, user_id)
            continue
        if outbox.mark_contact_bounce(user_id, profile.contact_email, kind, clock.now()):
            log.warning("mail feedback: contact address of user %s marked (%s)", user_id, kind)
            marked += 1
    return marked
