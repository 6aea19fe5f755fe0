"""The demo data of DOMAIN.md, written through the repositories as the app itself would."""

import base64
import uuid
from datetime import UTC, datetime, timedelta

import boto3

from chalicelib import settings
from chalicelib.domain import clock, entities
from chalicelib.domain.accounts import ACTIVE
from chalicelib.domain.memberships import MEMBERSHIP, PRINCIPAL, SCOPE_MANAGER, SECONDARY, USER, default_spaces
from chalicelib.domain.password_policy import password_problems
from chalicelib.domain.secret_answer import normalise_answer
from chalicelib.domain.subscriptions import CONSULTATION, MANAGER_SPACE, MODIFICATION
from chalicelib.services.hashing import hash_secret
from chalicelib.services.memberships import new_membership
from chalicelib.services.passwords import reminder_items
from chalicelib.store import accounts, attachments, memberships, security, structures

SPACES_OF_THE_GUIDE = ("Factures émises", "Sollicitations émises")
SECRET_QUESTION = "Quel est le nom de mon premier animal de compagnie ?"
SECRET_ANSWER = "Toto"
CREATED = datetime(2017, 4, 5, 13, 33, 28, tzinfo=UTC)

# Valid SIRETs (Luhn), built on the identifiers of the guide.
MENUISERIE = {"identifier": "12600591700516", "designation": "Menuiserie Dupont"}
RENOVATION = {"identifier": "12700591600839", "designation": "Rénovation Habitat"}
EBENISTERIE = {"identifier": "44433322311102", "designation": "Ébénisterie Martin"}
MOBURB = {"code": "MOBURB", "name": "Mobilier urbain"}
MENINT = {"code": "MENINT", "name": "Menuiseries Intérieures"}
MEUBLES = {"code": "MEUBLES", "name": "Meubles"}
ATELIER = {"code": "ATELIER", "name": "Atelier"}
POSE = {"code": "POSE", "name": "Pose"}

# A 1x1 white JPEG: the stored « brochure1.jpg » is a real JPEG, so downloads and type checks see what they expect.
TINY_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////"
    "////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA="
)

PEOPLE = {
    "paul": {
        "login": "paul.dupont@menuiserie.fr", "contact_email": "contact@menuiserie.fr", "last_name": "DUPONT",
        "first_name": "Paul", "address_line1": "10 rue du bois", "postal_code": "96300", "city": "Villeneuve",
        "phone": "+33392357895", "fax": "+33392357896",
    },
    "julie": {
        "login": "julie.leroy@menuiserie.fr", "contact_email": "julie.leroy@menuiserie.fr", "last_name": "LEROY",
        "first_name": "Julie", "address_line1": "10 rue du bois", "postal_code": "96300", "city": "Villeneuve",
    },
    "marc": {
        "login": "marc.petit@menuiserie.fr", "contact_email": "marc.petit@menuiserie.fr", "last_name": "PETIT",
        "first_name": "Marc", "address_line1": "10 rue du bois", "postal_code": "96300", "city": "Villeneuve",
    },
    "claire": {
        "login": "claire.martin@ebenisterie-martin.fr", "contact_email": "contact@ebenisterie-martin.fr",
        "last_name": "MARTIN", "first_name": "Claire", "address_line1": "3 place des Tilleuls", "postal_code": "69002",
        "city": "Lyon", "phone": "+33478000000",
    },
}


def check_demo_password(password: str) -> None:
    problems = password_problems(password)
    if problems:
        raise SystemExit(f"DEMO_PASSWORD does not meet the password policy ({problems[0].key}); choose another.")


def _user(person: dict, password_hash: str, answer_hash: str, now: datetime) -> entities.UserProfile:
    values = {
        "user_id": uuid.uuid4().hex, "address_line2": None, "address_line3": None, "country": "FR", "phone": None,
        "fax": None, "language": "FR", "notifications": True, "status": ACTIVE, "created_at": CREATED,
        "updated_at": CREATED, "reactivated_at": None, "deactivated_at": None,
        # 17 days ago, so that the screen says « expire dans 163 jours » as in the guide.
        "password_changed_at": now - timedelta(days=17), "secret_question": SECRET_QUESTION, **person,
    }
    return accounts.create_user(entities.UserProfile(**values), password_hash, answer_hash)


def _structure(values: dict, services: list[dict], principal_id: str, address: dict) -> entities.Structure:
    common = {"identifier_type": "SIRET", "structure_type": "PRIVEE", "status": ACTIVE, "country": "FR",
              "principal_user_id": principal_id, "created_at": CREATED, "label": None, "last_name": None,
              "first_name": None, "address_line2": None}
    structure = entities.Structure(structure_id=uuid.uuid4().hex, **{**common, **values, **address})
    return structures.save_structure(structure, services)


def _member(profile, structure, role: str, services: list[dict], scope: str | None = None) -> None:
    refs = [entities.ServiceRef(s["code"], s["name"]) for s in services]
    membership = new_membership(structure, profile, role, MEMBERSHIP.transition("attach").target, CREATED.date(),
                                None, None, refs, CREATED, manager_scope=scope)
    membership.decided_at = CREATED
    memberships.attach_member(structure, membership, (), MODIFICATION)


def seed(demo_password: str) -> None:
    check_demo_password(demo_password)
    now = clock.now()
    # One hash for everyone: they share the demo password, and seeding stays fast.
    password_hash, answer_hash = hash_secret(demo_password), hash_secret(normalise_answer(SECRET_ANSWER))
    people = {name: _user(person, password_hash, answer_hash, now) for name, person in PEOPLE.items()}
    ids = {name: profile.user_id for name, profile in people.items()}
    # The reminders a password change would have written, so the daily job reminds the demo people too.
    security.save_reminders([item for profile in people.values()
                             for item in reminder_items(profile.user_id, profile.password_changed_at)])

    villeneuve = {"address_line1": "10 rue du bois", "postal_code": "96300", "city": "Villeneuve"}
    menuiserie = _structure(MENUISERIE, [MOBURB, MENINT, MEUBLES], ids["paul"], villeneuve)
    renovation = _structure(RENOVATION, [], ids["paul"], {**villeneuve, "address_line1": "12 avenue des Artisans"})
    ebenisterie = _structure(EBENISTERIE, [ATELIER, POSE], ids["claire"], {
        "address_line1": "3 place des Tilleuls", "postal_code": "69002", "city": "Lyon"})

    _member(people["paul"], menuiserie, PRINCIPAL, [])
    _member(people["paul"], renovation, PRINCIPAL, [])
    _member(people["julie"], menuiserie, USER, [MOBURB])
    _member(people["marc"], menuiserie, SECONDARY, [], scope=SCOPE_MANAGER)
    _member(people["claire"], ebenisterie, PRINCIPAL, [])

    # Paul's subscriptions are the guide's table (§5, 3/4), and the manager's space of the structures it leads (without
    # which « Activité du gestionnaire » is closed to it); the others get the default spaces of their role.
    for service, habilitation in ((MOBURB, MODIFICATION), (MEUBLES, CONSULTATION)):
        memberships.add_subscriptions(menuiserie, ids["paul"], [service], SPACES_OF_THE_GUIDE, habilitation)
    memberships.add_subscriptions(renovation, ids["paul"], [], ("Sollicitations émises",), MODIFICATION)
    for structure in (menuiserie, renovation):
        memberships.add_subscriptions(structure, ids["paul"], [], (MANAGER_SPACE,), MODIFICATION)
    memberships.add_subscriptions(menuiserie, ids["julie"], [MOBURB], default_spaces(USER), MODIFICATION)
    memberships.add_subscriptions(menuiserie, ids["marc"], [], default_spaces(SECONDARY, SCOPE_MANAGER),
                                  MODIFICATION)
    memberships.add_subscriptions(ebenisterie, ids["claire"], [], default_spaces(PRINCIPAL), MODIFICATION)

    attachment_id = uuid.uuid4().hex
    object_key = attachments.object_key(ids["paul"], attachment_id)
    boto3.client("s3").put_object(
        Bucket=settings.attachments_bucket(), Key=object_key, Body=TINY_JPEG, ContentType="image/jpeg"
    )
    attachments.add_attachment(ids["paul"], entities.Attachment(
        attachment_id=attachment_id, attachment_type="Divers", designation="Brochure présentation",
        file_name="brochure1.jpg", extension="jpg", size=len(TINY_JPEG), object_key=object_key,
    ))
