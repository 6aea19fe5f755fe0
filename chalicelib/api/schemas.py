"""pydantic models of every request and response: unknown fields are refused, so nothing unexpected is ever stored."""

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from chalicelib.domain import accounts, attachments, data_export, events, invoices, memberships, subscriptions
from chalicelib.domain import security as security_rules

# Invisible characters that change how text is shown or cut, refused in every text field: line and paragraph separators,
# bidirectional embeddings, overrides and isolates (« Trojan Source »), zero-width space, word joiner, byte order mark.
# Joiners (U+200C, U+200D) stay allowed: emoji sequences and some scripts need them.
_INVISIBLE = frozenset("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                       "\u200b\u200e\u200f\u061c\u2060\ufeff")


def _clean(allowed: frozenset[str]):
    def check(value: str) -> str:
        for char in value:
            if char in allowed:
                continue
            if char in _INVISIBLE or unicodedata.category(char) in ("Cc", "Cs"):
                raise PydanticCustomError("control_characters", "control or invisible format character")
        return value

    return AfterValidator(check)


_SINGLE_LINE = _clean(frozenset())
_MULTI_LINE = _clean(frozenset("\n\t"))


def _text(max_length: int, min_length: int = 0, multiline: bool = False):
    """The one text type of requests: stripped, bounded, and free of control characters (Unicode Cc, NUL included) and
    invisible format controls; tab and newline only where the field is multi-line (comments, reasons)."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=max_length, min_length=min_length),
        _MULTI_LINE if multiline else _SINGLE_LINE,
    ]


def _refuse_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("control_characters", "NUL character")
    return value


# Secrets are never stripped: a space is a character like any other. The cap only bounds the work a request can cause;
# the policy's own maximum gives the readable message. NUL is refused (C libraries end a string there); other
# characters are left to the password policy, so that a password chosen before this rule still opens its account.
Secret = Annotated[str, StringConstraints(max_length=1024), AfterValidator(_refuse_nul)]
Language = Literal["FR", "EN"]
# Instants are shown to the second; the stored microseconds would only be noise in the API.
Instant = Annotated[datetime, AfterValidator(lambda value: value.replace(microsecond=0))]


# Statuses are the state machines' own (domain/): declared once.
AccountStatus = Literal[accounts.SHOWN_STATUSES]
StructureStatus = Literal[accounts.STRUCTURE_STATUSES]
Habilitation = Literal[subscriptions.HABILITATIONS]
SubscriptionStatus = Literal[subscriptions.STATUSES]
RequestableSpace = Literal[subscriptions.REQUESTABLE_SPACES]
Space = Literal[subscriptions.SPACES]


# defer_build: a model's validator and serializer are built on its first use, not at import, so that a cold start
# builds only the models of the route it answers (validation is the same).
class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Response(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class LoginRequest(Request):
    login: _text(254, 1)
    password: Secret


class EmptyRequest(Request):
    pass


class AddressIn(Request):
    line1: _text(200)
    line2: _text(200) | None = None
    line3: _text(200) | None = None
    postal_code: _text(16) | None = None
    city: _text(100)
    country: _text(2)


class PasswordChange(Request):
    current: Secret
    new: Secret
    confirmation: Secret


class SecretQuestionChange(Request):
    question: _text(200)
    answer: _text(200)


class AccountUpdate(Request):
    version: StrictInt
    contact_email: _text(254)
    last_name: _text(100)
    first_name: _text(100)
    address: AddressIn
    phone: _text(32) | None = None
    fax: _text(32) | None = None
    language: Language
    notifications: StrictBool
    password: PasswordChange | None = None
    secret_question: SecretQuestionChange | None = None


class Me(Response):
    """The banner; ``spaces``: the spaces the user holds on at least one structure (the navigation shows the manager's
    space only to those who hold it), when the answer knows them."""

    first_name: str
    last_name: str
    language: Language
    last_login_at: Instant | None
    spaces: list[Space] | None = None
    # Requests escalated to a secondary manager acting as a user wait for it in « Activité du gestionnaire ».
    escalated_requests: bool | None = None
    # Rejected invoices to attest (« J'atteste avoir pris connaissance du rejet »), from the same Query.
    rejections: list["Rejection"] | None = None


class Address(Response):
    line1: str
    line2: str | None
    line3: str | None
    postal_code: str | None
    city: str
    country: str


class Profile(Response):
    login: str
    contact_email: str
    last_name: str
    first_name: str
    address: Address
    phone: str | None
    fax: str | None
    # Mails to the contact address bounce (or were reported as spam): none is sent there until it is changed.
    contact_bounce: "ContactBounce | None" = None


class ContactBounce(Response):
    kind: Literal["BOUNCE", "COMPLAINT"]
    since: Instant


class Settings(Response):
    created_at: Instant
    reactivated_at: Instant | None
    deactivated_at: Instant | None
    updated_at: Instant | None
    status: AccountStatus
    language: Language
    notifications: bool


class PasswordStatus(Response):
    changed_at: Instant
    expires_at: Instant
    expires_in_days: int
    min_length: int
    max_length: int


class SecretQuestion(Response):
    question: str


Role = Literal[memberships.ROLES]
MembershipStatus = Literal[memberships.STATUSES]
Scope = Literal[memberships.SCOPES]
IdentifierType = Literal["SIRET", "UE_HORS_FRANCE", "HORS_UE", "RIDET", "TAHITI", "AUTRE", "PARTICULIER"]
StructureType = Literal["PRIVEE", "PUBLIQUE"]
# Codes are compared in upper case (« MOBURB »): a person may type them in lower case.
ServiceCode = Annotated[
    str,
    BeforeValidator(lambda value: value.strip().upper() if isinstance(value, str) else value),
    StringConstraints(pattern=r"^[A-Z0-9_-]{1,20}$"),
]


class Service(Response):
    code: str
    name: str


class WaitingManager(Response):
    """A manager a pending request waits for: its principal, or once escalated the structure's other managers."""

    first_name: str
    last_name: str
    role: Role


class MembershipRow(Response):
    structure_id: str
    identifier: str
    designation: str
    role: Role
    status: MembershipStatus
    manager_scope: Scope | None
    valid_from: date
    valid_until: date | None
    services: list["MembershipService"]
    comment: str | None
    requested_at: Instant
    decided_at: Instant | None
    decision_reason: str | None
    active: bool
    waiting_for: list[WaitingManager]  # a pending request only


class SubscriptionRow(Response):
    structure_id: str
    identifier: str
    designation: str
    service_code: str | None  # none: the whole structure
    service: str | None
    space: Space
    habilitation: Habilitation
    status: SubscriptionStatus
    origin: Literal[subscriptions.ORIGINS] | None
    valid_from: date | None
    comment: str | None
    requested_at: Instant | None


class AttachmentRow(Response):
    id: str
    type: str
    designation: str
    extension: str
    file_name: str
    size: int
    version: int  # what « Éditer » sends back (optimistic locking)


class AccountHead(Response):
    me: Me
    version: int
    profile: Profile
    settings: Settings
    password: PasswordStatus
    secret_question: SecretQuestion
    email_change: "EmailChangeView | None" = None  # issue 13: a new address waiting for its confirmation
    data_export: "DataExportView | None" = None  # issue 13: « Télécharger mes données »


class Account(AccountHead):
    memberships: list[MembershipRow]
    subscriptions: list[SubscriptionRow]
    attachments: list[AttachmentRow]


class StructureRow(Response):
    structure_id: str
    identifier: str
    identifier_type: IdentifierType
    designation: str
    label: str | None
    structure_type: StructureType
    status: StructureStatus
    last_name: str | None
    first_name: str | None
    postal_code: str | None
    city: str | None
    country: str | None


class SearchPage(Response):
    total: int
    page: int
    per_page: int
    items: list[StructureRow]
    truncated: bool


class SearchQuery(Request):
    designation: _text(200) | None = None
    identifier: _text(80) | None = None
    identifier_type: IdentifierType | None = None
    structure_type: StructureType | None = None
    label: _text(200) | None = None
    status: StructureStatus | None = None
    last_name: _text(100) | None = None
    first_name: _text(100) | None = None
    postal_code: _text(16) | None = None
    city: _text(100) | None = None
    country: _text(2) | None = None
    page: int = Field(default=1, ge=1, le=1000)
    per_page: int = Field(default=5, ge=1, le=100)


class StructureAddressIn(Request):
    line1: _text(200)
    line2: _text(200) | None = None
    postal_code: _text(16)
    city: _text(100)
    country: _text(2)


class ServiceIn(Request):
    code: ServiceCode
    name: _text(100, 1)


# An empty choice (the select's « Sélectionner » line) is a missing field, which the domain reports with the others.
_blank_as_none = BeforeValidator(lambda value: None if isinstance(value, str) and not value.strip() else value)


class StructureCreate(Request):
    identifier_type: Annotated[IdentifierType | None, _blank_as_none] = None
    identifier: _text(80)
    designation: _text(200)
    label: _text(200) | None = None
    structure_type: Annotated[StructureType | None, _blank_as_none] = None
    last_name: _text(100) | None = None
    first_name: _text(100) | None = None
    address: StructureAddressIn
    services: list[ServiceIn] = Field(default_factory=list, max_length=50)


class StructureAddress(Response):
    line1: str | None
    line2: str | None
    postal_code: str | None
    city: str | None
    country: str | None


class StructureDetail(StructureRow):
    address: StructureAddress
    contact_email: str | None
    phone: str | None  # international format (+33 3 92 35 78 95), stored in E.164
    version: int  # sent back by the managers' « Modifier » (PUT /structures/{id})
    services: list[Service]
    my_membership: MembershipRow | None
    can_manage: bool


class MembershipRequest(Request):
    valid_from: date
    valid_until: date | None = None
    comment: _text(255, multiline=True) | None = None
    services: list["ServiceRequested"] = Field(default_factory=list, max_length=15)


class LeaveRequest(Request):
    successor_user_id: _text(64) | None = None


class MemberAddress(Response):
    line1: str | None
    postal_code: str | None
    city: str | None


class Member(Response):
    user_id: str
    first_name: str
    last_name: str
    contact_email: str
    address: MemberAddress
    role: Role
    manager_scope: Scope | None
    status: MembershipStatus
    valid_from: date
    valid_until: date | None


class MemberList(Response):
    members: list[Member]


class MembersQuery(Request):
    q: _text(100) | None = None
    status: MembershipStatus | None = None


class AttachRequest(Request):
    login: _text(254, 1)
    services: list[ServiceCode] = Field(default_factory=list, max_length=15)
    valid_from: date
    valid_until: date | None = None


class RoleChange(Request):
    role: Literal[memberships.SECONDARY, memberships.USER]
    manager_scope: Scope | None = None


class ManagedStructure(Response):
    structure_id: str
    identifier: str
    designation: str
    role: Role
    manager_scope: Scope | None


class PendingRequest(Response):
    structure_id: str
    identifier: str
    designation: str
    user_id: str
    first_name: str
    last_name: str
    contact_email: str
    valid_from: date
    valid_until: date | None
    comment: str | None
    services: list["MembershipService"]
    requested_at: Instant
    escalated: bool  # its principal manager being unavailable, it went to the other managers too


class ManagerRequests(Response):
    structures: list[ManagedStructure]
    requests: list[PendingRequest]
    second_factor_advised: bool = False  # a principal manager without a second factor: « Sécurité et confidentialité »


class DecisionTarget(Request):
    structure_id: _text(64, 1)
    user_id: _text(64, 1)
    # Services of the request decided otherwise than the decision says (none named: all as it says).
    validated_services: list[ServiceCode] = Field(default_factory=list, max_length=15)
    refused_services: list[ServiceCode] = Field(default_factory=list, max_length=15)


class Decision(Request):
    decision: Literal["VALIDER", "REFUSER"]
    reason: _text(255, multiline=True) | None = None
    requests: list[DecisionTarget] = Field(min_length=1, max_length=50)


class DecisionResult(Response):
    structure_id: str
    user_id: str
    status: Literal[memberships.MEMBERSHIP.transition("validate").target,
                    memberships.MEMBERSHIP.transition("refuse").target] | None
    error: str | None


class DecisionResults(Response):
    results: list[DecisionResult]


# Abonnements (guide §5) ----------------------------------------------------------------------------------------------

class SubscriptionService(Response):
    code: str | None  # none: the whole structure (its default service)
    name: str | None


class HeldSubscription(Response):
    service_code: str | None
    space: Space
    habilitation: Habilitation
    status: SubscriptionStatus


class SubscriptionOptions(Response):
    """What « Ajouter un abonnement » offers on one structure: the services the user is attached to (the whole
    structure first, when its rattachement covers it), the spaces it may ask for, and what it holds already."""

    structure_id: str
    identifier: str
    designation: str
    services: list[SubscriptionService]
    spaces: list[RequestableSpace]
    held: list[HeldSubscription]
    validated_at_once: bool  # the caller manages the structure: its requests need nobody's decision


class SubscriptionRowIn(Request):
    service_code: ServiceCode | None = None
    habilitation: Habilitation


class SubscriptionRequest(Request):
    space: RequestableSpace
    rows: list[SubscriptionRowIn] = Field(min_length=1, max_length=subscriptions.MAX_ROWS_PER_REQUEST)
    valid_from: date
    comment: _text(subscriptions.COMMENT_MAX, multiline=True) | None = None


class SubscriptionRows(Response):
    subscriptions: list[SubscriptionRow]


class SubscriptionKey(Request):
    structure_id: _text(64, 1)
    service_code: ServiceCode | None = None
    space: Space
    habilitation: Habilitation


class SubscriptionRemoval(Request):
    subscriptions: list[SubscriptionKey] = Field(min_length=1, max_length=subscriptions.MAX_DECISIONS)


class RemovedCount(Response):
    removed: int


class PendingSubscription(Response):
    user_id: str
    first_name: str | None
    last_name: str | None
    contact_email: str | None
    service_code: str | None
    service: str | None
    space: Space
    habilitation: Habilitation
    origin: Literal[subscriptions.ORIGINS] | None
    valid_from: date | None
    comment: str | None
    requested_at: Instant | None


class PendingSubscriptions(Response):
    requests: list[PendingSubscription]


class SubscriptionTarget(Request):
    user_id: _text(64, 1)
    service_code: ServiceCode | None = None
    space: Space
    habilitation: Habilitation


class SubscriptionDecision(Request):
    decision: Literal["VALIDER", "REFUSER"]
    reason: _text(255, multiline=True) | None = None
    requests: list[SubscriptionTarget] = Field(min_length=1, max_length=subscriptions.MAX_DECISIONS)


class SubscriptionDecisionResult(Response):
    user_id: str
    service_code: str | None
    space: Space
    habilitation: Habilitation
    status: Literal[subscriptions.VALID, subscriptions.REMOVED] | None  # REMOVED: refused, the request is gone
    error: str | None


class SubscriptionDecisionResults(Response):
    results: list[SubscriptionDecisionResult]


class StructureSpaceRow(Response):
    space: RequestableSpace
    status: Literal[subscriptions.SPACE_SET, subscriptions.SPACE_REMOVED] | None  # none: never set on the structure
    habilitation: Habilitation | None
    changed_at: Instant | None


class StructureSpaces(Response):
    structure_id: str
    spaces: list[StructureSpaceRow]


class StructureSpaceIn(Request):
    space: RequestableSpace
    habilitation: Habilitation


class StructureSpaceRemoval(Request):
    space: RequestableSpace


class SpaceHoldersQuery(Request):
    space: RequestableSpace


class SpaceHolders(Response):
    space: RequestableSpace
    users: int  # how many users hold it (or asked for it) on the structure


class SignupRequest(Request):
    login: _text(254)
    last_name: _text(100)
    first_name: _text(100)
    contact_email: _text(254) | None = None
    phone: _text(32) | None = None
    language: Language | None = None


class LoginOnly(Request):
    login: _text(254, 1)


class TokenOnly(Request):
    token: _text(100, 1)


class NewSecrets(Request):
    token: _text(100, 1)
    password: Secret
    confirmation: Secret
    secret_question: _text(200)
    secret_answer: _text(200)


class ResetRequest(Request):
    token: _text(100, 1)
    secret_answer: _text(200)
    password: Secret
    confirmation: Secret


class ExpiredPasswordChange(Request):
    current: Secret
    new: Secret
    confirmation: Secret


class Deactivation(Request):
    successors: dict[_text(64), _text(64, 1)] = Field(
        default_factory=dict, max_length=20)


class Acknowledgement(Response):
    message: str


class LinkAccount(Response):
    login: str
    contact_email: str
    last_name: str
    first_name: str
    secret_question: str | None


class LoginAnswer(Me):
    password_expired: bool


class HandOver(Response):
    structure_id: str
    identifier: str
    designation: str


class HandOvers(Response):
    structures: list[HandOver]


class Error(Response):
    code: str
    message: str
    fields: dict[str, str]


# --- Rattachements decided service by service (guide §4, « Liste des services ») ------------------------------------

class ServiceChoice(Request):
    """A service a request asks for, with its own « Date Début », « Date Fin » and « Commentaires » (the request's
    dates when absent)."""

    code: ServiceCode
    valid_from: date | None = None
    valid_until: date | None = None
    comment: _text(255) | None = None


# A service of a request is its code alone (the request's dates), or a ``ServiceChoice`` with its own.
ServiceRequested = Annotated[ServiceChoice, BeforeValidator(
    lambda value: {"code": value} if isinstance(value, str) else value,
    json_schema_input_type=ServiceCode | ServiceChoice,
)]


class MembershipService(Service):
    """A service of a rattachement, with its own « Statut du rattachement », dates and comment."""

    status: MembershipStatus
    valid_from: date
    valid_until: date | None
    comment: str | None

# --- end of the rattachements decided service by service -----------------------------------------------------------
# --- Administration of a structure by its managers (« Consulter / modifier la structure », guide §4) -----------------
# Routes of chalicelib/api/structure_admin.py. Adding a service takes ``ServiceIn`` (the rules of creation).

class StructureUpdate(Request):
    """What a manager may change: identifier, type and designation are not fields, so they cannot be sent."""

    version: StrictInt
    address: StructureAddressIn
    contact_email: _text(254) | None = None
    phone: _text(32) | None = None


class ServiceRename(Request):
    name: _text(100, 1)


class ServiceImpact(Response):
    code: str
    users: int  # who holds or asked for a subscription to the service (every rattachement limited to it gives some)
    subscriptions: int


class ServiceDeactivated(Response):
    code: str
    name: str
    active: bool
    users: int
    memberships_ended: int
    memberships_changed: int
    subscriptions_revoked: int

# --- End of the administration of a structure ------------------------------------------------------------------------


# --- « Pièces jointes » (guide §6, api/attachments.py) ----------------------------------------------------------------
# Types are the domain's list; extensions, sizes and file names are judged by domain/attachments.py, so that each
# refusal names its field with the rule's own message.

AttachmentType = Literal[attachments.TYPES]
# Ids the server chose (uuid4 hex): anything else, a path or a key among them, is refused before S3 is asked.
ServerId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]


class UploadRequest(Request):
    file_name: _text(1024, 1)  # the last path part is kept, at most 255 characters (domain)
    size: StrictInt
    attachment_type: AttachmentType
    designation: _text(attachments.MAX_DESIGNATION, 1)


class UploadTicket(Response):
    """A presigned POST: the browser sends ``fields`` then the file (field ``file``) to ``url`` before
    ``expires_at``."""

    upload_id: str
    url: str
    fields: dict[str, str]
    expires_at: Instant
    max_size: int


class AttachmentRecord(Request):
    upload_id: ServerId
    file_name: _text(1024, 1)
    attachment_type: AttachmentType
    designation: _text(attachments.MAX_DESIGNATION, 1)


class AttachmentChange(Request):
    version: StrictInt
    designation: _text(attachments.MAX_DESIGNATION, 1)
    attachment_type: AttachmentType


class AttachmentIds(Request):
    ids: list[ServerId] = Field(min_length=1, max_length=100)


class AttachmentLink(Response):
    url: str
    expires_at: Instant


class AttachmentFile(Response):
    id: str
    file_name: str
    url: str


class AttachmentFiles(Response):
    files: list[AttachmentFile]
    expires_at: Instant

# --- End of « Pièces jointes » ----------------------------------------------------------------------------------------


# --- « Sécurité et confidentialité »: sessions, login history, second factor -----------------------------------------

HistoryEvent = Literal[security_rules.HISTORY_EVENTS]
SecondFactorCode = _text(20, 1)  # 6 digits, or a recovery code « xxxxx-xxxxx »


class SessionLine(Response):
    session_id: str
    browser: str | None
    system: str | None
    source: str | None
    started_at: Instant
    last_active_at: Instant
    current: bool


class HistoryLine(Response):
    at: Instant
    event: HistoryEvent
    browser: str | None
    system: str | None
    source: str | None


class SecondFactorStatus(Response):
    enabled: bool
    enabled_at: Instant | None
    recovery_codes_left: int


class SecurityOverview(Response):
    sessions: list[SessionLine]
    history: list[HistoryLine]
    second_factor: SecondFactorStatus


class SessionsClosed(Response):
    closed: int


class SecondFactorSetup(Response):
    """The secret to scan (``qr_svg``, an SVG document) or to type (``secret``); ``uri`` is what the QR code holds."""

    secret: str
    uri: str
    qr_svg: str


class SecondFactorConfirmation(Request):
    code: SecondFactorCode


class RecoveryCodes(Response):
    """Shown once: only their hashes are kept."""

    recovery_codes: list[str]


class SecondFactorOff(Request):
    password: Secret
    code: SecondFactorCode


class SecondFactorLogin(Request):
    challenge: _text(120, 1)
    code: SecondFactorCode


class SecondFactorNeeded(Response):
    """The answer of « Se connecter » when the account has a second factor: no session yet, the code comes next."""

    second_factor_required: Literal[True] = True
    challenge: str
    message: str

# --- End of « Sécurité et confidentialité » --------------------------------------------------------------------------
# « Sécurité et confidentialité »: verified address change and data export (issue 13) -------------------------------

class EmailChangeRequest(Request):
    target: Literal["contact_email", "login"]
    address: _text(254)


class EmailChangeView(Response):
    """« En attente de confirmation : … »"""

    target: Literal["contact_email", "login"]
    new_address: str
    requested_at: datetime
    confirm_until: datetime


class DataExportView(Response):
    status: Literal[data_export.STATUSES]
    requested_at: datetime
    ready_at: datetime | None
    available_until: datetime | None
    size: int | None


class PrivacyView(Response):
    email_change: EmailChangeView | None
    data_export: DataExportView | None


class DataExportLink(Response):
    url: str
    expires_at: datetime




# --- Events (issue 11): « Fil d'événements », « Mes demandes », « Historique » ----------------------------------------

# A page's position: the sort key of the last event shown (its time and id), nothing else.
EventCursor = Annotated[str, StringConstraints(
    pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z#[0-9a-f]{16}$")]
EventKind = Literal[tuple(sorted(events.KINDS))]


class FeedQuery(Request):
    cursor: EventCursor | None = None


class EventOut(Response):
    event_id: str
    kind: EventKind
    at: Instant
    sentence: str
    link: str
    structure_id: str | None
    actor: str | None
    person: str | None
    reason: str | None
    new: bool | None = None


class FeedPage(Response):
    items: list[EventOut]
    next_cursor: str | None
    last_visit: Instant | None
    invoice_deposit_url: str


class RequestStep(Response):
    kind: EventKind
    at: Instant
    sentence: str
    actor: str | None
    reason: str | None


class MyRequest(Response):
    request_type: Literal["membership", "subscription"]
    structure_id: str
    structure: str
    space: str | None
    services: str | None
    asked_at: Instant
    pending: bool
    steps: list[RequestStep]


class MyRequests(Response):
    items: list[MyRequest]


class RequestWithdrawal(Request):
    structure_id: _text(64, 1)
    space: RequestableSpace | None = None


class Withdrawn(Response):
    withdrawn: int


class HistoryQuery(Request):
    since: date | None = None
    until: date | None = None
    user_id: _text(64) | None = None
    cursor: EventCursor | None = None


class HistoryPage(Response):
    items: list[EventOut]
    next_cursor: str | None

# --- End of events --------------------------------------------------------------------------------------------------


# --- Invoices (issue 12): the invoicing platform's messages, rejected invoices to attest ------------------------------

InvoiceStatus = Literal[invoices.STATUSES]
_Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")]


class InvoiceStatusMessage(Request):
    """One message of the invoice-status queue: a status change of one invoice of a structure (and service)."""

    id: _Code  # the platform's id of the message: a message seen twice is told once
    number: _text(invoices.NUMBER_MAX, 1)
    structure_id: _Code
    service_id: _Code | None = None
    status: InvoiceStatus
    amount: Annotated[Decimal, Field(max_digits=15, decimal_places=2, ge=0, allow_inf_nan=False)]
    date: date
    reason: _text(invoices.REASON_MAX, 1, multiline=True) | None = None

    @model_validator(mode="after")
    def reason_when_explained(self):
        if self.status in invoices.WITH_REASON and not self.reason:
            raise PydanticCustomError("reason_required", "a reason is required for status {status}",
                                      {"status": self.status})
        return self


class Rejection(Response):
    structure_id: str
    number: str
    service_code: str | None
    amount: str
    date: date
    reason: str | None
    deadline: Instant
    blocking: bool
    attested_at: Instant | None = None


class Rejections(Response):
    items: list[Rejection]


class Attestation(Request):
    structure_id: _text(64, 1)
    number: _text(invoices.NUMBER_MAX, 1)

class Extension(Request):
    """« Prolonger »: the rattachement's new end date."""

    valid_until: date


class EndingMembership(Response):
    structure_id: str
    designation: str
    user_id: str
    first_name: str
    last_name: str
    valid_from: date
    valid_until: date | None

# --- End of invoices ------------------------------------------------------------------------------------------------
