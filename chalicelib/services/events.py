"""Events (issue 11): the events each change writes with itself, and the screens that read them: « Fil
d'événements » of « Accueil connecté », « Mes demandes », and « Historique » of « Activité du gestionnaire » with its
CSV exports."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain import entities
from chalicelib.domain import events as rules
from chalicelib.domain.errors import ConcurrentChange, RequestNotPending
from chalicelib.domain.events import full_name
from chalicelib.services.auth import CurrentSession
from chalicelib.store import events as store

FEED_PAGE = 20
HISTORY_PAGE = 50
EXPORT_MAX_PAGES = 100  # an export reads at most this many pages of history (5,000 events)
PARIS = ZoneInfo("Europe/Paris")


# Events a change writes (built before the change, committed with it) --------------------------------------------

def about_membership(kind: str, membership: entities.Membership, at: datetime, actor=None, reason: str | None = None,
                     managers=(), **params) -> rules.Event:
    """An event about a rattachement; ``actor`` (a rattachement or a profile) made the change, its member otherwise."""
    return rules.make(
        kind, at, actor_id=actor.user_id if actor else membership.user_id, subject_id=membership.user_id,
        structure_id=membership.structure_id, reason=reason, managers=managers,
        request=rules.membership_ref(membership.structure_id),
        params={"person": full_name(membership), "structure": membership.designation,
                "actor": full_name(actor or membership), **params},
    )


def about_subscriptions(kind: str, rows: list[entities.Subscription], at: datetime, actor=None,
                        reason: str | None = None, managers=()) -> list[rules.Event]:
    """One event per structure and space of ``rows`` (a user's rows asked or decided together)."""
    groups: dict[tuple, list[entities.Subscription]] = {}
    for row in rows:
        groups.setdefault((row.user_id, row.structure_id, row.space), []).append(row)
    found = []
    for (user_id, structure_id, space), part in groups.items():
        first = part[0]
        services = sorted({row.service_name or row.service_code for row in part if row.service_code})
        found.append(rules.make(
            kind, at, actor_id=actor.user_id if actor else user_id, subject_id=user_id, structure_id=structure_id,
            reason=reason, managers=managers, request=rules.subscription_ref(structure_id, space),
            params={"person": full_name(first), "structure": first.designation, "space": space,
                    "actor": full_name(actor or first), "services": ", ".join(services) or None,
                    "habilitations": ", ".join(sorted({row.habilitation for row in part}))},
        ))
    return found


def about_account(kind: str, user_id: str, at: datetime, **params) -> rules.Event:
    return rules.make(kind, at, actor_id=user_id, subject_id=user_id, params=params)


def about_structure(kind: str, structure_id: str, designation: str, actor, at: datetime, **params) -> rules.Event:
    return rules.make(kind, at, actor_id=actor.user_id, subject_id=actor.user_id, structure_id=structure_id,
                      params={"actor": full_name(actor), "person": full_name(actor), "structure": designation,
                              **params})


# « Fil d'événements » --------------------------------------------------------------------------------------------

@dataclass
class FeedPage:
    events: list[rules.Event]
    next_cursor: str | None
    last_visit: datetime | None


def feed(current: CurrentSession, cursor: str | None) -> FeedPage:
    """The caller's events, newest first: one Query besides the session. What is new is what came since the
    previous login, which the session carries: marking costs no write."""
    found, next_cursor = store.feed(current.user_id, FEED_PAGE, cursor)
    return FeedPage(found, next_cursor, current.previous_login_at)


# « Mes demandes » ------------------------------------------------------------------------------------------------

def my_requests(current: CurrentSession) -> list[rules.Request]:
    """Every request the caller made, with its steps: one Query besides the session."""
    return rules.requests(store.request_steps(current.user_id))


# « Historique » ----------------------------------------------------------------------------------------------------

@dataclass
class HistoryPage:
    events: list[rules.Event]
    next_cursor: str | None


def _bounds(query: dict) -> tuple[datetime | None, datetime | None]:
    """The days asked (French calendar days, both included) as moments."""
    since = query.get("since")
    until = query.get("until")
    return (datetime.combine(since, time.min, PARIS) if since else None,
            datetime.combine(until + timedelta(days=1), time.min, PARIS) if until else None)


def history(current: CurrentSession, structure_id: str, query: dict) -> HistoryPage:
    """The structure's history for its managers: one Query besides the session (which brought the caller's
    standing)."""
    from chalicelib.services.memberships import as_manager

    as_manager(current, structure_id)
    since, until = _bounds(query)
    found, next_cursor = store.history(structure_id, HISTORY_PAGE, query.get("cursor"), since, until,
                                       query.get("user_id"))
    return HistoryPage(found, next_cursor)


def _csv(header: list[str], rows) -> bytes:
    """UTF-8 with a BOM (so that a spreadsheet reads accents right) and ``;`` (what French spreadsheets expect)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _local(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def history_csv(current: CurrentSession, structure_id: str, query: dict, sentence, header: list[str]) -> bytes:
    """The history as filtered, every page of it, as CSV; ``sentence(event)`` words an event in the caller's
    language."""
    from chalicelib.services.memberships import as_manager

    as_manager(current, structure_id)
    since, until = _bounds(query)
    rows, cursor = [], None
    for _ in range(EXPORT_MAX_PAGES):
        found, cursor = store.history(structure_id, HISTORY_PAGE, cursor, since, until, query.get("user_id"))
        rows += [[_local(e.at), e.kind, e.params.get("actor", ""), e.params.get("person", ""), sentence(e),
                  e.reason or ""] for e in found]
        if cursor is None:
            break
    return _csv(header, rows)


def members_csv(current: CurrentSession, structure_id: str, header: list[str]) -> bytes:
    """The structure's users and their rights (role, status, validity, services and spaces held)."""
    from chalicelib.services.memberships import as_manager
    from chalicelib.store import memberships, subscriptions

    as_manager(current, structure_id)
    held: dict[str, list[str]] = {}
    for row in subscriptions.of_structure(structure_id):
        label = f"{row.space} ({row.habilitation}{', ' + row.service_code if row.service_code else ''})"
        held.setdefault(row.user_id, []).append(f"{label} {row.status}")
    rows = []
    for m in sorted(memberships.members(structure_id), key=lambda m: (m.last_name.casefold(),
                                                                     m.first_name.casefold())):
        rows.append([m.last_name, m.first_name, m.contact_email, m.role, m.manager_scope or "", m.status,
                     m.valid_from.isoformat() if m.valid_from else "",
                     m.valid_until.isoformat() if m.valid_until else "",
                     ", ".join(s.code for s in m.services), " | ".join(sorted(held.get(m.user_id, [])))])
    return _csv(header, rows)


def withdraw(current: CurrentSession, structure_id: str, space: str | None) -> int:
    """« Retirer la demande »: the caller's pending rattachement to a structure (no ``space``), or its pending
    subscription requests of one space; its managers no longer see it. RequestNotPending if it was decided meanwhile.
    Returns how many rows were withdrawn."""
    from chalicelib.domain.clock import now
    from chalicelib.domain.memberships import MEMBERSHIP
    from chalicelib.domain.memberships import PENDING as MEMBERSHIP_PENDING
    from chalicelib.domain.subscriptions import SUBSCRIPTION
    from chalicelib.store import memberships, subscriptions

    moment = now()
    if space is None:
        membership = memberships.get_membership(current.user_id, structure_id)
        if membership is None or membership.status != MEMBERSHIP_PENDING:
            raise RequestNotPending()
        memberships.end_membership(membership, MEMBERSHIP.transition("withdraw"), [], events=[
            about_membership(rules.MEMBERSHIP_WITHDRAWN, membership, moment)])
        return 1
    asked = SUBSCRIPTION.transition("request").target
    rows = [row for row in subscriptions.of_user(current.user_id, structure_id)
            if row.space == space and row.status == asked]
    if not rows:
        raise RequestNotPending()
    try:
        subscriptions.remove(rows, SUBSCRIPTION.transition("withdraw"),
                             lambda part: about_subscriptions(rules.SUBSCRIPTION_WITHDRAWN, part, moment))
    except ConcurrentChange:
        raise RequestNotPending() from None
    return len(rows)
