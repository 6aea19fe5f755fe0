"""One-time links: 256 random bits in the link, only their hash stored, single use, short-lived.

The token travels in the URL's fragment (``#jeton=…``): browsers send no fragment to servers, logs or Referer headers.
Links are built from configuration, never from the request's Host header.
"""

import hashlib
import secrets
from datetime import timedelta

from chalicelib import settings
from chalicelib.domain import clock
from chalicelib.domain.entities import OneTimeToken
from chalicelib.domain.errors import InvalidLink
from chalicelib.store import security

LIFETIMES = {
    "ACTIVATION": timedelta(minutes=60),
    "RESET": timedelta(minutes=30),
    "UNLOCK": timedelta(minutes=60),
    "REACTIVATION": timedelta(hours=24),
}
PAGES = {
    "ACTIVATION": "activation.html",
    "RESET": "mot-de-passe-oublie.html",
    "UNLOCK": "deverrouillage.html",
    "REACTIVATION": "reactivation.html",
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(purpose: str, user_id: str) -> str:
    """Store a new token and return the link that carries it."""
    token = secrets.token_urlsafe(32)
    security.save_token(OneTimeToken(_hash(token), purpose, user_id, clock.now() + LIFETIMES[purpose]))
    return f"{settings.portal_url()}/{PAGES[purpose]}#jeton={token}"


def peek(purpose: str, token: str) -> OneTimeToken:
    """The live token (not consumed), or InvalidLink."""
    if not token or len(token) > 100:
        raise InvalidLink()
    item = security.peek_token(_hash(token))
    if item is None or item.purpose != purpose or clock.now() >= item.expires_at:
        raise InvalidLink()
    return item


def consume(item: OneTimeToken) -> None:
    """Use the token once: a second use, even a concurrent one, is refused."""
    if not security.consume_token(item):
        raise InvalidLink()
