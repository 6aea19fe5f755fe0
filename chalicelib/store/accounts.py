"""Repository of user accounts: profile, credentials, login names and the items « Mon Compte » lists."""

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.domain import entities
from chalicelib.domain.accounts import ACCOUNT
from chalicelib.domain.errors import VersionConflict
from chalicelib.domain.memberships import DEFAULT_HABILITATION, MEMBERSHIP
from chalicelib.domain.states import Transition
from chalicelib.domain.subscriptions import SUBSCRIPTION, VALID
from chalicelib.store import memberships as membership_store
from chalicelib.store import subscriptions as subscription_store
from chalicelib.store.common import allowed_states, commit, entity
from chalicelib.store.models import (
    PROFILE_SK,
    SUBSCRIPTION_PREFIX,
    Attachment,
    Credentials,
    DataExport,
    EmailChange,
    Item,
    LoginName,
    Membership,
    RequestCopy,
    Subscription,
    UserProfile,
    bind,
    set_actions,
    user_pk,
)
from chalicelib.store.security import reminder_item

CREDENTIALS_SK = "CREDENTIALS"
LOGIN_SK = "LOGIN"

# What a person may change on its own profile: anything else (status, dates of the lifecycle, login) is not theirs.
EDITABLE_PROFILE_FIELDS = (
    "contact_email", "last_name", "first_name", "address_line1", "address_line2", "address_line3", "postal_code",
    "city", "country", "phone", "fax", "language", "notifications", "secret_question", "updated_at",
    "password_changed_at",
)
# What the account's lifecycle changes (activation, deactivation, reactivation): never a person's form.
LIFECYCLE_FIELDS = ("status", "deactivated_at", "reactivated_at")


class LoginTaken(Exception):
    pass


def _login_pk(login: str) -> str:
    return f"LOGIN#{login.casefold()}"


def profile_entity(item) -> entities.UserProfile:
    return entity(entities.UserProfile, item, second_factor=bool(item.second_factor))


_profile = profile_entity


def _profile_key(user_id: str, version: int | None = None) -> UserProfile:
    return UserProfile(user_pk(user_id), PROFILE_SK, version=version)


def load_account(user_id: str) -> entities.Account | None:
    """Everything « Mon Compte » shows of one user's partition, in one Query (sessions live in their own partition;
    the copies of requests waiting for a manager's decision are left on the server)."""
    bind()
    account = None
    others = []
    for item in Item.query(user_pk(user_id), consistent_read=True, filter_condition=Item.kind != RequestCopy):
        if isinstance(item, UserProfile):
            account = entities.Account(profile=_profile(item))
        else:
            others.append(item)
    if account is None:
        return None
    for item in others:
        if isinstance(item, Credentials):
            account.credentials = entity(entities.Credentials, item)
        elif isinstance(item, Membership):
            account.memberships.append(membership_store.to_membership(item))
        elif isinstance(item, Subscription):
            account.subscriptions.append(entity(entities.Subscription, item))
        elif isinstance(item, Attachment):
            account.attachments.append(entity(entities.Attachment, item))
        elif isinstance(item, EmailChange):
            account.email_change = entity(entities.EmailChange, item)
        elif isinstance(item, DataExport):
            account.data_export = entity(entities.DataExport, item)
    return account


def get_profile(user_id: str) -> entities.UserProfile | None:
    bind()
    try:
        return _profile(UserProfile.get(user_pk(user_id), PROFILE_SK, consistent_read=True))
    except DoesNotExist:
        return None


def get_profile_and_spaces(user_id: str, rejections: list | None = None,
                           ) -> tuple[entities.UserProfile | None, set[str], list[entities.Membership]]:
    """The profile, the spaces its user holds (validated, on any structure) and the rattachements where a request was
    escalated to it (its principal manager unavailable): one Query, the copies of requests waiting for it, its
    rattachements, its profile, its rejected invoices to attest (added to ``rejections`` when given) and its
    subscriptions following one another (what « Activité du gestionnaire » reads)."""
    from chalicelib.store import invoices as invoice_store

    bind()
    profile, spaces, escalated, memberships = None, set(), set(), []
    for item in Item.query(user_pk(user_id), Item.sk.between(membership_store.COPY_PREFIX,
                                                             SUBSCRIPTION_PREFIX + "\uffff"), consistent_read=True):
        if isinstance(item, UserProfile):
            profile = _profile(item)
        elif isinstance(item, Subscription) and item.status == VALID:
            spaces.add(item.space)
        elif isinstance(item, RequestCopy) and item.escalated_at is not None:
            escalated.add(item.structure_id)
        elif isinstance(item, Membership):
            memberships.append(membership_store.to_membership(item))
        elif isinstance(item, invoice_store.RejectionRecord) and rejections is not None:
            rejections.append(invoice_store.to_rejection(item))
    return profile, spaces, [m for m in memberships if m.structure_id in escalated]


def find_user_id(login: str) -> str | None:
    bind()
    try:
        return LoginName.get(_login_pk(login), LOGIN_SK).user_id
    except DoesNotExist:
        return None


def get_profile_and_credentials(user_id: str) -> tuple[entities.UserProfile | None, entities.Credentials | None]:
    """Both items of a login check in one request (a Query on the two keys' range would read the whole partition)."""
    bind()
    profile = credentials = None
    keys = [(user_pk(user_id), PROFILE_SK), (user_pk(user_id), CREDENTIALS_SK)]
    for item in Item.batch_get(keys, consistent_read=True):
        if isinstance(item, UserProfile):
            profile = _profile(item)
        elif isinstance(item, Credentials):
            credentials = entity(entities.Credentials, item)
    return profile, credentials


def create_user(profile: entities.UserProfile, password_hash: str | None,
                secret_answer_hash: str | None) -> entities.UserProfile:
    """Create a user, its credentials and its unique login name together, or nothing if the login is taken."""
    bind()
    user_id = profile.user_id
    values = {name: value for name, value in vars(profile).items() if name != "version"}
    item = UserProfile(user_pk(user_id), PROFILE_SK, **values)
    credentials = Credentials(
        user_pk(user_id), CREDENTIALS_SK, password_hash=password_hash, secret_answer_hash=secret_answer_hash,
    )
    login_name = LoginName(_login_pk(profile.login), LOGIN_SK, user_id=user_id)

    def write(transaction):
        transaction.save(login_name, condition=LoginName.pk.does_not_exist())
        transaction.save(item)
        transaction.save(credentials, condition=Credentials.pk.does_not_exist())

    # Only a failed condition means the login is taken; a throttled or conflicting cancel is retried (commit).
    commit(write, conflict=lambda: LoginTaken(profile.login))
    profile.version = 1
    return profile


def _profile_actions(changes: dict) -> list:
    unknown = set(changes) - set(EDITABLE_PROFILE_FIELDS) - set(LIFECYCLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    return set_actions(UserProfile, changes)


def update_profile(user_id: str, expected_version: int, changes: dict) -> entities.UserProfile:
    """One UpdateItem, conditioned on the version the person read: a stale write raises VersionConflict. Returns the
    profile as saved."""
    bind()
    profile = _profile_key(user_id, expected_version)
    try:
        profile.update(actions=_profile_actions(changes), condition=UserProfile.pk.exists())
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise VersionConflict() from error
        raise
    return _profile(profile)


def update_profile_and_credentials(
    user_id: str, expected_version: int, changes: dict, credential_changes: dict, expected_password_hash: str | None,
    reminders: list[entities.Reminder] = (), transition: Transition | None = None, events=(),
) -> None:
    """Profile and secrets in one TransactWriteItems (with the reminders of a new password); the password hash must
    still be the one just verified, and the account in a state ``transition`` starts from (whose target it takes)."""
    bind()
    profile = _profile_key(user_id, expected_version)
    credentials = Credentials(user_pk(user_id), CREDENTIALS_SK)
    credential_attributes = Credentials.get_attributes()
    hash_condition = (Credentials.password_hash == expected_password_hash if expected_password_hash
                      else Credentials.pk.exists())
    condition = UserProfile.pk.exists()
    if transition is not None:
        changes = {**changes, "status": transition.target}
        condition = condition & allowed_states(UserProfile, UserProfile.status, transition)

    def write(transaction):
        transaction.update(profile, actions=_profile_actions(changes), condition=condition)
        transaction.update(
            credentials,
            actions=[credential_attributes[name].set(value) for name, value in credential_changes.items()],
            condition=hash_condition,
        )
        for reminder in reminders:
            transaction.save(reminder_item(reminder))

    commit(write, VersionConflict, events)


def deactivate_account(profile: entities.UserProfile, suspended: list[entities.Membership],
                       withdrawn: list[entities.Membership], transfers: list[tuple], moment, manager_spaces,
                       withdrawn_subscriptions: list[entities.Subscription] = (), events=()) -> None:
    """Hand over every structure the user leads (``transfers``: structure, former, successor, the structure's pending
    requests that the successor gets copies of), suspend its links, withdraw its pending requests (and their copies)
    and deactivate the account: one transaction, so that no structure is ever left without its principal manager and
    no manager can validate a request of a deactivated account."""
    bind()
    handed_over = {former.structure_id for _, former, _, _ in transfers}
    withdrawn_copies = [copy for request in withdrawn for copy in membership_store.copies_of(request)]
    successor_copies = [copy for _, _, successor, pending in transfers
                        for copy in membership_store.request_copies(successor.user_id, pending)]
    suspend, withdraw = MEMBERSHIP.transition("suspend"), MEMBERSHIP.transition("withdraw")
    remove = SUBSCRIPTION.transition("remove")

    def write(transaction):
        for structure, _, successor, _ in transfers:
            membership_store.transfer_writes(structure, None, successor, manager_spaces, DEFAULT_HABILITATION)(
                transaction)
        for membership in suspended:
            hand_over = membership.structure_id in handed_over
            membership_store.suspend_update(transaction, membership, suspend, hand_over)
        for request in withdrawn:
            membership_store.status_update(transaction, request, withdraw)
        for copy in withdrawn_copies:
            transaction.delete(copy)
        for copy in successor_copies:
            transaction.save(copy)
        for subscription in withdrawn_subscriptions:
            transaction.delete(subscription_store.key_item(subscription),
                               condition=allowed_states(Subscription, Subscription.status, remove))
        transaction.update(
            _profile_key(profile.user_id, profile.version),
            actions=[UserProfile.status.set(ACCOUNT.transition("deactivate").target),
                     UserProfile.deactivated_at.set(moment), UserProfile.updated_at.set(moment)],
            condition=allowed_states(UserProfile, UserProfile.status, ACCOUNT.transition("deactivate")),
        )

    commit(write, events=events)
