"""Daily mails 14 days and 1 day before a password expires: only the reminders filed under the days to check are read.

The days to check are today and any day missed since the last finished run (``JOB#password_reminders``): a run
stopped half-way (AWS busy, the Lambda's time out) leaves its day unfinished, and the next run, even the next day,
finishes it. A reminder's mail is queued in the transaction that deletes it, so a day read again sends nothing twice.
"""

import logging
from datetime import timedelta

from chalicelib import settings
from chalicelib.domain import clock
from chalicelib.domain.accounts import ACTIVE
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.domain.memberships import days_to_check
from chalicelib.mail import sender
from chalicelib.services.passwords import REMINDERS_BEFORE
from chalicelib.store import accounts, escalation, security

log = logging.getLogger(__name__)

JOB = "password_reminders"


def run() -> int:
    now = clock.now()
    sent = 0
    for day in days_to_check(escalation.last_day(JOB), now.date()):
        sent += _remind(day.isoformat(), now)
        escalation.finish_day(JOB, day)
    return sent


def _remind(day: str, now) -> int:
    sent = 0
    for reminder in list(security.reminders_of_day(day)):
        profile = accounts.get_profile(reminder.user_id)
        # A reminder of a password changed since, of an account no longer active, or (read late) of a password
        # expired already has nothing to say.
        mail = None
        if (profile is not None and profile.status == ACTIVE
                and profile.password_changed_at == reminder.password_changed_at):
            expires_at = profile.password_changed_at + timedelta(days=settings.password_lifetime_days())
            if expires_at > now:
                mail = {"days": REMINDERS_BEFORE[reminder.reminder_kind], "expires_at": expires_at}
        try:
            if mail is None:
                security.delete_reminder(reminder)
                continue
            # The mail is queued in the reminder's delete: both or neither, so a run stopped anywhere sends it once.
            with sender.with_next_commit("rappel_expiration", profile, mail, to_login=True):
                security.delete_reminder(reminder)
        except ConcurrentChange:  # another run took it
            continue
        sent += 1
    log.info("password reminders of %s: %d sent", day, sent)
    return sent
