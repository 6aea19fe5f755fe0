"""pydantic models of every request and response: unknown fields are refused, so nothing unexpected is ever stored."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt, StringConstraints


def _text(max_length: int, min_length: int = 0):
    return Annotated[str, StringConstraints(strip_whitespace=True, max_length=max_length, min_length=min_length)]


# Secrets are never stripped: a space is a character like any other. The cap only bounds the work a request can cause;
# the policy's own maximum gives the readable message.
Secret = Annotated[str, StringConstraints(max_length=1024)]
Language = Literal["FR", "EN"]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Response(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginRequest(Request):
    login: _text(254, 1)
    password: Secret


class EmptyRequest(Request):
    pass


class AddressIn(Request):
    line1: _text(200)
    line2: _text(200) | None = None
    line3: _text(200) | None = None
    postal_code: _text(16) | None = None
    city: _text(100)
    country: _text(2)


class PasswordChange(Request):
    current: Secret
    new: Secret
    confirmation: Secret


class SecretQuestionChange(Request):
    question: _text(200)
    answer: _text(200)


class AccountUpdate(Request):
    version: StrictInt
    contact_email: _text(254)
    last_name: _text(100)
    first_name: _text(100)
    address: AddressIn
    phone: _text(32) | None = None
    fax: _text(32) | None = None
    language: Language
    notifications: StrictBool
    password: PasswordChange | None = None
    secret_question: SecretQuestionChange | None = None


class Me(Response):
    first_name: str
    last_name: str
    language: Language
    last_login_at: datetime | None


class Address(Response):
    line1: str
    line2: str | None
    line3: str | None
    postal_code: str | None
    city: str
    country: str


class Profile(Response):
    login: str
    contact_email: str
    last_name: str
    first_name: str
    address: Address
    phone: str | None
    fax: str | None


class Settings(Response):
    created_at: datetime
    reactivated_at: datetime | None
    deactivated_at: datetime | None
    updated_at: datetime | None
    status: Literal["ACTIF", "INACTIF"]
    language: Language
    notifications: bool


class PasswordStatus(Response):
    changed_at: datetime
    expires_at: datetime
    expires_in_days: int
    min_length: int
    max_length: int


class SecretQuestion(Response):
    question: str


class MembershipRow(Response):
    structure_id: str
    identifier: str
    designation: str
    role: Literal["GESTIONNAIRE_PRINCIPAL", "GESTIONNAIRE_SECONDAIRE", "UTILISATEUR"]
    status: Literal["EN_COURS_DE_VALIDATION", "VALIDEE", "REFUSEE", "DESACTIVEE", "SUPPRIMEE"]


class SubscriptionRow(Response):
    structure_id: str
    identifier: str
    designation: str
    service: str | None
    space: str
    habilitation: Literal["MODIFICATION", "CONSULTATION_UNIQUEMENT"]
    status: Literal["VALIDE", "EN_COURS_DE_VALIDATION"]


class AttachmentRow(Response):
    id: str
    type: str
    designation: str
    extension: str
    file_name: str
    size: int


class AccountHead(Response):
    me: Me
    version: int
    profile: Profile
    settings: Settings
    password: PasswordStatus
    secret_question: SecretQuestion


class Account(AccountHead):
    memberships: list[MembershipRow]
    subscriptions: list[SubscriptionRow]
    attachments: list[AttachmentRow]


class Error(Response):
    code: str
    message: str
    fields: dict[str, str]
