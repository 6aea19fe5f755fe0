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
    mails = [m for m in julie.request.get(own.url + "/dev/outbox.json").json() if m["to"] == JULIE]
    assert mails[0]["subject"] == "Facture FAC-2026-0042 rejetée : attestez en avoir pris connaissance"

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


def test_the_demo_rejection_waits_for_marc_only(own, new_context):
    marc = person(new_context, own.url, MARC)
    expect(marc.locator("#rejections-notice").get_by_text(
        "Motif du rejet : Numéro d'engagement absent ou erroné")).to_be_visible()
    julie = person(new_context, own.url, JULIE)
    expect(julie.locator("#rejections-notice")).to_have_count(0)
