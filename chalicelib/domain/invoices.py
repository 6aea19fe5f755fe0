"""Invoices as the invoicing platform tells of them (an SQS message per status change): their lifecycle statuses, who
hears of a change, and the attestation a rejection asks for. Pure rules."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

# Lifecycle statuses (DOMAIN.md), as the platform sends them.
DEPOSITED = "DEPOSEE"
ROUTING = "EN_COURS_ACHEMINEMENT"
AVAILABLE = "MISE_A_DISPOSITION"
TO_RECYCLE = "A_RECYCLER"
SUSPENDED = "SUSPENDUE"
REJECTED = "REJETEE"
SERVICE_DONE = "SERVICE_FAIT"
MANDATED = "MANDATEE"
AVAILABLE_TO_ACCOUNTING = "MISE_A_DISPOSITION_COMPTABLE"
ACCOUNTED = "COMPTABILISEE"
PAYMENT = "MISE_EN_PAIEMENT"
STATUSES = (DEPOSITED, ROUTING, AVAILABLE, TO_RECYCLE, SUSPENDED, REJECTED, SERVICE_DONE, MANDATED,
            AVAILABLE_TO_ACCOUNTING, ACCOUNTED, PAYMENT)
# A status the platform explains: its message carries a reason.
WITH_REASON = frozenset({REJECTED, SUSPENDED})
# A status its readers must attest they read (guide §3: « J'atteste avoir pris connaissance du rejet »).
TO_ATTEST = frozenset({REJECTED})
# Past this, the portal shows nothing else until the holder attests.
GRACE = timedelta(days=7)
REASON_MAX = 500
NUMBER_MAX = 40


@dataclass(frozen=True)
class StatusChange:
    """One message of the queue, validated."""

    message_id: str
    number: str
    structure_id: str
    service_code: str | None
    status: str
    amount: str  # decimal, as sent: never a float
    day: date
    reason: str | None = None


# Repeats StatusChange's invoice fields on purpose: a per-holder copy kept in its partition after the message is gone.
@dataclass(frozen=True)
class Rejection:
    """A rejected invoice one holder has to attest it read; ``attested_at`` once it did."""

    user_id: str
    number: str
    structure_id: str
    service_code: str | None
    amount: str
    day: date
    reason: str | None
    notified_at: datetime
    attested_at: datetime | None = None


def holders(subscriptions, service_code: str | None) -> list[str]:
    """Who hears of an invoice of ``service_code``: those who hold « Factures émises » on the whole structure, and
    those who hold it on that very service (an invoice without a service: the whole-structure holders only). Each
    user once, in a stable order."""
    chosen = [s.user_id for s in subscriptions
              if s.service_code is None or (service_code is not None and s.service_code == service_code)]
    return sorted(set(chosen))


def must_attest(status: str) -> bool:
    return status in TO_ATTEST


def blocking(rejection: Rejection, now: datetime) -> bool:
    """Unattested for 7 days or more: nothing else is shown until it is."""
    return rejection.attested_at is None and now - rejection.notified_at >= GRACE


def deadline(rejection: Rejection) -> datetime:
    return rejection.notified_at + GRACE
