"""What every repository shares: items to domain objects, transitions to conditions, one transaction."""

import dataclasses
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.domain import entities
from chalicelib.domain.errors import ConcurrentChange, ServiceUnavailable
from chalicelib.domain.memberships import VALIDATED
from chalicelib.domain.states import ABSENT, Transition
from chalicelib.store import events as event_store
from chalicelib.store import retries
from chalicelib.store.models import Membership, membership_sk, transaction_connection, user_pk


def entity(cls, item, **values):
    """The domain object ``cls`` with the attributes of ``item`` of the same names (``values`` take precedence)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{name: getattr(item, name) for name in names - set(values)}, **values)


def iso_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def iso_text(value: date | None) -> str | None:
    return value.isoformat() if value else None


def allowed_states(model, attribute, transition: Transition):
    """The condition that the item is in one of the transition's starting states (or absent, where it may be)."""
    present = [state for state in transition.sources if state is not ABSENT]
    condition = attribute.is_in(*present) if present else None
    if ABSENT in transition.sources:
        absent = model.pk.does_not_exist()
        condition = absent if condition is None else absent | condition
    return condition


# Writes that join the next commit of this context (a mail of the outbox written with the change it tells about).
_riders: ContextVar[tuple] = ContextVar("riders", default=())


@contextmanager
def also_in_next_commit(ride):
    """``ride(transaction)`` is added to the first ``commit`` inside the block: it is saved if and only if that change
    is. A block that commits nothing is a mistake of the caller's, and says so."""
    entry = {"ride": ride, "done": False}
    token = _riders.set((*_riders.get(), entry))
    try:
        yield
        if not entry["done"]:
            raise RuntimeError("nothing was committed for the write that was to join it")
    finally:
        _riders.reset(token)


def join_riders(transaction) -> list:
    """Add the writes waiting for the next commit to ``transaction``; returns them, for ``riders_done`` once it is
    committed (for the few stores that run their own TransactWrite)."""
    riders = [entry for entry in _riders.get() if not entry["done"]]
    for entry in riders:
        entry["ride"](transaction)
    return riders


def riders_done(riders: list) -> None:
    for entry in riders:
        entry["done"] = True


def commit(write, conflict=ConcurrentChange, events=()):
    """Run ``write(transaction)`` in one TransactWriteItems, with the writes waiting to join it (mails) and the items of
    ``events`` (the change's outbox: written with it or not at all); a failed condition raises ``conflict``. Readers'
    feed items that do not fit under the 100 items of a transaction follow it (``store.events.add``)."""
    transaction = TransactWrite(connection=transaction_connection(), client_request_token=uuid.uuid4().hex)
    write(transaction)
    riders = join_riders(transaction)
    rest = event_store.add(transaction, events) if events else []
    send(transaction, conflict)
    riders_done(riders)
    event_store.write_rest(rest)


def send(transaction: TransactWrite, conflict=ConcurrentChange) -> None:
    """Send ``transaction`` (built with a ``client_request_token``); a failed condition raises ``conflict``.

    A cancellation for conflicts with other transactions or for throttling (no condition failed) sends the same items
    again with the same ``ClientRequestToken``, so that DynamoDB cannot apply them twice; if it still cannot go
    through, ``ServiceUnavailable`` (503): nothing was written. See ``store.retries``."""
    for attempt in range(1, retries.TRANSACTION_ATTEMPTS + 1):
        try:
            transaction._commit()  # what ``with TransactWrite`` calls on leaving; here, once per attempt
            return
        except TransactWriteError as error:
            if retries.transient_cancellation(error):
                if attempt < retries.TRANSACTION_ATTEMPTS:
                    retries.pause(attempt)
                    continue
                raise ServiceUnavailable() from error
            if error.cause_response_code == "TransactionCanceledException":
                raise conflict() from error
            if retries.is_unavailable(error):
                raise ServiceUnavailable() from error
            raise


def manager_check(transaction, manager: entities.Membership) -> None:
    """The change holds only if its author still manages the structure as it did when it was read (same role, same
    way of acting for a secondary manager) when it is written."""
    condition = (Membership.status == VALIDATED) & (Membership.role == manager.role)
    if manager.manager_scope:
        condition = condition & (Membership.manager_scope == manager.manager_scope)
    transaction.condition_check(Membership, user_pk(manager.user_id), membership_sk(manager.structure_id),
                                condition=condition)
