"""Rules of the personal information a user edits on « Mon Compte »."""

from .contact import COUNTRY_CODES, normalise_email, normalise_phone, postal_code_problem
from .errors import Problem
from .password_policy import password_problems

REQUIRED = ("contact_email", "last_name", "first_name", "address.line1", "address.city", "address.country")


def check_profile(data: dict) -> tuple[dict, dict[str, Problem]]:
    """Normalise the submitted profile (the shape of ``schemas.AccountUpdate``, already stripped).

    Returns the attributes to store and the problems found, by field path; every problem is reported at once so that
    the person corrects the form in one pass.
    """
    problems: dict[str, Problem] = {}
    address = data["address"]
    flat = {
        "contact_email": data["contact_email"], "last_name": data["last_name"], "first_name": data["first_name"],
        "address.line1": address["line1"], "address.line2": address.get("line2"), "address.line3": address.get("line3"),
        "address.postal_code": address.get("postal_code"), "address.city": address["city"],
        "address.country": (address["country"] or "").upper(), "phone": data.get("phone"), "fax": data.get("fax"),
    }
    for path in REQUIRED:
        if not flat[path]:
            problems[path] = Problem("field.required")

    country = flat["address.country"]
    if country and country not in COUNTRY_CODES:
        problems["address.country"] = Problem("country.invalid")
    contact_email = flat["contact_email"]
    if contact_email:
        contact_email, problem = normalise_email(contact_email)
        if problem:
            problems["contact_email"] = problem
    if flat["address.postal_code"] and country in COUNTRY_CODES:
        problem = postal_code_problem(flat["address.postal_code"], country)
        if problem:
            problems["address.postal_code"] = problem
    numbers = {}
    for path in ("phone", "fax"):
        numbers[path] = None
        if flat[path]:
            numbers[path], problem = normalise_phone(flat[path], country)
            if problem:
                problems[path] = problem

    changes = {
        "contact_email": contact_email, "last_name": flat["last_name"], "first_name": flat["first_name"],
        "address_line1": flat["address.line1"], "address_line2": flat["address.line2"] or None,
        "address_line3": flat["address.line3"] or None, "postal_code": flat["address.postal_code"] or None,
        "city": flat["address.city"], "country": country, "phone": numbers["phone"], "fax": numbers["fax"],
        "language": data["language"], "notifications": data["notifications"],
    }
    return changes, problems


def check_password_change(change: dict, personal_data: list[str], prefix: str = "password.") -> dict[str, Problem]:
    """Problems of a requested password change (the current password itself is verified by the service), by field
    path (``prefix`` + current, new, confirmation)."""
    problems: dict[str, Problem] = {}
    if not change["current"]:
        problems[prefix + "current"] = Problem("password.current_required")
    if not change["new"]:
        problems[prefix + "new"] = Problem("field.required")
    else:
        found = password_problems(change["new"], personal_data)
        if found:
            problems[prefix + "new"] = found[0]
        elif change["new"] == change["current"]:
            problems[prefix + "new"] = Problem("password.same_as_current")
    if change["confirmation"] != change["new"]:
        problems[prefix + "confirmation"] = Problem("password.mismatch")
    return problems


def personal_data_of(profile) -> list[str]:
    """What a person's password must not contain: its names and addresses."""
    return [profile.first_name, profile.last_name, profile.login, profile.contact_email]


def check_new_password(data: dict, personal_data: list[str]) -> dict[str, Problem]:
    """A password set without the current one (activation, reset, reactivation): the one policy and its confirmation."""
    problems: dict[str, Problem] = {}
    found = password_problems(data["password"], personal_data)
    if found:
        problems["password"] = found[0]
    if data["confirmation"] != data["password"]:
        problems["confirmation"] = Problem("password.mismatch")
    return problems


def check_new_secrets(data: dict, personal_data: list[str]) -> dict[str, Problem]:
    """A new password with a new secret question and answer (activation and reactivation pages)."""
    problems = check_new_password(data, personal_data)
    if not data["secret_question"]:
        problems["secret_question"] = Problem("field.required")
    if not data["secret_answer"]:
        problems["secret_answer"] = Problem("field.required")
    return problems


def check_secret_question(change: dict) -> dict[str, Problem]:
    problems: dict[str, Problem] = {}
    if not change["question"]:
        problems["secret_question.question"] = Problem("field.required")
    if not change["answer"]:
        problems["secret_question.answer"] = Problem("secret_answer.required")
    return problems


def check_signup(data: dict) -> tuple[dict, dict[str, Problem]]:
    """The « Créer un compte » form normalised (addresses, phone in E.164), and its problems by field."""
    data, problems = dict(data), {}
    for field in ("login", "last_name", "first_name"):
        if not data[field]:
            problems[field] = Problem("field.required")
    for field in ("login", "contact_email"):
        if data[field]:
            data[field], problem = normalise_email(data[field])
            if problem:
                problems[field] = problem
    if data["phone"]:
        data["phone"], problem = normalise_phone(data["phone"], "FR")
        if problem:
            problems["phone"] = problem
    return data, problems
