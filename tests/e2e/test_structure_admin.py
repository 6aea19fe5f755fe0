"""« Consulter / modifier la structure » (guide §4) in Chromium on the real local stack: Paul, principal manager of
Menuiserie Dupont, edits its address, adds a service and deactivates it after reading how many users it concerns; and
ends a member's rattachement from « Activité du gestionnaire ». axe-core on the page in each state.

These journeys change the demo data, so they run on a local stack of their own.
"""

from playwright.sync_api import expect

from tests.conftest import PAUL
from tests.e2e.conftest import axe_violations, open_account, person, ready
from tests.e2e.test_structures import CLAIRE, JULIE, api_post


def menuiserie_page_of_paul(own, new_context):
    """Paul on Menuiserie Dupont's page, reached as a user would: « Consulter la structure » from « Mon Compte »."""
    paul = person(new_context, own.url, PAUL)
    open_account(paul, own.url)
    paul.locator("#memberships-body tr", has_text="Menuiserie Dupont").get_by_role(
        "link", name="Consulter la structure").click()
    paul.wait_for_url("**/structure.html?id=*")
    ready(paul)
    return paul


def test_paul_edits_menuiserie_dupont_adds_a_service_and_deactivates_it(own, new_context):
    paul = menuiserie_page_of_paul(own, new_context)
    structure_id = paul.url.split("id=")[1]

    # « Modifier »: the form replaces the address, the focus goes to its title; identity stays read-only.
    edit = paul.get_by_role("button", name="Modifier", exact=True)
    expect(edit).to_have_attribute("aria-expanded", "false")
    edit.click()
    form = paul.get_by_role("form", name="Modifier la fiche structure")
    expect(form).to_be_visible()
    expect(paul.get_by_role("heading", name="Modifier la fiche structure")).to_be_focused()
    expect(paul.locator("#structure-address")).to_be_hidden()
    expect(form.get_by_label("Adresse", exact=True)).to_have_value("10 rue du bois")
    expect(form.get_by_label("Pays")).to_have_value("FR")
    expect(paul.locator("#structure-designation")).to_have_text("Menuiserie Dupont")
    expect(form.get_by_label("Raison sociale")).to_have_count(0)
    assert axe_violations(paul) == []

    # A wrong postal code is named in red next to its field; nothing is saved.
    form.get_by_label("Code postal").fill("2100")
    form.get_by_role("button", name="Valider").click()
    expect(paul.locator("#edit-postal-code-error")).to_contain_text("5 chiffres")
    expect(form.get_by_label("Code postal")).to_be_focused()
    expect(form.get_by_label("Code postal")).to_have_attribute("aria-invalid", "true")
    assert axe_violations(paul) == []

    form.get_by_label("Adresse", exact=True).fill("4 allée des Chênes")
    form.get_by_label("Code postal").fill("21000")
    form.get_by_label("Ville").fill("Dijon")
    form.get_by_label("Adresse électronique de contact").fill("accueil@menuiserie.fr")
    form.get_by_label("Téléphone").fill("03 80 12 34 56")
    form.get_by_role("button", name="Valider").click()
    saved = paul.locator("#structure-saved")
    expect(saved).to_contain_text("Fiche structure enregistrée")
    expect(saved).to_be_focused()
    expect(form).to_be_hidden()
    expect(paul.locator("#structure-address-line1")).to_have_text("4 allée des Chênes")
    expect(paul.locator("#structure-postal-code")).to_have_text("21000")
    expect(paul.locator("#structure-city")).to_have_text("Dijon")
    expect(paul.locator("#structure-phone")).to_have_text("+33 3 80 12 34 56")
    expect(paul.locator("#structure-contact-email")).to_have_text("accueil@menuiserie.fr")

    # « Ajouter un service ».
    adding = paul.get_by_role("form", name="Ajouter un service")
    adding.get_by_label("Code du service").fill("escal")
    adding.get_by_label("Nom du service").fill("Escaliers")
    adding.get_by_role("button", name="Ajouter le service").click()
    expect(paul.locator("#service-added")).to_contain_text("Le service ESCAL - Escaliers a été ajouté.")
    row = paul.locator("#structure-services-body tr", has_text="ESCAL")
    expect(row).to_contain_text("Escaliers")
    expect(adding.get_by_label("Code du service")).to_have_value("")

    # Claire gets a rattachement limited to it (set up through the API), so the confirmation has someone to count.
    attached = api_post(paul, own.url, f"/api/structures/{structure_id}/members",
                        {"login": CLAIRE, "services": ["ESCAL"], "valid_from": "2026-01-01"})
    assert attached.status == 201, attached.text()

    # « Désactiver »: the confirmation says how many users are concerned.
    row.get_by_role("button", name="Désactiver – ESCAL Escaliers").click()
    dialog = paul.get_by_role("dialog", name="Désactiver le service")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Êtes-vous sûr de vouloir désactiver le service ESCAL - Escaliers ?")
    expect(dialog.locator("#service-deactivate-count")).to_have_text(
        "1 utilisateur est concerné (4 abonnements à ce service).")
    assert axe_violations(paul) == []
    dialog.get_by_role("button", name="Annuler").click()
    expect(dialog).to_be_hidden()
    expect(row).to_be_visible()

    row.get_by_role("button", name="Désactiver – ESCAL Escaliers").click()
    expect(dialog.locator("#service-deactivate-count")).to_contain_text("1 utilisateur est concerné")
    dialog.get_by_role("button", name="OK").click()
    expect(dialog).to_be_hidden()
    done = paul.locator("#service-deactivated")
    expect(done).to_contain_text("Le service ESCAL - Escaliers est désactivé : 1 rattachement(s) terminé(s)")
    expect(done).to_be_focused()
    expect(paul.locator("#structure-services-body tr", has_text="ESCAL")).to_have_count(0)
    expect(paul.locator("#structure-services-body tr")).to_have_count(3)
    assert axe_violations(paul) == []

    # Claire's link, limited to that service alone, has ended.
    claire = person(new_context, own.url, CLAIRE)
    open_account(claire, own.url)
    expect(claire.locator("#memberships-body tr", has_text="Menuiserie Dupont")).to_have_count(0)


def test_paul_renames_a_service_in_a_modal(own, new_context):
    paul = menuiserie_page_of_paul(own, new_context)
    row = paul.locator("#structure-services-body tr", has_text="MEUBLES")
    row.get_by_role("button", name="Renommer – MEUBLES Meubles").click()
    dialog = paul.get_by_role("dialog", name="Renommer le service")
    expect(dialog).to_be_visible()
    field = dialog.get_by_label("Nom du service")
    expect(field).to_be_focused()
    expect(field).to_have_value("Meubles")
    assert axe_violations(paul) == []
    field.fill("Meubles sur mesure")
    field.press("Enter")
    expect(dialog).to_be_hidden()
    expect(paul.locator("#service-renamed")).to_contain_text(
        "Le service MEUBLES s’appelle désormais « Meubles sur mesure ».")
    expect(row).to_contain_text("Meubles sur mesure")


def test_a_manager_ends_julies_rattachement_from_the_members_list(own, new_context):
    paul = person(new_context, own.url, PAUL)
    paul.goto(own.url + "/activite-gestionnaire.html")
    ready(paul)
    menuiserie = paul.locator("#managed-structure option", has_text="Menuiserie Dupont").get_attribute("value")
    paul.get_by_label("Structure gérée").select_option(menuiserie)
    julie_row = paul.locator("#members-body tr", has_text="LEROY")
    expect(julie_row).to_contain_text("VALIDEE")
    # The principal manager's own row offers no such action: its role is handed over first.
    expect(paul.locator("#members-body tr", has_text="DUPONT").get_by_role(
        "button", name="Supprimer le rattachement")).to_have_count(0)

    julie_row.get_by_role("button", name="Supprimer le rattachement – Julie LEROY").click()
    dialog = paul.get_by_role("dialog", name="Supprimer le rattachement")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(
        "Êtes-vous sûr de vouloir supprimer le rattachement de Julie LEROY (julie.leroy@menuiserie.fr) à « Menuiserie "
        "Dupont » ?")
    assert axe_violations(paul) == []
    dialog.get_by_role("button", name="OK").click()
    expect(dialog).to_be_hidden()
    alert = paul.locator("#member-deleted-alert")
    expect(alert).to_contain_text("Le rattachement de Julie LEROY à « Menuiserie Dupont » a été supprimé.")
    expect(alert).to_be_focused()
    expect(paul.locator("#members-body tr", has_text="LEROY")).to_have_count(0)
    assert axe_violations(paul) == []

    julie = person(new_context, own.url, JULIE)
    open_account(julie, own.url)
    expect(julie.locator("#memberships-body tr", has_text="Menuiserie Dupont")).to_have_count(0)
