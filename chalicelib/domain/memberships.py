"""Roles, rattachement statuses, default spaces and who may do what in a structure."""

from datetime import date

PRINCIPAL = "GESTIONNAIRE_PRINCIPAL"
SECONDARY = "GESTIONNAIRE_SECONDAIRE"
USER = "UTILISATEUR"
ROLES = (PRINCIPAL, SECONDARY, USER)

PENDING = "EN_COURS_DE_VALIDATION"
VALIDATED = "VALIDEE"
REFUSED = "REFUSEE"
DEACTIVATED = "DESACTIVEE"
DELETED = "SUPPRIMEE"
# A new request may replace a membership in these states; any other state blocks it.
REQUESTABLE_AGAIN = (REFUSED, DELETED)

SCOPE_MANAGER = "GESTIONNAIRE"
SCOPE_USER = "UTILISATEUR"

MANAGER_SPACE = "Activité du gestionnaire"
DEFAULT_SPACES = {
    PRINCIPAL: ("Accueil connecté", MANAGER_SPACE, "Factures émises", "Sollicitations émises", "Mon Compte"),
    SECONDARY: ("Accueil connecté", MANAGER_SPACE, "Factures émises", "Sollicitations émises", "Mon Compte"),
    USER: ("Accueil connecté", "Factures émises", "Sollicitations émises", "Mon Compte"),
}
DEFAULT_HABILITATION = "MODIFICATION"
MAX_SERVICES_PER_REQUEST = 15
COMMENT_MAX = 255


def is_active(status: str, valid_from: date, valid_until: date | None, today: date) -> bool:
    """A rattachement gives access only once validated and between its validity dates."""
    return status == VALIDATED and valid_from <= today and (valid_until is None or today <= valid_until)


def can_manage(role: str, scope: str | None, active: bool) -> bool:
    """The principal manager, or a secondary manager its principal lets act as a manager."""
    return active and (role == PRINCIPAL or (role == SECONDARY and scope == SCOPE_MANAGER))


def default_spaces(role: str, scope: str | None = None) -> tuple[str, ...]:
    if role == SECONDARY and scope != SCOPE_MANAGER:
        return DEFAULT_SPACES[USER]
    return DEFAULT_SPACES[role]
