"""Issue 13 in Chromium, on the real local stack: in « Mon Compte » a new contact address waits for its confirmation,
is confirmed by the link read from the local outbox; on « Sécurité et confidentialité », « Télécharger mes données »
builds the archive off the request path (the stack polls the exports queue) and downloads it, and the old address
cancels a login change asked for there."""

import io
import json
import re
import zipfile

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, log_in, open_account, ready
from tests.e2e.test_lifecycle import mailed_token

NEW_CONTACT = "compta@menuiserie.fr"


def open_security(page, base_url: str) -> None:
    page.goto(base_url + "/securite.html")
    ready(page)


def test_the_old_login_address_cancels_a_login_change(own, page):
    # First on this stack: once a change is confirmed (the next journey), the old address may undo it for 7 days and
    # no new change is taken meanwhile.
    log_in(page, own.url)
    open_security(page, own.url)
    page.get_by_label("Nouvel identifiant de connexion").fill("paul@dupont-bois.fr")
    page.get_by_role("button", name="Envoyer le lien de confirmation").click()
    expect(page.locator("#login-change-sent")).to_contain_text("paul@dupont-bois.fr")
    expect(page.get_by_text("Nouvel identifiant de connexion en attente de confirmation : paul@dupont-bois.fr")
           ).to_be_visible()
    assert axe_violations(page) == []

    token = mailed_token(page, own.url, "paul.dupont@menuiserie.fr", "annulation-courriel.html")
    page.goto(own.url + "/annulation-courriel.html#jeton=" + token)
    ready(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Annuler la modification").click()
    expect(page.locator("#email-cancel-done")).to_contain_text("La modification d'adresse électronique est annulée")
    assert axe_violations(page) == []
    open_account(page, own.url)
    expect(page.get_by_label("Identifiant de connexion", exact=True)).to_have_value("paul.dupont@menuiserie.fr")
    open_security(page, own.url)
    expect(page.get_by_text("en attente de confirmation")).to_have_count(0)


def test_paul_changes_his_contact_address_by_the_mailed_link_then_downloads_his_data(own, page):
    log_in(page, own.url)
    open_account(page, own.url)
    page.get_by_label("Adresse électronique de contact").fill(NEW_CONTACT)
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#success-alert")).to_contain_text(f"Un lien de confirmation a été envoyé à {NEW_CONTACT}")
    expect(page.get_by_text(f"En attente de confirmation : {NEW_CONTACT}")).to_be_visible()
    # The field still shows the address in use: nothing changes before the confirmation.
    expect(page.get_by_label("Adresse électronique de contact")).to_have_value("contact@menuiserie.fr")
    assert axe_violations(page) == []

    token = mailed_token(page, own.url, NEW_CONTACT, "confirmation-courriel.html")
    page.goto(own.url + "/confirmation-courriel.html#jeton=" + token)
    ready(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirmer ma nouvelle adresse").click()
    expect(page.locator("#email-confirm-done")).to_contain_text("Votre nouvelle adresse électronique est confirmée")
    page.get_by_role("link", name="Aller à Mon Compte").click()
    ready(page)
    expect(page.get_by_label("Adresse électronique de contact")).to_have_value(NEW_CONTACT)
    expect(page.get_by_text("En attente de confirmation")).to_have_count(0)

    # « Télécharger mes données » (« Sécurité et confidentialité »): asked, built off the request path, downloaded.
    page.get_by_role("link", name=re.compile("Mes sessions, historique de connexion")).click()
    ready(page)
    expect(page.get_by_role("heading", name="Télécharger mes données")).to_be_visible()
    page.get_by_role("button", name="Télécharger mes données").click()
    expect(page.locator("#export-status")).to_contain_text("Votre archive est en préparation")
    archive_button = page.get_by_role("button", name="Télécharger l’archive")
    expect(archive_button).to_be_visible(timeout=30_000)
    expect(page.locator("#export-status")).to_contain_text("Votre archive est prête")
    assert axe_violations(page) == []
    with page.expect_download() as caught:
        archive_button.click()
    download = caught.value
    assert re.fullmatch(r"mes-donnees-chorus-pro-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        doc = json.loads(archive.read("donnees.json"))
        assert doc["profile"]["contact_email"] == NEW_CONTACT
        (attachment,) = doc["attachments"]
        assert archive.read(attachment["file"])[:2] == b"\xff\xd8"
    mails = page.request.get(own.url + "/dev/outbox.json").json()
    assert any(m["subject"] == "Vos données Chorus Pro sont prêtes" and m["to"] == NEW_CONTACT for m in mails)
