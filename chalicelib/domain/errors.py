"""The one catalogue of what a use case can refuse. Each error names its message (``code``, worded by the API in the
person's language) and its kind; the API turns kinds into HTTP statuses in one place (``api/http.py``).

Errors carry message keys, never sentences.
"""

from dataclasses import dataclass, field
from enum import Enum


class Kind(Enum):
    """What sort of refusal an error is; the API gives each kind its HTTP status."""

    INVALID_INPUT = "invalid_input"  # the form breaks a rule: every problem is named by field
    REFUSED = "refused"  # the request is understood but cannot be honoured as sent (wrong current password…)
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"  # the state changed or forbids it: nothing was written
    GONE = "gone"
    TOO_MANY = "too_many"  # wait before trying again (``minutes``)
    UNAVAILABLE = "unavailable"  # the storage is busy: nothing was written, try again in ``seconds``


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field: a message key of ``chalicelib.api.messages`` and its parameters."""

    key: str
    params: dict = field(default_factory=dict)


class DomainError(Exception):
    """``code`` names the error and its message; ``params`` fill the message, ``fields`` say what is wrong where."""

    code = "error"
    kind = Kind.CONFLICT

    def __init__(self, fields: dict[str, Problem] | None = None, **params):
        super().__init__(self.code)
        self.params = params
        self.fields = fields or {}


# Invalid input ------------------------------------------------------------------------------------------------------

class InvalidInput(DomainError):
    """One or several fields break a rule; nothing was changed."""

    code = "validation_error"
    kind = Kind.INVALID_INPUT


class SearchNeedsCriterion(InvalidInput):
    code = "search_needs_criterion"


class ServiceNotRequested(InvalidInput):
    """A decision names a service its request does not ask for (``code``)."""

    code = "service_not_in_request"


class ServiceDecidedTwice(InvalidInput):
    """A decision names one service (``code``) both to validate and to refuse."""

    code = "service_decided_twice"


# Refused as sent ----------------------------------------------------------------------------------------------------

class WrongCurrentPassword(DomainError):
    code = "wrong_current_password"
    kind = Kind.REFUSED


class InvalidSecondFactorCode(DomainError):
    """A code that is wrong, already used, or a recovery code already spent: one answer for all."""

    code = "invalid_second_factor_code"
    kind = Kind.REFUSED


class InvalidLink(DomainError):
    """A one-time link that is unknown, used, expired or meant for something else: one answer for all."""

    code = "invalid_link"
    kind = Kind.REFUSED


# Who is asking ------------------------------------------------------------------------------------------------------

class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    kind = Kind.UNAUTHENTICATED


class SecondFactorExpired(DomainError):
    """The password step of a login is unknown, used or too old: log in again."""

    code = "second_factor_expired"
    kind = Kind.UNAUTHENTICATED


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    kind = Kind.UNAUTHENTICATED


class Forbidden(DomainError):
    code = "forbidden"
    kind = Kind.FORBIDDEN


class PasswordExpired(DomainError):
    code = "password_expired"
    kind = Kind.FORBIDDEN


class AccountDeactivated(DomainError):
    code = "account_deactivated"
    kind = Kind.FORBIDDEN


class TooManyAttempts(DomainError):
    """Wait ``minutes`` before the next attempt."""

    code = "too_many_attempts"
    kind = Kind.TOO_MANY


# Not there ----------------------------------------------------------------------------------------------------------

class NotFound(DomainError):
    code = "not_found"
    kind = Kind.NOT_FOUND


class UserNotFound(DomainError):
    code = "user_not_found"
    kind = Kind.NOT_FOUND


class ReactivationTooLate(DomainError):
    """Past the 60 days, only the support can reactivate an account."""

    code = "reactivation_too_late"
    kind = Kind.GONE


# Conflicts with the current state ----------------------------------------------------------------------------------

class VersionConflict(DomainError):
    """The item changed since the person read it: nothing was overwritten."""

    code = "version_conflict"
    kind = Kind.CONFLICT


class ConcurrentChange(DomainError):
    """A condition failed: someone else changed the same items first."""

    code = "concurrent_change"
    kind = Kind.CONFLICT


class SecondFactorAlreadyOn(DomainError):
    code = "second_factor_already_on"
    kind = Kind.CONFLICT


class SecondFactorNotOn(DomainError):
    """Nothing to confirm or to turn off (no secret shown, or the second factor is off)."""

    code = "second_factor_not_on"
    kind = Kind.CONFLICT


class IdentifierTaken(DomainError):
    code = "identifier_taken"
    kind = Kind.CONFLICT


class MembershipExists(DomainError):
    code = "membership_exists"
    kind = Kind.CONFLICT


class SuccessorRequired(DomainError):
    code = "successor_required"
    kind = Kind.CONFLICT


class SolePrincipal(DomainError):
    code = "sole_principal"
    kind = Kind.CONFLICT


class PrincipalRoleNeedsSuccessor(DomainError):
    """The principal manager cannot make itself a secondary manager or a user: it hands its role over first."""

    code = "principal_needs_successor"
    kind = Kind.CONFLICT


class TransitionRefused(DomainError):
    """A status change its current state does not allow (``machine``, ``transition``, ``state``)."""

    code = "concurrent_change"
    kind = Kind.CONFLICT


# Administration of a structure (guide §4, « Consulter / modifier la structure ») ------------------------------------

class StructureChanged(DomainError):
    """The structure's record changed since the manager read it (another manager, another tab): nothing was
    overwritten."""

    code = "structure_version_conflict"
    kind = Kind.CONFLICT


# « Pièces jointes » (guide §6) ----------------------------------------------------------------------------------------

class AttachmentQuota(DomainError):
    """The user keeps ``limit`` attachments already: one must go before another comes."""

    code = "attachment_quota"
    kind = Kind.CONFLICT


class AttachmentChanged(DomainError):
    """The attachment changed since the person read it (another tab): nothing was overwritten."""

    code = "attachment_version_conflict"
    kind = Kind.CONFLICT


# « Sécurité et confidentialité »: verified address change and data export (issue 13) -------------------------------

class AddressTaken(DomainError):
    """The confirmed address became (or was) another account's login: the change cannot take effect."""

    code = "email_change_taken"
    kind = Kind.CONFLICT


class EmailChangeLocked(DomainError):
    """A confirmed change may still be cancelled by the old address (``until``): another one would kill that link."""

    code = "email_change_locked"
    kind = Kind.CONFLICT


class ExportInProgress(DomainError):
    """An archive is being built already: one at a time."""

    code = "export_in_progress"
    kind = Kind.CONFLICT


class ExportNotReady(DomainError):
    code = "export_not_ready"
    kind = Kind.NOT_FOUND


# Not now --------------------------------------------------------------------------------------------------------------

class ServiceUnavailable(DomainError):
    """The storage stayed busy (throttled, transactions in conflict) through the retries: nothing of the change was
    written; the same request may be sent again in ``seconds``. Never a business conflict (409)."""

    code = "service_unavailable"
    kind = Kind.UNAVAILABLE

    def __init__(self, seconds: int = 2):
        super().__init__(seconds=seconds)


# « Mes demandes » (events, issue 11) ----------------------------------------------------------------------------------

class RequestNotPending(DomainError):
    """« Retirer la demande » of a request that is no longer pending (decided meanwhile): nothing changed."""

    code = "request_not_pending"
    kind = Kind.CONFLICT
