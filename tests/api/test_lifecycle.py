"""Account lifecycle (guide §7, §8): sign-up, login protection, recovery, expiry, deactivation, reactivation.

Time is moved with the injectable clock, never slept.
"""

import re
from datetime import timedelta

import pytest

from chalicelib.store import accounts, memberships, security, structures
from tests.api.conftest import NOW, body, deliver_mails, login, send, sent_mails, table_items
from tests.api.test_structures import CLAIRE, JULIE, MARC, PAUL
from tests.conftest import DEMO_PASSWORD

NEW = "Hirondelle-Vent-Marais-8"
OTHER = "Martinet-Pluie-Roseau-5"


def post(client, path, payload, cookie=None):
    return send(client, "POST", path, payload, cookie=cookie)


def last_link(to: str | None = None) -> str:
    mails = [m for m in sent_mails() if to is None or m["To"] == to]
    text = mails[-1].get_body(preferencelist=("plain",)).get_content()
    return re.search(r"jeton=([A-Za-z0-9_-]+)", text).group(1)


def secrets_payload(token, password=NEW, **changes):
    payload = {"token": token, "password": password, "confirmation": password,
               "secret_question": "Ma ville natale ?", "secret_answer": "Lyon"}
    payload.update(changes)
    return payload


# --- sign-up and activation -------------------------------------------------------------------------------------

def test_sign_up_then_activate_then_log_in(client):
    response = post(client, "/auth/signup", {"login": "Nina.Neuve@Exemple.fr", "last_name": "NEUVE",
                                             "first_name": "Nina", "contact_email": None, "phone": "06 12 34 56 78"})
    assert response.status_code == 202
    (mail,) = sent_mails()
    assert (mail["To"], mail["Subject"]) == ("Nina.Neuve@exemple.fr", "Activez votre compte Chorus Pro")
    assert post(client, "/auth/login", {"login": "nina.neuve@exemple.fr", "password": NEW}).status_code == 401
    token = last_link()
    details = body(post(client, "/auth/activation/details", {"token": token}))
    assert (details["first_name"], details["contact_email"]) == ("Nina", "Nina.Neuve@exemple.fr")
    weak = post(client, "/auth/activation", secrets_payload(token, password="Nina-Neuve-2026"))
    assert weak.status_code == 422 and "password" in body(weak)["fields"]
    assert post(client, "/auth/activation", secrets_payload(token)).status_code == 200
    login(client, "nina.neuve@exemple.fr", NEW)


def test_the_sign_up_answer_does_not_tell_whether_the_address_is_known(client):
    known = post(client, "/auth/signup", {"login": PAUL, "last_name": "X", "first_name": "Y"})
    unknown = post(client, "/auth/signup", {"login": "personne@exemple.fr", "last_name": "X", "first_name": "Y"})
    assert (known.status_code, body(known)) == (unknown.status_code, body(unknown))
    subjects = {m["To"]: m["Subject"] for m in sent_mails()}
    assert subjects[PAUL] == "Tentative de création d'un compte avec votre adresse"
    assert accounts.get_profile(accounts.find_user_id(PAUL)).last_name == "DUPONT"


def test_an_activation_link_works_once_and_for_60_minutes(client, frozen_clock):
    post(client, "/auth/signup", {"login": "a@exemple.fr", "last_name": "A", "first_name": "A"})
    token = last_link()
    assert post(client, "/auth/activation", secrets_payload(token)).status_code == 200
    reused = post(client, "/auth/activation", secrets_payload(token, password=OTHER))
    assert (reused.status_code, body(reused)["code"]) == (400, "invalid_link")
    login(client, "a@exemple.fr", NEW)

    post(client, "/auth/signup", {"login": "b@exemple.fr", "last_name": "B", "first_name": "B"})
    late = last_link()
    frozen_clock.set_now(NOW + timedelta(minutes=60, seconds=1))
    assert body(post(client, "/auth/activation", secrets_payload(late)))["code"] == "invalid_link"
    post(client, "/auth/signup", {"login": "b@exemple.fr", "last_name": "B", "first_name": "B"})
    assert post(client, "/auth/activation", secrets_payload(last_link())).status_code == 200


@pytest.mark.parametrize("mangle", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: t + "x",
                                    lambda t: "", lambda t: "x" * 99])
def test_a_tampered_link_is_refused(client, mangle):
    post(client, "/auth/signup", {"login": "c@exemple.fr", "last_name": "C", "first_name": "C"})
    response = post(client, "/auth/activation", secrets_payload(mangle(last_link())))
    assert response.status_code in (400, 422)
    assert body(response)["code"] in ("invalid_link", "validation_error")


def test_a_link_is_for_its_purpose_only(client):
    post(client, "/auth/password-reset/request", {"login": PAUL})
    reset = last_link()
    assert body(post(client, "/auth/activation", secrets_payload(reset)))["code"] == "invalid_link"
    assert body(post(client, "/auth/unlock", {"token": reset}))["code"] == "invalid_link"


# --- login protection -------------------------------------------------------------------------------------------

def fail(client, login_name, times=1):
    return [post(client, "/auth/login", {"login": login_name, "password": "Pas-le-bon-1"}) for _ in range(times)]


def test_after_5_failures_each_attempt_waits_longer(client, frozen_clock):
    answers = fail(client, JULIE, 5)
    assert [r.status_code for r in answers] == [401] * 5
    waiting = post(client, "/auth/login", {"login": JULIE, "password": DEMO_PASSWORD})
    assert waiting.status_code == 429
    assert waiting.headers["Retry-After"] == "60"
    assert "1 minute" in body(waiting)["message"]
    frozen_clock.set_now(NOW + timedelta(minutes=1, seconds=1))
    assert fail(client, JULIE)[0].status_code == 401  # the 6th failure: the next wait is 2 minutes
    frozen_clock.set_now(NOW + timedelta(minutes=2, seconds=2))
    assert post(client, "/auth/login", {"login": JULIE, "password": DEMO_PASSWORD}).status_code == 429
    frozen_clock.set_now(NOW + timedelta(minutes=3, seconds=2))
    login(client, JULIE)


def test_failures_older_than_15_minutes_are_forgotten(client, frozen_clock):
    fail(client, JULIE, 4)
    frozen_clock.set_now(NOW + timedelta(minutes=16))
    fail(client, JULIE, 4)
    login(client, JULIE)


def test_after_10_failures_the_login_is_locked_and_its_owner_can_unlock_it(client, frozen_clock):
    moment = NOW
    for attempt in range(10):
        assert fail(client, JULIE)[0].status_code == 401, attempt
        if 4 <= attempt < 9:  # wait out each delay: the count goes on
            moment += timedelta(minutes=1, seconds=1) * (2 ** (attempt - 4))
            frozen_clock.set_now(moment)
    assert security.get_attempts(JULIE).locked_until is not None
    locked = post(client, "/auth/login", {"login": JULIE, "password": DEMO_PASSWORD})
    assert locked.status_code == 429
    mail = sent_mails()[-1]
    assert (mail["To"], mail["Subject"]) == (JULIE, "Votre identifiant Chorus Pro est verrouillé")
    assert post(client, "/auth/unlock", {"token": last_link()}).status_code == 200
    login(client, JULIE)


def test_unknown_logins_get_exactly_the_same_answers(client):
    known = [(r.status_code, body(r)) for r in fail(client, JULIE, 6)]
    unknown = [(r.status_code, body(r)) for r in fail(client, "inconnu@exemple.fr", 6)]
    assert known == unknown
    assert known[-1][0] == 429


def test_failures_are_logged_without_secrets(client, caplog):
    caplog.set_level("INFO")
    fail(client, JULIE, 2)
    post(client, "/auth/password-reset/request", {"login": PAUL})
    text = caplog.text
    assert "authentication failure" in text
    assert "Pas-le-bon-1" not in text and JULIE not in text and "jeton" not in text
    assert last_link() not in text


# --- forgotten password -----------------------------------------------------------------------------------------

def test_forgotten_password_needs_the_answer_and_ends_every_session(client):
    old_session = login(client, MARC)
    unknown = post(client, "/auth/password-reset/request", {"login": "inconnu@exemple.fr"})
    known = post(client, "/auth/password-reset/request", {"login": MARC})
    assert (known.status_code, body(known)) == (unknown.status_code, body(unknown)) == (202, body(known))
    (mail,) = sent_mails()
    assert mail["To"] == MARC  # the login address, not the contact one
    token = last_link()
    details = body(post(client, "/auth/password-reset/details", {"token": token}))
    assert details["secret_question"].startswith("Quel est le nom")
    payload = {"token": token, "secret_answer": "Médor", "password": NEW, "confirmation": NEW}
    wrong = post(client, "/auth/password-reset", payload)
    assert wrong.status_code == 422 and "secret_answer" in body(wrong)["fields"]
    assert security.get_attempts(MARC).failures == 1
    assert post(client, "/auth/password-reset", {**payload, "secret_answer": "  TOTO "}).status_code == 200
    assert send(client, "GET", "/me", cookie=old_session).status_code == 401
    assert post(client, "/auth/login", {"login": MARC, "password": DEMO_PASSWORD}).status_code == 401
    login(client, MARC, NEW)
    assert sent_mails()[-1]["Subject"] == "Votre mot de passe Chorus Pro a été modifié"
    assert body(post(client, "/auth/password-reset", {**payload, "secret_answer": "toto"}))["code"] == "invalid_link"


def test_a_reset_link_lasts_30_minutes(client, frozen_clock):
    post(client, "/auth/password-reset/request", {"login": MARC})
    token = last_link()
    frozen_clock.set_now(NOW + timedelta(minutes=30, seconds=1))
    payload = {"token": token, "secret_answer": "toto", "password": NEW, "confirmation": NEW}
    assert body(post(client, "/auth/password-reset", payload))["code"] == "invalid_link"


# --- expiry -----------------------------------------------------------------------------------------------------

def test_an_expired_password_must_be_changed_before_anything_else(client, frozen_clock):
    frozen_clock.set_now(NOW + timedelta(days=164))  # the demo password was set 17 days before NOW: 180 days
    response = post(client, "/auth/login", {"login": JULIE, "password": DEMO_PASSWORD})
    assert body(response)["password_expired"] is True
    cookie = response.headers["Set-Cookie"].split(";")[0]
    blocked = send(client, "GET", "/account", cookie=cookie)
    assert (blocked.status_code, body(blocked)["code"]) == (403, "password_expired")
    assert send(client, "GET", "/me", cookie=cookie).status_code == 200
    same = post(client, "/auth/password", {"current": DEMO_PASSWORD, "new": DEMO_PASSWORD,
                                           "confirmation": DEMO_PASSWORD}, cookie=cookie)
    assert same.status_code == 422 and "new" in body(same)["fields"]
    changed = post(client, "/auth/password", {"current": DEMO_PASSWORD, "new": NEW, "confirmation": NEW},
                   cookie=cookie)
    assert changed.status_code == 204
    assert body(send(client, "GET", "/account", cookie=cookie))["password"]["expires_in_days"] == 180


def test_reminders_go_14_days_and_1_day_before_expiry(client, frozen_clock, dynamodb_calls):
    from chalicelib.jobs import reminders

    cookie = login(client, JULIE)
    account = body(send(client, "GET", "/account", cookie=cookie))
    from tests.api.conftest import update_payload

    payload = update_payload(account)
    payload["password"] = {"current": DEMO_PASSWORD, "new": NEW, "confirmation": NEW}
    assert send(client, "PUT", "/account", payload, cookie=cookie).status_code == 200
    before = len(sent_mails())
    frozen_clock.set_now(NOW + timedelta(days=166))
    dynamodb_calls.clear()
    assert reminders.run() == 1
    assert "Scan" not in dynamodb_calls and dynamodb_calls.count("Query") == security.REMINDER_SHARDS
    mail = sent_mails()[-1]
    assert (mail["To"], mail["Subject"]) == (JULIE, "Votre mot de passe Chorus Pro expire dans 14 jours")
    frozen_clock.set_now(NOW + timedelta(days=179))
    assert reminders.run() == 1
    assert sent_mails()[-1]["Subject"] == "Votre mot de passe Chorus Pro expire dans 1 jour"
    assert len(sent_mails()) == before + 2
    frozen_clock.set_now(NOW + timedelta(days=179))
    assert reminders.run() == 0  # sent once


def test_demo_people_are_reminded_like_anyone_else(client, frozen_clock):
    from chalicelib.jobs import reminders

    # The demo passwords were set 17 days before NOW: they expire in 163 days, the first reminder is 14 days before.
    frozen_clock.set_now(NOW + timedelta(days=163 - 14))
    assert reminders.run() == 4
    assert sorted(mail["To"] for mail in sent_mails()) == sorted([PAUL, JULIE, MARC, CLAIRE])
    assert {mail["Subject"] for mail in sent_mails()} == {"Votre mot de passe Chorus Pro expire dans 14 jours"}


# --- deactivation and reactivation ------------------------------------------------------------------------------

def test_a_user_is_deactivated_at_once_and_its_old_sessions_are_refused(client):
    first, second = login(client, JULIE), login(client, JULIE)
    response = post(client, "/account/deactivation", {}, cookie=first)
    assert response.status_code == 204
    assert "Max-Age=0" in response.headers["Set-Cookie"]
    for cookie in (first, second):
        assert send(client, "GET", "/account", cookie=cookie).status_code == 401
    refused = post(client, "/auth/login", {"login": JULIE, "password": DEMO_PASSWORD})
    assert (refused.status_code, body(refused)["code"]) == (403, "account_deactivated")
    wrong = post(client, "/auth/login", {"login": JULIE, "password": "Pas-le-bon-1"})
    assert body(wrong)["code"] == "invalid_credentials"  # without the password, nothing tells it is deactivated
    profile = accounts.get_profile(accounts.find_user_id(JULIE))
    assert (profile.status, profile.deactivated_at) == ("INACTIF", NOW)


def paul_structures(client, cookie):
    return {s["designation"]: s["structure_id"]
            for s in body(send(client, "GET", "/account/deactivation", cookie=cookie))["structures"]}


def test_a_principal_manager_hands_every_structure_over_before_leaving(client):
    paul = login(client, PAUL)
    led = paul_structures(client, paul)
    assert set(led) == {"Menuiserie Dupont", "Rénovation Habitat"}
    before = table_items()
    marc_id = accounts.find_user_id(MARC)
    missing = post(client, "/account/deactivation", {"successors": {led["Menuiserie Dupont"]: marc_id}}, cookie=paul)
    assert (missing.status_code, body(missing)["code"]) == (409, "successor_required")
    assert list(body(missing)["fields"]) == [f"successors.{led['Rénovation Habitat']}"]
    assert "seul utilisateur actif" in body(missing)["fields"][f"successors.{led['Rénovation Habitat']}"]
    stranger = post(client, "/account/deactivation", {"successors": {"0" * 32: marc_id}}, cookie=paul)
    assert stranger.status_code == 422
    both_to_marc = {"successors": {sid: marc_id for sid in led.values()}}
    outsider = post(client, "/account/deactivation", both_to_marc, cookie=paul)
    assert outsider.status_code == 422  # Marc is not a user of Rénovation Habitat
    assert table_items() == before
    attach = {"login": MARC, "services": [], "valid_from": "2026-11-27"}
    assert post(client, f"/structures/{led['Rénovation Habitat']}/members", attach, cookie=paul).status_code == 201
    done = post(client, "/account/deactivation", {"successors": {sid: marc_id for sid in led.values()}}, cookie=paul)
    assert done.status_code == 204, done.body
    for sid in led.values():
        principals = [m.user_id for m in memberships.members(sid) if m.role == "GESTIONNAIRE_PRINCIPAL"]
        assert principals == [marc_id]
        assert structures.get_structure(sid).principal_user_id == marc_id
        paul_link = memberships.get_membership(accounts.find_user_id(PAUL), sid)
        assert (paul_link.role, paul_link.status) == ("UTILISATEUR", "DESACTIVEE")
    marc = login(client, MARC)
    roles = {m["designation"]: m["role"] for m in body(send(client, "GET", "/account", cookie=marc))["memberships"]}
    assert roles == {"Menuiserie Dupont": "GESTIONNAIRE_PRINCIPAL", "Rénovation Habitat": "GESTIONNAIRE_PRINCIPAL"}
    # A deactivated user is no longer a candidate to take a structure over.
    candidates = body(send(client, "GET", f"/structures/{led['Menuiserie Dupont']}/members?status=VALIDEE",
                           cookie=marc))["members"]
    assert accounts.find_user_id(PAUL) not in {m["user_id"] for m in candidates}


def test_reactivation_within_60_days_with_new_secrets(client, frozen_clock):
    julie = login(client, JULIE)
    post(client, "/account/deactivation", {}, cookie=julie)
    frozen_clock.set_now(NOW + timedelta(days=59))
    unknown = post(client, "/auth/reactivation/request", {"login": "inconnu@exemple.fr"})
    known = post(client, "/auth/reactivation/request", {"login": JULIE})
    assert (known.status_code, body(known)) == (unknown.status_code, body(unknown))
    token = last_link(JULIE)
    details = body(post(client, "/auth/reactivation/details", {"token": token}))
    assert (details["login"], details["last_name"]) == (JULIE, "LEROY")
    weak = post(client, "/auth/reactivation", secrets_payload(token, password="Court-1a"))
    assert weak.status_code == 422
    assert post(client, "/auth/reactivation", secrets_payload(token)).status_code == 200
    assert body(post(client, "/auth/reactivation", secrets_payload(token)))["code"] == "invalid_link"
    cookie = login(client, JULIE, NEW)
    account = body(send(client, "GET", "/account", cookie=cookie))
    assert account["settings"]["status"] == "ACTIF"
    assert account["settings"]["reactivated_at"] == (NOW + timedelta(days=59)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert account["secret_question"]["question"] == "Ma ville natale ?"
    assert [m["status"] for m in account["memberships"]] == ["VALIDEE"]


def test_a_reactivation_link_lasts_24_hours(client, frozen_clock):
    post(client, "/account/deactivation", {}, cookie=login(client, JULIE))
    post(client, "/auth/reactivation/request", {"login": JULIE})
    token = last_link(JULIE)
    frozen_clock.set_now(NOW + timedelta(hours=24, seconds=1))
    assert body(post(client, "/auth/reactivation", secrets_payload(token)))["code"] == "invalid_link"


def test_after_60_days_only_the_support_can_reactivate(client, frozen_clock):
    post(client, "/account/deactivation", {}, cookie=login(client, JULIE))
    frozen_clock.set_now(NOW + timedelta(days=59, hours=12))
    post(client, "/auth/reactivation/request", {"login": JULIE})
    token = last_link(JULIE)
    frozen_clock.set_now(NOW + timedelta(days=60, seconds=1))
    late = post(client, "/auth/reactivation", secrets_payload(token))
    assert (late.status_code, body(late)["code"]) == (410, "reactivation_too_late")
    assert "sollicitation" in body(late)["message"]
    post(client, "/auth/reactivation/request", {"login": JULIE})
    mail = sent_mails()[-1]
    assert "sollicitation" in mail.get_body(preferencelist=("plain",)).get_content()
    assert "jeton=" not in mail.get_body(preferencelist=("plain",)).get_content()


# --- housekeeping -----------------------------------------------------------------------------------------------

def test_housekeeping_removes_expired_sessions_and_links_without_a_scan(client, frozen_clock, dynamodb_calls):
    from chalicelib.jobs import housekeeping

    login(client, JULIE)
    post(client, "/auth/password-reset/request", {"login": MARC})
    deliver_mails()  # the link is issued when the mail is sent
    kinds = lambda: sorted(i["kind"]["S"] for i in table_items() if i["kind"]["S"] in ("SESSION", "TOKEN"))  # noqa: E731
    assert kinds() == ["SESSION", "TOKEN"]
    frozen_clock.set_now(NOW + timedelta(minutes=31))
    dynamodb_calls.clear()
    assert housekeeping.run() == 1  # the 30-minute reset link; the session lives 12 hours at most
    assert "Scan" not in dynamodb_calls
    assert kinds() == ["SESSION"]
    frozen_clock.set_now(NOW + timedelta(hours=12, seconds=1))
    assert housekeeping.run() == 1
    assert kinds() == []


def test_the_clock_does_not_leak_between_tests(frozen_clock):
    from chalicelib.domain import clock

    assert clock.now() == NOW and CLAIRE
