"""Abonnements (guide §5): a space of a structure (or of one of its services) with one habilitation, their status, the
spaces a principal manager sets for a whole structure, and who may ask for what."""

from datetime import date

from .errors import Problem
from .states import ABSENT, StateMachine

MODIFICATION = "MODIFICATION"
CONSULTATION = "CONSULTATION_UNIQUEMENT"
HABILITATIONS = (MODIFICATION, CONSULTATION)

HOME_SPACE = "Accueil connecté"
MANAGER_SPACE = "Activité du gestionnaire"
INVOICES_SENT = "Factures émises"
INVOICES_RECEIVED = "Factures reçues"
REQUESTS_SENT = "Sollicitations émises"
REQUESTS_RECEIVED = "Sollicitations reçues"
ACCOUNT_SPACE = "Mon Compte"
SPACES = (HOME_SPACE, MANAGER_SPACE, INVOICES_SENT, INVOICES_RECEIVED, REQUESTS_SENT, REQUESTS_RECEIVED, ACCOUNT_SPACE)
# What a user may ask for and a manager may set for a whole structure: the spaces of invoices and sollicitations. The
# others come with the rattachement (home, account) or with the role (the manager's space).
REQUESTABLE_SPACES = (INVOICES_SENT, INVOICES_RECEIVED, REQUESTS_SENT, REQUESTS_RECEIVED)
# What a rattachement always gives: its user cannot give them up, only the rattachement with them.
KEPT_SPACES = (HOME_SPACE, ACCOUNT_SPACE)

VALID = "VALIDE"
PENDING = "EN_COURS_DE_VALIDATION"
REMOVED = "SUPPRIME"  # never stored: the subscription is deleted
STATUSES = (VALID, PENDING)

SUBSCRIPTION = StateMachine("subscription", (VALID, PENDING, REMOVED), {
    "grant": ((ABSENT, PENDING, VALID), VALID),  # default spaces of a validated rattachement, a manager's own request
    "request": ((ABSENT,), PENDING),
    "validate": ((PENDING,), VALID),
    "refuse": ((PENDING,), REMOVED),
    "remove": ((VALID, PENDING), REMOVED),  # by its user (« Supprimer abonnements »)
    "withdraw": ((PENDING,), REMOVED),  # « Retirer la demande » of « Mes demandes »: only while still pending
    # the structure drops the space, the service is deactivated or the rattachement ends
    "revoke": ((VALID, PENDING), REMOVED),
})

# Where a subscription comes from: a user's request, a space set on the whole structure, or the defaults of a role.
ORIGIN_REQUEST = "DEMANDE"
ORIGIN_STRUCTURE = "STRUCTURE"
ORIGIN_DEFAULT = "DEFAUT"
ORIGINS = (ORIGIN_REQUEST, ORIGIN_STRUCTURE, ORIGIN_DEFAULT)

# A space set at structure level (« Paramétrage des espaces »), or taken off the structure: then nobody may ask for it.
SPACE_SET = "PARAMETRE"
SPACE_REMOVED = "RETIRE"
STRUCTURE_SPACE = StateMachine("structure_space", (SPACE_SET, SPACE_REMOVED), {
    "set": ((ABSENT, SPACE_SET, SPACE_REMOVED), SPACE_SET),  # setting it again may change its habilitation
    "remove": ((ABSENT, SPACE_SET, SPACE_REMOVED), SPACE_REMOVED),  # again: harmless, nobody holds it any more
})

COMMENT_MAX = 255
MAX_ROWS_PER_REQUEST = 40
MAX_DECISIONS = 100


def structure_wide(service_code: str | None) -> bool:
    """No service: the subscription covers the whole structure (its default service, in the guide's words)."""
    return service_code is None


def allowed_services(membership_services: list[str] | None, active_services: list[str]) -> list[str | None]:
    """What a user may ask subscriptions for, the whole structure first: a rattachement to the whole structure
    (``membership_services`` None) reaches it and each of its active services; a rattachement to some services, only
    those still active."""
    if membership_services is None:
        return [None, *active_services]
    return [code for code in membership_services if code in active_services]


def structure_level_targets(membership_services: list[str] | None, active_services: list[str]) -> list[str | None]:
    """Where a space set for the whole structure reaches one user: the whole structure for a rattachement to it
    (``membership_services`` None), each of its (active) services for a rattachement to some services (never a service
    it is not attached to)."""
    if membership_services is None:
        return [None]
    return [code for code in membership_services if code in active_services]


def space_problem(space: str, structure_spaces: dict[str, str]) -> Problem | None:
    """Why ``space`` cannot be asked for on a structure whose settings are ``structure_spaces`` (space → status)."""
    if space not in REQUESTABLE_SPACES:
        return Problem("space.not_requestable")
    if structure_spaces.get(space) == SPACE_REMOVED:
        return Problem("space.removed")
    return None


def removal_problem(space: str, is_principal: bool) -> Problem | None:
    """Why a user cannot give up a subscription: the spaces every rattachement gives, and the principal manager's own
    space (it would leave the structure with nobody to decide its requests)."""
    if space in KEPT_SPACES:
        return Problem("subscription.kept")
    if space == MANAGER_SPACE and is_principal:
        return Problem("subscription.principal_keeps_manager_space")
    return None


def start_problem(valid_from: date, today: date) -> Problem | None:
    return Problem("date.past") if valid_from < today else None
