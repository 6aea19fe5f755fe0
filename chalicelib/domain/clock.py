"""The one source of "now", so that tests move the clock instead of sleeping."""

from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


def set_now(moment: datetime | None) -> None:
    """Freeze the clock at ``moment`` (timezone-aware), or give it back to the system with ``None``."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("the frozen time must be timezone-aware")
    _frozen = moment


def today():
    """The calendar day in France, where validity dates are meant (a day, not a UTC instant)."""
    from zoneinfo import ZoneInfo

    return now().astimezone(ZoneInfo("Europe/Paris")).date()
