"""Daily mails 14 days and 1 day before a password expires: only the reminders filed under today are read."""

import logging
from datetime import timedelta

from chalicelib import settings
from chalicelib.domain import clock
from chalicelib.domain.accounts import ACTIVE
from chalicelib.mail import sender
from chalicelib.services.passwords import REMINDERS_BEFORE
from chalicelib.store import accounts, security

log = logging.getLogger(__name__)


def run() -> int:
    today = clock.now().date().isoformat()
    sent = 0
    for reminder in list(security.reminders_of_day(today)):
        profile = accounts.get_profile(reminder.user_id)
        # A reminder of a password changed since, or of an account no longer active, has nothing to say.
        if (profile is not None and profile.status == ACTIVE
                and profile.password_changed_at == reminder.password_changed_at):
            expires_at = profile.password_changed_at + timedelta(days=settings.password_lifetime_days())
            context = {"days": REMINDERS_BEFORE[reminder.reminder_kind], "expires_at": expires_at}
            sender.send("rappel_expiration", profile, context, to_login=True)
            sent += 1
        security.delete_reminder(reminder)
    log.info("password reminders of %s: %d sent", today, sent)
    return sent
