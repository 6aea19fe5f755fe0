"""Dated rattachements (issue 12, point 5): told 14 days before their end (the user and its principal manager, mail
and event), « Prolonger » by a manager only, and ended on their own with their subscriptions by an idempotent,
crash-safe daily job that reads only the days it tells about."""

from datetime import date, datetime, timedelta

import pytest

from chalicelib.domain import clock
from chalicelib.domain import events as kinds
from chalicelib.domain.memberships import DELETED, VALIDATED
from chalicelib.jobs import membership_ends as job
from chalicelib.store import memberships, subscriptions
from tests.api.conftest import NOW, body, login, send, sent_mails, table_items
from tests.api.test_events import ask, decide
from tests.api.test_structures import CLAIRE, JULIE, MARC, PAUL, structure_id, user_id

END = date(2026, 12, 31)  # Claire's rattachement to Menuiserie Dupont is valid until then (included)


def at(day: date, hour: int = 7) -> None:
    clock.set_now(datetime(day.year, day.month, day.day, hour, tzinfo=NOW.tzinfo))


@pytest.fixture
def menuiserie(client):
    # Overrides conftest's: only Paul logs in.
    return structure_id(client, login(client, PAUL), "menuiserie")


@pytest.fixture
def dated(client, menuiserie):
    """Claire attached to Menuiserie Dupont until END, with her default subscriptions."""
    assert ask(client, login(client, CLAIRE), menuiserie, valid_until=END.isoformat()).status_code == 201
    assert decide(client, login(client, PAUL), menuiserie, CLAIRE, "VALIDER").status_code == 200
    assert memberships.get_membership(user_id(CLAIRE), menuiserie).status == VALIDATED
    assert subscriptions.of_user(user_id(CLAIRE), menuiserie)
    return menuiserie


def marks() -> list[str]:
    return sorted(f"{i['pk']['S']}/{i['sk']['S']}" for i in table_items() if i["pk"]["S"].startswith("ENDING#"))


def feed_kinds(user: str, kind: str) -> list[dict]:
    return [i for i in table_items() if i["pk"]["S"] == f"FEED#{user_id(user)}" and i["event_kind"]["S"] == kind]


def mails_about(subject_part: str) -> list:
    return [m for m in sent_mails() if subject_part in m["Subject"]]


def test_a_dated_rattachement_is_filed_under_its_end_date(dated):
    assert marks() == [f"ENDING#2026-12-31/{dated}#{user_id(CLAIRE)}"]


def test_fourteen_days_before_the_user_and_its_principal_are_told_once(dated):
    at(END - timedelta(days=15))
    assert job.run()["noticed"] == 0
    at(END - timedelta(days=14))
    assert job.run()["noticed"] == 1
    told = mails_about("prend fin le 31/12/2026")
    assert sorted(m["To"] for m in told) == ["contact@ebenisterie-martin.fr", "contact@menuiserie.fr"]
    manager_mail = next(m for m in told if m["To"] == "contact@menuiserie.fr")
    text = manager_mail.get_body(preferencelist=("plain",)).get_content()
    assert f"rattachement-prolongation.html?structure_id={dated}&user_id={user_id(CLAIRE)}" in text
    assert len(feed_kinds(CLAIRE, kinds.MEMBERSHIP_ENDING)) == 1
    assert len(feed_kinds(PAUL, kinds.MEMBERSHIP_ENDING)) == 1
    assert feed_kinds(JULIE, kinds.MEMBERSHIP_ENDING) == []
    # Run again the same day (or after a crash): nothing told twice.
    assert job.run()["noticed"] == 0
    assert len(mails_about("prend fin le 31/12/2026")) == 2
    assert len(feed_kinds(CLAIRE, kinds.MEMBERSHIP_ENDING)) == 1


def test_the_job_reads_only_its_days(dated, dynamodb_calls):
    at(date(2026, 12, 1))
    dynamodb_calls.clear()
    assert job.run() == {"noticed": 0, "ended": 0, "dropped": 0, "subscriptions": 0}
    assert dynamodb_calls == ["Query"] * 4  # the day in 14 days, the three days before today


def extend(client, cookie, sid, who, until):
    return send(client, "POST", f"/structures/{sid}/members/{user_id(who)}/extension",
                {"valid_until": until.isoformat()}, cookie=cookie)


def test_the_principal_extends_from_the_mails_link(client, dated):
    paul = login(client, PAUL)
    shown = send(client, "GET", f"/structures/{dated}/members/{user_id(CLAIRE)}/extension", cookie=paul)
    assert shown.status_code == 200 and body(shown)["valid_until"] == "2026-12-31"
    response = extend(client, paul, dated, CLAIRE, date(2027, 6, 30))
    assert response.status_code == 200, response.body
    assert body(response)["valid_until"] == "2027-06-30"
    assert memberships.get_membership(user_id(CLAIRE), dated).valid_until == date(2027, 6, 30)
    assert marks() == [f"ENDING#2027-06-30/{dated}#{user_id(CLAIRE)}"]  # moved with it
    assert len(feed_kinds(CLAIRE, kinds.MEMBERSHIP_EXTENDED)) == 1
    # At the old end date nothing ends.
    at(END + timedelta(days=1))
    assert job.run()["ended"] == 0
    assert memberships.get_membership(user_id(CLAIRE), dated).status == VALIDATED


@pytest.mark.parametrize("who", [JULIE, CLAIRE])
def test_only_a_manager_of_the_structure_extends(client, dated, who):
    cookie = login(client, who)
    before = table_items()
    response = extend(client, cookie, dated, CLAIRE, date(2027, 6, 30))
    assert response.status_code == 403, response.body
    assert send(client, "GET", f"/structures/{dated}/members/{user_id(CLAIRE)}/extension",
                cookie=cookie).status_code == 403
    assert table_items() == before


def test_an_extension_must_move_the_end_later(client, dated):
    response = extend(client, login(client, MARC), dated, CLAIRE, date(2026, 12, 30))
    assert response.status_code == 422
    assert "valid_until" in body(response)["fields"]
    # Marc, a secondary manager acting as manager, may extend.
    assert extend(client, login(client, MARC), dated, CLAIRE, date(2027, 1, 31)).status_code == 200


def test_an_undated_rattachement_has_nothing_to_extend(client, menuiserie):
    response = extend(client, login(client, PAUL), menuiserie, JULIE, date(2027, 6, 30))
    assert response.status_code == 404


def test_at_the_end_date_the_rattachement_and_its_subscriptions_end_with_an_event(dated):
    at(END, 21)  # 22:00 in Paris: its last day is still in
    assert job.run()["ended"] == 0
    at(END + timedelta(days=1))
    assert job.run()["ended"] == 1
    assert memberships.get_membership(user_id(CLAIRE), dated).status == DELETED
    assert subscriptions.of_user(user_id(CLAIRE), dated) == []
    assert subscriptions.of_structure(dated, space=None) and all(
        s.user_id != user_id(CLAIRE) for s in subscriptions.of_structure(dated))
    assert marks() == []
    assert len(feed_kinds(CLAIRE, kinds.MEMBERSHIP_EXPIRED)) == 1
    assert len(feed_kinds(PAUL, kinds.MEMBERSHIP_EXPIRED)) == 1
    assert len([i for i in table_items() if i["pk"]["S"] == f"HISTORY#{dated}"
                and i["event_kind"]["S"] == kinds.MEMBERSHIP_EXPIRED]) == 1
    # Again (the next day, or a rerun): nothing more.
    before = table_items()
    assert job.run() == {"noticed": 0, "ended": 0, "dropped": 0, "subscriptions": 0}
    assert table_items() == before


def test_a_run_that_crashes_half_way_is_finished_by_the_next(client, dated, monkeypatch):
    # Julie attached until the same day too: two rattachements to end.
    from chalicelib.store import membership_ends as store

    julie = memberships.get_membership(user_id(JULIE), dated)
    store_membership = store.mark_item(julie, END)
    store_membership.save()
    from chalicelib.store.models import Membership, membership_sk, user_pk
    Membership(user_pk(julie.user_id), membership_sk(dated)).update(actions=[Membership.valid_until.set("2026-12-31")])

    original, calls = store.end, []

    def dies_on_the_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("Lambda timed out")
        return original(*args, **kwargs)

    monkeypatch.setattr(store, "end", dies_on_the_second)
    at(END + timedelta(days=1))
    with pytest.raises(RuntimeError):
        job.run()
    monkeypatch.setattr(store, "end", original)
    assert job.run()["ended"] == 1  # the one left
    for who in (CLAIRE, JULIE):
        assert memberships.get_membership(user_id(who), dated).status == DELETED
        assert len(feed_kinds(who, kinds.MEMBERSHIP_EXPIRED)) == 1  # one event each, none twice
    assert marks() == []
