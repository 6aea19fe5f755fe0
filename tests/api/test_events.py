"""Events (issue 11) through the public routes: each change writes its events in its own transaction, « Fil
d'événements », « Mes demandes » with « Retirer la demande », the structures' « Historique » and its CSV exports, who
may read what, and what each screen costs."""

import csv
import io
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from chalicelib.domain import clock
from chalicelib.domain import events as rules
from tests.api.conftest import NOW, body, login, send, table_items
from tests.api.test_structures import CLAIRE, JULIE, MARC, PAUL, structure_id, user_id
from tests.api.test_subscriptions import CONSULTATION
from tests.api.test_subscriptions import ask as ask_space
from tests.api.test_subscriptions import pending as pending_subscriptions


@pytest.fixture
def renovation(client, cookies):
    return structure_id(client, cookies["paul"], "*habitat*")


def event_items() -> list[dict]:
    return [i for i in table_items() if i["pk"]["S"].split("#")[0] in ("FEED", "HISTORY", "REQUESTS")]


def where(items) -> list[tuple[str, str]]:
    """Each event item as (partition, kind), sorted."""
    return sorted((i["pk"]["S"], i["event_kind"]["S"]) for i in items)


def ask(client, cookie, sid, **changes):
    payload = {"valid_from": NOW.date().isoformat(), "valid_until": None, "comment": "Comptable", "services": []}
    return send(client, "POST", f"/structures/{sid}/memberships", {**payload, **changes}, cookie=cookie)


def decide(client, cookie, sid, who, decision, reason=None):
    return send(client, "POST", "/manager/requests/decide", {"decision": decision, "reason": reason, "requests": [
        {"structure_id": sid, "user_id": user_id(who)}]}, cookie=cookie)


def feed(client, cookie, cursor=None):
    response = send(client, "GET", "/feed" + (f"?cursor={quote(cursor)}" if cursor else ""), cookie=cookie)
    assert response.status_code == 200, response.body
    return body(response)


def my_requests(client, cookie):
    response = send(client, "GET", "/account/requests", cookie=cookie)
    assert response.status_code == 200, response.body
    return body(response)["items"]


def withdraw(client, cookie, sid, space=None):
    payload = {"structure_id": sid} | ({"space": space} if space else {})
    return send(client, "POST", "/account/requests/withdraw", payload, cookie=cookie)


def history(client, cookie, sid, query=""):
    return send(client, "GET", f"/structures/{sid}/history" + (f"?{query}" if query else ""), cookie=cookie)


# --- written with the change, and only with it -------------------------------------------------------------------

def test_a_request_writes_its_events_in_its_own_transaction(client, cookies, renovation, dynamodb_calls):
    dynamodb_calls.clear()
    assert ask(client, cookies["julie"], renovation).status_code == 201
    assert dynamodb_calls.count("TransactWriteItems") == 1
    assert "BatchWriteItem" not in dynamodb_calls  # every event item fitted in the transaction
    julie, paul = user_id(JULIE), user_id(PAUL)
    assert where(event_items()) == sorted([
        (f"FEED#{julie}", rules.MEMBERSHIP_REQUESTED), (f"FEED#{paul}", rules.MEMBERSHIP_REQUESTED),
        (f"HISTORY#{renovation}", rules.MEMBERSHIP_REQUESTED), (f"REQUESTS#{julie}", rules.MEMBERSHIP_REQUESTED),
    ])
    for item in event_items():  # each expires after 13 months, and the housekeeping finds it by its day
        expires = datetime.fromtimestamp(int(item["expires_at"]["N"]), UTC)
        assert expires == NOW + timedelta(days=396)
        assert item["gsi1pk"]["S"] == f"EXPIRY#{expires.date().isoformat()}"


def test_a_change_that_fails_writes_no_event(client, cookies, renovation):
    ask(client, cookies["julie"], renovation)
    before = event_items()
    assert ask(client, cookies["julie"], renovation).status_code == 409  # already pending
    assert ask(client, cookies["claire"], renovation, valid_from="yesterday").status_code == 422
    outcome = body(decide(client, cookies["claire"], renovation, JULIE, "VALIDER"))["results"][0]
    assert outcome["status"] is None and outcome["error"]
    assert event_items() == before


def test_a_decision_tells_the_requester_and_the_history_with_its_reason(client, cookies, renovation):
    ask(client, cookies["julie"], renovation)
    before = {(i["pk"]["S"], i["sk"]["S"]) for i in event_items()}
    assert decide(client, cookies["paul"], renovation, JULIE, "REFUSER", "Inconnue").status_code == 200
    new = [i for i in event_items() if (i["pk"]["S"], i["sk"]["S"]) not in before]
    julie = user_id(JULIE)
    assert where(new) == sorted([(f"FEED#{julie}", rules.MEMBERSHIP_REFUSED),
                                 (f"HISTORY#{renovation}", rules.MEMBERSHIP_REFUSED),
                                 (f"REQUESTS#{julie}", rules.MEMBERSHIP_REFUSED)])
    assert {i["reason"]["S"] for i in new} == {"Inconnue"}
    assert {i["actor_id"]["S"] for i in new} == {user_id(PAUL)}


@pytest.mark.parametrize("change, expected", [
    ("password", [("FEED#{me}", rules.PASSWORD_CHANGED)]),
    ("space", [("FEED#{me}", rules.STRUCTURE_SPACE_SET), ("HISTORY#{sid}", rules.STRUCTURE_SPACE_SET)]),
    ("role", [("FEED#{me}", rules.ROLE_CHANGED), ("FEED#{julie}", rules.ROLE_CHANGED),
              ("HISTORY#{sid}", rules.ROLE_CHANGED)]),
    ("end", [("FEED#{me}", rules.MEMBERSHIP_DELETED), ("FEED#{julie}", rules.MEMBERSHIP_DELETED),
             ("HISTORY#{sid}", rules.MEMBERSHIP_DELETED)]),
])
def test_each_kind_of_change_writes_its_events_and_nothing_else(client, cookies, menuiserie, change, expected):
    from tests.api.test_account import change_password

    if change == "password":
        assert change_password(client, cookies["paul"]).status_code == 200
    elif change == "space":
        response = send(client, "POST", f"/structures/{menuiserie}/spaces",
                        {"space": "Sollicitations reçues", "habilitation": "MODIFICATION"}, cookie=cookies["paul"])
        assert response.status_code == 202, response.body
    elif change == "role":
        response = send(client, "POST", f"/structures/{menuiserie}/members/{user_id(JULIE)}/role",
                        {"role": "GESTIONNAIRE_SECONDAIRE", "manager_scope": "GESTIONNAIRE"}, cookie=cookies["paul"])
        assert response.status_code == 200, response.body
    else:
        response = send(client, "POST", f"/structures/{menuiserie}/members/{user_id(JULIE)}/delete", {},
                        cookie=cookies["paul"])
        assert response.status_code == 200, response.body
    names = {"me": user_id(PAUL), "julie": user_id(JULIE), "sid": menuiserie}
    assert where(event_items()) == sorted((pk.format(**names), kind) for pk, kind in expected)


def test_a_deactivation_tells_the_account_and_withdraws_its_requests_in_the_history(client, cookies, renovation):
    ask(client, cookies["julie"], renovation)
    response = send(client, "POST", "/account/deactivation", {"successors": {}}, cookie=cookies["julie"])
    assert response.status_code == 204, response.body
    julie = user_id(JULIE)
    kinds = where(event_items())
    assert (f"FEED#{julie}", rules.ACCOUNT_DEACTIVATED) in kinds
    assert (f"HISTORY#{renovation}", rules.MEMBERSHIP_WITHDRAWN) in kinds
    assert (f"REQUESTS#{julie}", rules.MEMBERSHIP_WITHDRAWN) in kinds


def test_a_subscription_request_and_its_withdrawal(client, cookies, menuiserie):
    assert ask_space(client, cookies["julie"], menuiserie).status_code == 201
    assert len(pending_subscriptions(client, cookies["marc"], menuiserie)) == 1
    (request,) = my_requests(client, cookies["julie"])
    assert (request["request_type"], request["space"], request["pending"]) == ("subscription", "Factures reçues",
                                                                                True)
    response = withdraw(client, cookies["julie"], menuiserie, "Factures reçues")
    assert response.status_code == 200, response.body
    assert body(response) == {"withdrawn": 1}
    assert pending_subscriptions(client, cookies["marc"], menuiserie) == []
    (request,) = my_requests(client, cookies["julie"])
    assert [s["kind"] for s in request["steps"]] == [rules.SUBSCRIPTION_REQUESTED, rules.SUBSCRIPTION_WITHDRAWN]
    assert request["pending"] is False
    assert "a retiré sa demande d'abonnement" in request["steps"][1]["sentence"]
    assert withdraw(client, cookies["julie"], menuiserie, "Factures reçues").status_code == 409


def test_a_validated_subscription_cannot_be_withdrawn_as_a_request(client, cookies, menuiserie):
    ask_space(client, cookies["julie"], menuiserie)
    send(client, "POST", f"/structures/{menuiserie}/subscription-requests/decide", {
        "decision": "VALIDER", "requests": [{"user_id": user_id(JULIE), "service_code": "MOBURB",
                                             "space": "Factures reçues", "habilitation": CONSULTATION}]},
         cookie=cookies["marc"])
    before = table_items()
    response = withdraw(client, cookies["julie"], menuiserie, "Factures reçues")
    assert response.status_code == 409
    assert body(response)["code"] == "request_not_pending"
    assert table_items() == before


# --- « Fil d'événements » -----------------------------------------------------------------------------------------

def _seed_feed(user, count, start):
    from chalicelib.store import events as store

    store.save([rules.make(rules.PASSWORD_CHANGED, start + timedelta(minutes=i), actor_id=user, subject_id=user)
                for i in range(count)])


def test_the_feed_pages_newest_first_in_one_query_and_marks_what_came_since_the_previous_login(
        client, cookies, dynamodb_calls):
    julie = user_id(JULIE)
    _seed_feed(julie, 25, NOW - timedelta(minutes=20))  # 20 before the login below, 5 after it
    cookie = login(client, JULIE)  # its previous login: the fixture's, at NOW
    dynamodb_calls.clear()
    first = feed(client, cookie)
    assert dynamodb_calls == ["GetItem", "Query"]
    assert len(first["items"]) == 20 and first["next_cursor"]
    times = [item["at"] for item in first["items"]]
    assert times == sorted(times, reverse=True)
    assert [item["new"] for item in first["items"]] == [True] * 4 + [False] * 16
    assert first["last_visit"].startswith("2026-11-27T09:00:00")
    assert first["items"][0]["sentence"] == "Votre mot de passe a été modifié."
    assert first["items"][0]["link"] == "mon-compte.html"
    assert first["invoice_deposit_url"].startswith("https://")
    second = feed(client, cookie, first["next_cursor"])
    assert len(second["items"]) == 5 and second["next_cursor"] is None
    assert {i["event_id"] for i in first["items"]}.isdisjoint({i["event_id"] for i in second["items"]})
    english = send(client, "GET", "/feed", cookie=cookie, headers={"Accept-Language": "en"})
    assert body(english)["items"][0]["sentence"] == "Your password was changed."


def test_a_feed_shows_only_its_own_events(client, cookies):
    _seed_feed(user_id(PAUL), 3, NOW)
    assert feed(client, cookies["julie"])["items"] == []
    assert send(client, "GET", "/feed").status_code == 401
    assert send(client, "GET", "/feed?cursor=FEED%23x", cookie=cookies["julie"]).status_code == 422
    assert send(client, "GET", "/feed?user_id=x", cookie=cookies["julie"]).status_code == 422


# --- « Mes demandes » ---------------------------------------------------------------------------------------------

def later(client, moment):
    """Move the clock on, and log everyone in again (sessions end after 30 idle minutes)."""
    clock.set_now(moment)
    return {name: login(client, who) for name, who in
            (("paul", PAUL), ("julie", JULIE), ("marc", MARC), ("claire", CLAIRE))}


def test_my_requests_tell_each_request_with_its_decision_in_one_query(client, cookies, renovation, dynamodb_calls):
    ask(client, cookies["julie"], renovation)
    cookies = later(client, NOW + timedelta(hours=1))
    decide(client, cookies["paul"], renovation, JULIE, "REFUSER", "Inconnue ici")
    cookies = later(client, NOW + timedelta(hours=2))
    ask(client, cookies["julie"], renovation)
    dynamodb_calls.clear()
    found = my_requests(client, cookies["julie"])
    assert dynamodb_calls == ["GetItem", "Query"]
    assert [(r["request_type"], r["structure"], r["pending"], len(r["steps"])) for r in found] == [
        ("membership", "Rénovation Habitat", True, 1), ("membership", "Rénovation Habitat", False, 2)]
    refused = found[1]["steps"][1]
    assert (refused["kind"], refused["actor"], refused["reason"]) == (rules.MEMBERSHIP_REFUSED, "Paul DUPONT",
                                                                      "Inconnue ici")
    assert refused["at"].startswith("2026-11-27T10:00:00")
    assert refused["sentence"] == "Paul DUPONT a refusé le rattachement de Julie LEROY à Rénovation Habitat."
    assert my_requests(client, cookies["paul"]) == []  # another user's requests are not its own


def test_withdrawing_a_request_takes_it_off_the_managers_list(client, cookies, renovation):
    ask(client, cookies["julie"], renovation)
    waiting = body(send(client, "GET", "/manager/requests", cookie=cookies["paul"]))["requests"]
    assert [r["user_id"] for r in waiting] == [user_id(JULIE)]
    assert withdraw(client, cookies["claire"], renovation).status_code == 409  # not Claire's request
    response = withdraw(client, cookies["julie"], renovation)
    assert response.status_code == 200, response.body
    assert body(send(client, "GET", "/manager/requests", cookie=cookies["paul"]))["requests"] == []
    (request,) = my_requests(client, cookies["julie"])
    assert [s["kind"] for s in request["steps"]] == [rules.MEMBERSHIP_REQUESTED, rules.MEMBERSHIP_WITHDRAWN]
    kinds = [i["kind"] for i in body(history(client, cookies["paul"], renovation))["items"]]
    assert sorted(kinds) == [rules.MEMBERSHIP_REQUESTED, rules.MEMBERSHIP_WITHDRAWN]  # one frozen instant: any order
    assert withdraw(client, cookies["julie"], renovation).status_code == 409
    assert withdraw(client, cookies["julie"], structure_id(client, cookies["paul"], "menuiserie")).status_code == 409


def test_a_withdrawal_is_allow_listed(client, cookies, renovation):
    ask(client, cookies["julie"], renovation)
    before = table_items()
    for payload in ({"structure_id": renovation, "user_id": user_id(PAUL)}, {"structure_id": renovation,
                                                                            "space": "Mon Compte"}, {}):
        response = send(client, "POST", "/account/requests/withdraw", payload, cookie=cookies["julie"])
        assert response.status_code == 422, payload
    assert table_items() == before


# --- « Historique » -----------------------------------------------------------------------------------------------

def _story(client, cookies, renovation):
    """Julie asks, Paul refuses two days later, Claire asks two days after: the cookies of that last day."""
    ask(client, cookies["julie"], renovation)
    cookies = later(client, NOW + timedelta(days=2))
    decide(client, cookies["paul"], renovation, JULIE, "REFUSER", "Pas chez nous")
    cookies = later(client, NOW + timedelta(days=4))
    ask(client, cookies["claire"], renovation)
    return cookies


def test_the_history_lists_every_change_newest_first_in_one_query(client, cookies, renovation, dynamodb_calls):
    cookies = _story(client, cookies, renovation)
    dynamodb_calls.clear()
    response = history(client, cookies["paul"], renovation)
    assert response.status_code == 200, response.body
    assert dynamodb_calls == ["BatchGetItem", "Query"]  # session with the caller's standing; the history
    items = body(response)["items"]
    assert [(i["kind"], i["person"], i["actor"], i["reason"]) for i in items] == [
        (rules.MEMBERSHIP_REQUESTED, "Claire MARTIN", "Claire MARTIN", None),
        (rules.MEMBERSHIP_REFUSED, "Julie LEROY", "Paul DUPONT", "Pas chez nous"),
        (rules.MEMBERSHIP_REQUESTED, "Julie LEROY", "Julie LEROY", None),
    ]


@pytest.mark.parametrize("query, expected", [
    ("since=2026-11-28", ["Claire MARTIN", "Julie LEROY"]),
    ("until=2026-11-28", ["Julie LEROY"]),
    ("since=2026-11-29&until=2026-11-29", ["Julie LEROY"]),
    ("since=2026-12-02", []),
    ("user_id={julie}", ["Julie LEROY", "Julie LEROY"]),
    ("user_id={paul}", ["Julie LEROY"]),  # as the author of the refusal
    ("user_id={julie}&since=2026-11-28", ["Julie LEROY"]),
])
def test_the_history_filters_by_dates_and_user(client, cookies, renovation, query, expected):
    cookies = _story(client, cookies, renovation)
    query = query.format(julie=user_id(JULIE), paul=user_id(PAUL))
    response = history(client, cookies["paul"], renovation, query)
    assert response.status_code == 200, response.body
    assert [i["person"] for i in body(response)["items"]] == expected


def test_the_history_pages_with_its_cursor(client, cookies, renovation):
    from chalicelib.store import events as store

    store.save([rules.make(rules.STRUCTURE_SPACE_SET, NOW + timedelta(minutes=i), actor_id="x", subject_id="x",
                           structure_id=renovation, params={"actor": "X", "structure": "R", "space": "S"})
                for i in range(55)])
    first = body(history(client, cookies["paul"], renovation))
    assert len(first["items"]) == 50 and first["next_cursor"]
    second = body(history(client, cookies["paul"], renovation, f"cursor={first['next_cursor'].replace('#', '%23')}"))
    assert len(second["items"]) == 5 and second["next_cursor"] is None


def test_the_history_pages_within_dates_without_repeating_an_event(client, cookies, renovation):
    from chalicelib.store import events as store

    store.save([rules.make(rules.STRUCTURE_SPACE_SET, NOW + timedelta(hours=i), actor_id="x", subject_id="x",
                           structure_id=renovation, params={"actor": "X", "structure": "R", "space": str(i)})
                for i in range(120)])  # five days, from 27/11 10:00 (Paris)
    seen, cursor = [], None
    while True:
        query = "since=2026-11-28&until=2026-11-30" + (f"&cursor={quote(cursor)}" if cursor else "")
        page = body(history(client, cookies["paul"], renovation, query))
        seen += [i["event_id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 72  # three whole days of 24 events


@pytest.mark.parametrize("who", ["julie", "claire", "marc"])
def test_only_the_structures_managers_read_its_history(client, cookies, renovation, menuiserie, who):
    cookies = _story(client, cookies, renovation)
    for path in (f"/structures/{renovation}/history", f"/structures/{renovation}/history/export",
                 f"/structures/{renovation}/members/export"):
        response = send(client, "GET", path, cookie=cookies[who])
        assert response.status_code == 403, (who, path)
    assert history(client, cookies["paul"], "0" * 32).status_code == 403  # no such structure: nothing to manage
    assert send(client, "GET", f"/structures/{renovation}/history").status_code == 401
    # Menuiserie's history says nothing of Rénovation Habitat's requests.
    assert body(history(client, cookies["marc"], menuiserie))["items"] == []


def _csv_rows(response):
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    raw = response.body
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_the_history_exports_as_csv_with_a_bom_and_semicolons(client, cookies, renovation):
    cookies = _story(client, cookies, renovation)
    response = send(client, "GET", f"/structures/{renovation}/history/export?user_id={user_id(JULIE)}",
                    cookie=cookies["paul"])
    rows = _csv_rows(response)
    assert rows[0] == ["Date", "Événement", "Auteur", "Personne", "Description", "Motif"]
    assert rows[1] == ["29/11/2026 10:00", rules.MEMBERSHIP_REFUSED, "Paul DUPONT", "Julie LEROY",
                       "Paul DUPONT a refusé le rattachement de Julie LEROY à Rénovation Habitat.", "Pas chez nous"]
    assert len(rows) == 3
    assert b";" in response.body.splitlines()[0]


def test_the_users_and_their_rights_export_the_same_way(client, cookies, menuiserie):
    rows = _csv_rows(send(client, "GET", f"/structures/{menuiserie}/members/export", cookie=cookies["marc"]))
    assert rows[0][:4] == ["Nom", "Prénom", "Adresse électronique", "Rôle"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["DUPONT"][3] == "GESTIONNAIRE_PRINCIPAL"
    assert by_name["LEROY"][8] == "MOBURB"
    assert "Accueil connecté" in by_name["LEROY"][9]


# --- limits and expiry --------------------------------------------------------------------------------------------

def test_feed_items_past_a_transactions_room_follow_it(client):
    from pynamodb.transactions import TransactWrite

    from chalicelib.store import events as store
    from chalicelib.store.models import transaction_connection

    managers = [f"manager{i}" for i in range(150)]
    event = rules.make(rules.MEMBERSHIP_REQUESTED, NOW, actor_id="julie", subject_id="julie", structure_id="s1",
                       params={"person": "J", "structure": "S"}, managers=managers, request="M#s1")
    transaction = TransactWrite(connection=transaction_connection())
    for _ in range(40):
        transaction.condition_check(store.EventRecord, "x", "y", condition=store.EventRecord.pk.exists())
    rest = store.add(transaction, [event])
    # history, request step and the requester's feed inside; then managers' feeds up to 100 items
    assert len(transaction._put_items) == 60
    assert len(rest) == 150 - 57
    assert {item.pk for item in rest} == {f"FEED#{m}" for m in managers[57:]}
    # A change that nearly fills its transaction still goes through: what does not fit follows it.
    full = TransactWrite(connection=transaction_connection())
    for _ in range(99):
        full.condition_check(store.EventRecord, "x", "y", condition=store.EventRecord.pk.exists())
    rest = store.add(full, [event])
    assert len(full._put_items) == 1 and len(rest) == 3 + 150 - 1
    assert full._put_items[0]["Item"]["pk"]["S"] == "HISTORY#s1"


def test_the_housekeeping_deletes_events_older_than_thirteen_months(client, cookies, renovation):
    from chalicelib.jobs import housekeeping

    ask(client, cookies["julie"], renovation)
    assert len(event_items()) == 4
    clock.set_now(NOW + timedelta(days=395))
    housekeeping.run()
    assert len(event_items()) == 4
    clock.set_now(NOW + timedelta(days=396, minutes=1))
    housekeeping.run()
    assert event_items() == []


def test_a_login_from_a_browser_never_seen_is_in_the_feed(client, monkeypatch):
    from tests.api.test_security import CHROME, FIREFOX, login_with

    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "1")
    login_with(client, FIREFOX, JULIE)  # the first browser recorded: nothing to compare with
    login_with(client, FIREFOX, JULIE)
    assert event_items() == []
    cookie = login_with(client, CHROME, JULIE)
    (item,) = feed(client, cookie)["items"]
    assert item["kind"] == rules.NEW_DEVICE_LOGIN
    assert item["sentence"].startswith("Connexion depuis un nouvel appareil : Chrome")
    assert "203.0.113.7" in item["sentence"]
