"""Events: what happened to an account or a structure, as its feeds (« Fil d'événements »), its requester's history
(« Mes demandes ») and its structure's history (« Historique ») tell it. Pure rules: which kinds exist, what each
one's sentence says (a message key and the parameters it needs), who reads it and which screen it leads to.

An event is written with the change it tells (``store.events``): built here before the change is committed."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# How long an event is kept (DynamoDB TTL in the cloud, the housekeeping job locally).
KEPT_FOR = timedelta(days=396)  # 13 months

# Kinds -------------------------------------------------------------------------------------------------------------
MEMBERSHIP_REQUESTED = "MEMBERSHIP_REQUESTED"
MEMBERSHIP_VALIDATED = "MEMBERSHIP_VALIDATED"
MEMBERSHIP_REFUSED = "MEMBERSHIP_REFUSED"
MEMBERSHIP_WITHDRAWN = "MEMBERSHIP_WITHDRAWN"
MEMBERSHIP_DELETED = "MEMBERSHIP_DELETED"
MEMBERSHIP_ADDED = "MEMBERSHIP_ADDED"  # a manager attached a user on its own initiative (no request)
ROLE_CHANGED = "ROLE_CHANGED"
PRINCIPAL_TRANSFERRED = "PRINCIPAL_TRANSFERRED"
SUBSCRIPTION_REQUESTED = "SUBSCRIPTION_REQUESTED"
SUBSCRIPTION_VALIDATED = "SUBSCRIPTION_VALIDATED"
SUBSCRIPTION_REFUSED = "SUBSCRIPTION_REFUSED"
SUBSCRIPTION_WITHDRAWN = "SUBSCRIPTION_WITHDRAWN"
SUBSCRIPTION_REMOVED = "SUBSCRIPTION_REMOVED"
STRUCTURE_CREATED = "STRUCTURE_CREATED"
STRUCTURE_SPACE_SET = "STRUCTURE_SPACE_SET"
STRUCTURE_SPACE_REMOVED = "STRUCTURE_SPACE_REMOVED"
ATTACHMENT_ADDED = "ATTACHMENT_ADDED"
ATTACHMENT_DELETED = "ATTACHMENT_DELETED"
PASSWORD_CHANGED = "PASSWORD_CHANGED"
ACCOUNT_DEACTIVATED = "ACCOUNT_DEACTIVATED"
ACCOUNT_REACTIVATED = "ACCOUNT_REACTIVATED"
NEW_DEVICE_LOGIN = "NEW_DEVICE_LOGIN"  # its detection belongs to the security work: the kind and sentence only
# An invoice of the structure changed status (the invoicing platform's queue, ``jobs.invoice_statuses``); its reason,
# when the platform gives one, is the optional param ``reason``.
INVOICE_STATUS = "INVOICE_STATUS"
MEMBERSHIP_ENDING = "MEMBERSHIP_ENDING"  # a dated rattachement ends in 14 days (told to its user and principal)
MEMBERSHIP_EXTENDED = "MEMBERSHIP_EXTENDED"  # « Prolonger »: a manager moved its end date
MEMBERSHIP_EXPIRED = "MEMBERSHIP_EXPIRED"  # the end date passed: the rattachement and its subscriptions ended

# Who reads an event in its feed.
ACTOR = "actor"  # who made the change
SUBJECT = "subject"  # whom it is about: the requester, the member, the account's owner
MANAGERS = "managers"  # the structure's managers the change was written with (those the service had read)
HOLDERS = "holders"  # who holds the space the event is about (« Factures émises » on the structure or the service)

# Screens an event leads to (``{structure_id}`` filled from the event).
ACCOUNT_SCREEN = "mon-compte.html"
REQUESTS_SCREEN = "mes-demandes.html"
MANAGER_SCREEN = "activite-gestionnaire.html"
STRUCTURE_SCREEN = "structure.html?id={structure_id}"
HOME_SCREEN = "accueil.html"


@dataclass(frozen=True)
class Kind:
    name: str
    params: tuple[str, ...]  # what its sentence needs
    readers: frozenset[str]
    screen: str
    request: bool = False  # a step of a request's history (« Mes demandes »)

    @property
    def message(self) -> str:
        return f"event.{self.name}"


def _kind(name, params, readers, screen, request=False) -> Kind:
    return Kind(name, tuple(params), frozenset(readers), screen, request)


_STRUCTURE = ("person", "structure")
_DECISION = ("person", "structure", "actor")
_SUBSCRIPTION = ("person", "structure", "space")
KINDS = {kind.name: kind for kind in (
    _kind(MEMBERSHIP_REQUESTED, _STRUCTURE, (SUBJECT, MANAGERS), REQUESTS_SCREEN, request=True),
    _kind(MEMBERSHIP_VALIDATED, _DECISION, (SUBJECT,), REQUESTS_SCREEN, request=True),
    _kind(MEMBERSHIP_REFUSED, _DECISION, (SUBJECT,), REQUESTS_SCREEN, request=True),
    _kind(MEMBERSHIP_WITHDRAWN, _STRUCTURE, (SUBJECT,), REQUESTS_SCREEN, request=True),
    _kind(MEMBERSHIP_DELETED, _DECISION, (SUBJECT, ACTOR), ACCOUNT_SCREEN),
    _kind(MEMBERSHIP_ADDED, _DECISION, (SUBJECT, ACTOR), ACCOUNT_SCREEN),
    _kind(ROLE_CHANGED, (*_DECISION, "role"), (SUBJECT, ACTOR), ACCOUNT_SCREEN),
    _kind(PRINCIPAL_TRANSFERRED, _DECISION, (SUBJECT, ACTOR), STRUCTURE_SCREEN),
    _kind(SUBSCRIPTION_REQUESTED, _SUBSCRIPTION, (SUBJECT, MANAGERS), REQUESTS_SCREEN, request=True),
    _kind(SUBSCRIPTION_VALIDATED, (*_SUBSCRIPTION, "actor"), (SUBJECT,), REQUESTS_SCREEN, request=True),
    _kind(SUBSCRIPTION_REFUSED, (*_SUBSCRIPTION, "actor"), (SUBJECT,), REQUESTS_SCREEN, request=True),
    _kind(SUBSCRIPTION_WITHDRAWN, _SUBSCRIPTION, (SUBJECT,), REQUESTS_SCREEN, request=True),
    _kind(SUBSCRIPTION_REMOVED, _SUBSCRIPTION, (SUBJECT,), ACCOUNT_SCREEN),
    _kind(STRUCTURE_CREATED, _STRUCTURE, (SUBJECT,), STRUCTURE_SCREEN),
    _kind(STRUCTURE_SPACE_SET, ("actor", "structure", "space"), (ACTOR,), MANAGER_SCREEN),
    _kind(STRUCTURE_SPACE_REMOVED, ("actor", "structure", "space"), (ACTOR,), MANAGER_SCREEN),
    _kind(ATTACHMENT_ADDED, ("attachment",), (SUBJECT,), ACCOUNT_SCREEN),
    _kind(ATTACHMENT_DELETED, ("attachment",), (SUBJECT,), ACCOUNT_SCREEN),
    _kind(PASSWORD_CHANGED, (), (SUBJECT,), ACCOUNT_SCREEN),
    _kind(ACCOUNT_DEACTIVATED, (), (SUBJECT,), ACCOUNT_SCREEN),
    _kind(ACCOUNT_REACTIVATED, (), (SUBJECT,), ACCOUNT_SCREEN),
    _kind(NEW_DEVICE_LOGIN, ("device",), (SUBJECT,), ACCOUNT_SCREEN),
    _kind(INVOICE_STATUS, ("number", "status", "amount", "service_id", "date"), (HOLDERS,), HOME_SCREEN),
    _kind(MEMBERSHIP_ENDING, (*_STRUCTURE, "date"), (SUBJECT, MANAGERS), ACCOUNT_SCREEN),
    _kind(MEMBERSHIP_EXTENDED, (*_DECISION, "date"), (SUBJECT, ACTOR), ACCOUNT_SCREEN),
    _kind(MEMBERSHIP_EXPIRED, (*_STRUCTURE, "date"), (SUBJECT, MANAGERS), ACCOUNT_SCREEN),
)}
REQUEST_KINDS = frozenset(name for name, kind in KINDS.items() if kind.request)
# A request's first step: « Mes demandes » starts a new request at each of these.
ASKED = frozenset({MEMBERSHIP_REQUESTED, SUBSCRIPTION_REQUESTED})
WITHDRAWN = frozenset({MEMBERSHIP_WITHDRAWN, SUBSCRIPTION_WITHDRAWN})


@dataclass(frozen=True)
class Event:
    kind: str
    at: datetime
    event_id: str
    actor_id: str | None
    subject_id: str | None
    structure_id: str | None
    params: dict = field(default_factory=dict)
    reason: str | None = None
    readers: tuple[str, ...] = ()  # the users whose feed gets it, subject first
    request: str | None = None  # which request it belongs to, for « Mes demandes »: ``membership_ref``, ...

    @property
    def message(self) -> str:
        return KINDS[self.kind].message

    @property
    def link(self) -> str:
        return KINDS[self.kind].screen.format(structure_id=self.structure_id or "")

    @property
    def expires_at(self) -> datetime:
        return self.at + KEPT_FOR


def readers(kind: str, actor_id: str | None, subject_id: str | None, managers=(), holders=()) -> tuple[str, ...]:
    """Whose feeds an event of ``kind`` goes to: the subject first (it must be in the change's own transaction),
    each user once."""
    wanted = KINDS[kind].readers
    chosen = []
    if SUBJECT in wanted:
        chosen.append(subject_id)
    if ACTOR in wanted:
        chosen.append(actor_id)
    if MANAGERS in wanted:
        chosen.extend(managers)
    if HOLDERS in wanted:
        chosen.extend(holders)
    return tuple(dict.fromkeys(user for user in chosen if user))


def make(kind: str, at: datetime, *, actor_id: str | None = None, subject_id: str | None = None,
         structure_id: str | None = None, params: dict | None = None, reason: str | None = None,
         managers=(), request: str | None = None, event_id: str | None = None, holders=()) -> Event:
    """An event of ``kind``; ValueError if its sentence would miss a parameter or the kind is unknown."""
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind}")
    params = {name: value for name, value in (params or {}).items() if value is not None}
    missing = [name for name in KINDS[kind].params if name not in params]
    if missing:
        raise ValueError(f"event {kind} needs {', '.join(missing)}")
    if KINDS[kind].request and not request:
        raise ValueError(f"event {kind} belongs to a request")
    request = request if KINDS[kind].request else None
    return Event(kind, at, event_id or secrets.token_hex(8), actor_id, subject_id, structure_id,
                 {name: str(value) for name, value in params.items()}, reason or None,
                 readers(kind, actor_id, subject_id, managers, holders), request)


def full_name(person) -> str:
    """How a sentence names a person (a profile or a rattachement, both carry the names)."""
    return f"{person.first_name} {person.last_name}".strip()


def membership_ref(structure_id: str) -> str:
    """The request a rattachement event belongs to (one rattachement per user and structure)."""
    return f"M#{structure_id}"


def subscription_ref(structure_id: str, space: str) -> str:
    """The request a subscription event belongs to: a user's request of one space of a structure (its rows, one per
    service and habilitation, are asked and mostly decided together)."""
    return f"S#{structure_id}#{space}"


def is_new(event_at: datetime, last_visit: datetime | None) -> bool:
    """Marked in the feed: what happened since the previous login (every event on a first visit)."""
    return last_visit is None or event_at > last_visit


@dataclass
class Request:
    """One request of « Mes demandes »: its steps, oldest first; pending while its last step is its asking."""

    ref: str
    steps: list[Event]

    @property
    def pending(self) -> bool:
        return self.steps[-1].kind in ASKED

    @property
    def asked_at(self) -> datetime:
        return self.steps[0].at


def requests(steps: list[Event]) -> list[Request]:
    """Group request steps into requests: a new asking starts a new request (a
    rattachement asked again after a refusal is a second request). Newest request first."""
    found: list[Request] = []
    # Steps of one moment (a frozen clock, a manager's own request granted at once): the asking comes first.
    for step in sorted(steps, key=lambda s: (s.request, s.at, s.kind not in ASKED)):
        current = found[-1] if found else None
        if current is None or current.ref != step.request or step.kind in ASKED:
            found.append(Request(step.request, [step]))
        else:
            current.steps.append(step)
    return sorted(found, key=lambda r: r.asked_at, reverse=True)


def chunks(items: list, room: int) -> tuple[list, list]:
    """What fits in the ``room`` left in a transaction, and what must follow it."""
    room = max(room, 0)
    return items[:room], items[room:]
