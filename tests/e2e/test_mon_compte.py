"""The journeys of guide §1 to §3 in Chromium, on the real local stack, by the guide's labels; axe-core on each page."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD, PAUL
from tests.e2e.conftest import axe_violations, log_in, open_account, open_context

JULIE = "julie.leroy@menuiserie.fr"
MARC = "marc.petit@menuiserie.fr"
CLAIRE = "claire.martin@ebenisterie-martin.fr"


def test_login_page_has_the_guide_labels_and_one_generic_error(stack, page):
    page.goto(stack.url + "/")
    expect(page.get_by_label("Identifiant de connexion")).to_be_visible()
    expect(page.get_by_label("Mot de passe", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    for login in (PAUL, "inconnu@nulle-part.fr"):
        page.get_by_label("Identifiant de connexion").fill(login)
        page.get_by_label("Mot de passe", exact=True).fill("Pas-le-bon-mot-2024")
        page.get_by_role("button", name="Se connecter").click()
        expect(page.locator("#login-error")).to_contain_text("Identifiant de connexion ou mot de passe incorrect.")
        expect(page.locator("#login-error")).to_be_focused()
    assert axe_violations(page) == []
    assert page.url.endswith("/")


def test_the_banner_shows_the_name_the_last_login_and_the_tabs(stack, page, context):
    log_in(page, stack.url, JULIE)
    page.get_by_role("button", name="Déconnexion").first.click()
    page.wait_for_url(stack.url + "/")
    log_in(page, stack.url, JULIE)
    expect(page.locator("#banner-user")).to_have_text("Julie LEROY")
    last_login = re.compile(r"Dernière connexion le \d{1,2} \w+ \d{4} \d{2}:\d{2}")
    expect(page.locator("#last-login")).to_contain_text(last_login)
    expect(page.get_by_role("link", name="Accueil connecté")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accueil connecté")
    assert axe_violations(page) == []
    page.locator("#banner-user").click()
    page.wait_for_url("**/mon-compte.html")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon Compte")
    expect(page.get_by_role("link", name="Mon Compte")).to_have_attribute("aria-current", "page")


def test_mon_compte_shows_every_block_of_the_guide_with_the_saved_values(stack, page):
    log_in(page, stack.url)
    page.get_by_role("link", name="Mon Compte").click()
    page.wait_for_selector('main[data-ready="true"]')
    for heading in ("Mes informations personnelles", "Informations générales", "Adresse postale", "Mes paramètres",
                    "Question secrète", "Mes rattachements aux structures", "Mes abonnements aux espaces",
                    "Pièces jointes"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    login = page.get_by_label("Identifiant de connexion")
    expect(login).to_have_value(PAUL)
    assert not login.is_editable()
    expect(page.get_by_label("Adresse électronique de contact")).to_have_value("contact@menuiserie.fr")
    expect(page.get_by_label("Nom", exact=True)).to_have_value("DUPONT")
    expect(page.get_by_label("Prénom", exact=True)).to_have_value("Paul")
    expect(page.get_by_label("Adresse", exact=True)).to_have_value("10 rue du bois")
    expect(page.get_by_label("Code postal")).to_have_value("96300")
    expect(page.get_by_label("Ville", exact=True)).to_have_value("Villeneuve")
    expect(page.get_by_label("Pays", exact=True)).to_have_value("FR")
    expect(page.locator("#phone")).to_have_value(re.compile(r"^\+33 ?3 ?92 ?35 ?78 ?95$"))
    expect(page.locator("#account-status")).to_have_value("ACTIF")
    expect(page.locator("#language")).to_have_value("FR")
    expect(page.locator("#notifications")).to_be_checked()
    expect(page.locator("#password-expiry")).to_have_text(re.compile(r"Votre mot de passe expire dans \d+ jours"))
    expect(page.locator("#secret-question")).to_have_value("Quel est le nom de mon premier animal de compagnie ?")
    memberships = page.locator("#memberships-table")
    expect(memberships).to_contain_text("Menuiserie Dupont")
    expect(memberships).to_contain_text("Rénovation Habitat")
    expect(memberships).to_contain_text("GESTIONNAIRE_PRINCIPAL")
    subscriptions = page.locator("#subscriptions-table")
    expect(subscriptions.locator("tbody tr")).to_have_count(7)
    expect(subscriptions).to_contain_text("CONSULTATION_UNIQUEMENT")
    expect(subscriptions).to_contain_text("Sollicitations émises")
    expect(subscriptions.locator("tbody tr").filter(has_text="Validé")).to_have_count(7)
    # The principal manager keeps its manager's space: no box to tick, no « Supprimer » on those rows.
    manager_rows = subscriptions.locator("tbody tr", has_text="Activité du gestionnaire")
    expect(manager_rows).to_have_count(2)
    expect(manager_rows.get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("button", name="Supprimer abonnements")).to_be_visible()
    expect(page.get_by_role("link", name="Ajouter un abonnement")).to_have_attribute("href", "abonnement-ajout.html")
    expect(page.locator("#attachments-table")).to_contain_text("Brochure présentation")
    expect(page.locator("#attachments-table")).to_contain_text("brochure1.jpg")
    assert axe_violations(page) == []


def test_a_missing_mandatory_field_is_named_in_red_and_nothing_is_saved(stack, page):
    log_in(page, stack.url)
    open_account(page, stack.url)
    page.get_by_label("Ville", exact=True).fill("")
    page.locator("#phone").fill("12")
    page.get_by_role("button", name="Valider").click()
    error = page.locator("#address-city-error")
    expect(error).to_have_text("Le champ « Ville » est obligatoire.")
    expect(page.locator("#phone-error")).to_contain_text("Le champ « Téléphone » doit être un numéro valide")
    expect(page.locator("#address-city")).to_have_attribute("aria-invalid", "true")
    color = error.evaluate("e => getComputedStyle(e).color")
    red, green, blue = (int(c) for c in re.findall(r"\d+", color)[:3])
    assert red > 150 and green < 100 and blue < 100, color
    expect(page.locator("#form-errors")).to_be_visible()
    assert axe_violations(page) == []
    page.reload()
    page.wait_for_selector('main[data-ready="true"]')
    expect(page.get_by_label("Ville", exact=True)).to_have_value("Villeneuve")


def test_annuler_brings_back_the_saved_values(stack, page):
    log_in(page, stack.url)
    open_account(page, stack.url)
    page.get_by_label("Nom", exact=True).fill("DURAND")
    page.get_by_label("Adresse", exact=True).fill("1 place de la Mairie")
    page.locator("label[for=notifications]").click()  # DSFR draws the box on the label, as a person clicks it
    expect(page.locator("#notifications")).not_to_be_checked()
    page.get_by_role("button", name="Annuler").click()
    expect(page.get_by_label("Nom", exact=True)).to_have_value("DUPONT")
    expect(page.get_by_label("Adresse", exact=True)).to_have_value("10 rue du bois")
    expect(page.locator("#notifications")).to_be_checked()


def test_valider_saves_the_personal_information_and_notifications(stack, page):
    log_in(page, stack.url, JULIE)
    open_account(page, stack.url)
    page.get_by_label("Complément adresse 1").fill("Bâtiment C")
    page.locator("#fax").fill("+44 20 7946 0958")
    page.locator("label[for=notifications]").click()  # DSFR draws the box on the label, as a person clicks it
    expect(page.locator("#notifications")).not_to_be_checked()
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#success-alert")).to_contain_text("Vos informations ont été enregistrées.")
    page.reload()
    page.wait_for_selector('main[data-ready="true"]')
    expect(page.get_by_label("Complément adresse 1")).to_have_value("Bâtiment C")
    expect(page.locator("#fax")).to_have_value(re.compile(r"^\+44"))
    expect(page.locator("#notifications")).not_to_be_checked()
    expect(page.locator("#updated-at")).not_to_have_value("")


def test_two_tabs_the_stale_one_gets_a_clear_message_and_overwrites_nothing(stack, context):
    first, second = context.new_page(), context.new_page()
    log_in(first, stack.url, CLAIRE)
    open_account(first, stack.url)
    open_account(second, stack.url)
    first.get_by_label("Ville", exact=True).fill("Villeurbanne")
    first.get_by_role("button", name="Valider").click()
    expect(first.locator("#success-alert")).to_be_visible()
    second.get_by_label("Ville", exact=True).fill("Vénissieux")
    second.get_by_role("button", name="Valider").click()
    expect(second.locator("#conflict-alert")).to_contain_text("modifié entre-temps")
    second.locator("#reload-button").click()
    expect(second.get_by_label("Ville", exact=True)).to_have_value("Villeurbanne")


def test_password_change_with_meter_countdown_and_other_sessions_ended(stack, browser, page):
    other_context = open_context(browser)
    other = other_context.new_page()
    log_in(other, stack.url, MARC)
    log_in(page, stack.url, MARC)
    open_account(page, stack.url)
    new_password = page.locator("#password-new")
    new_password.fill("azerty")
    expect(page.locator("#password-strength-value")).to_have_text("Insuffisante")
    new_password.fill("Varlope-Trusquin-Bouvet-9")
    expect(page.locator("#password-strength-value")).to_have_text(re.compile("Forte|Très forte"))
    page.locator("#password-confirmation").fill("Varlope-Trusquin-Bouvet-9")
    page.locator("#password-current").fill("Pas-le-bon-mot-2024")
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#password-current-error")).to_have_text("Le mot de passe actuel est incorrect.")
    page.locator("#password-current").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#success-alert")).to_be_visible()
    expect(page.locator("#password-expiry")).to_have_text("Votre mot de passe expire dans 180 jours")
    expect(page.locator("#password-new")).to_have_value("")
    other.goto(stack.url + "/mon-compte.html")
    other.wait_for_url(stack.url + "/")
    other_context.close()
    page.get_by_role("button", name="Déconnexion").first.click()
    log_in(page, stack.url, MARC, "Varlope-Trusquin-Bouvet-9")


def test_secret_question_and_answer_can_be_changed(stack, page):
    log_in(page, stack.url, CLAIRE)
    open_account(page, stack.url)
    page.locator("#secret-question").fill("Le nom de ma première école ?")
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#secret-answer-error")).to_contain_text("Le champ « Réponse » est obligatoire")
    page.locator("#secret-answer").fill("Jules Ferry")
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#success-alert")).to_be_visible()
    page.reload()
    page.wait_for_selector('main[data-ready="true"]')
    expect(page.locator("#secret-question")).to_have_value("Le nom de ma première école ?")
    expect(page.locator("#secret-answer")).to_have_value("")


def test_langue_switches_the_whole_interface_to_english_and_back(stack, page):
    log_in(page, stack.url, JULIE)
    open_account(page, stack.url)
    page.locator("#language").select_option("EN")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My Account")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out").first).to_be_visible()
    page.get_by_label("City", exact=True).fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#address-city-error")).to_have_text("The field “City” is mandatory.")
    assert axe_violations(page) == []
    page.reload()
    page.wait_for_selector('main[data-ready="true"]')
    expect(page.get_by_role("heading", level=1)).to_have_text("My Account")
    page.locator("#language").select_option("FR")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon Compte")


def test_logout_ends_the_session_on_the_server(stack, page, context):
    log_in(page, stack.url, PAUL)
    session_cookie = next(c for c in context.cookies() if c["name"] == "__Host-mc_session")
    assert session_cookie["httpOnly"] and session_cookie["secure"] and session_cookie["sameSite"] == "Strict"
    page.get_by_role("button", name="Déconnexion").first.click()
    page.wait_for_url(stack.url + "/")
    replay = page.request.get(
        stack.url + "/api/account", headers={"Cookie": f"__Host-mc_session={session_cookie['value']}"}
    )
    assert replay.status == 401


@pytest.mark.parametrize("path", ["/accueil.html", "/mon-compte.html"])
def test_pages_need_a_session(stack, page, path):
    page.goto(stack.url + path)
    page.wait_for_url(stack.url + "/")
