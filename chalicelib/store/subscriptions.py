"""Repository of abonnements (subscriptions) and of the spaces set for a whole structure.

- ``USER#<id>`` / ``SUBSCRIPTION#<structure>#<service or ->#<space>#<habilitation>``: a subscription, in its user's
  partition (« Mon Compte » is one Query), indexed by ``gsi1`` under ``SUBSCRIBERS#<structure>`` /
  ``<status>#<user>#<service>#<space>#<habilitation>``: a structure's pending requests, or who holds a space, is one
  Query.
- ``STRUCTURE#<id>`` / ``SPACE#<space>``: a space set for the whole structure, or taken off it.

Every decision is one transaction conditioned on the request still pending, on its user's rattachement still validated
and on the service still active, so that a subscription only ever exists for a service its user is attached to.
"""

import logging
from datetime import datetime

from pynamodb.exceptions import DeleteError, PutError, UpdateError

from chalicelib.domain import entities
from chalicelib.domain.memberships import VALIDATED
from chalicelib.domain.states import Transition
from chalicelib.domain.subscriptions import ORIGIN_DEFAULT, REMOVED, SUBSCRIPTION
from chalicelib.store.common import allowed_states, commit, entity, iso_date, iso_text, manager_check
from chalicelib.store.models import (
    SUBSCRIPTION_PREFIX,
    Item,
    Membership,
    Service,
    StructureSpace,
    Subscription,
    bind,
    membership_sk,
    subscribers_pk,
    subscription_sk,
    user_pk,
)

log = logging.getLogger(__name__)

SPACE_PREFIX = "SPACE#"
# A transaction holds at most 100 items: decisions and removals are cut in parts of this many rows.
ROWS_IN_TRANSACTION = 70  # and room for the events of the part (``store.events``)


def _index_sk(status: str, user_id: str, service_code: str | None, space: str, habilitation: str) -> str:
    return f"{status}#{user_id}#{service_code or '-'}#{space}#{habilitation}"


def to_subscription(item) -> entities.Subscription:
    return entity(entities.Subscription, item, valid_from=iso_date(item.valid_from))


def key_item(subscription: entities.Subscription) -> Subscription:
    return Subscription(user_pk(subscription.user_id), subscription_sk(
        subscription.structure_id, subscription.service_code, subscription.space, subscription.habilitation))


def item_of(subscription: entities.Subscription) -> Subscription:
    values = {name: getattr(subscription, name) for name in entities.Subscription.__dataclass_fields__}
    values["valid_from"] = iso_text(subscription.valid_from)
    key = key_item(subscription)
    return Subscription(
        key.pk, key.sk, **values, gsi1pk=subscribers_pk(subscription.structure_id),
        gsi1sk=_index_sk(subscription.status, subscription.user_id, subscription.service_code, subscription.space,
                         subscription.habilitation),
    )


def granted_items(structure: entities.Structure, user_id: str, services, spaces, habilitation: str,
                  clock_moment: datetime | None) -> list[Subscription]:
    """Subscriptions granted at once (the defaults of a role), one per service (or the whole structure) and space."""
    status = SUBSCRIPTION.transition("grant").target
    return [
        item_of(entities.Subscription(
            user_id=user_id, structure_id=structure.structure_id, identifier=structure.identifier,
            designation=structure.designation, service_code=s.code if s else None,
            service_name=s.name if s else None, space=space, habilitation=habilitation, status=status,
            origin=ORIGIN_DEFAULT, requested_at=clock_moment, decided_at=clock_moment,
        ))
        for s in (services or [None]) for space in spaces
    ]


def _status_actions(subscription: entities.Subscription, status: str) -> list:
    return [Subscription.status.set(status), Subscription.gsi1sk.set(_index_sk(
        status, subscription.user_id, subscription.service_code, subscription.space, subscription.habilitation))]


def _attached_checks(transaction, subscription: entities.Subscription, manager: entities.Membership) -> None:
    """The subscription holds only while its user's rattachement is validated (checked already when its user is the
    manager deciding: a transaction names an item once) and its service active."""
    if subscription.user_id != manager.user_id:
        transaction.condition_check(Membership, user_pk(subscription.user_id),
                                    membership_sk(subscription.structure_id), condition=Membership.status == VALIDATED)
    if subscription.service_code:
        transaction.condition_check(Service, f"STRUCTURE#{subscription.structure_id}",
                                    f"SERVICE#{subscription.service_code}", condition=Service.active == True)  # noqa: E712


# Reads -------------------------------------------------------------------------------------------------------------

def of_user(user_id: str, structure_id: str | None = None) -> list[entities.Subscription]:
    """A user's subscriptions (to one structure, or all): one Query on its partition."""
    bind()
    prefix = f"{SUBSCRIPTION_PREFIX}{structure_id}#" if structure_id else SUBSCRIPTION_PREFIX
    return [to_subscription(item) for item in Subscription.query(
        user_pk(user_id), Subscription.sk.startswith(prefix), consistent_read=True)]


def of_structure(structure_id: str, status: str | None = None, space: str | None = None,
                 ) -> list[entities.Subscription]:
    """A structure's subscriptions from the index (of one status, of one space): one Query."""
    bind()
    condition = Item.gsi1sk.startswith(f"{status}#") if status else None
    rows = [to_subscription(item) for item in Item.structure_members.query(subscribers_pk(structure_id), condition)
            if isinstance(item, Subscription)]
    return [s for s in rows if space is None or s.space == space]


# Writes ------------------------------------------------------------------------------------------------------------

def request(subscriptions: list[entities.Subscription], transition: Transition,
            manager: entities.Membership | None, events=()) -> None:
    """Write new subscriptions of one user (pending, or granted at once to a manager still managing), in one
    transaction, while its rattachement is validated and each service active; ConcurrentChange if any row exists."""
    bind()
    condition = allowed_states(Subscription, Subscription.status, transition)
    services = {s.service_code: s for s in subscriptions if s.service_code}

    def write(transaction):
        if manager is not None:
            manager_check(transaction, manager)  # a manager's own rattachement: validated, as it manages
        else:
            transaction.condition_check(Membership, user_pk(subscriptions[0].user_id),
                                        membership_sk(subscriptions[0].structure_id),
                                        condition=Membership.status == VALIDATED)
        for code in services:
            transaction.condition_check(Service, f"STRUCTURE#{subscriptions[0].structure_id}", f"SERVICE#{code}",
                                        condition=Service.active == True)  # noqa: E712
        for subscription in subscriptions:
            transaction.save(item_of(subscription), condition=condition)

    commit(write, events=events)


def decide(subscriptions: list[entities.Subscription], transition: Transition, manager: entities.Membership,
           moment: datetime, events_of=None) -> None:
    """Validate (while the rattachement and services hold) or refuse pending requests of one user, once each: one
    transaction per part of at most ROWS_IN_TRANSACTION rows, with the events ``events_of(part)`` tell;
    ConcurrentChange if one was decided meanwhile."""
    bind()
    condition = allowed_states(Subscription, Subscription.status, transition)
    validating = transition.target != REMOVED

    def write(transaction, part):
        manager_check(transaction, manager)
        if validating:
            _attached_checks(transaction, part[0], manager)
            for code in {s.service_code for s in part[1:] if s.service_code} - {part[0].service_code}:
                transaction.condition_check(Service, f"STRUCTURE#{part[0].structure_id}", f"SERVICE#{code}",
                                            condition=Service.active == True)  # noqa: E712
        for subscription in part:
            if validating:
                transaction.update(key_item(subscription), condition=condition, actions=[
                    *_status_actions(subscription, transition.target), Subscription.decided_at.set(moment),
                    Subscription.decided_by.set(manager.user_id)])
            else:
                transaction.delete(key_item(subscription), condition=condition)

    for start in range(0, len(subscriptions), ROWS_IN_TRANSACTION):
        part = subscriptions[start:start + ROWS_IN_TRANSACTION]
        commit(lambda transaction, part=part: write(transaction, part), events=events_of(part) if events_of else ())


def remove(subscriptions: list[entities.Subscription], transition: Transition, events_of=None) -> None:
    """Delete subscriptions of one user (« Supprimer abonnements »), each while in a state ``transition`` leaves, with
    the events ``events_of(part)`` tell."""
    bind()
    condition = allowed_states(Subscription, Subscription.status, transition)
    for start in range(0, len(subscriptions), ROWS_IN_TRANSACTION):
        part = subscriptions[start:start + ROWS_IN_TRANSACTION]
        commit(lambda transaction, part=part: [transaction.delete(key_item(s), condition=condition) for s in part],
               events=events_of(part) if events_of else ())


def revoke(subscriptions: list[entities.Subscription]) -> int:
    """Delete subscriptions one by one (a space taken off a structure, a service deactivated): idempotent, so a job
    run twice, or stopped half-way, does no harm. Returns how many were deleted."""
    bind()
    deleted = 0
    for subscription in subscriptions:
        try:
            key_item(subscription).delete(condition=Subscription.pk.exists())
            deleted += 1
        except DeleteError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
    return deleted


def add_if_absent(subscription: entities.Subscription) -> bool:
    """Write one subscription unless its row exists (the automatic requests of a structure's space): idempotent."""
    bind()
    try:
        item_of(subscription).save(condition=Subscription.pk.does_not_exist())
        return True
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False


def rename_service(structure_id: str, code: str, name: str) -> int:
    """Bring the service name copied on the subscriptions to service ``code`` up to ``name`` (a service renamed): one
    Query of the structure's subscriptions, then one UpdateItem per subscription that differs. Idempotent."""
    updated = 0
    for subscription in of_structure(structure_id):
        if subscription.service_code != code or subscription.service_name == name:
            continue
        try:
            key_item(subscription).update(actions=[Subscription.service_name.set(name)],
                                          condition=Subscription.pk.exists())
            updated += 1
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
    return updated


# Spaces of a structure -----------------------------------------------------------------------------------------------

def to_structure_space(item) -> entities.StructureSpace:
    return entity(entities.StructureSpace, item)


def set_structure_space(space: entities.StructureSpace, transition: Transition, manager: entities.Membership,
                        version: int | None, events=()) -> None:
    """Set a space for a whole structure, or take it off, while its author manages the structure; ``version`` is the
    one read (None: the space had never been set)."""
    bind()
    item = StructureSpace(
        f"STRUCTURE#{space.structure_id}", f"{SPACE_PREFIX}{space.space}", structure_id=space.structure_id,
        space=space.space, habilitation=space.habilitation, status=space.status, changed_at=space.changed_at,
        changed_by=space.changed_by,
    )
    if version is not None:  # the save is conditioned on the version read (none: the item must not exist yet)
        item.version = version

    def write(transaction):
        manager_check(transaction, manager)
        transaction.save(item, condition=allowed_states(StructureSpace, StructureSpace.status, transition))

    commit(write, events=events)
