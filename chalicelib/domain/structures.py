"""Rules of the forms « Créer une structure » and « Modifier » of a structure's page (guide §4): every problem of a
form is reported at once."""

from .contact import COUNTRY_CODES, normalise_email, normalise_phone, postal_code_problem
from .errors import Problem
from .identifiers import normalise_identifier

ADDRESS_REQUIRED = ("line1", "postal_code", "city", "country")


def address_problems(address: dict) -> dict[str, Problem]:
    """Problems of a structure's postal address, by field path (``address.<key>``): the same at creation and on edit."""
    problems: dict[str, Problem] = {}
    for key in ADDRESS_REQUIRED:
        if not address.get(key):
            problems[f"address.{key}"] = Problem("field.required")
    if address.get("country") and address["country"] not in COUNTRY_CODES:
        problems["address.country"] = Problem("country.invalid")
    elif address.get("postal_code") and address.get("country"):
        problem = postal_code_problem(address["postal_code"], address["country"])
        if problem:
            problems["address.postal_code"] = problem
    return problems


def check_new_structure(data: dict) -> tuple[str | None, dict[str, Problem]]:
    """The identifier as stored, and the problems of the form by field (empty when it can be created)."""
    problems: dict[str, Problem] = {}
    for path in ("identifier_type", "structure_type", "designation"):
        if not data.get(path):
            problems[path] = Problem("field.required")
    identifier = None
    if data.get("identifier_type"):
        identifier, problem = normalise_identifier(data["identifier_type"], data["identifier"])
        if problem:
            problems["identifier"] = problem
    elif not (data.get("identifier") or "").strip():
        problems["identifier"] = Problem("field.required")
    if data.get("identifier_type") == "PARTICULIER":
        for path in ("last_name", "first_name"):
            if not data.get(path):
                problems[path] = Problem("field.required")
    problems.update(address_problems(data["address"]))
    codes = [service["code"] for service in data["services"]]
    for index, code in enumerate(codes):
        if codes.index(code) != index:
            problems[f"services.{index}.code"] = Problem("service.duplicate")
    return identifier, problems


def check_structure_update(data: dict) -> tuple[dict, dict[str, Problem]]:
    """The attributes a manager changes on its structure (address and contact details; identifier, type and
    designation are not editable), normalised as stored, and the problems by field. The phone is read as a number of
    the structure's country and stored in E.164, as a person's phone is."""
    address = data["address"]
    problems = address_problems(address)
    contact_email, phone = data.get("contact_email") or None, data.get("phone") or None
    if contact_email:
        contact_email, problem = normalise_email(contact_email)
        if problem:
            problems["contact_email"] = problem
    if phone:
        phone, problem = normalise_phone(phone, address.get("country"))
        if problem:
            problems["phone"] = problem
    changes = {
        "address_line1": address["line1"], "address_line2": address.get("line2") or None,
        "postal_code": address["postal_code"], "city": address["city"], "country": address["country"],
        "contact_email": contact_email, "phone": phone,
    }
    return changes, problems


def service_code_problem(code: str, existing_codes) -> Problem | None:
    """A new service's code must be unique in its structure, deactivated services included (their code stays theirs:
    the rattachements and subscriptions of the past name them)."""
    return Problem("service.taken", {"code": code}) if code in set(existing_codes) else None
