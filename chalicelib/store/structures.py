"""Repository of structures, their services and search index, and the memberships and subscriptions that link users
to them. Every change that touches several items is one TransactWriteItems whose conditions keep the invariants:
one structure per identifier, exactly one principal manager per structure, no double decision on a request."""

import logging
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.errors import DomainError
from chalicelib.domain.memberships import PENDING, PRINCIPAL, REQUESTABLE_AGAIN, VALIDATED
from chalicelib.domain.search import index_tokens
from chalicelib.store.models import (
    IdentifierClaim,
    Item,
    Membership,
    SearchEntry,
    Service,
    ServiceRef,
    Structure,
    Subscription,
    bind,
    set_actions,
    transaction_connection,
    user_pk,
)

STRUCTURE_SK = "STRUCTURE"
SEARCH_FIELDS = ("identifier", "postal_code", "designation", "label", "last_name", "first_name", "city")
ROW_FIELDS = ("structure_id", "identifier", "identifier_type", "designation", "label", "structure_type", "status",
              "last_name", "first_name", "postal_code", "city", "country")

log = logging.getLogger(__name__)


class IdentifierTaken(DomainError):
    code = "identifier_taken"


class MembershipExists(DomainError):
    code = "membership_exists"


class Stale(DomainError):
    """A condition failed: someone else changed the same items first (409)."""

    code = "concurrent_change"


def structure_pk(structure_id: str) -> str:
    return f"STRUCTURE#{structure_id}"


def members_pk(structure_id: str) -> str:
    return f"MEMBERS#{structure_id}"


def _membership_sk(structure_id: str) -> str:
    return f"MEMBERSHIP#{structure_id}"


def _subscription_sk(structure_id: str, service_code: str | None, space: str, habilitation: str) -> str:
    return f"SUBSCRIPTION#{structure_id}#{service_code or '-'}#{space}#{habilitation}"


def _index_pk(kind: str, field: str, token: str) -> str:
    return f"{kind}#{field}#{token[:3]}"


def _search_entries(structure: Structure) -> list[SearchEntry]:
    row = {name: getattr(structure, name) for name in ROW_FIELDS}
    entries = {}
    for field in SEARCH_FIELDS:
        whole, inner = index_tokens(field, getattr(structure, field))
        for kind, tokens in (("IX", whole), ("IS", inner)):
            for token in tokens:
                key = (_index_pk(kind, field, token), f"{token}#{structure.structure_id}")
                entries[key] = SearchEntry(*key, **row)
    return list(entries.values())


@dataclass
class NewMembership:
    """A membership to write, with its requester's details as managers will list them."""

    user: object  # the requester's UserProfile
    role: str
    status: str
    valid_from: str
    valid_until: str | None
    comment: str | None
    services: list[dict]
    requested_at: datetime
    manager_scope: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None


def _membership_item(structure: Structure, new: NewMembership) -> Membership:
    user = new.user
    return Membership(
        user_pk(user.user_id), _membership_sk(structure.structure_id),
        user_id=user.user_id, structure_id=structure.structure_id, identifier=structure.identifier,
        designation=structure.designation, role=new.role, manager_scope=new.manager_scope, status=new.status,
        valid_from=new.valid_from, valid_until=new.valid_until, comment=new.comment,
        services=[ServiceRef(code=s["code"], name=s["name"]) for s in new.services] or None,
        requested_at=new.requested_at, decided_at=new.decided_at, decided_by=new.decided_by,
        first_name=user.first_name, last_name=user.last_name, contact_email=user.contact_email,
        address_line1=user.address_line1, postal_code=user.postal_code, city=user.city,
        gsi1pk=members_pk(structure.structure_id), gsi1sk=f"{new.status}#{user.user_id}",
    )


def _subscription_items(structure, user_id: str, services: list[dict], spaces, habilitation: str) -> list:
    targets = services or [None]
    return [
        Subscription(
            user_pk(user_id), _subscription_sk(structure.structure_id, s["code"] if s else None, space, habilitation),
            user_id=user_id, structure_id=structure.structure_id, identifier=structure.identifier,
            designation=structure.designation, service_code=s["code"] if s else None,
            service_name=s["name"] if s else None, space=space, habilitation=habilitation, status="VALIDE",
        )
        for s in targets for space in spaces
    ]


def _commit(write, conflict=Stale):
    """Run ``write(transaction)`` in one TransactWriteItems; a failed condition raises ``conflict``."""
    try:
        with TransactWrite(connection=transaction_connection()) as transaction:
            write(transaction)
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":
            raise conflict() from error
        raise


def create_structure(
    structure_id: str, values: dict, services: list[dict], founder: NewMembership | None = None, spaces=(),
    habilitation: str = "MODIFICATION",
) -> Structure:
    """The structure, its identifier claim, services and (for a person creating it) its principal manager's
    membership and default subscriptions in one transaction; then its search index items."""
    bind()
    structure = Structure(structure_pk(structure_id), STRUCTURE_SK, structure_id=structure_id, **values)
    claim = IdentifierClaim(f"IDENTIFIER#{structure.identifier}", "IDENTIFIER", structure_id=structure_id)

    def write(transaction):
        transaction.save(claim, condition=IdentifierClaim.pk.does_not_exist())
        transaction.save(structure, condition=Structure.pk.does_not_exist())
        for service in services:
            transaction.save(Service(structure_pk(structure_id), f"SERVICE#{service['code']}",
                                     structure_id=structure_id, code=service["code"], name=service["name"]))
        if founder is not None:
            transaction.save(_membership_item(structure, founder))
            for subscription in _subscription_items(structure, founder.user.user_id, [], spaces, habilitation):
                transaction.save(subscription)

    _commit(write, IdentifierTaken)
    structure.version = 1
    # The index is written after the structure exists (a transaction holds at most 100 items); it is derived data,
    # rebuilt from the structure if a write is ever lost.
    with SearchEntry.batch_write() as batch:
        for entry in _search_entries(structure):
            batch.save(entry)
    return structure


def get_structure(structure_id: str) -> Structure | None:
    bind()
    try:
        return Structure.get(structure_pk(structure_id), STRUCTURE_SK, consistent_read=True)
    except DoesNotExist:
        return None


def get_structure_with_services(structure_id: str) -> tuple[Structure | None, list[Service]]:
    """The structure and its services: one Query on its partition."""
    bind()
    structure, services = None, []
    for item in Item.query(structure_pk(structure_id), consistent_read=True):
        if isinstance(item, Structure):
            structure = item
        elif isinstance(item, Service):
            services.append(item)
    return structure, sorted(services, key=lambda s: s.code)


def search_index(kind: str, field: str, token: str, exact_word: bool, limit: int):
    """Index items whose token starts with ``token`` (or equals it): the rows of a search, read in key order."""
    bind()
    prefix = f"{token}#" if exact_word else token
    return SearchEntry.query(_index_pk(kind, field, token), SearchEntry.sk.startswith(prefix), limit=limit)


def get_membership(user_id: str, structure_id: str) -> Membership | None:
    bind()
    try:
        return Membership.get(user_pk(user_id), _membership_sk(structure_id), consistent_read=True)
    except DoesNotExist:
        return None


def members(structure_id: str, status: str | None = None) -> list[Membership]:
    """Members of a structure from the inverted index: one Query (of one status, or all)."""
    bind()
    condition = Membership.gsi1sk.startswith(f"{status}#") if status else None
    return list(Item.structure_members.query(members_pk(structure_id), condition))


# What a membership copies of its member's profile (so that managers' lists are one Query).
MEMBER_COPIES = ("first_name", "last_name", "contact_email", "address_line1", "postal_code", "city")


def refresh_member_copies(user_id: str, values: dict) -> int:
    """Bring the profile copies of every membership of ``user_id`` up to ``values``: one Query, then one UpdateItem
    per membership that differs. Idempotent, so a stream record delivered twice does no harm."""
    bind()
    refreshed = 0
    for membership in Membership.query(user_pk(user_id), Membership.sk.startswith("MEMBERSHIP#")):
        changes = {name: values.get(name) for name in MEMBER_COPIES if getattr(membership, name) != values.get(name)}
        if not changes:
            continue
        try:
            membership.update(actions=set_actions(Membership, changes), condition=Membership.pk.exists())
        except UpdateError:
            log.warning("membership of user %s in %s vanished before its copies were refreshed", user_id,
                        membership.structure_id)
            continue
        refreshed += 1
    return refreshed


def subscriptions_of(user_id: str, structure_id: str) -> list[Subscription]:
    bind()
    return list(Subscription.query(user_pk(user_id), Subscription.sk.startswith(f"SUBSCRIPTION#{structure_id}#")))


def request_membership(structure: Structure, new: NewMembership) -> Membership:
    """Write a pending request unless one is pending or the user is attached already."""
    bind()
    item = _membership_item(structure, new)
    condition = Membership.pk.does_not_exist() | Membership.status.is_in(*REQUESTABLE_AGAIN)
    _commit(lambda t: t.save(item, condition=condition), MembershipExists)
    return item


def attach_member(structure: Structure, new: NewMembership, spaces, habilitation: str) -> Membership:
    """A manager attaches a user on its own initiative: validated membership and default subscriptions at once."""
    bind()
    item = _membership_item(structure, new)
    condition = Membership.pk.does_not_exist() | Membership.status.is_in(*REQUESTABLE_AGAIN)

    def write(transaction):
        transaction.save(item, condition=condition)
        for subscription in _subscription_items(structure, new.user.user_id, new.services, spaces, habilitation):
            transaction.save(subscription)

    _commit(write, MembershipExists)
    return item


def _manager_check(transaction, manager: Membership) -> None:
    """The decision holds only if its author still manages the structure when it is written."""
    transaction.condition_check(
        Membership, manager.pk, manager.sk,
        condition=(Membership.status == VALIDATED) & (Membership.role == manager.role),
    )


def decide_request(
    structure: Structure, request: Membership, manager: Membership, validated: bool, reason: str | None,
    moment: datetime, spaces, habilitation: str,
) -> None:
    """Validate (with the default subscriptions of the role) or refuse a pending request, once."""
    bind()
    status = VALIDATED if validated else "REFUSEE"
    actions = [
        Membership.status.set(status), Membership.gsi1sk.set(f"{status}#{request.user_id}"),
        Membership.decided_at.set(moment), Membership.decided_by.set(manager.user_id),
    ]
    actions.append(Membership.decision_reason.set(reason) if reason else Membership.decision_reason.remove())
    services = [{"code": s.code, "name": s.name} for s in (request.services or [])]

    def write(transaction):
        _manager_check(transaction, manager)
        transaction.update(request, actions=actions, condition=Membership.status == PENDING)
        if validated:
            for subscription in _subscription_items(structure, request.user_id, services, spaces, habilitation):
                transaction.save(subscription)

    _commit(write)


def end_membership(membership: Membership, subscriptions: list[Subscription]) -> None:
    """A user or secondary manager leaves: the link is SUPPRIMEE and its subscriptions go, together."""
    bind()

    def write(transaction):
        transaction.update(
            membership,
            actions=[Membership.status.set("SUPPRIMEE"), Membership.gsi1sk.set(f"SUPPRIMEE#{membership.user_id}"),
                     Membership.manager_scope.remove()],
            condition=(Membership.role != PRINCIPAL) & (Membership.status == membership.status),
        )
        for subscription in subscriptions:
            transaction.delete(subscription)

    _commit(write)


def transfer_principal(
    structure: Structure, former: Membership, successor: Membership, manager_spaces, habilitation: str
) -> None:
    """Move the principal role in one transaction: the structure names exactly one principal at every moment, and the
    condition on it makes a concurrent transfer fail instead of leaving two principals."""
    bind()

    def write(transaction):
        transaction.update(
            structure,
            actions=[Structure.principal_user_id.set(successor.user_id)],
            condition=Structure.principal_user_id == former.user_id,
        )
        transaction.update(
            former, actions=[Membership.role.set("UTILISATEUR"), Membership.manager_scope.remove()],
            condition=Membership.role == PRINCIPAL,
        )
        transaction.update(
            successor, actions=[Membership.role.set(PRINCIPAL), Membership.manager_scope.remove()],
            condition=(Membership.status == VALIDATED) & (Membership.role != PRINCIPAL),
        )
        for subscription in _subscription_items(structure, successor.user_id, [], manager_spaces, habilitation):
            transaction.save(subscription)

    _commit(write)


def set_role(
    structure: Structure, member: Membership, role: str, scope: str | None, manager: Membership,
    add_spaces=(), remove_spaces=(), habilitation: str = "MODIFICATION",
) -> None:
    bind()
    actions = [Membership.role.set(role)]
    actions.append(Membership.manager_scope.set(scope) if scope else Membership.manager_scope.remove())

    def write(transaction):
        _manager_check(transaction, manager)
        transaction.update(
            member, actions=actions,
            condition=(Membership.status == VALIDATED) & (Membership.role != PRINCIPAL),
        )
        for subscription in _subscription_items(structure, member.user_id, [], add_spaces, habilitation):
            transaction.save(subscription)
        for subscription in _subscription_items(structure, member.user_id, [], remove_spaces, habilitation):
            transaction.delete(subscription)

    _commit(write)


def add_subscriptions(structure: Structure, user_id: str, services: list[dict], spaces, habilitation: str) -> None:
    """Seeding: subscriptions as given (the guide's own table), outside the default rules."""
    bind()
    with Subscription.batch_write() as batch:
        for subscription in _subscription_items(structure, user_id, services, spaces, habilitation):
            batch.save(subscription)


def deactivate_account(profile, memberships: list[Membership], transfers: list[tuple], moment: datetime,
                       manager_spaces, habilitation: str) -> None:
    """Hand over every structure the user leads, suspend its links and deactivate the account: one transaction, so
    that no structure is ever left without its principal manager."""
    from chalicelib.store.models import UserProfile

    bind()
    handed_over = {former.structure_id for _, former, _ in transfers}

    def write(transaction):
        for structure, former, successor in transfers:
            transaction.update(structure, actions=[Structure.principal_user_id.set(successor.user_id)],
                               condition=Structure.principal_user_id == former.user_id)
            transaction.update(
                successor, actions=[Membership.role.set(PRINCIPAL), Membership.manager_scope.remove()],
                condition=(Membership.status == VALIDATED) & (Membership.role != PRINCIPAL),
            )
            for subscription in _subscription_items(structure, successor.user_id, [], manager_spaces, habilitation):
                transaction.save(subscription)
        for membership in memberships:
            actions = [Membership.status.set("DESACTIVEE"),
                       Membership.gsi1sk.set(f"DESACTIVEE#{membership.user_id}")]
            condition = Membership.status == VALIDATED
            if membership.structure_id in handed_over:
                actions += [Membership.role.set("UTILISATEUR"), Membership.manager_scope.remove()]
                condition = condition & (Membership.role == PRINCIPAL)
            else:
                condition = condition & (Membership.role != PRINCIPAL)
            transaction.update(membership, actions=actions, condition=condition)
        account = UserProfile(profile.pk, profile.sk, version=profile.version)
        transaction.update(
            account,
            actions=[UserProfile.status.set("INACTIF"), UserProfile.deactivated_at.set(moment),
                     UserProfile.updated_at.set(moment)],
            condition=UserProfile.status == "ACTIF",
        )

    _commit(write)


def restore_memberships(user_id: str) -> None:
    """After a reactivation, the links the deactivation suspended are valid again."""
    bind()
    for membership in Membership.query(user_pk(user_id), Membership.sk.startswith("MEMBERSHIP#"),
                                       Membership.status == "DESACTIVEE"):
        membership.update(
            actions=[Membership.status.set(VALIDATED), Membership.gsi1sk.set(f"{VALIDATED}#{user_id}")],
            condition=Membership.status == "DESACTIVEE",
        )
