"""Repository of user accounts: profile, credentials, login names and the items « Mon Compte » lists."""

from dataclasses import dataclass, field

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.errors import VersionConflict
from chalicelib.store.models import (
    Attachment,
    Credentials,
    Item,
    LoginName,
    Membership,
    Subscription,
    UserProfile,
    bind,
    set_actions,
    transaction_connection,
    user_pk,
)

PROFILE_SK = "PROFILE"
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


@dataclass
class AccountItems:
    profile: UserProfile
    credentials: Credentials | None = None
    memberships: list[Membership] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


def _login_pk(login: str) -> str:
    return f"LOGIN#{login.casefold()}"


def load_account(user_id: str) -> AccountItems | None:
    """Everything of one user's partition, in one Query (sessions live in their own partition)."""
    bind()
    account = None
    others = []
    for item in Item.query(user_pk(user_id), consistent_read=True):
        if isinstance(item, UserProfile):
            account = AccountItems(profile=item)
        else:
            others.append(item)
    if account is None:
        return None
    for item in others:
        if isinstance(item, Credentials):
            account.credentials = item
        elif isinstance(item, Membership):
            account.memberships.append(item)
        elif isinstance(item, Subscription):
            account.subscriptions.append(item)
        elif isinstance(item, Attachment):
            account.attachments.append(item)
    return account


def get_profile(user_id: str) -> UserProfile | None:
    bind()
    try:
        return UserProfile.get(user_pk(user_id), PROFILE_SK, consistent_read=True)
    except DoesNotExist:
        return None


def find_user_id(login: str) -> str | None:
    bind()
    try:
        return LoginName.get(_login_pk(login), LOGIN_SK).user_id
    except DoesNotExist:
        return None


def get_profile_and_credentials(user_id: str) -> tuple[UserProfile | None, Credentials | None]:
    """Both items of a login check in one request (a Query on the two keys' range would read the whole partition)."""
    bind()
    profile = credentials = None
    keys = [(user_pk(user_id), PROFILE_SK), (user_pk(user_id), CREDENTIALS_SK)]
    for item in Item.batch_get(keys, consistent_read=True):
        if isinstance(item, UserProfile):
            profile = item
        elif isinstance(item, Credentials):
            credentials = item
    return profile, credentials


def create_user(profile_values: dict, password_hash: str | None, secret_answer_hash: str | None) -> UserProfile:
    """Create a user, its credentials and its unique login name together, or nothing if the login is taken."""
    bind()
    user_id = profile_values["user_id"]
    profile = UserProfile(user_pk(user_id), PROFILE_SK, **profile_values)
    credentials = Credentials(
        user_pk(user_id), CREDENTIALS_SK, password_hash=password_hash, secret_answer_hash=secret_answer_hash,
    )
    login_name = LoginName(_login_pk(profile_values["login"]), LOGIN_SK, user_id=user_id)
    try:
        with TransactWrite(connection=transaction_connection()) as transaction:
            transaction.save(login_name, condition=LoginName.pk.does_not_exist())
            transaction.save(profile)
            transaction.save(credentials, condition=Credentials.pk.does_not_exist())
    except TransactWriteError as error:
        raise LoginTaken(profile_values["login"]) from error
    profile.version = 1
    return profile


def _profile_actions(changes: dict) -> list:
    unknown = set(changes) - set(EDITABLE_PROFILE_FIELDS) - set(LIFECYCLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    return set_actions(UserProfile, changes)


def update_profile(user_id: str, expected_version: int, changes: dict) -> UserProfile:
    """One UpdateItem, conditioned on the version the person read: a stale write raises VersionConflict."""
    bind()
    profile = UserProfile(user_pk(user_id), PROFILE_SK, version=expected_version)
    try:
        profile.update(actions=_profile_actions(changes), condition=UserProfile.pk.exists())
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise VersionConflict() from error
        raise
    return profile


def update_profile_and_credentials(
    user_id: str, expected_version: int, changes: dict, credential_changes: dict, expected_password_hash: str | None,
    extra_items=(), profile_condition=None,
) -> None:
    """Profile and secrets in one TransactWriteItems (with ``extra_items`` saved alongside, such as the reminders of
    a new password); the password hash must still be the one just verified."""
    bind()
    profile = UserProfile(user_pk(user_id), PROFILE_SK, version=expected_version)
    credentials = Credentials(user_pk(user_id), CREDENTIALS_SK)
    credential_attributes = Credentials.get_attributes()
    hash_condition = (Credentials.password_hash == expected_password_hash if expected_password_hash
                      else Credentials.pk.exists())
    condition = UserProfile.pk.exists() if profile_condition is None else UserProfile.pk.exists() & profile_condition
    try:
        with TransactWrite(connection=transaction_connection()) as transaction:
            transaction.update(profile, actions=_profile_actions(changes), condition=condition)
            transaction.update(
                credentials,
                actions=[credential_attributes[name].set(value) for name, value in credential_changes.items()],
                condition=hash_condition,
            )
            for item in extra_items:
                transaction.save(item)
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":
            raise VersionConflict() from error
        raise


def add_attachment(user_id: str, attachment_id: str, values: dict) -> None:
    bind()
    Attachment(user_pk(user_id), f"ATTACHMENT#{attachment_id}", attachment_id=attachment_id, **values).save(
        condition=Attachment.pk.does_not_exist()
    )
