"""Repository of rattachements (memberships), the subscriptions they give, and the copies of pending requests that
their managers read.

- ``USER#<id>`` / ``MEMBERSHIP#<structure>``: the rattachement, in its user's partition (« Mon Compte » is one Query),
  indexed by ``gsi1`` under ``MEMBERS#<structure>`` / ``<status>#<user>`` (members and requests of a structure: one
  Query).
- ``USER#<id>`` / ``SUBSCRIPTION#<structure>#<service>#<space>#<habilitation>``: an abonnement.
- ``USER#<manager>`` / ``MANAGE#<structure>#<requester>``: a pending request copied for each manager who may decide it,
  indexed by ``gsi1`` under ``COPIES#<requester>`` / ``<structure>#<manager>`` so that a decision removes every copy.
- ``CHECK#<structure>#<requester>``: the request filed under the day it is 14 days old (``store.escalation``).

Every change is one TransactWriteItems whose conditions come from the state machines' transitions: no double
decision, no second principal manager, no change on a link someone else changed first.
"""

import dataclasses
import logging
from datetime import date, datetime

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.domain import entities
from chalicelib.domain.accounts import ACCOUNT
from chalicelib.domain.errors import MembershipExists
from chalicelib.domain.memberships import MEMBERSHIP, PENDING, ROLE, VALIDATED, check_day, service_status
from chalicelib.domain.states import Transition
from chalicelib.domain.subscriptions import HABILITATIONS, MANAGER_SPACE, MODIFICATION, VALID
from chalicelib.domain.subscriptions import PENDING as SUBSCRIPTION_PENDING
from chalicelib.store import subscriptions as subscription_store
from chalicelib.store.common import allowed_states, commit, entity, iso_date, iso_text, manager_check
from chalicelib.store.digests import manager_keys
from chalicelib.store.models import (
    MEMBERSHIP_PREFIX,
    PROFILE_SK,
    SUBSCRIPTION_PREFIX,
    Item,
    ManagerNameRef,
    Membership,
    RequestCheck,
    RequestCopy,
    ServiceRef,
    Structure,
    Subscription,
    UserProfile,
    bind,
    check_keys,
    membership_sk,
    set_actions,
    subscription_sk,
    user_pk,
)
from chalicelib.store.structures import structure_item

log = logging.getLogger(__name__)

# What a membership copies of its member's profile (so that managers' lists are one Query).
MEMBER_COPIES = ("first_name", "last_name", "contact_email", "address_line1", "postal_code", "city")
SUBSCRIPTION_COPIES = ("first_name", "last_name", "contact_email")
# A transaction holds at most 100 items: request copies past this many are written (or removed) right after it.
COPIES_IN_TRANSACTION = 50
COPY_PREFIX = "MANAGE#"


def members_pk(structure_id: str) -> str:
    return f"MEMBERS#{structure_id}"


def _copy_sk(structure_id: str, requester_id: str) -> str:
    return f"{COPY_PREFIX}{structure_id}#{requester_id}"


def _copies_pk(requester_id: str) -> str:
    return f"COPIES#{requester_id}"


def _service_refs(item, valid_from, valid_until) -> list[entities.ServiceRef]:
    """A rattachement's services; one stored without a status of its own (before services had one) reads with the
    rattachement's status, dates and comment."""
    return [
        entities.ServiceRef(
            s.code, s.name, status=service_status(item.status, s.status),
            valid_from=(iso_date(s.valid_from) or valid_from) if s.status else valid_from,
            valid_until=iso_date(s.valid_until) if s.status else valid_until,
            comment=s.comment if s.status else item.comment,
        )
        for s in (item.services or [])
    ]


def _stored_services(services: list[entities.ServiceRef]) -> list[ServiceRef] | None:
    return [ServiceRef(code=s.code, name=s.name, status=s.status, valid_from=iso_text(s.valid_from),
                       valid_until=iso_text(s.valid_until), comment=s.comment) for s in services] or None


def to_membership(item) -> entities.Membership:
    valid_from, valid_until = iso_date(item.valid_from), iso_date(item.valid_until)
    return entity(entities.Membership, item, valid_from=valid_from, valid_until=valid_until,
                  services=_service_refs(item, valid_from, valid_until),
                  waiting_for=[entities.ManagerName(n.first_name, n.last_name, n.role)
                               for n in (item.waiting_for or [])])


def _fields(membership: entities.Membership) -> dict:
    return {
        name: getattr(membership, name) for name in entities.Membership.__dataclass_fields__
        if name not in ("valid_from", "valid_until", "services", "waiting_for")
    } | {
        "valid_from": iso_text(membership.valid_from), "valid_until": iso_text(membership.valid_until),
        "services": _stored_services(membership.services),
        "waiting_for": waiting_for_refs(membership.waiting_for),
    }


def waiting_for_refs(names: list[entities.ManagerName]) -> list[ManagerNameRef] | None:
    return [ManagerNameRef(first_name=n.first_name, last_name=n.last_name, role=n.role) for n in names] or None


def check_item(request: entities.Membership, day: date | None = None) -> RequestCheck:
    """The request filed under the day it becomes stale (or ``day``), for the daily check of its principal manager."""
    day = (day or check_day(request.requested_at)).isoformat()
    return RequestCheck(**check_keys(request.structure_id, request.user_id, day), structure_id=request.structure_id,
                        user_id=request.user_id)


def _membership_item(membership: entities.Membership) -> Membership:
    return Membership(
        user_pk(membership.user_id), membership_sk(membership.structure_id), **_fields(membership),
        gsi1pk=members_pk(membership.structure_id), gsi1sk=f"{membership.status}#{membership.user_id}",
        **manager_keys(membership.structure_id, membership.user_id, membership.role, membership.manager_scope),
    )


def _manager_key_actions(membership: entities.Membership, role: str, scope: str | None) -> list:
    """Keep the weekly recap's index of managers (``store.digests.manager_keys``) right when the role or scope of a
    rattachement changes; every change of role goes through here or through ``_membership_item``."""
    keys = manager_keys(membership.structure_id, membership.user_id, role, scope)
    return set_actions(Membership, keys)


def _file_end(transaction, membership: entities.Membership) -> None:
    """A dated rattachement is filed under its end date, for the daily job of ``store.membership_ends``."""
    if membership.valid_until is not None:
        from chalicelib.store.membership_ends import mark_item

        transaction.save(mark_item(membership))


def _key_item(membership: entities.Membership) -> Membership:
    """The stored membership as a key, for updates and condition checks."""
    return Membership(user_pk(membership.user_id), membership_sk(membership.structure_id))


def _copy_item(manager_id: str, request: entities.Membership) -> RequestCopy:
    return RequestCopy(
        user_pk(manager_id), _copy_sk(request.structure_id, request.user_id), **_fields(request),
        gsi1pk=_copies_pk(request.user_id), gsi1sk=f"{request.structure_id}#{manager_id}",
    )


def _status_actions(membership: entities.Membership, status: str) -> list:
    return [Membership.status.set(status), Membership.gsi1sk.set(f"{status}#{membership.user_id}")]


def _subscription_items(structure: entities.Structure, user_id: str, services, spaces, habilitation: str) -> list:
    """The default subscriptions of a rattachement (or of a role), granted at once."""
    return subscription_store.granted_items(structure, user_id, services, spaces, habilitation, clock_moment=None)


def _write_in_parts(transaction, items: list, delete: bool = False) -> list:
    """Put the first items in ``transaction``; return those that must follow it (derived data, rewritten by a retry)."""
    for item in items[:COPIES_IN_TRANSACTION]:
        transaction.delete(item) if delete else transaction.save(item)
    return items[COPIES_IN_TRANSACTION:]


def _write_rest(items: list, delete: bool = False) -> None:
    if items:
        with RequestCopy.batch_write() as batch:
            for item in items:
                batch.delete(item) if delete else batch.save(item)


# Reads -------------------------------------------------------------------------------------------------------------

def get_membership(user_id: str, structure_id: str) -> entities.Membership | None:
    bind()
    try:
        return to_membership(Membership.get(user_pk(user_id), membership_sk(structure_id), consistent_read=True))
    except DoesNotExist:
        return None


def members(structure_id: str, status: str | None = None) -> list[entities.Membership]:
    """Members of a structure from the inverted index: one Query (of one status, or all)."""
    bind()
    condition = Membership.gsi1sk.startswith(f"{status}#") if status else None
    return [to_membership(item) for item in Item.structure_members.query(members_pk(structure_id), condition)
            if isinstance(item, Membership)]


def memberships_of(user_id: str, status: str | None = None) -> list[entities.Membership]:
    bind()
    condition = Membership.status == status if status else None
    return [to_membership(item) for item in Membership.query(
        user_pk(user_id), Membership.sk.startswith(MEMBERSHIP_PREFIX), condition, consistent_read=True)]


def manager_view(user_id: str) -> entities.ManagerView:
    """The user's rattachements, the copies of the requests waiting for it and the structures where it holds the
    manager's space: one Query on its partition (the sort-key prefixes ``MANAGE#``, ``MEMBERSHIP#`` and
    ``SUBSCRIPTION#`` follow one another; only the profile lies between)."""
    bind()
    view = entities.ManagerView([], [])
    for item in Item.query(user_pk(user_id), Item.sk.between(COPY_PREFIX, SUBSCRIPTION_PREFIX + "\uffff"),
                           consistent_read=True):
        if isinstance(item, RequestCopy):
            view.pending.append(to_membership(item))
        elif isinstance(item, Membership):
            view.memberships.append(to_membership(item))
        elif isinstance(item, Subscription) and item.space == MANAGER_SPACE and item.status == VALID \
                and item.service_code is None:
            view.manager_spaces.add(item.structure_id)
        elif isinstance(item, UserProfile):
            view.second_factor = bool(item.second_factor)  # the profile lies in the range: free to read
    return view


def membership_and_manager_space(user_id: str, structure_id: str) -> tuple[entities.Membership | None, bool]:
    """A user's rattachement to a structure and whether it holds the structure's manager space: one BatchGetItem."""
    bind()
    membership, manager_space = None, False
    keys = [(user_pk(user_id), membership_sk(structure_id))]
    keys += [(user_pk(user_id), subscription_sk(structure_id, None, MANAGER_SPACE, habilitation))
             for habilitation in HABILITATIONS]
    for item in Item.batch_get(keys, consistent_read=True):
        if isinstance(item, Membership):
            membership = to_membership(item)
        elif isinstance(item, Subscription) and item.status == VALID:
            manager_space = True
    return membership, manager_space


def subscriptions_of(user_id: str, structure_id: str) -> list[entities.Subscription]:
    return subscription_store.of_user(user_id, structure_id)


def _copies_of(requester_id: str, structure_id: str) -> list[RequestCopy]:
    return [item for item in Item.structure_members.query(
        _copies_pk(requester_id), Item.gsi1sk.startswith(f"{structure_id}#")) if isinstance(item, RequestCopy)]


def copies_of(request: entities.Membership) -> list[RequestCopy]:
    """Every manager's copy of a pending request (for a transaction that ends it)."""
    bind()
    return _copies_of(request.user_id, request.structure_id)


# Writes ------------------------------------------------------------------------------------------------------------

def founder_writes(structure: entities.Structure, founder: entities.Membership, spaces, habilitation: str):
    """What the creation of a structure writes for its creator (``save_structure(also=...)``)."""
    item = _membership_item(founder)

    def write(transaction):
        transaction.save(item, condition=allowed_states(Membership, Membership.status, MEMBERSHIP.transition("found")))
        for subscription in _subscription_items(structure, founder.user_id, [], spaces, habilitation):
            transaction.save(subscription)

    return write


def request_membership(request: entities.Membership, managers: list[str], events=()) -> None:
    """Write a pending request (unless one is pending or the user is attached already), its copy for each of
    ``managers`` and its check on the day it becomes stale."""
    bind()
    item = _membership_item(request)
    condition = allowed_states(Membership, Membership.status, MEMBERSHIP.transition("request"))
    copies = [_copy_item(manager_id, request) for manager_id in managers]
    rest = []

    def write(transaction):
        nonlocal rest
        transaction.save(item, condition=condition)
        transaction.save(check_item(request))
        _file_end(transaction, request)
        rest = _write_in_parts(transaction, copies)

    commit(write, MembershipExists, events)
    _write_rest(rest)


def attach_member(structure: entities.Structure, membership: entities.Membership, spaces, habilitation: str,
                  events=()) -> None:
    """A manager attaches a user on its own initiative: validated membership and default subscriptions at once."""
    bind()
    item = _membership_item(membership)

    def write(transaction):
        transaction.save(item, condition=allowed_states(Membership, Membership.status, MEMBERSHIP.transition("attach")))
        _file_end(transaction, membership)
        for subscription in _subscription_items(structure, membership.user_id, membership.services, spaces,
                                                habilitation):
            transaction.save(subscription)

    commit(write, MembershipExists, events)


def decide_request(
    structure: entities.Structure, request: entities.Membership, manager: entities.Membership, transition: Transition,
    reason: str | None, moment: datetime, spaces, habilitation: str, escalated: bool = False, events=(),
) -> None:
    """Validate (with the default subscriptions of the role) or refuse a pending request, once, while its author's
    account is active; every manager's copy of it goes. ``request.services`` carry each service's decision: only the
    validated ones get subscriptions (none named: the whole structure). ``escalated``: the decider may decide it only
    because it was escalated to it, which must still hold when it is written."""
    bind()
    actions = [*_status_actions(request, transition.target), Membership.decided_at.set(moment),
               Membership.decided_by.set(manager.user_id)]
    actions.append(Membership.decision_reason.set(reason) if reason else Membership.decision_reason.remove())
    if request.services:
        actions.append(Membership.services.set(_stored_services(request.services)))
    granted = [s for s in request.services if s.status == VALIDATED]
    copies, rest = _copies_of(request.user_id, request.structure_id), []
    condition = allowed_states(Membership, Membership.status, transition)
    if escalated:
        condition = condition & Membership.escalated_at.exists()

    def write(transaction):
        nonlocal rest
        manager_check(transaction, manager)
        transaction.condition_check(UserProfile, user_pk(request.user_id), PROFILE_SK,
                                    condition=UserProfile.status.is_in(*ACCOUNT.transition("deactivate").sources))
        transaction.update(_key_item(request), actions=actions, condition=condition)
        if transition.target == VALIDATED:
            for subscription in _subscription_items(structure, request.user_id, granted, spaces, habilitation):
                transaction.save(subscription)
        rest = _write_in_parts(transaction, copies, delete=True)

    commit(write, events=events)
    _write_rest(rest, delete=True)


def drop_copy(manager_id: str, structure_id: str, requester_id: str) -> None:
    """Remove a manager's copy of a request no longer pending (one left behind by an index still catching up)."""
    bind()
    RequestCopy(user_pk(manager_id), _copy_sk(structure_id, requester_id)).delete()


def escalate_request(request: entities.Membership, deputies: list[entities.Membership], moment: datetime) -> int:
    """Hand a stale request to ``deputies`` too: it waits for them now (what its requester sees), each gets a copy, and
    every copy says it was escalated; its check goes with the last write. Rewrites the same values when run again
    (a run stopped half-way), and changes nothing once the request is no longer the pending one that was read.
    Returns how many managers got a copy they did not have."""
    bind()
    holders = {copy.gsi1sk.rsplit("#", 1)[1] for copy in _copies_of(request.user_id, request.structure_id)}
    newcomers = [d.user_id for d in deputies if d.user_id not in holders]
    request.escalated_at = request.escalated_at or moment
    request.waiting_for = [entities.ManagerName(d.first_name, d.last_name, d.role) for d in deputies]
    copies = [_copy_item(manager_id, request) for manager_id in [*newcomers, *sorted(holders)]]
    check = RequestCheck(**check_keys(request.structure_id, request.user_id, "-"))
    rest = []

    def write(transaction):
        nonlocal rest
        transaction.update(
            _key_item(request),
            actions=[Membership.escalated_at.set(Membership.escalated_at | moment),
                     Membership.waiting_for.set(waiting_for_refs(request.waiting_for))],
            condition=(Membership.status == PENDING) & (Membership.requested_at == request.requested_at),
        )
        rest = _write_in_parts(transaction, copies)
        if not rest:
            transaction.delete(check)

    commit(write)
    _write_rest(rest)
    if rest:
        check.delete()
    return len(newcomers)


def end_membership(membership: entities.Membership, transition: Transition,
                   subscriptions: list[entities.Subscription], manager: entities.Membership | None = None,
                   events=()) -> None:
    """Leave a structure, or withdraw a pending request: the link is ended and its subscriptions and copies go. Ended
    by a ``manager`` of the structure, the change holds only while that manager still manages it."""
    bind()
    copies = _copies_of(membership.user_id, membership.structure_id) if membership.status == PENDING else []
    rest = []

    def write(transaction):
        nonlocal rest
        if manager is not None and manager.user_id != membership.user_id:  # a transaction names an item once
            manager_check(transaction, manager)
        transaction.update(
            _key_item(membership), actions=[*_status_actions(membership, transition.target),
                                            Membership.manager_scope.remove(),
                                            *_manager_key_actions(membership, membership.role, None)],
            condition=allowed_states(Membership, Membership.status, transition)
            & Membership.role.is_in(*ROLE.transition("demote").sources),
        )
        for subscription in subscriptions:
            transaction.delete(subscription_store.key_item(subscription))
        rest = _write_in_parts(transaction, copies, delete=True)

    commit(write, events=events)
    _write_rest(rest, delete=True)


def role_update(transaction, membership: entities.Membership, transition: Transition, scope: str | None) -> None:
    """Give a validated rattachement the role ``transition`` leads to, conditioned on its starting roles."""
    transaction.update(
        _key_item(membership),
        actions=[Membership.role.set(transition.target),
                 Membership.manager_scope.set(scope) if scope else Membership.manager_scope.remove(),
                 *_manager_key_actions(membership, transition.target, scope)],
        condition=(Membership.status == VALIDATED) & Membership.role.is_in(*transition.sources),
    )


def save_subscriptions(transaction, structure: entities.Structure, user_id: str, spaces, habilitation: str) -> None:
    for subscription in _subscription_items(structure, user_id, [], spaces, habilitation):
        transaction.save(subscription)


def request_copies(manager_id: str, pending: list[entities.Membership]) -> list[RequestCopy]:
    """Copies of ``pending`` requests for a new manager (written with the change that makes it one)."""
    return [_copy_item(manager_id, request) for request in pending]


def transfer_writes(structure: entities.Structure, former: entities.Membership | None,
                    successor: entities.Membership, manager_spaces, habilitation: str):
    """What moves the principal role from ``former`` (None: already written by the caller) to ``successor``."""
    def write(transaction):
        transaction.update(
            structure_item(structure),
            actions=[Structure.principal_user_id.set(successor.user_id)],
            condition=Structure.principal_user_id == structure.principal_user_id,
        )
        if former is not None:
            role_update(transaction, former, ROLE.transition("hand_over"), None)
        role_update(transaction, successor, ROLE.transition("take_over"), None)
        save_subscriptions(transaction, structure, successor.user_id, manager_spaces, habilitation)

    return write


def transfer_principal(structure: entities.Structure, former: entities.Membership, successor: entities.Membership,
                       manager_spaces, habilitation: str, pending: list[entities.Membership], events=()) -> None:
    """Move the principal role in one transaction: the structure names exactly one principal at every moment, and the
    condition on it makes a concurrent transfer fail instead of leaving two principals."""
    bind()
    rest = []
    copies = request_copies(successor.user_id, pending)

    def write(transaction):
        nonlocal rest
        transfer_writes(structure, former, successor, manager_spaces, habilitation)(transaction)
        rest = _write_in_parts(transaction, copies)

    commit(write, events=events)
    _write_rest(rest)


def set_role(structure: entities.Structure, member: entities.Membership, transition: Transition, scope: str | None,
             manager: entities.Membership, add_spaces=(), remove_spaces=(), habilitation: str = MODIFICATION,
             pending: list[entities.Membership] = (), events=()) -> None:
    """A role change by the principal manager; a member who now acts as a manager gets the copies of ``pending``."""
    bind()
    copies, rest = request_copies(member.user_id, list(pending)), []

    def write(transaction):
        nonlocal rest
        manager_check(transaction, manager)
        role_update(transaction, member, transition, scope)
        save_subscriptions(transaction, structure, member.user_id, add_spaces, habilitation)
        for subscription in _subscription_items(structure, member.user_id, [], remove_spaces, habilitation):
            transaction.delete(subscription)
        rest = _write_in_parts(transaction, copies)

    commit(write, events=events)
    _write_rest(rest)


def add_subscriptions(structure: entities.Structure, user_id: str, services: list[dict], spaces,
                      habilitation: str) -> None:
    """Seeding: subscriptions as given (the guide's own table), outside the default rules."""
    bind()
    refs = [entities.ServiceRef(s["code"], s["name"]) for s in services]
    with Subscription.batch_write() as batch:
        for subscription in _subscription_items(structure, user_id, refs, spaces, habilitation):
            batch.save(subscription)


def status_update(transaction, membership: entities.Membership, transition: Transition, extra_actions=(),
                  extra_condition=None) -> None:
    """Move a rattachement along ``transition`` inside a caller's transaction."""
    condition = allowed_states(Membership, Membership.status, transition)
    if extra_condition is not None:
        condition = condition & extra_condition
    transaction.update(_key_item(membership), actions=[*_status_actions(membership, transition.target),
                                                       *extra_actions], condition=condition)


def suspend_update(transaction, membership: entities.Membership, transition: Transition, hand_over: bool) -> None:
    """Suspend a validated link of a deactivated account; a principal whose structure is handed over in the same
    transaction becomes a user, and any other principal's link is refused (its structure would be left leaderless)."""
    hand_over_role = ROLE.transition("hand_over")
    if hand_over:
        status_update(transaction, membership, transition,
                      [Membership.role.set(hand_over_role.target), Membership.manager_scope.remove(),
                       *_manager_key_actions(membership, hand_over_role.target, None)],
                      Membership.role.is_in(*hand_over_role.sources))
    else:
        status_update(transaction, membership, transition,
                      extra_condition=Membership.role.is_in(*ROLE.transition("demote").sources))


def restore_memberships(user_id: str) -> list[entities.Membership]:
    """After a reactivation, the links the deactivation suspended are valid again; returns them as restored."""
    transition = MEMBERSHIP.transition("restore")
    restored = []
    for membership in memberships_of(user_id):
        if transition.allows(membership.status):
            commit(lambda t, m=membership: status_update(t, m, transition))
            membership.status = transition.target
            restored.append(membership)
    return restored


def index_manager(membership: entities.Membership) -> bool:
    """Give a rattachement stored before the recap's index of managers its keys, if its role lets it manage and is
    still the one read (one conditional UpdateItem; idempotent): whether it was indexed now."""
    bind()
    keys = manager_keys(membership.structure_id, membership.user_id, membership.role, membership.manager_scope)
    if keys["gsi2pk"] is None:
        return False
    scope = Membership.manager_scope == membership.manager_scope if membership.manager_scope \
        else Membership.manager_scope.does_not_exist()
    condition = (Membership.role == membership.role) & scope & Membership.gsi2pk.does_not_exist()
    return _update_if_present(_key_item(membership), set_actions(Membership, keys), condition)


def add_request_copies(manager_id: str, pending: list[entities.Membership]) -> None:
    """Copies of ``pending`` requests for a manager who was not one when they were made (derived data)."""
    bind()
    _write_rest(request_copies(manager_id, pending))


def refresh_member_copies(user_id: str, values: dict) -> int:
    """Bring the profile copies of every membership of ``user_id`` (and the copies of its pending requests) up to
    ``values``: a Query each, then one UpdateItem per item that differs. Idempotent, so a stream record delivered twice
    does no harm."""
    bind()
    refreshed = 0
    items = list(Membership.query(user_pk(user_id), Membership.sk.startswith(MEMBERSHIP_PREFIX)))
    items += [item for item in Item.structure_members.query(_copies_pk(user_id)) if isinstance(item, RequestCopy)]
    # Pending subscription requests carry the requester's name and e-mail for their managers' list too.
    items += [item for item in Subscription.query(user_pk(user_id), Subscription.sk.startswith(SUBSCRIPTION_PREFIX))
              if item.status == SUBSCRIPTION_PENDING]
    for item in items:
        copied = SUBSCRIPTION_COPIES if isinstance(item, Subscription) else MEMBER_COPIES
        changes = {name: values.get(name) for name in copied if getattr(item, name) != values.get(name)}
        if not changes:
            continue
        try:
            item.update(actions=set_actions(type(item), changes), condition=type(item).pk.exists())
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise  # busy, not vanished: the job's next run refreshes what is left
            log.warning("%s of user %s in %s vanished before its copies were refreshed", item.kind, user_id,
                        item.structure_id)
            continue
        refreshed += 1
    return refreshed


# Services of a structure -----------------------------------------------------------------------------------------

def set_services(membership: entities.Membership, services: list[entities.ServiceRef]) -> None:
    """Give a rattachement (and the copies of a pending request) the services ``services`` (none: the whole
    structure), while its status is the one read: one TransactWriteItems, ConcurrentChange if it moved meanwhile."""
    bind()
    refs = _stored_services(services)  # with each service's own status, dates and comment
    copies = _copies_of(membership.user_id, membership.structure_id) if membership.status == PENDING else []
    rest = []

    def action(model):
        return model.services.set(refs) if refs else model.services.remove()

    def write(transaction):
        nonlocal rest
        transaction.update(_key_item(membership), actions=[action(Membership)],
                           condition=Membership.status == membership.status)
        for copy in copies[:COPIES_IN_TRANSACTION]:
            transaction.update(copy, actions=[action(RequestCopy)], condition=RequestCopy.pk.exists())
        rest = copies[COPIES_IN_TRANSACTION:]

    commit(write)
    for copy in rest:
        _update_if_present(copy, [action(RequestCopy)])


def _update_if_present(item, actions, condition=None) -> bool:
    try:
        item.update(actions=actions, condition=type(item).pk.exists() & condition if condition is not None
                    else type(item).pk.exists())
        return True
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False


def rename_service_copies(structure_id: str, code: str, name: str) -> int:
    """Bring the service name copied on the rattachements limited to it (and on the copies of pending requests) up to
    ``name``: one Query of the members index, a Query per pending request for its copies, then one UpdateItem per item
    that differs. Idempotent. Returns how many items were updated."""
    bind()
    updated = 0
    for membership in members(structure_id):
        if not any(s.code == code and s.name != name for s in membership.services):
            continue
        refs = _stored_services([dataclasses.replace(s, name=name) if s.code == code else s
                                 for s in membership.services])
        items = [_key_item(membership)]
        if membership.status == PENDING:
            items += _copies_of(membership.user_id, structure_id)
        for item in items:
            updated += _update_if_present(item, [type(item).services.set(refs)])
    return updated
