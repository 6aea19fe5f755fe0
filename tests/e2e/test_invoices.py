"""Rejected invoices (issue 12) in Chromium on a local stack of its own: a rejection of Menuiserie Dupont sent on the
invoice-status queue shows its notice to Julie on every page, with its reason; she attests it and it is gone. axe-core
on the notice."""

from urllib.parse import urlencode

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, open_account, person, ready

JULIE = "julie.leroy@menuiserie.fr"
MARC = "marc.petit@menuiserie.fr"
REASON = "Bon de commande absent"


def test_julie_sees_the_rejection_on_every_page_and_attests_it(own, new_context):
    julie = person(new_context, own.url, JULIE)
    expect(julie.locator("#rejections-notice")).to_have_count(0)
    sent = julie.request.get(own.url + "/dev/invoices/send?" + urlencode({
        "number": "FAC-2026-0042", "status": "REJETEE", "service": "MOBURB", "amount": "1250.00", "reason": REASON}))
    assert sent.json() == {"sent": 1, "handled": 1, "duplicates": 0, "dead_lettered": 0}
    # The mailer sends from the outbox off the request path: within a few seconds.
    subjects = []
    for _ in range(50):
        subjects = [m["subject"] for m in julie.request.get(own.url + "/dev/outbox.json").json() if m["to"] == JULIE]
        if subjects:
            break
        julie.wait_for_timeout(200)
    assert subjects == ["Facture FAC-2026-0042 rejetée : attestez en avoir pris connaissance"]

    julie.reload()
    ready(julie)
    notice = julie.locator("#rejections-notice")
    expect(notice.get_by_role("heading", level=2, name="Facture rejetée : attestation requise")).to_be_visible()
    expect(notice.get_by_text("Facture FAC-2026-0042 de 1250.00 € (MOBURB)")).to_be_visible()
    expect(notice.get_by_text(f"Motif du rejet : {REASON}")).to_be_visible()
    # Within the 7 days the page is still there under the notice.
    expect(julie.get_by_role("heading", level=2, name="Fil d'événements")).to_be_visible()
    assert axe_violations(julie) == []

    # « Mon Compte » reads its banner from /account: the notice is there too.
    open_account(julie, own.url)
    expect(julie.locator("#rejections-notice").get_by_text(f"Motif du rejet : {REASON}")).to_be_visible()
    assert axe_violations(julie) == []

    julie.locator("#rejections-notice").get_by_role(
        "button", name="J'atteste avoir pris connaissance du rejet").click()
    expect(julie.get_by_role("status")).to_have_text(
        "Votre attestation pour la facture FAC-2026-0042 est enregistrée.")
    expect(julie.locator("#rejections-notice .fr-alert--warning")).to_have_count(0)
    assert axe_violations(julie) == []
    julie.reload()
    ready(julie)
    expect(julie.locator("#rejections-notice")).to_have_count(0)


def _digests(page, base_url: str) -> list[str]:
    """The recipients of the daily digests in the local outbox (« votre résumé du … »)."""
    mails = page.request.get(base_url + "/dev/outbox.json").json()
    return [m["to"] for m in mails if m["subject"].startswith("Chorus Pro : votre résumé du ")]


def test_the_daily_digest_on_demand_mails_each_concerned_user_once(own, new_context):
    """Run on demand (/dev/run/daily_digest): one digest per user with something new today (the seeded invoices'
    holders, Julie's rejection), in the outbox within seconds; a second run the same day sends nothing more."""
    julie = person(new_context, own.url, JULIE)
    sent = julie.request.get(own.url + "/dev/invoices/send?" + urlencode({
        "number": "FAC-2026-0077", "status": "MISE_A_DISPOSITION", "service": "MOBURB", "amount": "80.00"}))
    assert sent.json()["handled"] == 1
    ran = julie.request.get(own.url + "/dev/run/daily_digest").json()["result"]
    assert ran.get("sent", 0) >= 1, ran
    recipients = []
    for _ in range(50):
        recipients = _digests(julie, own.url)
        if len(recipients) >= ran["sent"]:
            break
        julie.wait_for_timeout(200)
    assert len(recipients) == ran["sent"] and len(set(recipients)) == len(recipients), recipients
    assert JULIE in recipients
    again = julie.request.get(own.url + "/dev/run/daily_digest").json()["result"]
    assert again.get("sent", 0) == 0, again
    julie.wait_for_timeout(1000)
    assert sorted(_digests(julie, own.url)) == sorted(recipients)


def test_the_demo_rejection_waits_for_marc_only(own, new_context):
    marc = person(new_context, own.url, MARC)
    expect(marc.locator("#rejections-notice").get_by_text(
        "Motif du rejet : Numéro d'engagement absent ou erroné")).to_be_visible()
    julie = person(new_context, own.url, JULIE)
    expect(julie.locator("#rejections-notice")).to_have_count(0)


def _fetch(page, base_url: str, method: str, path: str, payload=None):
    import json

    session = next(c for c in page.context.cookies() if c["name"] == "__Host-mc_session")
    headers = {"Content-Type": "application/json", "X-Requested-With": "fetch",
               "Cookie": f"__Host-mc_session={session['value']}"}
    call = page.request.post if method == "POST" else page.request.get
    return call(base_url + path, data=json.dumps(payload) if payload is not None else None, headers=headers)


def test_paul_extends_a_dated_rattachement_from_the_mails_link(own, new_context):
    """Claire asks to join Menuiserie Dupont until a date, Paul validates; the 14-day notice's link opens
    « Prolonger » (the job itself is covered by the API tests: the clock of a local stack is the real one)."""
    claire = person(new_context, own.url, "claire.martin@ebenisterie-martin.fr")
    found = _fetch(claire, own.url, "GET", "/api/structures?designation=menuiserie").json()
    menuiserie = found["items"][0]["structure_id"]
    asked = _fetch(claire, own.url, "POST", f"/api/structures/{menuiserie}/memberships", {
        "valid_from": "2026-01-01", "valid_until": "2099-12-31", "comment": "Renfort", "services": []})
    assert asked.status == 201, asked.text()
    claire_id = [c for c in claire.context.cookies() if c["name"] == "__Host-mc_session"][0]["value"].split(".")[0]
    paul = person(new_context, own.url, "paul.dupont@menuiserie.fr")
    decided = _fetch(paul, own.url, "POST", "/api/manager/requests/decide", {
        "decision": "VALIDER", "reason": None, "requests": [{"structure_id": menuiserie, "user_id": claire_id}]})
    assert decided.status == 200, decided.text()

    paul.goto(own.url + f"/rattachement-prolongation.html?structure_id={menuiserie}&user_id={claire_id}")
    ready(paul)
    expect(paul.get_by_text("Le rattachement de Claire MARTIN à Menuiserie Dupont prend fin le 31/12/2099.")
           ).to_be_visible()
    assert axe_violations(paul) == []
    paul.get_by_label("Nouvelle date de fin de validité").fill("2100-06-30")
    paul.get_by_role("button", name="Prolonger").click()
    expect(paul.get_by_text("Rattachement prolongé jusqu'au 30/06/2100.")).to_be_visible()
    assert axe_violations(paul) == []
    # Claire herself may not: the API answers, the page shows its message.
    claire.goto(own.url + f"/rattachement-prolongation.html?structure_id={menuiserie}&user_id={claire_id}")
    ready(claire)
    expect(claire.locator("#extension-body")).to_be_hidden()
    expect(claire.locator("#extension-feedback .fr-alert--error")).to_be_visible()
