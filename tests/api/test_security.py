"""« Sécurité et confidentialité »: « Mes sessions », « Historique de connexion », the second factor (TOTP)."""

from datetime import timedelta

import pyotp
import pytest

from chalicelib.domain import clock
from chalicelib.jobs import housekeeping
from tests.api.conftest import NOW, body, login, send, sent_mails, table_items
from tests.api.test_structures import CLAIRE, JULIE, MARC
from tests.conftest import DEMO_PASSWORD, PAUL

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
CHROME = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
          "Safari/537.36")
SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.1 Mobile/15E148 Safari/604.1")


@pytest.fixture(autouse=True)
def behind_cloudfront(monkeypatch):
    """The source address is the one the proxy forwards, as in the cloud."""
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "1")


def login_with(client, agent, login_name=PAUL, source="203.0.113.7"):
    response = send(client, "POST", "/auth/login", {"login": login_name, "password": DEMO_PASSWORD},
                    headers={"User-Agent": agent, "X-Forwarded-For": source})
    assert response.status_code == 200, response.body
    return response.headers["Set-Cookie"].split(";")[0]


def overview(client, cookie):
    response = send(client, "GET", "/account/security", cookie=cookie)
    assert response.status_code == 200, response.body
    return body(response)


# --- « Mes sessions » -------------------------------------------------------------------------------------------------

def test_the_sessions_list_shows_only_ones_own_sessions_with_browser_system_and_times(client, dynamodb_calls):
    firefox = login_with(client, FIREFOX)
    clock.set_now(NOW + timedelta(minutes=1))
    login_with(client, CHROME)
    login_with(client, SAFARI, JULIE)
    dynamodb_calls.clear()
    sessions = overview(client, firefox)["sessions"]
    assert dynamodb_calls == ["GetItem", "Query"]  # the session, then the security partition
    assert [(s["browser"], s["system"], s["current"]) for s in sessions] == [
        ("Firefox 121", "Windows 10", True), ("Chrome 120", "Linux", False)]
    assert sessions[0]["started_at"] == "2026-11-27T09:00:00Z"
    assert sessions[1]["started_at"] == sessions[1]["last_active_at"] == "2026-11-27T09:01:00Z"
    assert all(len(s["session_id"]) == 16 for s in sessions)


def test_closing_a_session_logs_it_out_at_once(client):
    firefox, chrome = login_with(client, FIREFOX), login_with(client, CHROME)
    other = next(s for s in overview(client, firefox)["sessions"] if not s["current"])
    assert send(client, "GET", "/me", cookie=chrome).status_code == 200
    closed = send(client, "POST", f"/account/sessions/{other['session_id']}/close", {}, cookie=firefox)
    assert closed.status_code == 204 and "Set-Cookie" not in closed.headers
    assert send(client, "GET", "/me", cookie=chrome).status_code == 401
    assert send(client, "GET", "/me", cookie=firefox).status_code == 200
    assert [s["current"] for s in overview(client, firefox)["sessions"]] == [True]
    again = send(client, "POST", f"/account/sessions/{other['session_id']}/close", {}, cookie=firefox)
    assert again.status_code == 404


def test_closing_the_current_session_is_a_logout(client):
    cookie = login_with(client, FIREFOX)
    current = overview(client, cookie)["sessions"][0]
    closed = send(client, "POST", f"/account/sessions/{current['session_id']}/close", {}, cookie=cookie)
    assert closed.status_code == 204 and "Max-Age=0" in closed.headers["Set-Cookie"]
    assert send(client, "GET", "/me", cookie=cookie).status_code == 401


def test_another_users_session_is_not_found_and_stays_open(client):
    julie = login_with(client, SAFARI, JULIE)
    julies = overview(client, julie)["sessions"][0]["session_id"]
    paul = login_with(client, FIREFOX)
    for session_id in (julies, "0" * 16, "not-an-id", "A" * 16):
        response = send(client, "POST", f"/account/sessions/{session_id}/close", {}, cookie=paul)
        assert response.status_code == 404, session_id
        assert body(response)["code"] == "not_found"
    assert send(client, "GET", "/me", cookie=julie).status_code == 200


def test_closing_all_other_sessions_keeps_the_current_one_and_the_history(client):
    current = login_with(client, FIREFOX)
    others = [login_with(client, CHROME), login_with(client, SAFARI)]
    julie = login_with(client, SAFARI, JULIE)
    response = send(client, "POST", "/account/sessions/close-others", {}, cookie=current)
    assert body(response) == {"closed": 2}
    assert [send(client, "GET", "/me", cookie=c).status_code for c in others] == [401, 401]
    assert send(client, "GET", "/me", cookie=current).status_code == 200
    assert send(client, "GET", "/me", cookie=julie).status_code == 200
    view = overview(client, current)
    assert len(view["sessions"]) == 1 and len(view["history"]) == 3  # the history is not a session


# --- « Historique de connexion » --------------------------------------------------------------------------------------

def test_the_history_lists_logins_failures_locks_and_password_changes(client):
    wrong = send(client, "POST", "/auth/login", {"login": PAUL, "password": "Pas-le-bon-1"},
                 headers={"User-Agent": CHROME, "X-Forwarded-For": "198.51.100.9"})
    assert wrong.status_code == 401
    clock.set_now(NOW + timedelta(minutes=1))
    cookie = login_with(client, FIREFOX)
    clock.set_now(NOW + timedelta(minutes=2))
    account = body(send(client, "GET", "/account", cookie=cookie))
    from tests.api.conftest import update_payload

    new_password = "Tenon-Mortaise-Varlope-77"
    changed = send(client, "PUT", "/account", update_payload(account, password={
        "current": DEMO_PASSWORD, "new": new_password, "confirmation": new_password}), cookie=cookie)
    assert changed.status_code == 200, changed.body
    history = overview(client, cookie)["history"]
    assert [(h["event"], h["browser"]) for h in history] == [
        ("PASSWORD_CHANGE", "Firefox 121"), ("LOGIN", "Firefox 121"), ("FAILURE", "Chrome 120")]
    assert history[2]["system"] == "Linux" and history[2]["source"] == "198.51.100.9"
    assert history[1]["at"] == "2026-11-27T09:01:00Z"


def test_a_lock_is_in_the_history_and_an_unknown_login_leaves_none(client):
    moment = NOW
    for attempt in range(10):
        # from the 5th failure, each attempt waits 1, 2, 4, 8 minutes (domain/throttle.py)
        moment += timedelta(seconds=1) if attempt < 5 else timedelta(minutes=2 ** (attempt - 5), seconds=1)
        clock.set_now(moment)
        refused = send(client, "POST", "/auth/login", {"login": JULIE, "password": f"Pas-le-bon-{attempt}"})
        assert refused.status_code == 401, (attempt, refused.body)
    send(client, "POST", "/auth/login", {"login": "personne@exemple.fr", "password": "Pas-le-bon-1"})
    events = [i for i in table_items() if i["kind"]["S"] == "LOGIN_EVENT"]
    assert [e["event"]["S"] for e in events].count("FAILURE") == 10
    assert any(e["event"]["S"] == "LOCK" for e in events)
    assert {e["user_id"]["S"] for e in events} == {body_user_id(JULIE)}


def body_user_id(login_name):
    from chalicelib.store import accounts

    return accounts.find_user_id(login_name)


def test_history_lines_expire_after_90_days_and_housekeeping_removes_them(client):
    login_with(client, FIREFOX)
    line = next(i for i in table_items() if i["kind"]["S"] == "LOGIN_EVENT")
    assert int(line["expires_at"]["N"]) == int((NOW + timedelta(days=90)).timestamp())
    assert "raw" not in str(line) and "Mozilla" not in str(line)  # names only, never the User-Agent
    clock.set_now(NOW + timedelta(days=89))
    housekeeping.run()
    assert any(i["kind"]["S"] == "LOGIN_EVENT" for i in table_items())
    clock.set_now(NOW + timedelta(days=90, minutes=1))
    housekeeping.run()
    assert not any(i["kind"]["S"] == "LOGIN_EVENT" for i in table_items())


def test_a_browser_never_seen_mails_the_user_once(client):
    login_with(client, FIREFOX)
    assert sent_mails() == []  # the first login recorded has nothing to compare with
    login_with(client, FIREFOX)
    login_with(client, CHROME, source="192.0.2.44")
    mails = sent_mails()
    assert [m["Subject"] for m in mails] == ["Nouvelle connexion à votre compte Chorus Pro"]
    text = mails[0].get_body(("plain",)).get_content()
    assert "Chrome 120" in text and "192.0.2.44" in text
    assert "/securite.html" in text and "/mon-compte.html" in text and mails[0]["To"] == PAUL
    login_with(client, CHROME.replace("Chrome/120", "Chrome/121"))  # an update is the same browser
    assert len(sent_mails()) == 1


# --- Second factor ----------------------------------------------------------------------------------------------------

def enable(client, cookie, at=NOW):
    clock.set_now(at)
    setup = body(send(client, "POST", "/account/second-factor/setup", {}, cookie=cookie))
    assert setup["qr_svg"].startswith("<svg") and setup["uri"].startswith("otpauth://totp/")
    totp = pyotp.TOTP(setup["secret"])
    confirmed = send(client, "POST", "/account/second-factor", {"code": totp.at(at)}, cookie=cookie)
    assert confirmed.status_code == 200, confirmed.body
    return totp, body(confirmed)["recovery_codes"]


def password_step(client, login_name=PAUL):
    response = send(client, "POST", "/auth/login", {"login": login_name, "password": DEMO_PASSWORD})
    assert response.status_code == 202, response.body
    assert "Set-Cookie" not in response.headers
    return body(response)["challenge"]


def code_step(client, challenge, code):
    return send(client, "POST", "/auth/login/second-factor", {"challenge": challenge, "code": code})


def test_turning_the_second_factor_on_then_logging_in_with_a_code(client, dynamodb_calls):
    cookie = login(client)
    wrong = send(client, "POST", "/account/second-factor/setup", {}, cookie=cookie)
    refused = send(client, "POST", "/account/second-factor", {"code": "000000"}, cookie=cookie)
    assert refused.status_code == 400 and body(refused)["code"] == "invalid_second_factor_code"
    totp = pyotp.TOTP(body(wrong)["secret"])
    confirmed = send(client, "POST", "/account/second-factor", {"code": totp.at(NOW)}, cookie=cookie)
    codes = body(confirmed)["recovery_codes"]
    assert len(codes) == len(set(codes)) == 10
    stored = str(table_items())
    assert not any(code in stored for code in codes)  # hashed
    assert overview(client, cookie)["second_factor"] == {
        "enabled": True, "enabled_at": "2026-11-27T09:00:00Z", "recovery_codes_left": 10}
    assert {h["event"] for h in overview(client, cookie)["history"]} == {"LOGIN", "FAILURE", "SECOND_FACTOR_ON"}

    clock.set_now(NOW + timedelta(minutes=2))
    dynamodb_calls.clear()
    challenge = password_step(client)
    password_calls = list(dynamodb_calls)
    assert password_calls == ["BatchGetItem", "GetItem", "BatchGetItem", "UpdateItem"]
    dynamodb_calls.clear()
    answer = code_step(client, challenge, totp.at(NOW + timedelta(minutes=2)))
    assert answer.status_code == 200, answer.body
    assert dynamodb_calls == ["GetItem", "TransactWriteItems"]  # one GetItem more than a login without it
    new_cookie = answer.headers["Set-Cookie"].split(";")[0]
    assert body(answer)["first_name"] == "Paul"
    assert send(client, "GET", "/me", cookie=new_cookie).status_code == 200


def test_the_password_step_alone_opens_no_session_and_its_challenge_is_single_use(client):
    totp, _ = enable(client, login(client))
    clock.set_now(NOW + timedelta(minutes=2))
    challenge = password_step(client)
    assert send(client, "GET", "/me", headers={"Cookie": f"__Host-mc_session={challenge}"}).status_code == 401
    assert code_step(client, challenge, totp.at(NOW + timedelta(minutes=2))).status_code == 200
    clock.set_now(NOW + timedelta(minutes=3))
    reused = code_step(client, challenge, totp.at(NOW + timedelta(minutes=3)))
    assert reused.status_code == 401 and body(reused)["code"] == "second_factor_expired"


def test_a_challenge_expires_after_five_minutes_and_cannot_be_forged(client):
    totp, _ = enable(client, login(client))
    clock.set_now(NOW + timedelta(minutes=2))
    challenge = password_step(client)
    user_id, token = challenge.split(".")
    forged = code_step(client, f"{user_id}.{'A' * 43}", totp.at(NOW + timedelta(minutes=2)))
    assert forged.status_code == 401
    other = code_step(client, f"{body_user_id(JULIE)}.{token}", totp.at(NOW + timedelta(minutes=2)))
    assert other.status_code == 401
    clock.set_now(NOW + timedelta(minutes=7))
    late = code_step(client, challenge, totp.at(NOW + timedelta(minutes=7)))
    assert late.status_code == 401 and body(late)["code"] == "second_factor_expired"


@pytest.mark.parametrize("offset, accepted", [
    (-31, False), (-30, True), (0, True), (59, True), (60, False),
])
def test_codes_are_accepted_one_step_either_side(client, offset, accepted):
    totp, _ = enable(client, login(client), at=NOW - timedelta(minutes=5))
    clock.set_now(NOW)  # NOW starts a 30-second step
    challenge = password_step(client)
    answer = code_step(client, challenge, totp.at(NOW + timedelta(seconds=offset)))
    assert (answer.status_code == 200) is accepted, answer.body


def test_a_used_code_cannot_be_replayed_nor_an_older_one(client):
    totp, _ = enable(client, login(client), at=NOW - timedelta(minutes=5))
    clock.set_now(NOW)
    assert code_step(client, password_step(client), totp.at(NOW)).status_code == 200
    replay = code_step(client, password_step(client), totp.at(NOW))
    assert replay.status_code == 400 and body(replay)["code"] == "invalid_second_factor_code"
    older = code_step(client, password_step(client), totp.at(NOW - timedelta(seconds=30)))
    assert older.status_code == 400
    clock.set_now(NOW + timedelta(seconds=30))
    assert code_step(client, password_step(client), totp.at(NOW + timedelta(seconds=30))).status_code == 200


def test_recovery_codes_are_single_use(client):
    totp, codes = enable(client, login(client))
    clock.set_now(NOW + timedelta(minutes=2))
    first = code_step(client, password_step(client), codes[0].upper().replace("-", " "))
    assert first.status_code == 200, first.body
    again = code_step(client, password_step(client), codes[0])
    assert again.status_code == 400
    assert code_step(client, password_step(client), codes[1]).status_code == 200
    cookie = first.headers["Set-Cookie"].split(";")[0]
    assert overview(client, cookie)["second_factor"]["recovery_codes_left"] == 8


def test_codes_are_throttled_like_passwords(client):
    totp, _ = enable(client, login(client))
    clock.set_now(NOW + timedelta(minutes=2))
    challenge = password_step(client)
    for attempt in range(5):
        assert code_step(client, challenge, f"{attempt:06d}").status_code == 400
    now = NOW + timedelta(minutes=2)
    waiting = code_step(client, challenge, totp.at(now))
    assert waiting.status_code == 429 and waiting.headers["Retry-After"] == "60"
    clock.set_now(now + timedelta(seconds=61))
    challenge = password_step(client)
    assert code_step(client, challenge, totp.at(now + timedelta(seconds=61))).status_code == 200


def test_turning_it_off_asks_the_password_and_a_code(client):
    cookie = login(client)
    totp, _ = enable(client, cookie)
    clock.set_now(NOW + timedelta(minutes=2))
    code = totp.at(NOW + timedelta(minutes=2))
    wrong_password = send(client, "POST", "/account/second-factor/off", {"password": "Pas-le-bon-1", "code": code},
                          cookie=cookie)
    assert wrong_password.status_code == 400 and body(wrong_password)["code"] == "wrong_current_password"
    wrong_code = send(client, "POST", "/account/second-factor/off", {"password": DEMO_PASSWORD, "code": "123456"},
                      cookie=cookie)
    assert wrong_code.status_code == 400
    off = send(client, "POST", "/account/second-factor/off", {"password": DEMO_PASSWORD, "code": code}, cookie=cookie)
    assert off.status_code == 204
    assert overview(client, cookie)["second_factor"]["enabled"] is False
    login(client)  # no code asked any more


def test_setup_twice_and_off_when_off_are_conflicts(client):
    cookie = login(client)
    off = send(client, "POST", "/account/second-factor/off", {"password": DEMO_PASSWORD, "code": "123456"},
               cookie=cookie)
    assert off.status_code == 409
    enable(client, cookie)
    again = send(client, "POST", "/account/second-factor/setup", {}, cookie=cookie)
    assert again.status_code == 409 and body(again)["code"] == "second_factor_already_on"


# --- Authorization matrix ---------------------------------------------------------------------------------------------

NEW_ROUTES = [
    ("GET", "/account/security", None),
    ("POST", "/account/sessions/{sid}/close", {}),
    ("POST", "/account/sessions/close-others", {}),
    ("POST", "/account/second-factor/setup", {}),
    ("POST", "/account/second-factor", {"code": "123456"}),
    ("POST", "/account/second-factor/off", {"password": DEMO_PASSWORD, "code": "123456"}),
]


@pytest.mark.parametrize("method, path, payload", NEW_ROUTES)
def test_every_new_route_needs_a_session(client, method, path, payload):
    response = send(client, method, path.format(sid="0" * 16), payload)
    assert response.status_code == 401 and body(response)["code"] == "not_authenticated"


def test_every_new_route_acts_on_the_callers_own_account_only(client):
    claire = login_with(client, SAFARI, CLAIRE)
    claires_session = overview(client, claire)["sessions"][0]["session_id"]
    before = [i for i in table_items() if i["pk"]["S"].startswith("SESSION#") and CLAIRE_ID(i)]
    paul = login(client)
    assert send(client, "POST", f"/account/sessions/{claires_session}/close", {}, cookie=paul).status_code == 404
    assert body(send(client, "POST", "/account/sessions/close-others", {}, cookie=paul)) == {"closed": 0}
    paul_view = overview(client, paul)
    assert claires_session not in [s["session_id"] for s in paul_view["sessions"]]
    assert all(h["browser"] != "Mobile Safari 17" for h in paul_view["history"])
    enable(client, paul)
    after = [i for i in table_items() if i["pk"]["S"].startswith("SESSION#") and CLAIRE_ID(i)]
    assert after == before
    assert send(client, "GET", "/me", cookie=claire).status_code == 200


def CLAIRE_ID(item):  # noqa: N802
    return item["pk"]["S"] == f"SESSION#{body_user_id(CLAIRE)}"


def test_the_second_step_of_login_is_open_without_a_session_but_checks_its_input(client):
    response = send(client, "POST", "/auth/login/second-factor", {"challenge": "x", "code": "123456"})
    assert response.status_code == 401 and body(response)["code"] == "second_factor_expired"
    extra = send(client, "POST", "/auth/login/second-factor", {"challenge": "x", "code": "1", "user_id": "y"})
    assert extra.status_code == 422


def test_a_principal_manager_is_encouraged_to_turn_the_second_factor_on(client, dynamodb_calls):
    paul = login(client)
    dynamodb_calls.clear()
    assert body(send(client, "GET", "/manager/requests", cookie=paul))["second_factor_advised"] is True
    assert dynamodb_calls == ["GetItem", "Query"]  # the notice costs no request
    enable(client, paul)
    assert body(send(client, "GET", "/manager/requests", cookie=paul))["second_factor_advised"] is False
    marc = login(client, MARC)  # a secondary manager is not the one asked
    assert body(send(client, "GET", "/manager/requests", cookie=marc))["second_factor_advised"] is False


def test_a_long_history_still_costs_one_bounded_query_and_keeps_every_session(client, dynamodb_calls):
    from chalicelib.domain import entities
    from chalicelib.store import sessions as session_store

    cookies = [login_with(client, agent) for agent in (FIREFOX, CHROME, SAFARI)]
    user_id = body_user_id(PAUL)
    session_store.add_events([entities.LoginEvent(user_id, NOW - timedelta(minutes=n), "FAILURE", "Firefox 121")
                              for n in range(1, 600)])
    dynamodb_calls.clear()
    view = overview(client, cookies[0])
    assert dynamodb_calls == ["GetItem", "Query"]
    assert len(view["sessions"]) == 3
    assert view["history"][0]["event"] == "LOGIN" and 300 < len(view["history"]) < 400
    assert body(send(client, "POST", "/account/sessions/close-others", {}, cookie=cookies[0])) == {"closed": 2}


def test_a_reset_password_is_in_the_history(client):
    from tests.api.test_lifecycle import NEW, last_link

    assert send(client, "POST", "/auth/password-reset/request", {"login": MARC}).status_code == 202
    clock.set_now(NOW + timedelta(minutes=1))
    reset = send(client, "POST", "/auth/password-reset",
                 {"token": last_link(), "secret_answer": "toto", "password": NEW, "confirmation": NEW})
    assert reset.status_code == 200, reset.body
    clock.set_now(NOW + timedelta(minutes=2))
    cookie = login(client, MARC, NEW)
    assert [h["event"] for h in overview(client, cookie)["history"]] == ["LOGIN", "PASSWORD_RESET"]


def test_an_account_deactivated_between_the_two_steps_gets_no_session(client):
    julie = login(client, JULIE)
    totp, _ = enable(client, julie)
    clock.set_now(NOW + timedelta(minutes=2))
    challenge = password_step(client, JULIE)
    other = code_step(client, password_step(client, JULIE), "000000")  # a new password step replaces the first
    assert other.status_code == 400
    assert code_step(client, challenge, totp.at(NOW + timedelta(minutes=2))).status_code == 401
    challenge = password_step(client, JULIE)
    deactivated = send(client, "POST", "/account/deactivation", {"successors": {}}, cookie=julie)
    assert deactivated.status_code == 204, deactivated.body
    refused = code_step(client, challenge, totp.at(NOW + timedelta(minutes=2)))
    assert refused.status_code == 400 and "Set-Cookie" not in refused.headers


def test_a_wrong_current_password_is_a_failure_of_the_session_that_tried(client):
    cookie = login_with(client, FIREFOX)
    clock.set_now(NOW + timedelta(minutes=1))
    account = body(send(client, "GET", "/account", cookie=cookie))
    from tests.api.conftest import update_payload

    refused = send(client, "PUT", "/account", update_payload(account, password={
        "current": "Pas-le-bon-1", "new": "Tenon-Mortaise-Varlope-77", "confirmation": "Tenon-Mortaise-Varlope-77"}),
        cookie=cookie)
    assert refused.status_code == 400
    failure = overview(client, cookie)["history"][0]
    assert (failure["event"], failure["browser"], failure["source"]) == ("FAILURE", "Firefox 121", "203.0.113.7")
