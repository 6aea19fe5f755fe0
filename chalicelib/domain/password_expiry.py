"""« Votre mot de passe expire dans N jours »."""

import math
from datetime import datetime, timedelta


def expiry(changed_at: datetime, lifetime_days: int, now: datetime) -> tuple[datetime, int]:
    """When the password expires and how many days are left, counted up (0 once expired)."""
    expires_at = changed_at + timedelta(days=lifetime_days)
    days_left = math.ceil((expires_at - now).total_seconds() / 86400)
    return expires_at, max(days_left, 0)
