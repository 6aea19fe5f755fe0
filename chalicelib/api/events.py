"""Events (issue 11): « Fil d'événements » of « Accueil connecté », « Mes demandes », and the « Historique » of
« Activité du gestionnaire » with its CSV exports."""

from chalice import Blueprint, Response

from chalicelib.api.http import API_HEADERS, endpoint

blueprint = Blueprint(__name__)


def _query(query) -> dict:
    return query.model_dump() if query is not None else {}


def _csv_response(data: bytes, name: str) -> Response:
    # Chalice encodes a text body as UTF-8 again: the BOM written by the service survives as its character.
    return Response(body=data.decode("utf-8"), status_code=200, headers={
        **API_HEADERS, "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{name}"'})


@endpoint(blueprint, "/feed", "GET", query="FeedQuery", response="FeedPage")
def read_feed(session, query, language, **_):
    """« Fil d'événements »: the caller's events, newest first, one page; those since the previous login marked."""
    from chalicelib.api.shapes import feed_page
    from chalicelib.services import events

    return feed_page(events.feed(session, query.cursor), language)


@endpoint(blueprint, "/account/requests", "GET", response="MyRequests")
def read_my_requests(session, language, **_):
    """« Mes demandes »: every request the caller made, with its steps (asked, decided by whom, when, why)."""
    from chalicelib.api.shapes import my_requests
    from chalicelib.services import events

    return my_requests(events.my_requests(session), language)


@endpoint(blueprint, "/account/requests/withdraw", "POST", body="RequestWithdrawal", response="Withdrawn")
def withdraw_request(session, body, **_):
    """« Retirer la demande »: a pending rattachement (no space) or pending subscription requests of one space."""
    from chalicelib.api.schemas import Withdrawn
    from chalicelib.services import events

    return Withdrawn(withdrawn=events.withdraw(session, body.structure_id, body.space))


@endpoint(blueprint, "/structures/{structure_id}/history", "GET", query="HistoryQuery", response="HistoryPage",
          membership_of="structure_id")
def read_history(session, query, language, structure_id, **_):
    """« Historique »: every decision and change on the structure, newest first, by dates and user; managers only."""
    from chalicelib.api.schemas import HistoryPage
    from chalicelib.api.shapes import event_out
    from chalicelib.services import events

    page = events.history(session, structure_id, _query(query))
    return HistoryPage(items=[event_out(e, language) for e in page.events], next_cursor=page.next_cursor)


@endpoint(blueprint, "/structures/{structure_id}/history/export", "GET", query="HistoryQuery", response=None,
          media_type="text/csv", membership_of="structure_id")
def export_history(session, query, language, structure_id, **_):
    """« Exporter » the history as filtered: CSV, UTF-8 with BOM, ``;``."""
    from chalicelib.api.event_messages import CSV_HEADERS, sentence
    from chalicelib.services import events

    data = events.history_csv(session, structure_id, _query(query), lambda e: sentence(e, language),
                              CSV_HEADERS[language]["history"])
    return _csv_response(data, "historique.csv")


@endpoint(blueprint, "/structures/{structure_id}/members/export", "GET", response=None, media_type="text/csv",
          membership_of="structure_id")
def export_members(session, language, structure_id, **_):
    """« Exporter les utilisateurs »: the structure's users and their rights, CSV as the history."""
    from chalicelib.api.event_messages import CSV_HEADERS
    from chalicelib.services import events

    return _csv_response(events.members_csv(session, structure_id, CSV_HEADERS[language]["members"]),
                         "utilisateurs.csv")
