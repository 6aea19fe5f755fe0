"""What setting a new password writes besides its hash: the expiry and the reminders of the days before it."""

from datetime import datetime, timedelta

from chalicelib import settings
from chalicelib.domain.entities import Reminder

REMINDERS_BEFORE = {"J14": 14, "J1": 1}


def reminder_items(user_id: str, changed_at: datetime) -> list[Reminder]:
    """The reminders a password set at ``changed_at`` gets (written with it)."""
    expires_at = changed_at + timedelta(days=settings.password_lifetime_days())
    return [Reminder((expires_at - timedelta(days=before)).date().isoformat(), user_id, kind, changed_at)
            for kind, before in REMINDERS_BEFORE.items()]


def is_expired(changed_at: datetime, now: datetime) -> bool:
    return now >= changed_at + timedelta(days=settings.password_lifetime_days())
