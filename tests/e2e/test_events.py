"""Events (issue 11) in Chromium on a local stack of their own: Julie's request appears in her « Fil d'événements »,
in Paul's and in the « Historique » of his structure; Julie withdraws it from « Mes demandes » and Paul no longer sees
it. axe-core on each page."""

import json

from playwright.sync_api import expect

from tests.conftest import PAUL
from tests.e2e.conftest import axe_violations, person, ready

JULIE = "julie.leroy@menuiserie.fr"
REQUESTED = "Julie LEROY a demandé un rattachement à Rénovation Habitat."


def _cookie(page) -> str:
    session = next(c for c in page.context.cookies() if c["name"] == "__Host-mc_session")
    return f"__Host-mc_session={session['value']}"


def ask_renovation(page, base_url: str) -> str:
    """Julie's request to join Rénovation Habitat, through the API (the request form has its own journey)."""
    found = page.request.get(base_url + "/api/structures?designation=*habitat*", headers={"Cookie": _cookie(page)})
    structure_id = found.json()["items"][0]["structure_id"]
    answer = page.request.post(base_url + f"/api/structures/{structure_id}/memberships", data=json.dumps({
        "valid_from": "2026-01-01", "valid_until": None, "comment": "Renfort", "services": []}), headers={
        "Content-Type": "application/json", "X-Requested-With": "fetch", "Cookie": _cookie(page)})
    assert answer.status == 201, answer.text()
    return structure_id


def test_julies_request_reaches_her_feed_pauls_feed_and_history_then_she_withdraws_it(own, new_context):
    julie = person(new_context, own.url, JULIE)
    expect(julie.get_by_role("heading", level=2, name="Fil d'événements")).to_be_visible()
    expect(julie.get_by_role("heading", level=2, name="Actualités")).to_be_visible()
    expect(julie.get_by_role("heading", level=2, name="Accès Rapide")).to_be_visible()
    expect(julie.get_by_role("link", name="+ Ajouter un espace")).to_have_attribute("href", "abonnement-ajout.html")
    expect(julie.get_by_role("link", name="Rechercher structure publique")).to_have_attribute(
        "href", "rattachement-recherche.html?structure_type=PUBLIQUE")
    # Julie holds « Factures émises » on Menuiserie Dupont: the deposit button leads to the configured address.
    expect(julie.get_by_role("link", name="+ Déposer une facture")).to_have_attribute(
        "href", "https://chorus-pro.gouv.fr/cpp/facture/deposer")
    expect(julie.locator("#feed-empty")).to_be_visible()

    ask_renovation(julie, own.url)
    julie.reload()
    ready(julie)
    event = julie.locator("#feed-list li", has_text=REQUESTED)
    expect(event).to_have_count(1)
    expect(event.get_by_text("Nouveau")).to_be_visible()  # since her previous login: this session is her first
    assert axe_violations(julie) == []

    paul = person(new_context, own.url, PAUL)
    expect(paul.locator("#feed-list li", has_text=REQUESTED)).to_have_count(1)
    # « + Déposer une facture » is for holders of « Factures émises » only; Paul holds it too (default spaces).
    paul.get_by_role("link", name="Activité du gestionnaire").first.click()
    paul.wait_for_url("**/activite-gestionnaire.html")
    ready(paul)
    expect(paul.locator("#requests-body tr", has_text="LEROY")).to_have_count(1)
    paul.get_by_label("Structure gérée").select_option(label=paul.locator(
        "#managed-structure option", has_text="Rénovation Habitat").inner_text())
    paul.get_by_role("link", name="Historique de la structure").click()
    paul.wait_for_url("**/historique.html?id=*")
    ready(paul)
    expect(paul.get_by_role("heading", level=1)).to_have_text("Historique de Rénovation Habitat")
    expect(paul.locator("#history-body tr", has_text=REQUESTED)).to_have_count(1)
    paul.get_by_label("Utilisateur").select_option(label="Paul DUPONT")
    paul.get_by_role("button", name="Filtrer", exact=True).click()
    expect(paul.locator("#history-body")).to_contain_text("Aucun événement pour ces critères.")
    assert axe_violations(paul) == []

    julie.get_by_role("link", name="Voir mes demandes").click()
    julie.wait_for_url("**/mes-demandes.html")
    ready(julie)
    request = julie.locator("#requests-list > li", has_text="Rattachement à Rénovation Habitat")
    expect(request).to_contain_text("En attente de décision")
    expect(request).to_contain_text(REQUESTED)
    assert axe_violations(julie) == []
    request.get_by_role("button", name="Retirer la demande").click()
    expect(julie.locator("#requests-withdrawn")).to_contain_text("Votre demande est retirée")
    expect(request).to_contain_text("Traitée")
    expect(request).to_contain_text("Julie LEROY a retiré sa demande de rattachement à Rénovation Habitat.")
    expect(request.get_by_role("button", name="Retirer la demande")).to_have_count(0)
    assert axe_violations(julie) == []

    paul.goto(own.url + "/activite-gestionnaire.html")
    ready(paul)
    expect(paul.locator("#requests-body tr", has_text="LEROY")).to_have_count(0)
