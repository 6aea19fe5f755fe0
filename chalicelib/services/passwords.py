"""What setting a new password writes besides its hash: the expiry and the reminders of the days before it."""

from datetime import datetime, timedelta

from chalicelib import settings
from chalicelib.store import security

REMINDERS_BEFORE = {"J14": 14, "J1": 1}


def reminder_items(user_id: str, changed_at: datetime) -> list:
    expires_at = changed_at + timedelta(days=settings.password_lifetime_days())
    days = {kind: (expires_at - timedelta(days=before)).date().isoformat() for kind, before in REMINDERS_BEFORE.items()}
    return security.reminder_items(user_id, days, changed_at)


def is_expired(changed_at: datetime, now: datetime) -> bool:
    return now >= changed_at + timedelta(days=settings.password_lifetime_days())
