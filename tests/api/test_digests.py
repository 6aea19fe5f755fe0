"""Daily digest and weekly recap (issue 12, points 2 and 3): the jobs read only the day's and the week's shards of
gsi2, mail each concerned user once at its contact address, skip who must get nothing, survive a crash half-way, and
cost at most one DynamoDB request per mail (a few hundredths at scale: scripts/bench_digests.py).

Invoice events (kind ``INVOICE_STATUS``, issue 12 point 1, written by the invoices work) are written here directly
through ``store.events`` with the agreed parameters."""

import os
import secrets
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import clock
from chalicelib.domain import digests as rules
from chalicelib.domain import events as event_rules
from chalicelib.domain.accounts import INACTIVE
from chalicelib.jobs import digests as job
from chalicelib.store import accounts
from chalicelib.store import digests as store_digests
from chalicelib.store import events as event_store
from tests.api.conftest import NOW, login, send, sent_mails, table_items
from tests.api.test_events import ask, decide
from tests.api.test_structures import CLAIRE, JULIE, MARC, PAUL, structure_id, user_id

NEXT_MORNING = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)
NEXT_MONDAY = datetime(2026, 11, 30, 5, 30, tzinfo=UTC)


def invoice(readers, structure, number, status, service="MOBURB", amount="1200.50", reason=None, at=NOW):
    """An invoice status event as the invoices work writes it (test helper, not the kind's definition)."""
    params = {"number": number, "status": status, "amount": amount, "service_id": service, "date": "2026-11-26"}
    if reason:
        params["reason"] = reason
    event = event_rules.Event(rules.INVOICE_STATUS, at, secrets.token_hex(8), None, None, structure, params, reason,
                              tuple(readers))
    event_store.save([event])
    return event


DIGEST_SUBJECTS = ("Chorus Pro : votre résumé", "Chorus Pro: your summary", "Chorus Pro : la semaine",
                   "Chorus Pro: the week")


def digest_mails() -> list:
    """The digests and recaps sent (the changes a test makes send their own mails too)."""
    return [m for m in sent_mails() if subject(m).startswith(DIGEST_SUBJECTS)]


def subject(mail) -> str:
    return mail["Subject"].strip()  # a long subject is folded after "Subject:"


def mails_to(address) -> list:
    return [m for m in digest_mails() if m["To"] == address]


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def html_of(mail) -> str:
    return mail.get_body(("html",)).get_content()


def contact(login_name) -> str:
    return accounts.get_profile(user_id(login_name)).contact_email


def set_profile(login_name, **changes):
    profile = accounts.get_profile(user_id(login_name))
    accounts.update_profile(profile.user_id, profile.version, changes)


@pytest.fixture
def menuiserie(client):
    return structure_id(client, login(client, PAUL), "menuiserie")


@pytest.fixture
def renovation(client):
    return structure_id(client, login(client, PAUL), "*habitat*")


# --- gsi2 keys ----------------------------------------------------------------------------------------------------

def gsi2(prefix: str) -> list[tuple]:
    return [(i["pk"]["S"], i["gsi2pk"]["S"], i["gsi2sk"]["S"]) for i in table_items()
            if i.get("gsi2pk", {}).get("S", "").startswith(prefix)]


def test_feed_items_file_their_reader_under_the_paris_days_shard(client, menuiserie):
    julie = user_id(JULIE)
    first = invoice([julie], menuiserie, "F-1", "DEPOSEE")
    late = invoice([julie], menuiserie, "F-2", "DEPOSEE", at=datetime(2026, 11, 27, 23, 30, tzinfo=UTC))
    shard = rules.shard(julie, 16)
    day = sorted(gsi2("DIGEST#"))
    assert [(pk, gsi2pk) for pk, gsi2pk, _ in day] == [
        (f"FEED#{julie}", f"DIGEST#2026-11-27#{shard}"), (f"FEED#{julie}", f"DIGEST#2026-11-28#{shard}")]  # 00:30 Paris
    assert {sk.split("#")[0] for _, _, sk in day} == {julie}
    assert any(sk.endswith(first.event_id) for _, _, sk in day) and any(sk.endswith(late.event_id) for _, _, sk in day)
    # no item written for the digests: only the feed and the history items
    assert not [i for i in table_items() if i["pk"]["S"].startswith(("DIGEST", "RECAP"))]
    # the history items of an invoice are movements of the structure's week (Paris Monday)
    week = gsi2("RECAP#")
    assert {(pk, gsi2pk) for pk, gsi2pk, _ in week} == {
        (f"HISTORY#{menuiserie}", f"RECAP#2026-11-23#{rules.shard(menuiserie, 16)}")}
    assert all(sk.startswith(f"{menuiserie}#") for _, _, sk in week)


def test_a_request_files_the_requester_and_the_managers_feeds_but_no_recap(client, renovation):
    ask(client, login(client, JULIE), renovation)
    assert {sk.split("#")[0] for _, _, sk in gsi2("DIGEST#2026-11-27#")} == {user_id(JULIE), user_id(PAUL)}
    # a request asked is not yet a movement of the structure's week: its decision is
    assert not gsi2("RECAP#")


# --- daily digest -------------------------------------------------------------------------------------------------

def test_the_daily_digest_mails_each_concerned_user_once_with_its_invoices_by_status(client, menuiserie, renovation):
    julie = user_id(JULIE)
    ask(client, login(client, JULIE), renovation)
    invoice([julie], menuiserie, "F-100", "DEPOSEE")
    invoice([julie], menuiserie, "F-101", "DEPOSEE")
    invoice([julie], menuiserie, "F-101", "REJETEE", reason="Montant <b>erroné</b>", at=NOW + timedelta(hours=1))
    invoice([julie], menuiserie, "F-102", "MISE_EN_PAIEMENT")
    clock.set_now(NEXT_MORNING)
    assert job.run_daily() == {"sent": 2}
    (mail,) = mails_to(contact(JULIE))
    assert subject(mail) == "Chorus Pro : votre résumé du 28/11/2026"
    text = text_of(mail)
    assert "Julie LEROY a demandé un rattachement à Rénovation Habitat." in text
    # groups in lifecycle order, an invoice once at its latest status, the reason told
    assert text.index("Déposée (1)") < text.index("Rejetée (1)") < text.index("Mise en paiement (1)")
    assert text.count("F-101") == 1 and "motif : Montant <b>erroné</b>" in text
    html = html_of(mail)
    assert "Montant &lt;b&gt;erroné&lt;/b&gt;" in html and "<b>" not in html  # autoescaped
    assert 'href="' in html and "/accueil.html" in html
    (paul_mail,) = mails_to(contact(PAUL))
    assert "Julie LEROY a demandé un rattachement" in text_of(paul_mail) and "F-10" not in text_of(paul_mail)
    assert not mails_to(contact(MARC)) and not mails_to(contact(CLAIRE))
    # twice the same day: nothing more
    assert job.run_daily() == {"already_sent": 2}
    assert len(digest_mails()) == 2
    # the next day, only what is new since
    invoice([julie], menuiserie, "F-103", "DEPOSEE", at=NEXT_MORNING + timedelta(hours=2))
    clock.set_now(NEXT_MORNING + timedelta(days=1))
    assert job.run_daily()["sent"] == 1
    latest = mails_to(contact(JULIE))[-1]
    assert "F-103" in text_of(latest) and "F-101" not in text_of(latest) and "Rénovation" not in text_of(latest)


def test_the_digest_is_in_the_users_language(client, menuiserie):
    set_profile(JULIE, language="EN")
    invoice([user_id(JULIE)], menuiserie, "F-7", "SUSPENDUE", reason="Pièce manquante")
    clock.set_now(NEXT_MORNING)
    job.run_daily()
    (mail,) = mails_to(contact(JULIE))
    assert subject(mail) == "Chorus Pro: your summary of 28/11/2026"
    assert "Suspended (1)" in text_of(mail) and "Invoice F-7" in text_of(mail)


@pytest.mark.parametrize("change", [{"notifications": False}, {"status": INACTIVE}])
def test_no_digest_for_notifications_off_or_a_deactivated_account(client, menuiserie, change):
    set_profile(JULIE, **change)
    invoice([user_id(JULIE), user_id(MARC)], menuiserie, "F-9", "REJETEE", reason="Doublon")
    clock.set_now(NEXT_MORNING)
    assert job.run_daily() == {"sent": 1, "not_mailed": 1}
    assert not mails_to(contact(JULIE)) and len(mails_to(contact(MARC))) == 1


def test_no_digest_to_a_bouncing_contact_address(client, menuiserie):
    from chalicelib.domain.mails import BOUNCE
    from chalicelib.store import outbox

    assert outbox.mark_contact_bounce(user_id(JULIE), contact(JULIE), BOUNCE, NOW)
    invoice([user_id(JULIE), user_id(MARC)], menuiserie, "F-9", "DEPOSEE")
    clock.set_now(NEXT_MORNING)
    assert job.run_daily() == {"sent": 1, "not_mailed": 1}
    assert not mails_to(contact(JULIE)) and len(mails_to(contact(MARC))) == 1


def test_two_users_of_one_structure_see_only_their_services_invoices(client, menuiserie):
    julie, marc = user_id(JULIE), user_id(MARC)
    invoice([julie], menuiserie, "MOB-1", "DEPOSEE", service="MOBURB", amount="10")
    invoice([marc], menuiserie, "MEU-1", "DEPOSEE", service="MEUBLES", amount="20")
    clock.set_now(NEXT_MORNING)
    assert job.run_daily() == {"sent": 2}
    julie_mail, marc_mail = text_of(mails_to(contact(JULIE))[0]), text_of(mails_to(contact(MARC))[0])
    assert "MOB-1" in julie_mail and "MEU-1" not in julie_mail
    assert "MEU-1" in marc_mail and "MOB-1" not in marc_mail


def test_a_run_stopped_half_way_then_run_again_sends_every_mail_once(client, menuiserie, monkeypatch):
    monkeypatch.setenv("DIGEST_SHARDS", "1")
    monkeypatch.setattr(job, "CHUNK", 2)  # two mails a transaction: the run stops after the first
    readers = [user_id(who) for who in (PAUL, JULIE, MARC, CLAIRE)]
    invoice(readers, menuiserie, "F-1", "DEPOSEE")
    clock.set_now(NEXT_MORNING)

    def crash(sent):
        if sent == 2:
            raise job.Interrupted()

    with pytest.raises(job.Interrupted):
        job.run_daily(after_chunk=crash)
    assert len(digest_mails()) == 2
    assert job.run_daily() == {"already_sent": 2, "sent": 2}
    assert sorted(m["To"] for m in digest_mails()) == sorted(contact(who) for who in (PAUL, JULIE, MARC, CLAIRE))
    assert job.run_daily() == {"already_sent": 4}
    assert len(digest_mails()) == 4


def test_a_run_that_meets_another_runs_mails_queues_none_twice(client, menuiserie, monkeypatch):
    """A checkpoint lost (or another run ahead of it): the chunk's transaction is cancelled by the mails already
    queued, and the run falls back to one mail at a time, each only if absent."""
    import boto3

    monkeypatch.setenv("DIGEST_SHARDS", "1")
    monkeypatch.setattr(job, "CHUNK", 2)
    readers = [user_id(who) for who in (PAUL, JULIE, MARC, CLAIRE)]
    invoice(readers, menuiserie, "F-1", "DEPOSEE")
    clock.set_now(NEXT_MORNING)

    def crash(sent):
        if sent == 2:
            raise job.Interrupted()

    with pytest.raises(job.Interrupted):
        job.run_daily(after_chunk=crash)
    mails = sorted(i["pk"]["S"] for i in table_items() if i["pk"]["S"].startswith("MAIL#digest-"))
    assert len(mails) == 2 and all(m.startswith("MAIL#digest-2026-11-27-") for m in mails)
    (checkpoint,) = [i for i in table_items() if i["pk"]["S"].startswith("DIGEST_RUN#")]
    assert checkpoint["pk"]["S"] == "DIGEST_RUN#daily#2026-11-27" and checkpoint["sent"]["N"] == "2"
    boto3.client("dynamodb").delete_item(TableName=os.environ["TABLE_NAME"],
                                         Key={"pk": checkpoint["pk"], "sk": checkpoint["sk"]})
    assert job.run_daily() == {"already_sent": 2, "sent": 2}
    assert sorted(m["To"] for m in digest_mails()) == sorted(contact(who) for who in (PAUL, JULIE, MARC, CLAIRE))
    assert job.run_daily() == {"already_sent": 4}


def profiles_of(count: int) -> list[str]:
    """``count`` active users with notifications on, written straight to the table (the API would cost minutes)."""
    from chalicelib.domain.accounts import ACTIVE
    from chalicelib.store.models import PROFILE_SK, UserProfile, bind, user_pk

    bind()
    ids = [f"bulk{index:04d}" for index in range(count)]
    with UserProfile.batch_write() as batch:
        for index, user in enumerate(ids):
            batch.save(UserProfile(
                user_pk(user), PROFILE_SK, user_id=user, login=f"{user}@example.fr",
                contact_email=f"contact.{user}@example.fr", last_name=f"NOM{index}", first_name="Prénom",
                address_line1="1 rue", city="Paris", country="FR", language="FR", notifications=True, status=ACTIVE,
                created_at=NOW - timedelta(days=400), password_changed_at=NOW - timedelta(days=10),
                secret_question="Q", version=1))
    return ids


def test_the_daily_digest_costs_at_most_one_request_per_mail(client, menuiserie, monkeypatch, dynamodb_calls):
    monkeypatch.setenv("DIGEST_SHARDS", "1")
    readers = [user_id(who) for who in (PAUL, JULIE, MARC, CLAIRE)]
    for number in range(5):
        invoice(readers, menuiserie, f"F-{number}", "DEPOSEE")
    clock.set_now(NEXT_MORNING)
    dynamodb_calls.clear()
    assert job.run_daily() == {"sent": 4}
    # the shard's checkpoint, its day (one Query page), its readers' profiles, the four mails with the checkpoint
    assert dynamodb_calls == ["GetItem", "Query", "BatchGetItem", "TransactWriteItems"]


def test_at_scale_a_mail_costs_a_few_hundredths_of_a_request(client, menuiserie, monkeypatch, dynamodb_calls):
    monkeypatch.setenv("DIGEST_SHARDS", "2")
    readers = profiles_of(250)
    for number in range(3):
        invoice(readers, menuiserie, f"F-{number}", "DEPOSEE")
    clock.set_now(NEXT_MORNING)
    dynamodb_calls.clear()
    assert job.run_daily() == {"sent": 250}
    # per shard: its checkpoint, its day, 100 profiles a BatchGetItem, 90 mails a TransactWriteItems
    assert dynamodb_calls.count("GetItem") == 2 and dynamodb_calls.count("Query") == 2
    assert 3 <= dynamodb_calls.count("BatchGetItem") <= 4 and 3 <= dynamodb_calls.count("TransactWriteItems") <= 4
    assert len(dynamodb_calls) <= 12  # <= 0.05 request per mail
    assert len(digest_mails()) == 250


# --- weekly recap -------------------------------------------------------------------------------------------------

def test_the_weekly_recap_tells_each_manager_its_structures_movements(client, menuiserie, renovation):
    paul = login(client, PAUL)
    ask(client, login(client, JULIE), renovation)
    decide(client, paul, renovation, JULIE, "VALIDER")
    invoice([user_id(JULIE)], menuiserie, "F-1", "REJETEE", amount="100", reason="Doublon")
    invoice([user_id(JULIE)], menuiserie, "F-2", "REJETEE", amount="50.5")
    invoice([user_id(JULIE)], menuiserie, "F-3", "MISE_EN_PAIEMENT", amount="10")
    clock.set_now(NEXT_MONDAY)
    # Paul for both structures, Marc (secondary acting as manager) for Menuiserie; Julie and Claire nothing
    assert job.run_weekly() == {"sent": 3}
    paul_mails = {subject(m): text_of(m) for m in mails_to(contact(PAUL))}
    renovation_text = paul_mails["Chorus Pro : la semaine du 23/11/2026 sur Rénovation Habitat"]
    assert "Utilisateurs rattachés (1)" in renovation_text and "Demandes traitées (1)" in renovation_text
    assert f"/historique.html?id={renovation}" in renovation_text
    menuiserie_text = next(t for s, t in paul_mails.items() if s != "Chorus Pro : la semaine du 23/11/2026 sur "
                                                                      "Rénovation Habitat")
    assert "Rejetée : 2 factures, 150.50 €" in menuiserie_text
    assert "Mise en paiement : 1 facture, 10.00 €" in menuiserie_text
    assert len(mails_to(contact(MARC))) == 1
    assert not mails_to(contact(JULIE)) and not mails_to(contact(CLAIRE))
    assert job.run_weekly() == {"already_sent": 3}
    assert len(digest_mails()) == 3


def test_the_weekly_recap_reads_only_structures_that_moved(client, menuiserie, renovation, dynamodb_calls,
                                                           monkeypatch):
    # one shard, where the rattachements' manager keys were written with 16: they do not depend on DIGEST_SHARDS
    monkeypatch.setenv("DIGEST_SHARDS", "1")
    invoice([user_id(JULIE)], menuiserie, "F-1", "DEPOSEE")
    invoice([user_id(PAUL)], renovation, "F-2", "DEPOSEE")
    clock.set_now(NEXT_MONDAY)
    dynamodb_calls.clear()
    assert job.run_weekly() == {"sent": 3}
    # the shard's checkpoint and its week, the managers of each bucket holding a structure that moved (not one Query
    # per structure), their profiles, the three mails in one write
    buckets = {store_digests.manager_bucket(menuiserie), store_digests.manager_bucket(renovation)}
    assert dynamodb_calls == ["GetItem", "Query", *["Query"] * len(buckets), "BatchGetItem", "TransactWriteItems"]


def test_the_index_of_managers_follows_roles(client, menuiserie):
    paul = login(client, PAUL)

    def indexed():
        return {(pk.removeprefix("USER#"), sk) for pk, _, sk in gsi2("RECAP_MANAGERS#")
                if sk.startswith(f"{menuiserie}#")}

    def role(login_name, payload):
        response = send(client, "POST", f"/structures/{menuiserie}/members/{user_id(login_name)}/role", payload,
                        cookie=paul)
        assert response.status_code == 200, response.json_body

    # the principal and the secondary acting as manager; Julie (user) is not filed
    assert indexed() == {(user_id(u), f"{menuiserie}#{user_id(u)}") for u in (PAUL, MARC)}
    assert all(pk == f"RECAP_MANAGERS#{store_digests.manager_bucket(menuiserie)}" for _, pk, sk in
               gsi2("RECAP_MANAGERS#") if sk.startswith(f"{menuiserie}#"))
    role(JULIE, {"role": "GESTIONNAIRE_SECONDAIRE", "manager_scope": "GESTIONNAIRE"})
    role(MARC, {"role": "UTILISATEUR"})
    assert indexed() == {(user_id(u), f"{menuiserie}#{user_id(u)}") for u in (PAUL, JULIE)}
    invoice([user_id(JULIE)], menuiserie, "F-1", "DEPOSEE")
    clock.set_now(NEXT_MONDAY)
    assert job.run_weekly() == {"sent": 2}
    assert sorted(m["To"] for m in digest_mails()) == sorted([contact(PAUL), contact(JULIE)])


def test_a_recap_run_stopped_between_two_managers_of_a_structure_resumes_with_the_second(client, menuiserie,
                                                                                         monkeypatch):
    monkeypatch.setenv("DIGEST_SHARDS", "1")
    monkeypatch.setattr(job, "CHUNK", 1)
    invoice([user_id(JULIE)], menuiserie, "F-1", "DEPOSEE")
    clock.set_now(NEXT_MONDAY)

    def crash(sent):
        raise job.Interrupted()

    with pytest.raises(job.Interrupted):
        job.run_weekly(after_chunk=crash)
    (first,) = digest_mails()
    assert job.run_weekly() == {"already_sent": 1, "sent": 1}  # the structure read again, its first manager skipped
    assert sorted(m["To"] for m in digest_mails()) == sorted([contact(PAUL), contact(MARC)])
    assert job.run_weekly() == {"already_sent": 2}


def test_local_data_saved_before_the_index_of_managers_gets_it_at_restart(client, menuiserie, monkeypatch):
    import boto3

    from devstack.snapshot import index_managers

    monkeypatch.setenv("DIGEST_SHARDS", "1")
    dynamodb, table = boto3.client("dynamodb"), os.environ["TABLE_NAME"]
    for item in [i for i in table_items() if i.get("gsi2pk", {}).get("S", "").startswith("RECAP_MANAGERS#")]:
        dynamodb.update_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]},
                             UpdateExpression="REMOVE gsi2pk, gsi2sk")
    invoice([user_id(JULIE)], menuiserie, "F-1", "DEPOSEE")
    clock.set_now(NEXT_MONDAY)
    assert job.run_weekly() == {}  # no manager found: nothing sent, nothing marked done
    assert index_managers(table_items()) == 4  # Paul twice, Marc, Claire
    assert index_managers(table_items()) == 0  # once is enough
    assert job.run_weekly() == {"sent": 2}


# --- fan-out ------------------------------------------------------------------------------------------------------

def test_a_run_fans_out_one_message_per_shard_and_each_shard_sends_its_users(client, menuiserie, monkeypatch):
    import boto3

    from chalicelib.jobs import digest_fanout

    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="digest-shards-test")["QueueUrl"]
    monkeypatch.setenv("DIGEST_QUEUE_URL", url)
    monkeypatch.setenv("DIGEST_SHARDS", "4")
    readers = [user_id(who) for who in (PAUL, JULIE, MARC, CLAIRE)]
    invoice(readers, menuiserie, "F-1", "DEPOSEE")
    clock.set_now(NEXT_MORNING)
    assert digest_fanout.start("daily") == {"fanned_out": 4}
    bodies = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [m["Body"] for m in batch]
        sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)])
    assert len(bodies) == 4 and not digest_mails()
    clock.set_now(NEXT_MORNING + timedelta(minutes=5))
    assert digest_fanout.handle(bodies + ["not json"]) == {"sent": 4}
    assert digest_fanout.handle(bodies) == {"already_sent": 4}  # SQS delivering again sends nothing
    assert len(digest_mails()) == 4


def test_a_shard_too_large_for_one_run_goes_back_to_the_queue_and_resumes(client, menuiserie, monkeypatch):
    import time

    import boto3

    from chalicelib.jobs import digest_fanout

    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="digest-shards-continued")["QueueUrl"]
    monkeypatch.setenv("DIGEST_QUEUE_URL", url)
    monkeypatch.setenv("DIGEST_SHARDS", "1")
    monkeypatch.setattr(job, "CHUNK", 3)
    invoice([user_id(who) for who in (PAUL, JULIE, MARC, CLAIRE)], menuiserie, "F-1", "DEPOSEE")
    clock.set_now(NEXT_MORNING)
    body = '{"job": "daily", "shard": 0, "at": "' + NEXT_MORNING.isoformat() + '"}'
    # the run's time is over at once: one chunk written, then the shard back on the queue with the same moment
    assert digest_fanout.handle([body], stop_at=time.monotonic()) == {"sent": 3, "continued": 1}
    (again,) = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert again["Body"] == body and len(digest_mails()) == 3
    clock.set_now(NEXT_MORNING + timedelta(minutes=15))
    assert digest_fanout.handle([again["Body"]]) == {"already_sent": 3, "sent": 1}
    assert sorted(m["To"] for m in digest_mails()) == sorted(contact(who) for who in (PAUL, JULIE, MARC, CLAIRE))
