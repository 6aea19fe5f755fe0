"""The demo data of DOMAIN.md, written through the repositories as the app itself would."""

import base64
import uuid
from datetime import UTC, datetime, timedelta

import boto3

from chalicelib import settings
from chalicelib.domain import clock
from chalicelib.domain.hashing import hash_secret
from chalicelib.domain.memberships import PRINCIPAL, SCOPE_MANAGER, SECONDARY, USER, default_spaces
from chalicelib.domain.password_policy import password_problems
from chalicelib.domain.secret_answer import normalise_answer
from chalicelib.services.passwords import reminder_items
from chalicelib.store import accounts, security, structures
from chalicelib.store.structures import NewMembership

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


def _user(person: dict, password_hash: str, answer_hash: str, now: datetime):
    user_id = uuid.uuid4().hex
    values = {
        "user_id": user_id, "address_line2": None, "address_line3": None, "country": "FR", "phone": None, "fax": None,
        "language": "FR", "notifications": True, "status": "ACTIF", "created_at": CREATED, "updated_at": CREATED,
        # 17 days ago, so that the screen says « expire dans 163 jours » as in the guide.
        "password_changed_at": now - timedelta(days=17), "secret_question": SECRET_QUESTION, **person,
    }
    return accounts.create_user(values, password_hash, answer_hash)


def _structure(values: dict, services: list[dict], principal_id: str, address: dict) -> object:
    common = {"identifier_type": "SIRET", "structure_type": "PRIVEE", "status": "ACTIF", "country": "FR",
              "principal_user_id": principal_id, "created_at": CREATED}
    return structures.create_structure(uuid.uuid4().hex, {**common, **values, **address}, services)


def _member(profile, structure, role: str, services: list[dict], scope: str | None = None) -> None:
    structures.attach_member(structure, NewMembership(
        user=profile, role=role, status="VALIDEE", valid_from=CREATED.date().isoformat(), valid_until=None,
        comment=None, services=services, requested_at=CREATED, decided_at=CREATED, manager_scope=scope,
    ), (), "MODIFICATION")


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

    _member(people["paul"], menuiserie, "GESTIONNAIRE_PRINCIPAL", [])
    _member(people["paul"], renovation, "GESTIONNAIRE_PRINCIPAL", [])
    _member(people["julie"], menuiserie, "UTILISATEUR", [MOBURB])
    _member(people["marc"], menuiserie, "GESTIONNAIRE_SECONDAIRE", [], scope="GESTIONNAIRE")
    _member(people["claire"], ebenisterie, "GESTIONNAIRE_PRINCIPAL", [])

    # Paul's subscriptions are the guide's table (§5, 3/4); the others get the default spaces of their role.
    for service, habilitation in ((MOBURB, "MODIFICATION"), (MEUBLES, "CONSULTATION_UNIQUEMENT")):
        structures.add_subscriptions(menuiserie, ids["paul"], [service], SPACES_OF_THE_GUIDE, habilitation)
    structures.add_subscriptions(renovation, ids["paul"], [], ("Sollicitations émises",), "MODIFICATION")
    structures.add_subscriptions(menuiserie, ids["julie"], [MOBURB], default_spaces(USER), "MODIFICATION")
    structures.add_subscriptions(menuiserie, ids["marc"], [], default_spaces(SECONDARY, SCOPE_MANAGER),
                                 "MODIFICATION")
    structures.add_subscriptions(ebenisterie, ids["claire"], [], default_spaces(PRINCIPAL), "MODIFICATION")

    attachment_id = uuid.uuid4().hex
    object_key = f"users/{ids['paul']}/{attachment_id}"
    boto3.client("s3").put_object(
        Bucket=settings.attachments_bucket(), Key=object_key, Body=TINY_JPEG, ContentType="image/jpeg"
    )
    accounts.add_attachment(ids["paul"], attachment_id, {
        "attachment_type": "Divers", "designation": "Brochure présentation", "file_name": "brochure1.jpg",
        "extension": "jpg", "size": len(TINY_JPEG), "object_key": object_key,
    })
