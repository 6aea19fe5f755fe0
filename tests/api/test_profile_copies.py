"""A member's name, e-mail and address, as its managers see them, follow « Mon Compte » through the table's stream."""

import json
import os

from chalicelib.jobs import profile_copies
from chalicelib.store.models import MAIL_KIND, PROFILE_KIND, STRUCTURE_SPACE_KIND
from chalicelib.store.streams import changed_profiles
from tests.api.conftest import body, login, moto_table, send, update_payload
from tests.api.test_structures import JULIE, structure_id, user_id
from tests.conftest import PAUL, ROOT


def julie_as_paul_sees_her(client, paul, sid):
    members = body(send(client, "GET", f"/structures/{sid}/members", cookie=paul))["members"]
    return next(m for m in members if m["user_id"] == user_id(JULIE))


def test_managers_see_the_name_and_address_a_member_saves(client, stream, dynamodb_calls):
    paul, julie = login(client, PAUL), login(client, JULIE)
    sid = structure_id(client, paul, "*menuis*")
    account = body(send(client, "GET", "/account", cookie=julie))
    saved = send(client, "PUT", "/account", update_payload(
        account, first_name="Juliette", last_name="LEROY-MARTIN", address_line1="5 rue des Lilas",
        address_postal_code="75020", address_city="Paris"), cookie=julie)
    assert saved.status_code == 200, saved.body

    # Saving stays one write; the copies follow from the stream.
    before = julie_as_paul_sees_her(client, paul, sid)
    assert (before["first_name"], before["last_name"]) == ("Julie", "LEROY")
    dynamodb_calls.clear()
    assert profile_copies.handle(stream.read()) == 1
    # Her memberships, her requests' copies, her subscriptions (pending ones carry her name too), the change.
    assert dynamodb_calls == ["Query", "Query", "Query", "UpdateItem"]
    after = julie_as_paul_sees_her(client, paul, sid)
    assert (after["first_name"], after["last_name"]) == ("Juliette", "LEROY-MARTIN")
    assert "Paris" in json.dumps(after, ensure_ascii=False)


def test_only_changes_managers_see_are_fanned_out_and_twice_is_harmless(client, stream):
    julie = login(client, JULIE)
    account = body(send(client, "GET", "/account", cookie=julie))
    assert send(client, "PUT", "/account", update_payload(account, notifications=False, language="EN"),
                cookie=julie).status_code == 200
    records = stream.read()
    assert records and changed_profiles(records) == {}
    assert profile_copies.handle(records) == 0

    account = body(send(client, "GET", "/account", cookie=julie))
    assert send(client, "PUT", "/account", update_payload(account, last_name="LEROY-MARTIN"),
                cookie=julie).status_code == 200
    records = stream.read()
    assert profile_copies.handle(records) == 1
    assert profile_copies.handle(records) == 0  # a batch delivered again finds the copies current


def test_the_cloud_filters_and_the_handlers_agree_on_item_kinds():
    template = json.loads((ROOT / "infra" / "resources.json").read_text())
    (event,) = template["Resources"]["TableChanges"]["Properties"]["Events"].values()
    patterns = [json.loads(f["Pattern"]) for f in event["Properties"]["FilterCriteria"]["Filters"]]
    assert [p["dynamodb"]["NewImage"]["kind"]["S"] for p in patterns] == [
        [PROFILE_KIND], [STRUCTURE_SPACE_KIND], [MAIL_KIND]]
    from chalicelib.store.models import OutboxMail, StructureSpace, UserProfile

    assert OutboxMail("MAIL#x", "MAIL").serialize(null_check=False)["kind"] == {"S": MAIL_KIND}

    assert UserProfile("USER#x", "PROFILE").serialize(null_check=False)["kind"] == {"S": PROFILE_KIND}
    assert StructureSpace("STRUCTURE#x", "SPACE#y").serialize(null_check=False)["kind"] == {"S": STRUCTURE_SPACE_KIND}


def test_the_local_poller_forgets_what_it_read_and_misses_nothing(client, stream):
    from devstack.streams import forget_read_records

    table, region = os.environ["TABLE_NAME"], os.environ["AWS_DEFAULT_REGION"]
    julie = login(client, JULIE)
    for last_name in ("A-LEROY", "B-LEROY"):
        account = body(send(client, "GET", "/account", cookie=julie))
        assert send(client, "PUT", "/account", update_payload(account, last_name=last_name),
                    cookie=julie).status_code == 200
        records = stream.read()
        forget_read_records(stream, table, region)
        assert moto_table().stream_shard.items == []
        assert changed_profiles(records) == {user_id(JULIE): {
            "first_name": "Julie", "last_name": last_name, "contact_email": "julie.leroy@menuiserie.fr",
            "address_line1": "10 rue du bois", "postal_code": "96300", "city": "Villeneuve"}}


def test_the_stream_function_is_what_chalice_deploys_and_handles_the_event_it_gets(client, stream):
    """``chalice deploy`` creates the event source from the decorator; the function reads the records it is handed."""
    from chalice.test import Client

    app = __import__("app").app
    (source,) = [s for s in app.event_sources if s.name == "table_changes"]
    assert (source.batch_size, source.starting_position) == (100, "LATEST")
    julie = login(client, JULIE)
    account = body(send(client, "GET", "/account", cookie=julie))
    assert send(client, "PUT", "/account", update_payload(account, last_name="LEROY-MARTIN"),
                cookie=julie).status_code == 200
    records = stream.read()
    with Client(app, stage_name="dev", project_dir=str(ROOT)) as lambda_client:
        answer = lambda_client.lambda_.invoke("table_changes", {"Records": records})
    payload = json.loads(answer.payload) if isinstance(answer.payload, str | bytes) else answer.payload
    assert payload == {"profile_copies": 1, "structure_spaces": 0, "mails": 0}
