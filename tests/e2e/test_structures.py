"""Guide §4 in Chromium on the real local stack: search a structure, ask to join, the manager validates, CSV export,
transfer of the principal manager's role, creation of a structure, « Activité du gestionnaire »; axe-core on each page.

These journeys change the demo data, so they run on a local stack of their own (a fresh data folder), not on the
session's shared ``stack`` that tests/e2e/test_mon_compte.py uses.
"""

import csv
import io
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.conftest import PAUL
from tests.e2e.conftest import axe_violations, log_in, open_account, person, ready

JULIE = "julie.leroy@menuiserie.fr"
MARC = "marc.petit@menuiserie.fr"
CLAIRE = "claire.martin@ebenisterie-martin.fr"
DEFAULT_SPACES = ("Accueil connecté", "Factures émises", "Sollicitations émises", "Mon Compte")
CSV_HEADER = ["Identifiant", "Type d'identifiant", "Raison sociale", "Libellé", "Type", "Statut", "Code postal",
              "Ville", "Pays"]




def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def with_key(digits: str) -> str:
    return next(digits + d for d in "0123456789" if luhn_ok(digits + d))


def siret(siren8: str, nic4: str = "0001") -> str:
    """A valid SIRET: a SIREN with its Luhn key, an establishment number, and the SIRET's own Luhn key."""
    return with_key(with_key(siren8) + nic4)


def api_post(page, base_url: str, path: str, body: dict):
    """A state-changing call of docs/API.md with the page's session (test setup only)."""
    session = next(c for c in page.context.cookies() if c["name"] == "__Host-mc_session")
    return page.request.post(base_url + path, data=json.dumps(body), headers={
        "Content-Type": "application/json", "X-Requested-With": "fetch",
        "Cookie": f"__Host-mc_session={session['value']}",
    })


def membership_row(page, designation: str):
    return page.locator("#memberships-body tr", has_text=designation)


# ---------------------------------------------------------------- (a) search, request, validation by the manager


def test_paul_asks_to_join_ebenisterie_martin_and_claire_validates(own, new_context):
    paul = person(new_context, own.url, PAUL)
    open_account(paul, own.url)
    paul.get_by_role("link", name="Demander un rattachement").click()
    paul.wait_for_url("**/rattachement-recherche.html")
    ready(paul)
    expect(paul.get_by_role("heading", level=1)).to_have_text("Demander un rattachement")
    expect(paul.locator("#search-tip-star")).to_contain_text("Astuce : utiliser les étoiles")
    expect(paul.locator("#search-tip-prefer")).to_have_text(
        "Privilégier la recherche par identifiant et raison sociale pour éviter les erreurs de rattachement.")
    for label in ("Raison sociale", "Type", "Identifiant", "Type d'identifiant", "Libellé de la structure", "Statut",
                  "Nom", "Prénom", "Code postal", "Ville", "Pays"):
        expect(paul.get_by_label(label, exact=True)).to_be_visible()
    expect(paul.get_by_label("Type d'identifiant", exact=True).locator("option", has_text="Structure avec N° SIRET")) \
        .to_have_count(1)

    paul.get_by_label("Raison sociale", exact=True).fill("*ebenist*")
    paul.get_by_role("button", name="Rechercher", exact=True).click()
    expect(paul.get_by_role("heading", name="Résultat de la recherche")).to_be_visible()
    expect(paul.locator("#results-count")).to_have_text("1 structure trouvée")
    expect(paul.locator("#results-per-page")).to_have_value("5")
    row = paul.locator("#results-body tr", has_text="Ébénisterie Martin")
    expect(row).to_contain_text("ACTIF")
    assert axe_violations(paul) == []
    paul.get_by_role("button", name="Sélectionner", exact=True).click()
    expect(paul.locator("#selection-error")).to_be_visible()  # nothing chosen yet
    paul.get_by_label("Sélectionner Ébénisterie Martin").check(force=True)  # the DSFR draws the radio on its label
    paul.get_by_role("button", name="Sélectionner", exact=True).click()

    paul.wait_for_url(re.compile(r"/rattachement-demande\.html\?structure=\w+$"))
    ready(paul)
    expect(paul.get_by_role("heading", level=1)).to_have_text("Rattachement d'un utilisateur à une Structure")
    for heading in ("Structure", "Utilisateur", "Détails", "Liste des services"):
        expect(paul.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(paul.locator("#request-structure-designation")).to_have_text("Ébénisterie Martin")
    expect(paul.locator("#request-structure-identifier-type")).to_have_text("SIRET")
    expect(paul.locator("#request-structure-status")).to_have_text("ACTIF")
    expect(paul.locator("#request-user-last-name")).to_have_text("DUPONT")
    expect(paul.locator("#request-user-contact")).to_have_text("contact@menuiserie.fr")
    today = datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()
    expect(paul.get_by_label("Date de début de validité")).to_have_value(today)
    expect(paul.locator("#request-comment-counter")).to_have_text("255 caractères restants")
    paul.get_by_label("Commentaire").fill("Pose des escaliers du chantier de Lyon")
    expect(paul.locator("#request-comment-counter")).to_have_text("217 caractères restants")
    expect(paul.get_by_label("Commentaire")).to_have_attribute("maxlength", "255")
    whole = paul.get_by_label("Rattacher à la structure")
    expect(whole).to_be_checked()
    expect(paul.locator("#request-services-table")).to_contain_text("Atelier")
    paul.locator("label[for=request-whole]").click()
    expect(whole).not_to_be_checked()
    paul.get_by_role("button", name="Valider", exact=True).click()
    expect(paul.locator("#request-services-error")).to_have_text(
        "Cochez au moins un service, ou « Rattacher à la structure ».")
    paul.get_by_label("Rattacher au service POSE - Pose").check()
    assert axe_violations(paul) == []
    paul.get_by_role("button", name="Valider", exact=True).click()

    paul.wait_for_url("**/mon-compte.html")
    ready(paul)
    expect(paul.locator("#flash-alert")).to_contain_text(
        "Votre demande de rattachement a été envoyée au gestionnaire de la structure.")
    expect(membership_row(paul, "Ébénisterie Martin")).to_contain_text("EN_COURS_DE_VALIDATION")

    # A second request while this one is pending: the API's 409 message.
    paul.goto(own.url + "/rattachement-recherche.html?designation=*ebenist*")
    ready(paul)
    paul.get_by_label("Sélectionner Ébénisterie Martin").check(force=True)
    paul.get_by_role("button", name="Sélectionner", exact=True).click()
    ready(paul)
    expect(paul.locator("#request-existing-alert")).to_contain_text("EN_COURS_DE_VALIDATION")
    paul.get_by_role("button", name="Valider", exact=True).click()
    expect(paul.locator("#membership-exists-alert")).to_contain_text("une demande est en cours de validation")

    # Claire, in another browser, validates it in « Activité du gestionnaire ».
    claire = person(new_context, own.url, CLAIRE)
    claire.get_by_role("link", name="Activité du gestionnaire").click()
    claire.wait_for_url("**/activite-gestionnaire.html")
    ready(claire)
    expect(claire.get_by_role("link", name="Activité du gestionnaire")).to_have_attribute("aria-current", "page")
    request_row = claire.locator("#requests-body tr", has_text="Paul DUPONT")
    expect(request_row).to_contain_text("Ébénisterie Martin")
    expect(request_row).to_contain_text("contact@menuiserie.fr")
    expect(request_row).to_contain_text("POSE - Pose")
    expect(request_row).to_contain_text("Pose des escaliers du chantier de Lyon")
    assert axe_violations(claire) == []
    ebenisterie = claire.locator("#managed-structure option", has_text="Ébénisterie Martin").get_attribute("value")
    claire.get_by_label("Structure gérée").select_option(ebenisterie)
    claire.get_by_label("Sélectionner la demande de Paul DUPONT pour Ébénisterie Martin").check()
    claire.get_by_label("Motif (facultatif)").fill("Bienvenue dans l'équipe")
    claire.get_by_role("button", name="Valider la sélection").click()
    expect(claire.locator("#decision-alert")).to_contain_text("Paul DUPONT – Ébénisterie Martin : VALIDEE")
    expect(claire.locator("#requests-body")).to_contain_text("Aucune demande de rattachement en attente.")
    expect(claire.locator("#members-body tr", has_text="DUPONT")).to_contain_text("VALIDEE")

    # Paul sees the link validated and the default spaces of a user.
    open_account(paul, own.url)
    row = membership_row(paul, "Ébénisterie Martin")
    expect(row).to_contain_text("VALIDEE")
    expect(row).to_contain_text("UTILISATEUR")
    spaces = paul.locator("#subscriptions-body tr", has_text="Ébénisterie Martin")
    for space in DEFAULT_SPACES:
        expect(spaces.filter(has_text=space).first).to_be_visible()
    expect(spaces.filter(has_text="Activité du gestionnaire")).to_have_count(0)
    row.get_by_role("link", name="Consulter la demande").click()
    paul.wait_for_url(re.compile(r"/structure\.html\?id=\w+#ma-demande$"))
    ready(paul)
    expect(paul.get_by_role("heading", name="Ma demande de rattachement")).to_be_visible()
    expect(paul.locator("#my-membership-status")).to_have_text("VALIDEE")
    expect(paul.locator("#my-membership-services")).to_have_text("POSE - Pose")
    expect(paul.locator("#my-membership-reason")).to_have_text("Bienvenue dans l'équipe")
    expect(paul.locator("#structure-manage-item")).to_be_hidden()  # a user does not manage it
    assert axe_violations(paul) == []


# ---------------------------------------------------------------- (b) paging and CSV export


def test_results_are_paged_and_exported_as_csv(own, new_context):
    claire = person(new_context, own.url, CLAIRE)
    created = []
    for n in range(1, 8):
        identifier = siret(f"98765{n:03d}")
        answer = api_post(claire, own.url, "/api/structures", {
            "identifier_type": "SIRET", "identifier": identifier, "designation": f"Tonnellerie {n}", "label": None,
            "structure_type": "PUBLIQUE" if n % 2 else "PRIVEE", "last_name": None, "first_name": None,
            "address": {"line1": "1 quai des Chartrons", "line2": None, "postal_code": "33000", "city": "Bordeaux",
                        "country": "FR"},
            "services": [],
        })
        assert answer.status == 201, answer.text()
        created.append((identifier, f"Tonnellerie {n}"))

    # « Mes rattachements aux structures »: 5 lines a page, then the DSFR pagination.
    open_account(claire, own.url)
    expect(claire.locator("#memberships-body tr")).to_have_count(5)
    expect(claire.locator("#memberships-count")).to_have_text("8 rattachements")
    pages = claire.get_by_role("navigation", name="Pages de mes rattachements")
    pages.get_by_role("link", name="2", exact=True).click()
    expect(claire.locator("#memberships-body tr")).to_have_count(3)
    claire.get_by_label("Nombre de lignes par page").select_option("10")
    expect(claire.locator("#memberships-body tr")).to_have_count(8)

    claire.goto(own.url + "/rattachement-recherche.html")
    ready(claire)
    claire.get_by_label("Raison sociale", exact=True).fill("tonnellerie")
    claire.get_by_label("Ville", exact=True).fill("Bordeaux")
    claire.get_by_role("button", name="Rechercher", exact=True).click()
    expect(claire.locator("#results-count")).to_have_text("7 structures trouvées (lignes 1-5)")
    expect(claire.locator("#results-body tr")).to_have_count(5)
    results_pages = claire.get_by_role("navigation", name="Pages du résultat de la recherche")
    expect(results_pages.locator('[aria-current="page"]')).to_have_text("1")
    results_pages.get_by_role("link", name="Page suivante").click()
    expect(claire.locator("#results-count")).to_have_text("7 structures trouvées (lignes 6-7)")
    expect(claire.locator("#results-body tr")).to_have_count(2)
    assert "page=2" in claire.url  # the criteria and the page live in the URL
    claire.get_by_label("Nombre de lignes par page").select_option("10")
    expect(claire.locator("#results-body tr")).to_have_count(7)

    export = claire.get_by_role("link", name="Exporter les résultats")
    expect(export).to_have_attribute("href", re.compile(r"^/api/structures/export\?.*designation=tonnellerie"))
    with claire.expect_download() as info:
        export.click()
    download = info.value
    assert download.suggested_filename == "structures.csv"
    raw = open(download.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: a French spreadsheet opens it as is
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == CSV_HEADER
    body = sorted(rows[1:])
    assert [(r[0], r[2]) for r in body] == sorted(created)
    for r in body:
        assert r[1] == "SIRET" and r[5] == "ACTIF" and r[6:] == ["33000", "Bordeaux", "FR"]
        assert r[4] == ("PUBLIQUE" if int(r[2].split()[-1]) % 2 else "PRIVEE")


def test_search_errors_are_shown_next_to_the_field(own, new_context):
    paul = person(new_context, own.url, PAUL)
    paul.goto(own.url + "/rattachement-recherche.html")
    ready(paul)
    paul.get_by_role("button", name="Rechercher", exact=True).click()
    expect(paul.locator("#search-errors")).to_contain_text("Saisissez au moins un critère")
    paul.get_by_label("Raison sociale", exact=True).fill("*me*")
    paul.get_by_role("button", name="Rechercher", exact=True).click()
    expect(paul.locator("#criteria-designation-error")).to_contain_text("au moins 3 lettres ou chiffres")
    expect(paul.get_by_label("Raison sociale", exact=True)).to_have_attribute("aria-invalid", "true")
    assert axe_violations(paul) == []


# ---------------------------------------------------------------- (c) transfer of the principal manager's role


def test_claire_asks_for_two_services_and_paul_validates_one_and_refuses_the_other(own, new_context):
    """Guide §4, « Liste des services »: « Date Début », « Date Fin », « Commentaires » per service, decided one by one.
    (After the paging test, which counts Claire's rattachements.)"""
    paris = datetime.now(ZoneInfo("Europe/Paris")).date()
    day = lambda d: d.strftime("%d/%m/%Y")  # noqa: E731
    claire = person(new_context, own.url, CLAIRE)
    claire.goto(own.url + "/rattachement-recherche.html?designation=menuiserie")
    ready(claire)
    claire.get_by_label("Sélectionner Menuiserie Dupont").check(force=True)
    claire.get_by_role("button", name="Sélectionner", exact=True).click()
    claire.wait_for_url(re.compile(r"/rattachement-demande\.html\?structure=\w+$"))
    ready(claire)
    for header in ("Date Début", "Date Fin", "Commentaires"):
        expect(claire.get_by_role("columnheader", name=header, exact=True)).to_be_visible()
    claire.locator("label[for=request-whole]").click()
    claire.get_by_label("Rattacher au service MENINT - Menuiseries Intérieures").check()
    claire.get_by_label("Rattacher au service MEUBLES - Meubles").check()
    expect(claire.get_by_label("Date Début du service MENINT")).to_have_value(paris.isoformat())  # the request's
    expect(claire.get_by_label("Date Début du service MOBURB")).to_have_count(0)  # not ticked: no line
    claire.get_by_label("Commentaires du service MENINT").fill("Pose des portes")
    expect(claire.locator("#request-services-body tr", has_text="MENINT")).to_contain_text("240 caractères restants")
    claire.get_by_label("Date Début du service MEUBLES").fill((paris - timedelta(days=1)).isoformat())
    claire.get_by_role("button", name="Valider", exact=True).click()
    meubles_start = claire.get_by_label("Date Début du service MEUBLES")
    expect(meubles_start).to_have_attribute("aria-invalid", "true")
    expect(claire.locator("#form-errors")).to_contain_text(
        "La « Date Début » du service MEUBLES ne peut pas être antérieure à aujourd'hui.")
    assert axe_violations(claire) == []
    later = paris + timedelta(days=7)
    meubles_start.fill(later.isoformat())
    claire.get_by_role("button", name="Valider", exact=True).click()
    claire.wait_for_url("**/mon-compte.html")
    ready(claire)
    row = membership_row(claire, "Menuiserie Dupont")
    expect(row).to_contain_text(f"MENINT - Menuiseries Intérieures : EN_COURS_DE_VALIDATION, à partir du {day(paris)}")
    expect(row).to_contain_text(f"MEUBLES - Meubles : EN_COURS_DE_VALIDATION, à partir du {day(later)}")

    # Paul keeps MENINT ticked, unticks MEUBLES, and validates.
    paul = person(new_context, own.url, PAUL)
    paul.goto(own.url + "/activite-gestionnaire.html")
    ready(paul)
    request_row = paul.locator("#requests-body tr", has_text="Claire MARTIN")
    services = request_row.get_by_role("group", name="Services de la demande de Claire MARTIN pour Menuiserie Dupont")
    expect(services.get_by_label("Valider le service MENINT - Menuiseries Intérieures")).to_be_checked()
    expect(services).to_contain_text("Pose des portes")
    expect(paul.locator("#requests-services-hint")).to_be_visible()
    services.get_by_label("Valider le service MEUBLES - Meubles").uncheck(force=True)  # the DSFR draws it on its label
    # Choosing a request's services selects it.
    expect(paul.get_by_label("Sélectionner la demande de Claire MARTIN pour Menuiserie Dupont")).to_be_checked()
    assert axe_violations(paul) == []
    paul.get_by_role("button", name="Valider la sélection").click()
    expect(paul.locator("#decision-alert")).to_contain_text(
        "Claire MARTIN – Menuiserie Dupont : VALIDEE (services validés : MENINT ; refusés : MEUBLES)")
    expect(paul.locator("#requests-body")).not_to_contain_text("Claire MARTIN")

    # Claire: one service validated, with its subscriptions; the other refused.
    open_account(claire, own.url)
    row = membership_row(claire, "Menuiserie Dupont")
    expect(row).to_contain_text("VALIDEE")
    expect(row).to_contain_text(f"MENINT - Menuiseries Intérieures : VALIDEE, à partir du {day(paris)}")
    expect(row).to_contain_text(f"MEUBLES - Meubles : REFUSEE, à partir du {day(later)}")
    spaces = claire.locator("#subscriptions-body tr", has_text="Menuiserie Dupont")
    expect(spaces.filter(has_text="Menuiseries Intérieures")).to_have_count(len(DEFAULT_SPACES))
    expect(spaces.filter(has_text="Meubles")).to_have_count(0)
    assert axe_violations(claire) == []
    row.get_by_role("link", name="Consulter la demande").click()
    claire.wait_for_url(re.compile(r"/structure\.html\?id=\w+#ma-demande$"))
    ready(claire)
    lines = claire.locator("#my-services-body tr")
    expect(lines).to_have_count(2)
    expect(lines.filter(has_text="MENINT")).to_contain_text("VALIDEE")
    expect(lines.filter(has_text="MENINT")).to_contain_text("Pose des portes")
    expect(lines.filter(has_text="MEUBLES")).to_contain_text("REFUSEE")
    expect(lines.filter(has_text="MEUBLES")).to_contain_text(day(later))
    assert axe_violations(claire) == []


def test_paul_hands_menuiserie_dupont_over_to_marc_and_stays_as_user(own, new_context):
    paul = person(new_context, own.url, PAUL)
    open_account(paul, own.url)
    paul.get_by_role("button", name="Supprimer rattachements").click()
    expect(paul.locator("#memberships-none-selected")).to_be_visible()

    paul.get_by_label("Sélectionner Menuiserie Dupont").check()
    paul.get_by_label("Sélectionner Rénovation Habitat").check()
    paul.get_by_role("button", name="Supprimer rattachements").click()
    modal = paul.get_by_role("dialog", name="Fenêtre de confirmation")
    expect(modal).to_be_visible()
    expect(modal).to_contain_text("Etes-vous sûr de vouloir supprimer vos rattachements aux structures suivantes ?")
    expect(modal).to_contain_text("Si vous êtes le gestionnaire de l'une de ces structures, vous devez désigner un "
                                  "nouveau gestionnaire à la prochaine étape.")
    for header in ("Identifiant Structure", "Désignation", "Code Service", "Statut"):
        expect(modal.get_by_role("columnheader", name=header)).to_be_visible()
    expect(modal.locator("#delete-modal-body tr")).to_have_count(2)
    assert axe_violations(paul) == []
    modal.get_by_role("button", name="OK").click()

    designate = paul.get_by_role("dialog", name="Désigner un nouveau gestionnaire principal")
    expect(designate).to_be_visible()
    menuiserie = designate.get_by_role("group", name=re.compile("^Menuiserie Dupont"))
    renovation = designate.get_by_role("group", name=re.compile("^Rénovation Habitat"))
    expect(renovation).to_contain_text("Aucun autre utilisateur actif n'est rattaché à cette structure.")
    menuiserie.get_by_label("Rechercher un utilisateur de la structure").fill("petit")
    menuiserie.get_by_role("button", name="Rechercher").click()
    expect(menuiserie.get_by_label("Marc PETIT")).to_be_visible()
    expect(menuiserie.get_by_label("Julie LEROY")).to_have_count(0)
    assert axe_violations(paul) == []
    # Nobody chosen: the API says why, under each structure.
    designate.get_by_role("button", name="Valider").click()
    expect(menuiserie).to_contain_text("désignez d'abord un nouveau gestionnaire principal")
    expect(renovation).to_contain_text("Vous êtes le seul utilisateur actif de cette structure")
    menuiserie.get_by_label("Marc PETIT").check(force=True)  # the DSFR draws the radio on its label
    designate.get_by_role("button", name="Valider").click()
    expect(menuiserie).to_contain_text("Rôle transféré à Marc PETIT.")
    expect(renovation).to_contain_text("Vous êtes le seul utilisateur actif de cette structure")
    designate.get_by_role("button", name="Annuler").click()
    expect(designate).to_be_hidden()
    expect(paul.locator("#memberships-success")).to_contain_text(
        "Le rôle de gestionnaire principal de « Menuiserie Dupont » a été transféré à Marc PETIT")
    expect(membership_row(paul, "Menuiserie Dupont")).to_contain_text("UTILISATEUR")
    expect(membership_row(paul, "Menuiserie Dupont")).to_contain_text("VALIDEE")
    expect(membership_row(paul, "Rénovation Habitat")).to_contain_text("GESTIONNAIRE_PRINCIPAL")

    # Marc is now the principal manager of Menuiserie Dupont.
    marc = person(new_context, own.url, MARC)
    marc.goto(own.url + "/activite-gestionnaire.html")
    ready(marc)
    expect(marc.locator("#managed-role")).to_have_text("Votre rôle dans cette structure : GESTIONNAIRE_PRINCIPAL")
    expect(marc.locator("#members-body tr", has_text="DUPONT")).to_contain_text("UTILISATEUR")
    expect(marc.locator("#transfer-section")).to_be_visible()


def test_a_user_deletes_her_link_after_confirmation(own, new_context):
    julie = person(new_context, own.url, JULIE)
    open_account(julie, own.url)
    row = membership_row(julie, "Menuiserie Dupont")
    row.get_by_role("button", name="Supprimer").click()
    modal = julie.get_by_role("dialog", name="Fenêtre de confirmation")
    expect(modal.locator("#delete-modal-body")).to_contain_text("MOBURB")  # « Code Service »
    modal.get_by_role("button", name="Annuler").click()
    expect(modal).to_be_hidden()
    expect(row).to_be_visible()
    row.get_by_role("button", name="Supprimer").click()
    modal.get_by_role("button", name="OK").click()
    expect(julie.locator("#memberships-success")).to_contain_text(
        "Votre rattachement à « Menuiserie Dupont » a été supprimé.")
    expect(membership_row(julie, "Menuiserie Dupont")).to_have_count(0)
    expect(julie.locator("#subscriptions-body")).not_to_contain_text("Menuiserie Dupont")


# ---------------------------------------------------------------- (d) creating a structure when nothing is found


def test_nothing_found_then_create_the_structure(own, new_context):
    paul = person(new_context, own.url, PAUL)
    paul.goto(own.url + "/rattachement-recherche.html")
    ready(paul)
    paul.get_by_label("Raison sociale", exact=True).fill("Scierie Introuvable")
    paul.get_by_role("button", name="Rechercher", exact=True).click()
    expect(paul.locator("#no-result-alert")).to_contain_text("Aucune structure ne correspond à votre recherche")
    assert axe_violations(paul) == []
    paul.get_by_role("link", name="Créer une structure").click()
    paul.wait_for_url(re.compile(r"/structure-creation\.html\?designation="))
    ready(paul)
    expect(paul.get_by_role("heading", level=1)).to_have_text("Créer une structure")
    expect(paul.get_by_label("Raison sociale")).to_have_value("Scierie Introuvable")
    expect(paul.locator("#create-identifier-type")).to_have_value("SIRET")

    # « Nom » and « Prénom » only for a Particulier.
    expect(paul.locator("#create-last-name")).to_be_hidden()
    paul.locator("#create-identifier-type").select_option("PARTICULIER")
    expect(paul.locator("#create-last-name")).to_be_visible()
    paul.locator("#create-identifier-type").select_option("SIRET")
    expect(paul.locator("#create-last-name")).to_be_hidden()

    # 1. Nothing but the name and a wrong service: every mandatory field is named in red.
    paul.get_by_role("button", name="Ajouter un service").click()
    service = paul.get_by_role("group", name="Service 1")
    service.get_by_label("Code du service").fill("mobilier urbain")
    paul.get_by_role("button", name="Valider", exact=True).click()
    expect(paul.locator("#form-errors")).to_be_visible()
    for field in ("create-identifier", "create-structure-type", "create-address-line1", "create-postal-code",
                  "create-city"):
        expect(paul.locator(f"#{field}-error")).to_be_visible()
        expect(paul.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
    code_id = service.get_by_label("Code du service").get_attribute("id")
    name_id = service.get_by_label("Nom du service").get_attribute("id")
    expect(paul.locator(f"#{code_id}-error")).to_be_visible()
    expect(paul.locator(f"#{name_id}-error")).to_be_visible()
    assert axe_violations(paul) == []

    # 2. Everything filled, but the SIRET's key is wrong.
    paul.locator("#create-identifier").fill("12345678901234")
    paul.get_by_label("Type", exact=True).select_option("PRIVEE")
    paul.get_by_label("Adresse", exact=True).fill("2 chemin de la Scierie")
    paul.get_by_label("Code postal").fill("88100")
    paul.get_by_label("Ville").fill("Saint-Dié-des-Vosges")
    service.get_by_label("Code du service").fill("SCIAGE")
    service.get_by_label("Nom du service").fill("Sciage")
    paul.get_by_role("button", name="Ajouter un service").click()
    paul.get_by_role("group", name="Service 2").get_by_label("Code du service").fill("A-RETIRER")
    paul.get_by_role("group", name="Service 2").get_by_role("button", name="Retirer").click()
    expect(paul.get_by_role("group", name="Service 2")).to_have_count(0)
    paul.get_by_role("button", name="Valider", exact=True).click()
    expect(paul.locator("#create-identifier-error")).to_contain_text("SIRET")
    expect(paul.locator("#create-city-error")).to_have_count(0)

    # 3. A valid SIRET: created.
    identifier = siret("55566677")
    paul.locator("#create-identifier").fill(identifier)
    paul.get_by_role("button", name="Valider", exact=True).click()

    paul.wait_for_url(re.compile(r"/structure\.html\?id=\w+$"))
    ready(paul)
    expect(paul.locator("#flash-alert")).to_contain_text(
        "La structure « Scierie Introuvable » a été créée. Vous en êtes le gestionnaire principal.")
    expect(paul.get_by_role("heading", level=1)).to_have_text("Scierie Introuvable")
    expect(paul.locator("#structure-identifier")).to_have_text(identifier)
    expect(paul.locator("#structure-type")).to_have_text("Structure privée")
    expect(paul.locator("#structure-city")).to_have_text("Saint-Dié-des-Vosges")
    expect(paul.locator("#structure-services-body")).to_contain_text("SCIAGE")
    expect(paul.locator("#structure-services-body tr")).to_have_count(1)
    expect(paul.locator("#my-membership-role")).to_have_text("GESTIONNAIRE_PRINCIPAL")
    expect(paul.locator("#my-membership-status")).to_have_text("VALIDEE")
    expect(paul.locator("#structure-manage-link")).to_be_visible()
    assert axe_violations(paul) == []

    # The same identifier again: 409 identifier_taken, next to « Identifiant ».
    paul.goto(own.url + f"/structure-creation.html?designation=Doublon&identifier={identifier}")
    ready(paul)
    paul.get_by_label("Type", exact=True).select_option("PUBLIQUE")
    paul.get_by_label("Adresse", exact=True).fill("1 rue Haute")
    paul.get_by_label("Code postal").fill("88100")
    paul.get_by_label("Ville").fill("Saint-Dié-des-Vosges")
    paul.get_by_role("button", name="Valider", exact=True).click()
    expect(paul.locator("#create-identifier-error")).to_contain_text("Une structure existe déjà avec cet identifiant")


# ---------------------------------------------------------------- « Activité du gestionnaire »


def test_manager_names_a_secondary_manager_and_attaches_a_user(own, new_context):
    claire = person(new_context, own.url, CLAIRE)
    claire.goto(own.url + "/activite-gestionnaire.html")
    ready(claire)
    ebenisterie = claire.locator("#managed-structure option", has_text="Ébénisterie Martin").get_attribute("value")
    claire.get_by_label("Structure gérée").select_option(ebenisterie)
    expect(claire.locator("#managed-role")).to_contain_text("GESTIONNAIRE_PRINCIPAL")

    # « Rattacher un utilisateur »: an unknown login, then Julie on the service « Atelier ».
    claire.get_by_label("Identifiant de connexion de l'utilisateur").fill("personne@nulle-part.fr")
    claire.get_by_role("button", name="Rattacher l'utilisateur").click()
    expect(claire.locator("#attach-login-error")).to_be_visible()
    claire.get_by_label("Identifiant de connexion de l'utilisateur").fill(JULIE)
    claire.locator("label[for=attach-whole]").click()
    claire.locator("label[for=attach-service-0]").click()  # ATELIER
    claire.get_by_role("button", name="Rattacher l'utilisateur").click()
    expect(claire.locator("#attach-alert")).to_contain_text(f"{JULIE} est rattaché à « Ébénisterie Martin ».")
    julie_row = claire.locator("#members-body tr", has_text="LEROY")
    expect(julie_row).to_contain_text("UTILISATEUR")
    expect(julie_row).to_contain_text("VALIDEE")

    # « Nommer gestionnaire secondaire », acting as a user; then back to « utilisateur ».
    julie_row.get_by_role("button", name="Nommer gestionnaire secondaire").click()
    dialog = claire.get_by_role("dialog", name="Nommer gestionnaire secondaire")
    expect(dialog).to_be_visible()
    assert axe_violations(claire) == []
    dialog.locator("label[for=role-scope-user]").click()
    dialog.get_by_role("button", name="Valider").click()
    expect(dialog).to_be_hidden()
    expect(julie_row).to_contain_text("GESTIONNAIRE_SECONDAIRE")
    expect(julie_row).to_contain_text("Agit comme utilisateur")
    julie_row.get_by_role("button", name="Repasser utilisateur").click()
    expect(claire.locator("#role-alert")).to_contain_text("Julie LEROY est désormais UTILISATEUR.")
    expect(julie_row.locator("td").nth(3)).to_have_text("UTILISATEUR")


def test_someone_who_manages_nothing_is_told_so(own, new_context):
    page = new_context().new_page()
    log_in(page, own.url, JULIE)
    # Without the manager's space the navigation has no such tab; the page itself, opened anyway, says why.
    expect(page.get_by_role("link", name="Activité du gestionnaire")).to_have_count(0)
    page.goto(own.url + "/activite-gestionnaire.html")
    ready(page)
    expect(page.locator("#manager-empty")).to_contain_text("Vous ne gérez aucune structure")
    assert axe_violations(page) == []


def test_the_new_pages_need_a_session(own, page):
    for path in ("/rattachement-recherche.html", "/structure-creation.html", "/rattachement-demande.html?structure=x",
                 "/structure.html?id=x", "/activite-gestionnaire.html"):
        page.goto(own.url + path)
        page.wait_for_url(own.url + "/")


def set_language(page, base_url: str, language: str) -> None:
    """Change the language as « Mon Compte » would (PUT /api/account with every personal field)."""
    cookie = "__Host-mc_session=" + next(c["value"] for c in page.context.cookies() if c["name"] == "__Host-mc_session")
    account = page.request.get(base_url + "/api/account", headers={"Cookie": cookie}).json()
    profile = account["profile"]
    body = {"version": account["version"], "contact_email": profile["contact_email"],
            "last_name": profile["last_name"], "first_name": profile["first_name"], "address": profile["address"],
            "phone": profile["phone"], "fax": profile["fax"], "language": language,
            "notifications": account["settings"]["notifications"]}
    answer = page.request.put(base_url + "/api/account", data=json.dumps(body), headers={
        "Content-Type": "application/json", "X-Requested-With": "fetch", "Cookie": cookie})
    assert answer.status == 200, answer.text()


def test_the_new_pages_in_english(own, new_context):
    page = person(new_context, own.url, MARC)
    set_language(page, own.url, "EN")
    try:
        page.goto(own.url + "/rattachement-recherche.html")
        ready(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Request a link to a structure")
        expect(page.get_by_role("link", name="Manager activity")).to_be_visible()
        page.get_by_label("Company name", exact=True).fill("menuiserie")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page.locator("#results-count")).to_have_text("1 structure found")
        expect(page.get_by_role("link", name="Export the results")).to_be_visible()
        assert axe_violations(page) == []
        page.goto(own.url + "/activite-gestionnaire.html")
        ready(page)
        expect(page.get_by_role("heading", name="Pending link requests")).to_be_visible()
        assert axe_violations(page) == []
    finally:
        set_language(page, own.url, "FR")
