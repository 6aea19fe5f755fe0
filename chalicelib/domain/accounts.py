"""The status of an account (guide §7 and §8) and of a structure."""

from .states import ABSENT, StateMachine

PENDING_ACTIVATION = "A_ACTIVER"
ACTIVE = "ACTIF"
INACTIVE = "INACTIF"

ACCOUNT = StateMachine("account", (PENDING_ACTIVATION, ACTIVE, INACTIVE), {
    "sign_up": ((ABSENT,), PENDING_ACTIVATION),
    "activate": ((PENDING_ACTIVATION,), ACTIVE),
    "deactivate": ((ACTIVE,), INACTIVE),
    "reactivate": ((INACTIVE,), ACTIVE),
})
# What « Mon Compte » shows of its own account: a pending one cannot log in.
SHOWN_STATUSES = (ACTIVE, INACTIVE)
REACTIVATION_DAYS = 60

# A structure is ACTIF or INACTIF (DOMAIN.md); only an active one takes requests.
STRUCTURE_STATUSES = (ACTIVE, INACTIVE)
