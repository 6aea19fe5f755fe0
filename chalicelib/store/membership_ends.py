"""Repository of dated rattachements' ends (``store.models`` documents the layout): ``ENDING#<day>`` /
``<structure>#<user>``, one item per rattachement ending on that day, written with the rattachement (request,
attachment, extension), so that the daily job reads only the day it tells about (one Query) and never scans. An item
whose rattachement changed since (extended, ended, refused) is dropped by the job. ``noticed_at`` marks the notice sent
14 days before, in the transaction of its event: a rerun does not tell it twice."""

from datetime import date, datetime

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.domain import entities
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.domain.memberships import MEMBERSHIP, VALIDATED
from chalicelib.store import subscriptions as subscription_store
from chalicelib.store.common import commit, iso_text, manager_check
from chalicelib.store.models import Item, Membership, bind, membership_sk, user_pk

PREFIX = "ENDING#"


class EndMark(Item, discriminator="MEMBERSHIP_END"):
    user_id = UnicodeAttribute()
    structure_id = UnicodeAttribute()
    noticed_at = UTCDateTimeAttribute(null=True)


def mark_item(membership: entities.Membership, day: date | None = None) -> EndMark:
    day = day or membership.valid_until
    return EndMark(f"{PREFIX}{day.isoformat()}", f"{membership.structure_id}#{membership.user_id}",
                   user_id=membership.user_id, structure_id=membership.structure_id)


def of_day(day: date) -> list[EndMark]:
    bind()
    return [item for item in EndMark.query(f"{PREFIX}{day.isoformat()}") if isinstance(item, EndMark)]


def drop(mark: EndMark) -> None:
    mark.delete()


def notice(mark: EndMark, moment: datetime, events, mails=None) -> bool:
    """Mark the notice given, with its events and its mails (``mails(transaction)`` queues them in the outbox), in
    one transaction; False if a run did it already."""
    def write(transaction):
        transaction.update(mark, actions=[EndMark.noticed_at.set(moment)],
                           condition=EndMark.pk.exists() & EndMark.noticed_at.does_not_exist())
        if mails is not None:
            mails(transaction)

    try:
        commit(write, events=events)
    except ConcurrentChange:
        return False
    return True


def end(membership: entities.Membership, mark: EndMark, events) -> int:
    """The rattachement ends, its subscriptions go and its mark with it, in one transaction, if it still ends on the
    mark's day (a rerun after a crash finds it ended and only drops the mark). Returns the subscriptions removed."""
    rows = subscription_store.of_user(membership.user_id, membership.structure_id)
    transition = MEMBERSHIP.transition("end")

    def write(transaction):
        transaction.update(
            Membership(user_pk(membership.user_id), membership_sk(membership.structure_id)),
            actions=[Membership.status.set(transition.target),
                     Membership.gsi1sk.set(f"{transition.target}#{membership.user_id}"),
                     Membership.manager_scope.remove(),
                     Membership.gsi2pk.remove(), Membership.gsi2sk.remove()],  # an ended link manages nothing
            condition=(Membership.status == VALIDATED) & (Membership.valid_until == iso_text(membership.valid_until)))
        for row in rows:
            transaction.delete(subscription_store.key_item(row))
        transaction.delete(mark)

    commit(write, events=events)
    return len(rows)


def extend(membership: entities.Membership, new_until: date, manager: entities.Membership, events) -> None:
    """Move the end date, and its mark, while the rattachement is validated with the end date the manager saw."""
    bind()

    def write(transaction):
        if manager.user_id != membership.user_id:
            manager_check(transaction, manager)
        transaction.update(
            Membership(user_pk(membership.user_id), membership_sk(membership.structure_id)),
            actions=[Membership.valid_until.set(iso_text(new_until))],
            condition=(Membership.status == VALIDATED) & (Membership.valid_until == iso_text(membership.valid_until)))
        transaction.delete(mark_item(membership))
        transaction.save(mark_item(membership, new_until))

    commit(write, events=events)
