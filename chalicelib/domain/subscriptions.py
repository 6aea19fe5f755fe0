"""Abonnements: a space of a structure (or of one of its services) with one habilitation, and their status."""

from .states import ABSENT, StateMachine

MODIFICATION = "MODIFICATION"
CONSULTATION = "CONSULTATION_UNIQUEMENT"
HABILITATIONS = (MODIFICATION, CONSULTATION)

VALID = "VALIDE"
PENDING = "EN_COURS_DE_VALIDATION"
STATUSES = (VALID, PENDING)

# A removed subscription is deleted: there is no status after it.
SUBSCRIPTION = StateMachine("subscription", STATUSES, {
    "grant": ((ABSENT, PENDING, VALID), VALID),  # default spaces of a validated rattachement, a manager's own request
    "request": ((ABSENT,), PENDING),
    "validate": ((PENDING,), VALID),
})
