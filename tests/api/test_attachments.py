"""« Pièces jointes » (guide §6): presigned upload, the server's check of what S3 holds, edit, delete, download.

moto does not enforce POST policies: the objects are put directly under the key the ticket names, and what the tests
see is the server's own check."""

import base64
import json
import os
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import boto3
import pytest

from chalicelib.domain.attachments import MAX_SIZE
from tests.api.conftest import body, login, send, table_items
from tests.api.test_structures import JULIE, PAUL, user_id

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.fixture
def julie(client):
    return login(client, JULIE)


def bucket():
    return os.environ["ATTACHMENTS_BUCKET"]


def keys(prefix=""):
    listed = boto3.client("s3").list_objects_v2(Bucket=bucket(), Prefix=prefix)
    return sorted(entry["Key"] for entry in listed.get("Contents", []))


def start(client, cookie, file_name="devis.pdf", size=len(PDF), attachment_type="Devis", designation="Devis 2026"):
    return send(client, "POST", "/attachments/uploads", {"file_name": file_name, "size": size,
                                                          "attachment_type": attachment_type,
                                                          "designation": designation}, cookie=cookie)


def upload(client, cookie, content=PDF, file_name="devis.pdf", **declared):
    """What the browser does: ask for a ticket, then put the bytes where it says (moto ignores the policy)."""
    # A browser may declare less than it sends: the declared size is only a first check.
    response = start(client, cookie, file_name=file_name, size=min(max(len(content), 1), MAX_SIZE), **declared)
    assert response.status_code == 201, response.body
    ticket = body(response)
    boto3.client("s3").put_object(Bucket=bucket(), Key=ticket["fields"]["key"], Body=content)
    return ticket


def confirm(client, cookie, upload_id, file_name="devis.pdf", attachment_type="Devis", designation="Devis 2026"):
    return send(client, "POST", "/attachments", {"upload_id": upload_id, "file_name": file_name,
                                                 "attachment_type": attachment_type, "designation": designation},
                cookie=cookie)


def add(client, cookie, content=PDF, file_name="devis.pdf", designation="Devis 2026"):
    ticket = upload(client, cookie, content, file_name)
    response = confirm(client, cookie, ticket["upload_id"], file_name, designation=designation)
    assert response.status_code == 201, response.body
    return body(response)


def attachments_of(client, cookie):
    return body(send(client, "GET", "/account", cookie=cookie))["attachments"]


# --- the ticket -------------------------------------------------------------------------------------------------------

def test_the_ticket_is_a_short_presigned_post_bound_to_size_type_and_a_key_of_the_callers_own(client, paul):
    before = table_items()
    response = start(client, paul, file_name="C:\\fakepath\\devis.pdf")
    assert response.status_code == 201, response.body
    ticket = body(response)
    assert ticket["max_size"] == 4 * 1024 * 1024
    assert ticket["fields"]["key"] == f"tmp/{user_id(PAUL)}/{ticket['upload_id']}"
    assert ticket["fields"]["Content-Type"] == "application/pdf"
    policy = json.loads(base64.b64decode(ticket["fields"]["policy"]))
    assert ["content-length-range", 1, 4194304] in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert expiration - datetime.now(UTC) <= timedelta(minutes=5, seconds=5)
    assert table_items() == before  # nothing stored before the file is checked


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"file_name": "setup.exe"}, "file_name", "pdf, jpg"),
    ({"file_name": "sans-extension"}, "file_name", "Sélection de la pièce jointe"),
    ({"size": 0}, "size", "vide"),
    ({"size": MAX_SIZE + 1}, "size", "4 Mo"),
    ({"attachment_type": "Facture"}, "attachment_type", "Type de pièce jointe"),
    ({"designation": "  "}, "designation", "« Désignation » est obligatoire"),
    ({"designation": "x" * 101}, "designation", "100 caractères"),
    ({"file_name": "a\u0007.pdf"}, "file_name", "non autorisés"),
])
def test_a_file_outside_the_rules_is_refused_before_the_upload_naming_its_field(client, paul, changes, field, words):
    response = start(client, paul, **changes)
    assert response.status_code == 422, response.body
    assert words in body(response)["fields"][field]
    assert keys("tmp/") == []


def test_exactly_4_mib_is_declared_fine(client, paul):
    assert start(client, paul, size=MAX_SIZE).status_code == 201


# --- the server's check -----------------------------------------------------------------------------------------------

def test_a_file_of_exactly_4_mib_is_recorded_and_moved_to_its_final_key(client, paul):
    content = PDF + b"0" * (MAX_SIZE - len(PDF))
    ticket = upload(client, paul, content, "Procès-verbal.pdf")
    response = confirm(client, paul, ticket["upload_id"], "Procès-verbal.pdf", "Procès-verbal de réception", "PV")
    assert response.status_code == 201, response.body
    row = body(response)
    assert (row["size"], row["extension"], row["file_name"], row["version"]) == (
        MAX_SIZE, "pdf", "Procès-verbal.pdf", 1)
    final = f"users/{user_id(PAUL)}/{row['id']}"
    assert final in keys() and keys("tmp/") == []
    head = boto3.client("s3").head_object(Bucket=bucket(), Key=final)
    assert head["ContentType"] == "application/pdf"
    assert ("PV", "Procès-verbal de réception") in [(a["designation"], a["type"]) for a in attachments_of(client, paul)]


@pytest.mark.parametrize(("content", "file_name", "words"), [
    (PDF + b"0" * (MAX_SIZE + 1 - len(PDF)), "gros.pdf", "4 Mo"),
    (b"", "vide.pdf", "vide"),
    (PNG, "facture.pdf", "« facture.pdf » ne correspond pas"),
    (PDF, "photo.png", "« photo.png » ne correspond pas"),
    (b"PK\x03\x04" + b"\x00" * 30, "tableau.xls", "ne correspond pas"),  # a zip where an OLE2 file is expected
    (b"col\x00umn", "export.csv", "ne correspond pas"),  # binary in a text format
])
def test_a_file_refused_on_the_server_is_deleted_and_nothing_is_recorded(client, paul, content, file_name, words):
    ticket = upload(client, paul, content, file_name)
    before = table_items()
    response = confirm(client, paul, ticket["upload_id"], file_name)
    assert response.status_code == 422, response.body
    assert words in body(response)["fields"]["file_name"]
    assert keys() == [k for k in keys() if k.startswith("users/")]  # the temporary object is gone
    assert len(keys("users/")) == 1  # the demo brochure only
    assert table_items() == before


def test_text_office_and_image_files_whose_bytes_match_are_recorded(client, paul):
    for content, name in ((b"nom;montant\nDupont;12\n", "frais.csv"), (b"\xef\xbb\xbf<?xml version='1.0'?><a/>",
                          "flux.xml"), (b"PK\x03\x04" + b"\x00" * 30, "rapport.docx"), (PNG, "plan.png")):
        add(client, paul, content, name, designation=name)
    assert {a["file_name"] for a in attachments_of(client, paul)} >= {"frais.csv", "flux.xml", "rapport.docx",
                                                                       "plan.png"}


def test_recording_costs_the_session_read_and_one_transaction(client, paul, dynamodb_calls):
    ticket = upload(client, paul)
    dynamodb_calls.clear()
    assert confirm(client, paul, ticket["upload_id"]).status_code == 201
    assert dynamodb_calls.count("TransactWriteItems") == 1
    assert len([call for call in dynamodb_calls if call != "TransactWriteItems"]) <= 2
    assert dynamodb_calls == ["GetItem", "TransactWriteItems"]


def test_a_ticket_costs_the_session_read_and_the_count(client, paul, dynamodb_calls):
    dynamodb_calls.clear()
    assert start(client, paul).status_code == 201
    assert dynamodb_calls == ["GetItem", "GetItem"]


def test_mon_compte_stays_one_query_with_attachments(client, paul, dynamodb_calls):
    add(client, paul)
    dynamodb_calls.clear()
    assert len(attachments_of(client, paul)) == 2
    assert dynamodb_calls == ["GetItem", "Query"]


# --- whose upload -----------------------------------------------------------------------------------------------------

def test_another_users_upload_id_is_not_found_and_left_alone(client, paul, julie):
    ticket = upload(client, paul)
    before = table_items()
    response = confirm(client, julie, ticket["upload_id"])
    assert response.status_code == 404, response.body
    assert ticket["fields"]["key"] in keys("tmp/")
    assert table_items() == before


@pytest.mark.parametrize("upload_id", ["../users/x", "a" * 31, "A" * 32, "0" * 32 + "/x"])
def test_a_tampered_upload_id_is_refused_before_s3_is_asked(client, paul, upload_id):
    response = confirm(client, paul, upload_id)
    assert response.status_code == 422, response.body
    assert "upload_id" in body(response)["fields"]


def test_an_unknown_or_expired_upload_is_not_found(client, paul):
    ticket = body(start(client, paul))  # never uploaded, or removed by the lifecycle rule
    assert confirm(client, paul, ticket["upload_id"]).status_code == 404


# --- the per-user limit -----------------------------------------------------------------------------------------------

def test_the_per_user_limit_is_enforced_at_the_ticket_and_at_the_record(client, paul, monkeypatch):
    monkeypatch.setenv("ATTACHMENTS_PER_USER", "2")  # Paul keeps the demo brochure
    first, second = upload(client, paul), upload(client, paul)
    assert confirm(client, paul, first["upload_id"]).status_code == 201
    refused = start(client, paul)
    assert refused.status_code == 409
    assert "limite de 2 pièces jointes" in body(refused)["message"]
    before, stored = table_items(), keys("users/")
    late = confirm(client, paul, second["upload_id"])  # its ticket was given before the limit was reached
    assert late.status_code == 409, late.body
    assert "limite de 2" in body(late)["message"]
    assert table_items() == before and keys("users/") == stored  # the copied object was removed again


# --- edit -------------------------------------------------------------------------------------------------------------

def test_editing_changes_designation_and_type_and_a_stale_version_is_refused(client, paul):
    row = add(client, paul)
    path = f"/attachments/{row['id']}"
    changed = send(client, "PUT", path, {"version": 1, "designation": "Carte grise 308",
                                         "attachment_type": "Carte grise"}, cookie=paul)
    assert changed.status_code == 200, changed.body
    assert (body(changed)["designation"], body(changed)["type"], body(changed)["version"]) == (
        "Carte grise 308", "Carte grise", 2)
    before = table_items()
    stale = send(client, "PUT", path, {"version": 1, "designation": "Autre", "attachment_type": "Divers"}, cookie=paul)
    assert stale.status_code == 409
    assert "modifiée entre-temps" in body(stale)["message"]
    assert table_items() == before
    missing = send(client, "PUT", "/attachments/" + "0" * 32, {"version": 1, "designation": "x",
                                                              "attachment_type": "Divers"}, cookie=paul)
    assert missing.status_code == 404


# --- another user's attachment ----------------------------------------------------------------------------------------

def test_another_users_attachment_is_not_found_for_every_action_and_nothing_changes(client, paul, julie):
    brochure = attachments_of(client, paul)[0]["id"]
    before, objects = table_items(), keys()
    own = add(client, julie)["id"]
    after_own = table_items()
    assert send(client, "GET", f"/attachments/{brochure}/download", cookie=julie).status_code == 404
    change = {"version": 1, "designation": "x", "attachment_type": "Divers"}
    assert send(client, "PUT", f"/attachments/{brochure}", change, cookie=julie).status_code == 404
    assert send(client, "POST", "/attachments/delete", {"ids": [own, brochure]}, cookie=julie).status_code == 404
    assert send(client, "POST", "/attachments/downloads", {"ids": [brochure]}, cookie=julie).status_code == 404
    assert table_items() == after_own  # Julie's own attachment was not deleted either
    assert set(objects) <= set(keys())
    assert len(before) + 3 == len(after_own)  # her attachment, her count and the event in her feed


# --- delete -----------------------------------------------------------------------------------------------------------

def test_single_and_bulk_delete_remove_items_count_and_objects(client, paul):
    rows = [add(client, paul, designation=f"Devis {n}") for n in range(3)]
    brochure = next(a for a in attachments_of(client, paul) if a["file_name"] == "brochure1.jpg")
    response = send(client, "POST", "/attachments/delete", {"ids": [rows[0]["id"]]}, cookie=paul)
    assert response.status_code == 200, response.body
    assert body(response) == {"removed": 1}
    assert f"users/{user_id(PAUL)}/{rows[0]['id']}" not in keys()
    response = send(client, "POST", "/attachments/delete", {"ids": [rows[1]["id"], rows[2]["id"], brochure["id"]]},
                    cookie=paul)
    assert body(response) == {"removed": 3}
    assert attachments_of(client, paul) == [] and keys("users/") == []
    count = [i for i in table_items() if i["sk"]["S"] == "ATTACHMENT_COUNT"]
    assert [(c["kind"]["S"], c["count"]["N"]) for c in count] == [("ATTACHMENT_COUNT", "0")]


@pytest.mark.parametrize("ids", [[], ["0" * 32] * 101, ["../x"]])
def test_a_delete_list_outside_1_to_100_server_ids_is_refused(client, paul, ids):
    before = table_items()
    assert send(client, "POST", "/attachments/delete", {"ids": ids}, cookie=paul).status_code == 422
    assert table_items() == before


# --- download ---------------------------------------------------------------------------------------------------------

def test_a_download_is_a_minute_long_link_served_as_an_attachment_under_its_accented_name(client, paul,
                                                                                         dynamodb_calls):
    row = add(client, paul, file_name="Procès-verbal « été ».pdf")
    dynamodb_calls.clear()
    response = send(client, "GET", f"/attachments/{row['id']}/download", cookie=paul)
    assert response.status_code == 200, response.body
    assert dynamodb_calls == ["GetItem", "GetItem"]
    query = parse_qs(urlparse(body(response)["url"]).query)
    assert query["response-content-disposition"] == [
        "attachment; filename=\"Proces-verbal  ete .pdf\"; "
        "filename*=UTF-8''Proc%C3%A8s-verbal%20%C2%AB%20%C3%A9t%C3%A9%20%C2%BB.pdf"
    ]
    assert query["response-content-type"] == ["application/pdf"]
    assert query.get("X-Amz-Expires", query.get("Expires")) is not None
    if "X-Amz-Expires" in query:
        assert query["X-Amz-Expires"] == ["60"]
    assert urlparse(body(response)["url"]).path.endswith(f"users/{user_id(PAUL)}/{row['id']}")


def test_several_files_are_links_the_browser_zips(client, paul):
    row = add(client, paul, file_name="bon.pdf")
    brochure = next(a for a in attachments_of(client, paul) if a["file_name"] == "brochure1.jpg")
    response = send(client, "POST", "/attachments/downloads", {"ids": [row["id"], brochure["id"]]}, cookie=paul)
    assert response.status_code == 200, response.body
    files = body(response)["files"]
    assert [(f["id"], f["file_name"]) for f in files] == [(row["id"], "bon.pdf"), (brochure["id"], "brochure1.jpg")]
    assert "image%2Fjpeg" in files[1]["url"]


# --- housekeeping -----------------------------------------------------------------------------------------------------

def test_housekeeping_deletes_unrecorded_uploads_older_than_an_hour_only(client, paul, frozen_clock):
    from chalicelib.jobs import housekeeping

    ticket = upload(client, paul)
    recorded = keys("users/")
    frozen_clock.set_now(datetime.now(UTC) + timedelta(minutes=30))
    housekeeping.run()
    assert ticket["fields"]["key"] in keys("tmp/")
    frozen_clock.set_now(datetime.now(UTC) + timedelta(hours=1, minutes=1))
    housekeeping.run()
    assert keys("tmp/") == [] and keys("users/") == recorded


# --- expiry -----------------------------------------------------------------------------------------------------------
# moto checks neither a POST policy's expiration nor a presigned GET's X-Amz-Expires: what can be tested honestly is
# that the links are made to last 300 s and 60 s, the times the API announces follow the injectable clock, and an
# upload whose temporary object is gone (expired, cleaned up) cannot be recorded.

def signed_at(query) -> datetime:
    return datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def test_an_upload_ticket_lasts_300_s_from_the_injectable_clock_and_its_policy_as_long(client, paul, frozen_clock):
    from tests.api.conftest import NOW

    ticket = body(start(client, paul))
    assert datetime.fromisoformat(ticket["expires_at"].replace("Z", "+00:00")) == NOW + timedelta(seconds=300)
    policy = json.loads(base64.b64decode(ticket["fields"]["policy"]))
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    signed = datetime.strptime(ticket["fields"]["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    # botocore signs with the machine's clock, not the app's: the policy ends 300 s after its own signature.
    assert timedelta(seconds=299) <= expiration - signed <= timedelta(seconds=301)


def test_a_download_link_lasts_60_s_from_the_injectable_clock(client, paul, frozen_clock):
    from tests.api.conftest import NOW

    row = add(client, paul)
    for response in (send(client, "GET", f"/attachments/{row['id']}/download", cookie=paul),
                     send(client, "POST", "/attachments/downloads", {"ids": [row["id"]]}, cookie=paul)):
        assert response.status_code == 200, response.body
        answer = body(response)
        assert datetime.fromisoformat(answer["expires_at"].replace("Z", "+00:00")) == NOW + timedelta(seconds=60)
        url = answer["url"] if "url" in answer else answer["files"][0]["url"]
        query = parse_qs(urlparse(url).query)
        assert query["X-Amz-Expires"] == ["60"]
        assert abs(signed_at(query) - datetime.now(UTC)) < timedelta(minutes=1)


def test_an_upload_recorded_after_its_temporary_object_is_gone_is_not_found_and_nothing_is_stored(client, paul,
                                                                                                frozen_clock):
    from chalicelib.jobs import housekeeping
    from tests.api.conftest import NOW

    ticket = upload(client, paul)
    frozen_clock.set_now(datetime.now(UTC) + timedelta(hours=1, minutes=1))  # the ticket expired long ago
    housekeeping.run()
    assert keys("tmp/") == []
    frozen_clock.set_now(NOW)
    paul = login(client, PAUL)  # housekeeping also ended the idle session: a new one, the upload stays gone
    before, stored = table_items(), keys("users/")
    response = confirm(client, paul, ticket["upload_id"])
    assert response.status_code == 404, response.body
    assert table_items() == before and keys("users/") == stored


def test_presigned_urls_follow_the_attachments_url_of_the_local_stack(client, paul, monkeypatch):
    """The local stack proxies the bucket under the portal's origin (devstack/server.py): the browser gets that path,
    with the signature S3's own host would check."""
    row = add(client, paul)
    monkeypatch.setenv("ATTACHMENTS_URL", "/s3")
    ticket = body(start(client, paul))
    assert ticket["url"] == f"/s3/{bucket()}"
    url = body(send(client, "GET", f"/attachments/{row['id']}/download", cookie=paul))["url"]
    assert urlparse(url).path == f"/s3/{bucket()}/users/{user_id(PAUL)}/{row['id']}"
    assert "X-Amz-Signature" in parse_qs(urlparse(url).query)
    monkeypatch.delenv("ATTACHMENTS_URL")
    assert body(start(client, paul))["url"].startswith("http")  # S3's own address otherwise
