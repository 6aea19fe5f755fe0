"""Errors the rules raise. They carry message keys, never sentences: the API words them in the user's language."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field: a message key of ``chalicelib.messages`` and its parameters."""

    key: str
    params: dict = field(default_factory=dict)


class DomainError(Exception):
    """``code`` names the error and its message; ``params`` fill the message, ``fields`` say what is wrong where."""

    code = "error"

    def __init__(self, fields: dict[str, Problem] | None = None, **params):
        super().__init__(self.code)
        self.params = params
        self.fields = fields or {}


class InvalidInput(DomainError):
    """One or several fields break a rule; nothing was changed."""

    code = "validation_error"


class WrongCurrentPassword(DomainError):
    code = "wrong_current_password"


class InvalidCredentials(DomainError):
    code = "invalid_credentials"


class NotAuthenticated(DomainError):
    code = "not_authenticated"


class VersionConflict(DomainError):
    """The item changed since the person read it: nothing was overwritten."""

    code = "version_conflict"


class NotFound(DomainError):
    code = "not_found"
