"""What the store hands to the use cases and takes back: plain data, with no storage type, key or condition.

Field names are those of the stored attributes, so that the store converts by name.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from chalicelib.domain.throttle import Attempts


@dataclass
class UserProfile:
    user_id: str
    login: str
    contact_email: str
    last_name: str
    first_name: str
    address_line1: str
    address_line2: str | None
    address_line3: str | None
    postal_code: str | None
    city: str
    country: str
    phone: str | None
    fax: str | None
    language: str
    notifications: bool
    status: str
    created_at: datetime
    reactivated_at: datetime | None
    deactivated_at: datetime | None
    updated_at: datetime | None
    password_changed_at: datetime
    secret_question: str
    version: int = 1
    second_factor: bool = False  # copied from the second factor's state, so that pages reading the profile know it
    contact_bounced_at: datetime | None = None  # mails to the contact address bounce (or were complained of)
    contact_bounce: str | None = None
    contact_bounced_address: str | None = None

    @property
    def contact_bounces(self) -> bool:
        """Mails to the contact address bounce: the mark is about the address it was set for, so changing the address
        lifts it at once."""
        return bool(self.contact_bounced_address) and self.contact_bounced_address == (self.contact_email or "").lower()


@dataclass
class Credentials:
    password_hash: str | None
    secret_answer_hash: str | None
    last_login_at: datetime | None = None


@dataclass(frozen=True)
class ServiceRef:
    """A service of a rattachement, decided on its own (guide §4, « Liste des services »). A service stored before
    services had their own status, dates and comment reads with its rattachement's."""

    code: str
    name: str
    status: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    comment: str | None = None


@dataclass(frozen=True)
class ManagerName:
    """Who a pending request waits for, as its requester sees it (copied: « Mon Compte » reads no other partition)."""

    first_name: str
    last_name: str
    role: str


@dataclass
class Membership:
    """A rattachement, with what « Mon Compte » shows of its structure and what managers' lists show of its user."""

    user_id: str
    structure_id: str
    identifier: str
    designation: str
    role: str
    manager_scope: str | None
    status: str
    valid_from: date
    valid_until: date | None
    comment: str | None
    services: list[ServiceRef]  # empty: the whole structure
    requested_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None
    first_name: str
    last_name: str
    contact_email: str
    address_line1: str | None
    postal_code: str | None
    city: str | None
    # A pending request: the principal manager it waits for, or, once escalated, the other managers.
    waiting_for: list[ManagerName] = field(default_factory=list)
    escalated_at: datetime | None = None


@dataclass
class Subscription:
    user_id: str
    structure_id: str
    identifier: str
    designation: str
    service_code: str | None
    service_name: str | None
    space: str
    habilitation: str
    status: str
    origin: str | None = None
    valid_from: date | None = None
    comment: str | None = None
    requested_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    contact_email: str | None = None

    @property
    def key(self) -> tuple:
        """What makes a subscription one row: (user, structure, service, space, habilitation)."""
        return (self.user_id, self.structure_id, self.service_code, self.space, self.habilitation)


@dataclass
class StructureSpace:
    """A space set for a whole structure, or taken off it."""

    structure_id: str
    space: str
    habilitation: str
    status: str
    changed_at: datetime
    changed_by: str
    version: int = 1


@dataclass
class Attachment:
    attachment_id: str
    attachment_type: str
    designation: str
    file_name: str
    extension: str
    size: int
    object_key: str
    version: int = 1


@dataclass
class Account:
    """Everything « Mon Compte » shows: one Query on the user's partition."""

    profile: UserProfile
    credentials: Credentials | None = None
    memberships: list[Membership] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    email_change: "EmailChange | None" = None
    data_export: "DataExport | None" = None


@dataclass
class Service:
    structure_id: str
    code: str
    name: str
    active: bool = True


@dataclass
class Structure:
    structure_id: str
    identifier: str
    identifier_type: str
    designation: str
    label: str | None
    structure_type: str
    status: str
    last_name: str | None
    first_name: str | None
    postal_code: str | None
    city: str | None
    country: str | None
    address_line1: str | None
    address_line2: str | None
    principal_user_id: str
    created_at: datetime
    version: int = 1
    contact_email: str | None = None  # set by its managers (« Modifier »): none at creation
    phone: str | None = None  # E.164


@dataclass
class ManagerView:
    """What « Activité du gestionnaire » shows: the user's rattachements and the requests waiting for its decision
    (copies kept in its own partition, one Query)."""

    memberships: list[Membership]
    pending: list[Membership]
    manager_spaces: set[str] = field(default_factory=set)  # structures where it holds « Activité du gestionnaire »
    second_factor: bool = False  # whether the manager logs in with a second factor


@dataclass
class Session:
    user_id: str
    token_hash: str
    created_at: datetime
    idle_until: datetime
    absolute_until: datetime
    previous_login_at: datetime | None
    password_expired: bool = False
    # What « Mes sessions » shows: names read from the User-Agent at login (never the header), the source address.
    browser: str | None = None
    system: str | None = None
    source: str | None = None
    last_active_at: datetime | None = None


@dataclass(frozen=True)
class LoginEvent:
    """A line of « Historique de connexion » (``domain.security.HISTORY_EVENTS``)."""

    user_id: str
    at: datetime
    event: str
    browser: str | None = None
    system: str | None = None
    source: str | None = None


@dataclass
class SecurityState:
    """A user's browsers already seen and second factor. ``pending_secret``: a secret shown but not confirmed yet;
    ``last_step``: the time step of the last code used (never accepted again); ``code_attempts``: failed codes,
    throttled like passwords; ``challenge_hash``: the password step of a login waiting for its code."""

    user_id: str
    known_browsers: set[str] = field(default_factory=set)
    totp_secret: str | None = None
    totp_enabled_at: datetime | None = None
    pending_secret: str | None = None
    last_step: int | None = None
    recovery_hashes: set[str] = field(default_factory=set)
    code_attempts: Attempts = field(default_factory=Attempts)
    challenge_hash: str | None = None
    challenge_expires_at: datetime | None = None
    pending_login: "PendingLogin | None" = None

    @property
    def second_factor(self) -> bool:
        return self.totp_secret is not None


@dataclass(frozen=True)
class PendingLogin:
    """What the code step of a login needs of the account, kept with its challenge by the password step, so that the
    code step reads one item (the login's answer, the new-browser mail, the password's expiry)."""

    user_id: str
    login: str
    contact_email: str
    first_name: str
    last_name: str
    language: str
    password_changed_at: datetime
    last_login_at: datetime | None = None


@dataclass
class OneTimeToken:
    token_hash: str
    purpose: str
    user_id: str
    expires_at: datetime
    ref: str | None = None


@dataclass
class Reminder:
    day: str
    user_id: str
    reminder_kind: str
    password_changed_at: datetime


@dataclass
class EmailChange:
    """A change of address waiting for (or past) the new address's confirmation (``domain.email_change``)."""

    user_id: str
    target: str  # the address changed: contact_email or login
    old_address: str
    new_address: str
    status: str
    requested_at: datetime
    confirm_until: datetime
    cancel_until: datetime
    change_id: str  # the ``ref`` of its links
    confirmed_at: datetime | None = None


@dataclass
class DataExport:
    """The user's archive of « Télécharger mes données » (``domain.data_export``)."""

    user_id: str
    status: str
    requested_at: datetime
    ready_at: datetime | None = None
    object_key: str | None = None
    size: int | None = None
