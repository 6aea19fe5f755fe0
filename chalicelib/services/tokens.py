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
    # A change of address: the new address confirms within a day, the old one may cancel for a week.
    "EMAIL_CHANGE": timedelta(hours=24),
    "EMAIL_CHANGE_CANCEL": timedelta(days=7),
}
PAGES = {
    "ACTIVATION": "activation.html",
    "RESET": "mot-de-passe-oublie.html",
    "UNLOCK": "deverrouillage.html",
    "REACTIVATION": "reactivation.html",
    "EMAIL_CHANGE": "confirmation-courriel.html",
    "EMAIL_CHANGE_CANCEL": "annulation-courriel.html",
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(purpose: str, user_id: str, ref: str | None = None) -> str:
    """Store a new token and return the link that carries it; ``ref`` names what it acts on (an address change), so
    that a link of an earlier request matches nothing."""
    token = secrets.token_urlsafe(32)
    security.save_token(OneTimeToken(_hash(token), purpose, user_id, clock.now() + LIFETIMES[purpose], ref))
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
