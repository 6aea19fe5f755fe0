"""Guide §5 « Gérer ses abonnements aux espaces » in Chromium on a local stack of this module's own: « Ajouter un
abonnement », the manager's « Demandes d'abonnement en attente » and « Paramétrage des espaces », « Mes abonnements aux
espaces » on « Mon Compte » with its deletions, and the navigation's « Activité du gestionnaire »; axe-core on each
page.
"""

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.conftest import PAUL
from tests.e2e.conftest import axe_violations, open_account, person, ready
from tests.e2e.test_structures import api_post, set_language

JULIE = "julie.leroy@menuiserie.fr"
MARC = "marc.petit@menuiserie.fr"
CLAIRE = "claire.martin@ebenisterie-martin.fr"
MENUISERIE = "Menuiserie Dupont (12600591700516)"
EBENISTERIE = "Ébénisterie Martin (44433322311102)"




def subscription_rows(page, space: str):
    return page.locator("#subscriptions-body tr", has_text=space)


def open_manager(page, base_url: str):
    """« Activité du gestionnaire » by the navigation, Menuiserie Dupont chosen."""
    page.goto(base_url + "/accueil.html")
    ready(page)
    page.get_by_role("link", name="Activité du gestionnaire").click()
    page.wait_for_url("**/activite-gestionnaire.html")
    ready(page)
    page.get_by_label("Structure gérée").select_option(label=MENUISERIE)
    page.wait_for_load_state("networkidle")
    expect(page.locator("#subscription-requests-section")).to_be_visible()
    expect(page.locator("#spaces-body tr")).to_have_count(4)
    return page.locator("#subscription-requests-section")


def wait_for_rows(page, section, *texts: str, count: int = 1):
    """The users' automatic requests are written a moment after the space is set: « Actualiser » until they show."""
    rows = section.locator("#subscription-requests-body tr")
    for text in texts:
        rows = rows.filter(has_text=text)
    deadline = time.monotonic() + 15
    while rows.count() < count and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        section.get_by_role("button", name="Actualiser").click()
    expect(rows).to_have_count(count)
    return rows


def without_space(page, base_url: str, space: str):
    """« Mon Compte » read again until the revocation (made a moment after the removal) shows."""
    deadline = time.monotonic() + 15
    while True:
        open_account(page, base_url)
        if subscription_rows(page, space).count() == 0 or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)
    expect(subscription_rows(page, space)).to_have_count(0)


# ---------------------------------------------------------------- (a) a user asks, the principal manager validates


def test_julie_asks_factures_recues_and_paul_validates_it(own, new_context):
    julie = person(new_context, own.url, JULIE)
    open_account(julie, own.url)
    julie.get_by_role("link", name="Ajouter un abonnement").click()
    julie.wait_for_url("**/abonnement-ajout.html")
    ready(julie)
    expect(julie.get_by_role("heading", level=1)).to_have_text("Ajouter un abonnement")
    breadcrumb = julie.get_by_role("navigation", name="vous êtes ici :")
    expect(breadcrumb.get_by_role("link", name="Mon Compte")).to_have_attribute("href", "mon-compte.html")
    expect(breadcrumb.locator("[aria-current=page]")).to_have_text("Ajouter un abonnement")
    for heading in ("Détails",):
        expect(julie.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(julie.get_by_role("heading", name="Liste des services")).to_be_hidden()
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    expect(julie.get_by_label("Date d'effet")).to_have_value(today.isoformat())
    expect(julie.locator("#add-comment-counter")).to_have_text("255 caractères restants")
    assert axe_violations(julie) == []

    # Nothing chosen: each mandatory field is named in red.
    julie.get_by_role("button", name="Valider", exact=True).click()
    expect(julie.locator("#add-structure-error")).to_have_text("Le champ « Désignation » est obligatoire.")
    expect(julie.locator("#add-space-error")).to_have_text("Le champ « Espace » est obligatoire.")

    julie.get_by_label("Désignation").select_option(label=MENUISERIE)
    space = julie.get_by_label("Espace", exact=True)
    expect(space.locator("option", has_text="Factures reçues")).to_have_count(1)
    # A space she holds: its row is shown ticked and disabled, with its status.
    space.select_option("Factures émises")
    expect(julie.get_by_role("heading", name="Liste des services")).to_be_visible()
    services = julie.locator("#add-services-body tr")
    expect(services).to_have_count(1)  # her rattachement covers « Mobilier urbain » only
    held = julie.get_by_label("modification – Mobilier urbain")
    expect(held).to_be_disabled()
    expect(held).to_be_checked()
    expect(services.first).to_contain_text("Validé")

    space.select_option("Factures reçues")
    expect(services.first).to_contain_text("Mobilier urbain")
    expect(julie.locator("#add-services-body")).not_to_contain_text("Toute la structure")
    julie.get_by_role("button", name="Valider", exact=True).click()
    expect(julie.locator("#add-services-error")).to_have_text(
        "Cochez « modification » ou « consultation » pour au moins un service.")
    julie.get_by_label("Date d'effet").fill((today - timedelta(days=1)).isoformat())
    julie.get_by_label("modification – Mobilier urbain").check(force=True)  # the DSFR draws the box on its label
    julie.get_by_label("consultation – Mobilier urbain").check(force=True)
    julie.get_by_role("button", name="Valider", exact=True).click()
    expect(julie.locator("#add-valid-from-error")).to_have_text(
        "Le champ « Date d'effet » ne peut pas être une date passée.")
    julie.get_by_label("Date d'effet").fill(today.isoformat())

    # Meanwhile (another tab) the same row was asked: the API's answer is shown next to its box, nothing is stored.
    menuiserie = julie.get_by_label("Désignation").input_value()
    answer = api_post(julie, own.url, f"/api/structures/{menuiserie}/subscriptions", {
        "space": "Factures reçues", "rows": [{"service_code": "MOBURB", "habilitation": "MODIFICATION"}],
        "valid_from": today.isoformat()})
    assert answer.status == 201, answer.text()
    julie.get_by_role("button", name="Valider", exact=True).click()
    expect(julie.locator("#add-row-0-m-error")).to_have_text(
        "Vous avez déjà cet abonnement, ou une demande est en cours de validation.")
    expect(julie.locator("#form-errors")).to_contain_text("modification – Mobilier urbain")
    assert axe_violations(julie) == []
    julie.get_by_label("modification – Mobilier urbain").uncheck(force=True)
    julie.get_by_label("Commentaire").fill("Suivi des factures du mobilier urbain")
    submit = julie.get_by_role("button", name="Valider", exact=True)
    submit.click()
    success = julie.locator("#add-success")
    expect(success).to_contain_text("Demande d'abonnement enregistrée")
    expect(success).to_contain_text(
        "Factures reçues, Mobilier urbain, CONSULTATION_UNIQUEMENT : En cours de validation")
    expect(success).to_contain_text("demandez au gestionnaire principal de la structure de valider votre demande")
    expect(success).to_be_focused()
    expect(submit).to_be_enabled()
    expect(julie.get_by_label("consultation – Mobilier urbain")).to_be_disabled()  # asked now
    expect(julie.locator("#add-services-body")).to_contain_text("En cours de validation")
    assert axe_violations(julie) == []
    julie.get_by_role("link", name="Retour à Mon Compte").click()
    julie.wait_for_url("**/mon-compte.html")
    ready(julie)
    asked = subscription_rows(julie, "Factures reçues")
    expect(asked).to_have_count(2)
    expect(asked.filter(has_text="CONSULTATION_UNIQUEMENT")).to_contain_text("En cours de validation")

    # Paul validates the consultation and refuses the rest of Julie's list.
    paul = person(new_context, own.url, PAUL)
    section = open_manager(paul, own.url)
    rows = section.locator("#subscription-requests-body tr", has_text="Factures reçues")
    expect(rows).to_have_count(2)
    consultation = rows.filter(has_text="CONSULTATION_UNIQUEMENT")
    for text in ("Julie LEROY", "Mobilier urbain", "Demande", "Suivi des factures du mobilier urbain",
                 today.strftime("%d/%m/%Y")):
        expect(consultation).to_contain_text(text)
    expect(section.locator("#subscription-requests-body tr.app-group-row")).to_have_count(1)
    assert axe_violations(paul) == []
    consultation.get_by_role("checkbox").check()
    section.get_by_label("Motif de la décision (facultatif)").fill("Accordé pour le suivi")
    section.get_by_role("button", name="Valider la sélection").click()
    alert = paul.locator("#subscription-decision-alert")
    expect(alert).to_contain_text("Julie LEROY – Factures reçues, Mobilier urbain, CONSULTATION_UNIQUEMENT : Validé")
    expect(rows).to_have_count(1)
    section.get_by_role("button", name="Refuser la liste – Julie LEROY").click()
    expect(alert).to_contain_text("Julie LEROY – Factures reçues, Mobilier urbain, MODIFICATION : Refusé")
    expect(section.locator("#subscription-requests-body")).to_contain_text("Aucune demande d'abonnement en attente.")

    open_account(julie, own.url)
    granted = subscription_rows(julie, "Factures reçues")
    expect(granted).to_have_count(1)
    expect(granted).to_contain_text("CONSULTATION_UNIQUEMENT")
    expect(granted).to_contain_text("Validé")


# ---------------------------------------------------------------- (b) a space set on the structure, then taken off


def test_paul_sets_sollicitations_recues_validates_the_lists_then_takes_it_off(own, new_context):
    space_name = "Sollicitations reçues"
    paul = person(new_context, own.url, PAUL)
    section = open_manager(paul, own.url)
    setting = paul.locator("#spaces-body tr", has_text=space_name)
    expect(setting.locator("td").nth(1)).to_have_text("—")
    setting.get_by_role("button", name=f"Ajouter à la structure – {space_name}").click()
    modal = paul.locator("#space-add-modal")
    expect(modal).to_be_visible()
    expect(modal).to_contain_text(f"« {space_name} » sera paramétré pour toute la structure « Menuiserie Dupont »")
    assert axe_violations(paul) == []
    modal.get_by_label("Habilitation").select_option("MODIFICATION")
    modal.get_by_role("button", name="Valider").click()
    expect(modal).to_be_hidden()
    expect(paul.locator("#spaces-alert")).to_contain_text(f"« {space_name} » est paramétré pour toute la structure")
    expect(setting.locator("td").nth(1)).to_have_text("Paramétré pour toute la structure (MODIFICATION)")

    # Each user's automatic list appears a moment later; Paul's own was granted at once.
    julie_rows = wait_for_rows(paul, section, "Julie LEROY", space_name)
    marc_rows = wait_for_rows(paul, section, "Marc PETIT", space_name)
    expect(julie_rows).to_contain_text("Mobilier urbain")
    expect(julie_rows).to_contain_text("Paramétrage de la structure")
    expect(marc_rows).to_contain_text("Toute la structure")
    expect(section.locator("#subscription-requests-body tr", has_text="Paul DUPONT")).to_have_count(0)
    assert axe_violations(paul) == []
    for name in ("Julie LEROY", "Marc PETIT"):
        section.get_by_role("button", name=f"Valider la liste – {name}").click()
        expect(paul.locator("#subscription-decision-alert")).to_contain_text(
            f"{name} – {space_name}")
        expect(paul.locator("#subscription-decision-alert")).to_contain_text("Validé")
    expect(section.locator("#subscription-requests-body")).to_contain_text("Aucune demande d'abonnement en attente.")

    julie = person(new_context, own.url, JULIE)
    open_account(julie, own.url)
    expect(subscription_rows(julie, space_name)).to_contain_text("Validé")

    # Taken off the structure: the confirmation counts Paul, Julie and Marc.
    setting.get_by_role("button", name=f"Retirer de la structure – {space_name}").click()
    modal = paul.locator("#space-remove-modal")
    expect(modal).to_be_visible()
    expect(paul.locator("#space-remove-count")).to_have_text("3 utilisateur(s) perdront cet espace.")
    assert axe_violations(paul) == []
    modal.get_by_role("button", name="OK").click()
    expect(modal).to_be_hidden()
    expect(paul.locator("#spaces-alert")).to_contain_text("3 utilisateur(s) le perdent")
    expect(setting.locator("td").nth(1)).to_have_text("Retiré de la structure")
    expect(setting.get_by_role("button", name=re.compile("Retirer de la structure"))).to_have_count(0)

    marc = person(new_context, own.url, MARC)
    for page in (julie, marc):
        without_space(page, own.url, space_name)
    # Nobody may ask for it any more.
    julie.goto(own.url + "/abonnement-ajout.html")
    ready(julie)
    julie.get_by_label("Désignation").select_option(label=MENUISERIE)
    expect(julie.get_by_label("Espace", exact=True).locator("option", has_text="Factures reçues")).to_have_count(1)
    expect(julie.get_by_label("Espace", exact=True).locator("option", has_text=space_name)).to_have_count(0)


# ---------------------------------------------------------------- (c) the navigation follows the manager's space


def test_only_holders_of_the_manager_space_see_its_tab(own, new_context):
    julie = person(new_context, own.url, JULIE)
    for path in ("/accueil.html", "/mon-compte.html", "/abonnement-ajout.html"):
        julie.goto(own.url + path)
        ready(julie)
        expect(julie.get_by_role("link", name="Mon Compte", exact=True).first).to_be_visible()
        expect(julie.get_by_role("link", name="Activité du gestionnaire")).to_have_count(0)
        expect(julie.locator("#nav-manager")).to_be_hidden()
    paul = person(new_context, own.url, PAUL)
    for path in ("/accueil.html", "/mon-compte.html"):
        paul.goto(own.url + path)
        ready(paul)
        expect(paul.locator("#nav-manager")).to_be_visible()
    assert axe_violations(julie) == []


# ---------------------------------------------------------------- (d) « Supprimer abonnements » on « Mon Compte »


def test_marc_gives_up_spaces_after_confirmation_and_loses_the_managers_tab(own, new_context):
    marc = person(new_context, own.url, MARC)
    open_account(marc, own.url)
    expect(marc.locator("#nav-manager")).to_be_visible()
    table = marc.locator("#subscriptions-table")
    for column in ("Identifiant structure", "Désignation", "Service", "Nom de l'espace", "Habilitation", "Statut",
                   "Action"):
        expect(table.get_by_role("columnheader", name=column, exact=True)).to_be_visible()
    home = subscription_rows(marc, "Accueil connecté")
    expect(home).to_contain_text("Toute la structure")
    expect(home).to_contain_text("Donné par le rattachement")
    expect(home.get_by_role("checkbox")).to_be_disabled()
    expect(home.get_by_role("button")).to_have_count(0)

    # Nothing ticked: « Supprimer abonnements » says so.
    marc.get_by_role("button", name="Supprimer abonnements").click()
    expect(marc.locator("#subscriptions-none-selected")).to_contain_text("Aucun abonnement sélectionné")

    # One row by its own button: the window lists it, « Annuler » keeps it.
    sent = subscription_rows(marc, "Factures émises")
    sent.get_by_role("button", name=re.compile("^Supprimer")).click()
    modal = marc.locator("#subscriptions-modal")
    expect(modal).to_be_visible()
    expect(modal.locator("#subscriptions-modal-body tr")).to_have_count(1)
    expect(modal).to_contain_text("Factures émises")
    assert axe_violations(marc) == []
    modal.get_by_role("button", name="Annuler").click()
    expect(modal).to_be_hidden()
    expect(sent).to_have_count(1)
    sent.get_by_role("button", name=re.compile("^Supprimer")).click()
    modal.get_by_role("button", name="OK").click()
    expect(marc.locator("#subscriptions-success")).to_contain_text("1 abonnement a été supprimé.")
    expect(sent).to_have_count(0)

    # The ticked rows together; without « Activité du gestionnaire » its tab goes.
    for space in ("Sollicitations émises", "Activité du gestionnaire"):
        subscription_rows(marc, space).get_by_role("checkbox").check()
    marc.get_by_role("button", name="Supprimer abonnements").click()
    expect(modal.locator("#subscriptions-modal-body tr")).to_have_count(2)
    modal.get_by_role("button", name="OK").click()
    expect(marc.locator("#subscriptions-success")).to_contain_text("2 abonnements ont été supprimés.")
    for space in ("Sollicitations émises", "Activité du gestionnaire"):
        expect(subscription_rows(marc, space)).to_have_count(0)
    expect(marc.locator("#nav-manager")).to_be_hidden()
    marc.reload()
    ready(marc)
    expect(marc.locator("#subscriptions-body tr")).to_have_count(2)  # Accueil connecté and Mon Compte remain
    assert axe_violations(marc) == []


def test_the_new_page_needs_a_session_and_speaks_english(own, page, new_context):
    page.goto(own.url + "/abonnement-ajout.html")
    page.wait_for_url(own.url + "/")
    claire = person(new_context, own.url, CLAIRE)
    set_language(claire, own.url, "EN")
    try:
        claire.goto(own.url + "/abonnement-ajout.html")
        ready(claire)
        expect(claire.get_by_role("heading", level=1)).to_have_text("Add a subscription")
        claire.get_by_label("Name", exact=True).select_option(label=EBENISTERIE)
        # She manages the structure: her requests need nobody's decision.
        expect(claire.locator("#add-at-once-alert")).to_contain_text("validated at once")
        claire.get_by_label("Space", exact=True).select_option(label="Received invoices")
        services = claire.locator("#add-services-body tr")
        expect(services).to_have_count(3)
        expect(services.first).to_contain_text("The whole structure (default service)")
        claire.get_by_label("modification – The whole structure (default service)").check(force=True)
        assert axe_violations(claire) == []
        claire.get_by_role("button", name="Save", exact=True).click()
        expect(claire.locator("#add-success")).to_contain_text(
            "Received invoices, The whole structure, MODIFICATION: Validated")
        open_account(claire, own.url)
        expect(subscription_rows(claire, "Received invoices")).to_contain_text("Validated")
    finally:
        set_language(claire, own.url, "FR")
