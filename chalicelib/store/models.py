"""One table for the account domain (DESIGN.md, data), with generic ``pk``/``sk`` keys.

Partitions:
- ``USER#<id>``: ``PROFILE``, ``CREDENTIALS``, ``MEMBERSHIP#<structure>``,
  ``SUBSCRIPTION#<structure>#<service>#<space>#<habilitation>``, ``ATTACHMENT#<id>``, ``ATTACHMENT_COUNT`` (how
  many attachments the user keeps, written with them), ``EMAIL_CHANGE`` (an address change waiting for its
  confirmation, or cancellable by the old address), ``EXPORT`` (the archive of « Télécharger mes données »): everything
  « Mon Compte » shows is one Query.
- ``LOGIN#<login>``: ``LOGIN``, the unique login name pointing at its user.
- ``SESSION#<user id>``: ``<sha256 of the token>``; one GetItem checks a session, one Query lists a user's sessions.
  The same partition keeps what « Sécurité et confidentialité » shows with them (one Query): ``SECURITY`` (browsers
  already seen, second factor) and ``#HISTORY#<time>#<random>`` (login history, 90 days by TTL; ``#`` sorts before
  the sessions' hexadecimal keys, so that reading backwards gives every session before the newest history lines).
- ``STRUCTURE#<id>``: ``STRUCTURE`` and ``SERVICE#<code>``; ``IDENTIFIER#<identifier>``: the claim that makes an
  identifier unique.
- ``IX#<field>#<first 3 characters>`` / ``<word>#<structure id>``: search index items, one per word of a searchable
  field, carrying what a result line shows; ``IS#...`` the same for the inner suffixes of words (``*term*`` searches).
- ``MAIL#<id>`` / ``MAIL``: a mail of the outbox, written with the change it tells about; its stream record hands it to
  the mailer, which marks it sent (``store.outbox``); expired by TTL (and by housekeeping through ``EXPIRY#<day>``).
- ``STRUCTURE#<id>`` / ``SPACE#<space>``: a space set for the whole structure, or taken off it.
- ``USER#<manager id>`` / ``MANAGE#<structure>#<requester id>``: a copy of a pending request in the partition of each
  manager who may decide it, so that « Activité du gestionnaire » is one Query whatever the number of structures.
- ``CHECK#<structure>#<requester id>`` / ``CHECK``: a pending request filed under the day it is 14 days old, for the
  daily check of its principal manager; ``JOB#<name>`` / ``LAST_DAY``: the last day a daily job finished.
- Events (``store.events``, issue 11), written in the transaction of the change they tell: ``FEED#<reader>`` /
  ``<ISO time>#<event id>`` (« Fil d'événements »), ``HISTORY#<structure>`` / ``<ISO time>#<event id>`` (« Historique »,
  with ``actor_id`` and ``subject_id`` to filter by user), ``REQUESTS#<requester>`` / ``<request>#<ISO time>#<event
  id>`` (« Mes demandes », a request's steps in a row; ``<request>`` is ``M#<structure>`` or ``S#<structure>#<space>``).
  Each carries ``expires_at`` (TTL, 13 months) and is filed under ``EXPIRY#<day>`` in ``gsi1`` for the housekeeping.
- Invoices and dated rattachements (issue 12, ``store.invoices``, ``store.membership_ends``):
  ``INVOICE_MESSAGE#<message id>`` / ``MESSAGE`` (a platform message handled, 30 days by TTL);
  ``USER#<holder>`` / ``REJECTION#<structure>#<number>`` (a rejected invoice to attest: inside the banner's Query) and
  ``ATTESTED#<structure>#<number>`` (who attested, when); ``ENDING#<day>`` / ``<structure>#<user>`` (a rattachement
  ending that day, for the daily job).
GSI ``gsi1`` is overloaded: the inverted index of memberships (``MEMBERS#<structure id>`` / ``<status>#<user id>``),
the copies of a requester's pending requests (``COPIES#<requester id>`` / ``<structure>#<manager id>``), the
subscriptions of a structure (``SUBSCRIBERS#<structure id>`` / ``<status>#<user id>#...``), what expires on a day
(``EXPIRY#<day>``), and the requests to check on a day (``STALE#<day>`` / ``<structure>#<requester id>``).
GSI ``gsi2`` (issue 12, ``store.digests``) files a day's feed items by reader (``DIGEST#<Paris day>#<shard>`` /
``<reader>#<feed sk>``) and a week's history items of the recap's kinds by structure (``RECAP#<Monday>#<shard>`` /
``<structure>#<history sk>``): the digest jobs read a shard's day or week in a few Query pages.
"""

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib import settings
from chalicelib.store import retries


class ServiceRef(MapAttribute):
    """A service of a rattachement. Its own decision, dates and comment are absent from the items stored before
    services had them: such a service reads with its rattachement's (no migration)."""

    code = UnicodeAttribute()
    name = UnicodeAttribute()
    status = UnicodeAttribute(null=True)
    valid_from = UnicodeAttribute(null=True)  # ISO date
    valid_until = UnicodeAttribute(null=True)
    comment = UnicodeAttribute(null=True)


class ManagerNameRef(MapAttribute):
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    role = UnicodeAttribute()


class StructureMembersIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class DigestIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Item(Model):
    """Every item of the table; ``kind`` tells PynamoDB which subclass to build."""

    class Meta:
        table_name = None  # bound lazily by bind(), from settings
        max_retry_attempts = retries.ATTEMPTS - 1  # botocore's standard mode, tuned by retries.tune

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    structure_members = StructureMembersIndex()
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    digest_index = DigestIndex()

    @classmethod
    def _get_connection(cls):
        """One connection for every model: they share the table, its keys and its index. PynamoDB would build one per
        class, each with its own botocore session and client (about 100 ms each at a cold start)."""
        if cls is not Item:
            cls._connection = Item._get_connection()
            return cls._connection
        connection = super()._get_connection()
        retries.tune(connection.connection.client)
        return connection


def bind() -> None:
    """Point the models at the configured table and region (read per call: see settings)."""
    meta = Item.Meta
    name, region = settings.table_name(), settings.region()
    if meta.table_name != name or meta.region != region:
        meta.table_name, meta.region = name, region
        for model in _all_models(Item):
            model._connection = None


def transaction_connection():
    """The connection transactions need (not a model's table connection): the models' own, so that a transaction
    reuses their botocore client; rebuilt when bind() changes table or region."""
    bind()
    return Item._get_connection().connection


def _all_models(model):
    yield model
    for subclass in model.__subclasses__():
        yield from _all_models(subclass)


def set_actions(model, changes: dict) -> list:
    """UpdateItem actions that give each attribute of ``changes`` its value (None removes it)."""
    attributes = model.get_attributes()
    return [attributes[name].remove() if value is None else attributes[name].set(value)
            for name, value in changes.items()]


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


MEMBERSHIP_PREFIX = "MEMBERSHIP#"
SUBSCRIPTION_PREFIX = "SUBSCRIPTION#"


def membership_sk(structure_id: str) -> str:
    return f"{MEMBERSHIP_PREFIX}{structure_id}"


def subscription_sk(structure_id: str, service_code: str | None, space: str, habilitation: str) -> str:
    return f"{SUBSCRIPTION_PREFIX}{structure_id}#{service_code or '-'}#{space}#{habilitation}"


def subscribers_pk(structure_id: str) -> str:
    return f"SUBSCRIBERS#{structure_id}"


PROFILE_SK = "PROFILE"
PROFILE_KIND = "USER"  # the stream filter of infra/resources.json names it too


class UserProfile(Item, discriminator=PROFILE_KIND):
    user_id = UnicodeAttribute()
    login = UnicodeAttribute()
    contact_email = UnicodeAttribute()
    last_name = UnicodeAttribute()
    first_name = UnicodeAttribute()
    address_line1 = UnicodeAttribute()
    address_line2 = UnicodeAttribute(null=True)
    address_line3 = UnicodeAttribute(null=True)
    postal_code = UnicodeAttribute(null=True)
    city = UnicodeAttribute()
    country = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    fax = UnicodeAttribute(null=True)
    language = UnicodeAttribute()
    notifications = BooleanAttribute()
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    reactivated_at = UTCDateTimeAttribute(null=True)
    deactivated_at = UTCDateTimeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)
    password_changed_at = UTCDateTimeAttribute()
    secret_question = UnicodeAttribute()
    # Set by SES's bounce or complaint for the contact address (``jobs.bounces``), cleared when the address changes.
    contact_bounced_at = UTCDateTimeAttribute(null=True)
    contact_bounce = UnicodeAttribute(null=True)  # BOUNCE or COMPLAINT
    contact_bounced_address = UnicodeAttribute(null=True)  # the mark holds while the contact address is still this one
    version = VersionAttribute()
    second_factor = BooleanAttribute(null=True)  # a copy of whether SECURITY holds a second factor


class Credentials(Item, discriminator="CREDENTIALS"):
    """Secrets, apart from the profile: what « Mon Compte » shows never carries them."""

    password_hash = UnicodeAttribute(null=True)  # none until the account is activated
    secret_answer_hash = UnicodeAttribute(null=True)
    last_login_at = UTCDateTimeAttribute(null=True)


class LoginName(Item, discriminator="LOGIN"):
    user_id = UnicodeAttribute()


class Session(Item, discriminator="SESSION"):
    user_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    idle_until = UTCDateTimeAttribute()
    absolute_until = UTCDateTimeAttribute()
    previous_login_at = UTCDateTimeAttribute(null=True)
    password_expired = BooleanAttribute(default=False)  # only the password change is open until it is changed
    expires_at = TTLAttribute()
    browser = UnicodeAttribute(null=True)
    system = UnicodeAttribute(null=True)
    source = UnicodeAttribute(null=True)
    last_active_at = UTCDateTimeAttribute(null=True)


class SecurityState(Item, discriminator="SECURITY"):
    """``SESSION#<user>`` / ``SECURITY``: browsers already seen and the second factor (``entities.SecurityState``);
    read with the profile and credentials at login (one BatchGetItem)."""

    known_browsers = UnicodeSetAttribute(null=True)
    totp_secret = UnicodeAttribute(null=True)
    totp_enabled_at = UTCDateTimeAttribute(null=True)
    pending_secret = UnicodeAttribute(null=True)
    last_step = NumberAttribute(null=True)
    recovery_hashes = UnicodeSetAttribute(null=True)
    code_failures = NumberAttribute(null=True)
    code_first_failure_at = UTCDateTimeAttribute(null=True)
    code_last_failure_at = UTCDateTimeAttribute(null=True)
    code_locked_until = UTCDateTimeAttribute(null=True)
    challenge_hash = UnicodeAttribute(null=True)
    challenge_expires_at = UTCDateTimeAttribute(null=True)
    pending_login = UnicodeAttribute(null=True)  # JSON of ``entities.PendingLogin``, removed with the challenge


class LoginEvent(Item, discriminator="LOGIN_EVENT"):
    """``SESSION#<user>`` / ``#HISTORY#<time>#<random>``: a line of the login history, filed under its expiry day in
    ``gsi1`` like sessions, so that housekeeping deletes it where TTL does not run."""

    user_id = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    event = UnicodeAttribute()
    browser = UnicodeAttribute(null=True)
    system = UnicodeAttribute(null=True)
    source = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


class StructureFields:
    """What a search result shows of a structure: on the structure and copied on each of its index items."""

    structure_id = UnicodeAttribute()
    identifier = UnicodeAttribute()
    identifier_type = UnicodeAttribute()
    designation = UnicodeAttribute()
    label = UnicodeAttribute(null=True)
    structure_type = UnicodeAttribute()
    status = UnicodeAttribute()
    last_name = UnicodeAttribute(null=True)
    first_name = UnicodeAttribute(null=True)
    postal_code = UnicodeAttribute(null=True)
    city = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)


class LoginAttempts(Item, discriminator="ATTEMPTS"):
    failures = NumberAttribute()
    first_failure_at = UTCDateTimeAttribute(null=True)
    last_failure_at = UTCDateTimeAttribute(null=True)
    locked_until = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute()


class SourceAttempts(Item, discriminator="SOURCE_ATTEMPTS"):
    """Login failures of one source address in one fixed window (``domain.throttle``), counted atomically."""

    failures = NumberAttribute()
    expires_at = TTLAttribute()


class OneTimeToken(Item, discriminator="TOKEN"):
    purpose = UnicodeAttribute()
    user_id = UnicodeAttribute()
    expires_at = TTLAttribute()
    ref = UnicodeAttribute(null=True)  # what the link acts on, when it is one thing among others (an address change)


class Reminder(Item, discriminator="REMINDER"):
    user_id = UnicodeAttribute()
    reminder_kind = UnicodeAttribute()  # J14 or J1 (``kind`` is the discriminator)
    password_changed_at = UTCDateTimeAttribute()


class Structure(StructureFields, Item, discriminator="STRUCTURE"):
    address_line1 = UnicodeAttribute(null=True)
    address_line2 = UnicodeAttribute(null=True)
    contact_email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)  # E.164
    principal_user_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class SearchEntry(StructureFields, Item, discriminator="SEARCH"):
    pass


class IdentifierClaim(Item, discriminator="IDENTIFIER"):
    structure_id = UnicodeAttribute()


class Service(Item, discriminator="SERVICE"):
    structure_id = UnicodeAttribute()
    code = UnicodeAttribute()
    name = UnicodeAttribute()
    active = BooleanAttribute(default=True)


class MembershipFields:
    """A rattachement: the user's link to a structure, copied with what « Mon Compte » shows of the structure."""

    user_id = UnicodeAttribute()
    structure_id = UnicodeAttribute()
    identifier = UnicodeAttribute()
    designation = UnicodeAttribute()
    role = UnicodeAttribute()
    manager_scope = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    valid_from = UnicodeAttribute()  # ISO date: validity is by day
    valid_until = UnicodeAttribute(null=True)
    comment = UnicodeAttribute(null=True)
    services = ListAttribute(of=ServiceRef, null=True)  # none: the whole structure
    requested_at = UTCDateTimeAttribute()
    decided_at = UTCDateTimeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decision_reason = UnicodeAttribute(null=True)
    # The member as its managers see it in their lists (one Query): copied when the link is made.
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    contact_email = UnicodeAttribute()
    address_line1 = UnicodeAttribute(null=True)
    postal_code = UnicodeAttribute(null=True)
    city = UnicodeAttribute(null=True)
    # Who a pending request waits for, as its requester sees it: the principal manager's name copied at request time,
    # the other managers' once it is escalated (« Mon Compte » reads no other partition).
    waiting_for = ListAttribute(of=ManagerNameRef, null=True)
    escalated_at = UTCDateTimeAttribute(null=True)


class Membership(MembershipFields, Item, discriminator="MEMBERSHIP"):
    pass


class RequestCopy(MembershipFields, Item, discriminator="REQUEST_COPY"):
    """A pending request as one of the managers who may decide it finds it in its own partition."""


def check_keys(structure_id: str, requester_id: str, day: str) -> dict:
    """The keys of a pending request's check, filed under ``day`` (ISO) in ``gsi1``: one key per request, so a new
    request after a refusal refiles it, and moving it to another day is one UpdateItem."""
    return {"pk": f"CHECK#{structure_id}#{requester_id}", "sk": "CHECK", "gsi1pk": check_day_pk(day),
            "gsi1sk": f"{structure_id}#{requester_id}"}


def check_day_pk(day: str) -> str:
    return f"STALE#{day}"


class RequestCheck(Item, discriminator="REQUEST_CHECK"):
    """A pending request to check on the day it becomes stale (``domain.memberships.check_day``)."""

    structure_id = UnicodeAttribute()
    user_id = UnicodeAttribute()


class JobMark(Item, discriminator="JOB_MARK"):
    """The last day a daily job finished, so that its next run reads the days it missed and no other."""

    day = UnicodeAttribute()


class Subscription(Item, discriminator="SUBSCRIPTION"):
    """An abonnement: one space of a structure (or of one of its services) with one habilitation. Indexed by ``gsi1``
    under ``SUBSCRIBERS#<structure>`` / ``<status>#<user>#<service>#<space>#<habilitation>``: a structure's pending
    requests, or who holds a space, is one Query."""

    user_id = UnicodeAttribute()
    structure_id = UnicodeAttribute()
    identifier = UnicodeAttribute()
    designation = UnicodeAttribute()
    service_code = UnicodeAttribute(null=True)
    service_name = UnicodeAttribute(null=True)
    space = UnicodeAttribute()
    habilitation = UnicodeAttribute()
    status = UnicodeAttribute()
    origin = UnicodeAttribute(null=True)
    valid_from = UnicodeAttribute(null=True)  # ISO date the subscription takes effect
    comment = UnicodeAttribute(null=True)
    requested_at = UTCDateTimeAttribute(null=True)
    decided_at = UTCDateTimeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    # The requester as its managers list it (one Query), as for rattachements.
    first_name = UnicodeAttribute(null=True)
    last_name = UnicodeAttribute(null=True)
    contact_email = UnicodeAttribute(null=True)


STRUCTURE_SPACE_KIND = "STRUCTURE_SPACE"  # the stream filter of infra/resources.json names it too


class StructureSpace(Item, discriminator=STRUCTURE_SPACE_KIND):
    """A space set for a whole structure, or taken off it (« Paramétrage des espaces »): ``STRUCTURE#<id>`` /
    ``SPACE#<space>``, read with the structure and its services. Its stream record starts the users' requests."""

    structure_id = UnicodeAttribute()
    space = UnicodeAttribute()
    habilitation = UnicodeAttribute()
    status = UnicodeAttribute()
    changed_at = UTCDateTimeAttribute()
    changed_by = UnicodeAttribute()
    version = VersionAttribute()


class Attachment(Item, discriminator="ATTACHMENT"):
    attachment_id = UnicodeAttribute()
    attachment_type = UnicodeAttribute()
    designation = UnicodeAttribute()
    file_name = UnicodeAttribute()
    extension = UnicodeAttribute()
    size = NumberAttribute()
    object_key = UnicodeAttribute()
    version = VersionAttribute()


ATTACHMENT_PREFIX = "ATTACHMENT#"
ATTACHMENT_COUNT_SK = "ATTACHMENT_COUNT"


class AttachmentCount(Item, discriminator="ATTACHMENT_COUNT"):
    """How many attachments the user keeps: changed in the same transaction as they are, so that the per-user limit
    is a condition on one item (absent: none yet)."""

    count = NumberAttribute(default=0)


MAIL_KIND = "MAIL"  # the stream filter of infra/resources.json names it too


class OutboxMail(Item, discriminator=MAIL_KIND):
    """A mail to send (``domain.mails``): what to render and for whom, never a raw one-time token (the mailer issues the
    link of ``link_purpose`` when it sends)."""

    mail_id = UnicodeAttribute()
    template = UnicodeAttribute()
    user_id = UnicodeAttribute()
    to_login = BooleanAttribute(default=False)
    context = UnicodeAttribute()  # JSON
    link_purpose = UnicodeAttribute(null=True)
    to_address = UnicodeAttribute(null=True)  # issue 13: an address not (yet) the profile's, e.g. one to confirm
    status = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    claimed_until = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    sent_at = UTCDateTimeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


# « Sécurité et confidentialité » (issue 13) ------------------------------------------------------------------------

EMAIL_CHANGE_SK = "EMAIL_CHANGE"
EXPORT_SK = "EXPORT"


class EmailChange(Item, discriminator="EMAIL_CHANGE"):
    """An address change (``domain.email_change``), tied to its two links by ``change_id``."""

    user_id = UnicodeAttribute()
    target = UnicodeAttribute()
    old_address = UnicodeAttribute()
    new_address = UnicodeAttribute()
    status = UnicodeAttribute()
    requested_at = UTCDateTimeAttribute()
    confirm_until = UTCDateTimeAttribute()
    cancel_until = UTCDateTimeAttribute()
    confirmed_at = UTCDateTimeAttribute(null=True)
    change_id = UnicodeAttribute()  # the ``ref`` of its two links: those of an earlier request match nothing


class DataExport(Item, discriminator="EXPORT"):
    """The archive of « Télécharger mes données » (``domain.data_export``), at most one per user."""

    user_id = UnicodeAttribute()
    status = UnicodeAttribute()
    requested_at = UTCDateTimeAttribute()
    ready_at = UTCDateTimeAttribute(null=True)
    object_key = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    expires_at = TTLAttribute(null=True)  # a built archive's item goes with its file
