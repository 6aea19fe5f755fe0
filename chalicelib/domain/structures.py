"""Rules of the form « Créer une structure » (guide §4): every problem of the form is reported at once."""

from .contact import COUNTRY_CODES, postal_code_problem
from .errors import Problem
from .identifiers import normalise_identifier


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
    address = data["address"]
    for key in ("line1", "postal_code", "city", "country"):
        if not address.get(key):
            problems[f"address.{key}"] = Problem("field.required")
    if address.get("country") and address["country"] not in COUNTRY_CODES:
        problems["address.country"] = Problem("country.invalid")
    elif address.get("postal_code") and address.get("country"):
        problem = postal_code_problem(address["postal_code"], address["country"])
        if problem:
            problems["address.postal_code"] = problem
    codes = [service["code"] for service in data["services"]]
    for index, code in enumerate(codes):
        if codes.index(code) != index:
            problems[f"services.{index}.code"] = Problem("service.duplicate")
    return identifier, problems
