"""Configuration read from the environment, lazily.

Chalice's test client sets the stage environment only during a call, and a Lambda keeps its module state between
calls: every value is read when it is needed, never at import time.
"""

import os

DEFAULT_PASSWORD_LIFETIME_DAYS = 180


def table_name() -> str:
    return os.environ.get("TABLE_NAME", "mon-compte")


def attachments_bucket() -> str:
    return os.environ.get("ATTACHMENTS_BUCKET", "mon-compte-pieces-jointes")


def attachments_url() -> str | None:
    """Where the browser reaches the attachments bucket when it is not S3's own address: the local stack proxies moto's
    bucket under the portal's origin (``/s3``) so uploads and downloads stay same-origin. Unset in the cloud."""
    return os.environ.get("ATTACHMENTS_URL") or None


def region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-3"


def password_lifetime_days() -> int:
    return int(os.environ.get("PASSWORD_LIFETIME_DAYS", DEFAULT_PASSWORD_LIFETIME_DAYS))


def session_idle_minutes() -> int:
    return int(os.environ.get("SESSION_IDLE_MINUTES", 30))


def session_absolute_hours() -> int:
    return int(os.environ.get("SESSION_ABSOLUTE_HOURS", 12))


def argon2_parameters() -> dict:
    """OWASP's argon2id profile (m=19 MiB, t=2, p=1); tests may lower it through the environment."""
    return {
        "memory_cost": int(os.environ.get("ARGON2_MEMORY_KIB", 19456)),
        "time_cost": int(os.environ.get("ARGON2_TIME_COST", 2)),
        "parallelism": 1,
    }


def mail_from() -> str:
    return os.environ.get("MAIL_FROM", "ne-pas-repondre@chorus-pro.local")


def mail_configuration_set() -> str | None:
    return os.environ.get("MAIL_CONFIGURATION_SET") or None


def mail_dead_letter_queue_url() -> str | None:
    """Where the mailer tells of a mail it parked after its retries (the stream's on-failure destination too)."""
    return os.environ.get("MAIL_DEAD_LETTER_QUEUE_URL") or None


def invoice_dead_letter_queue_url() -> str | None:
    """Where an unreadable message of the invoice-status queue goes, with its reason (``jobs.invoice_statuses``)."""
    return os.environ.get("INVOICE_DEAD_LETTER_QUEUE_URL") or None


def invoice_status_queue_url() -> str | None:
    """The invoice-status queue itself: the local stack's dev route sends to it."""
    return os.environ.get("INVOICE_STATUS_QUEUE_URL") or None


def portal_url() -> str:
    """Links in mails are built from configuration, never from the request's Host header."""
    return os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")


def trusted_proxy_hops() -> int:
    """How many proxies in front of API Gateway append to ``X-Forwarded-For`` (1 behind our CloudFront; 0, the
    default, trusts no header and uses API Gateway's ``sourceIp``). See ``api.http.client_address``."""
    return int(os.environ.get("TRUSTED_PROXY_HOPS", 0))


def attachments_per_user() -> int:
    """How many « pièces jointes » one user may keep (100 by default)."""
    return int(os.environ.get("ATTACHMENTS_PER_USER", 100))


def exports_queue_url() -> str:
    """The queue « Télécharger mes données » puts its requests on (``jobs.exports`` builds the archives)."""
    return os.environ.get("EXPORTS_QUEUE_URL", "")


def invoice_deposit_url() -> str:
    """Where « + Déposer une facture » of « Accueil connecté » leads: the invoice space's address."""
    return os.environ.get("INVOICE_DEPOSIT_URL", "https://chorus-pro.gouv.fr/cpp/facture/deposer")


def digest_shards() -> int:
    """How many shards a day's digest marks (and a week's recap marks) are spread over: a job reads them shard by
    shard, and fans out one shard per message when a run cannot send them all in time."""
    return int(os.environ.get("DIGEST_SHARDS", "16"))


def digest_queue_url() -> str | None:
    """The queue the digest jobs fan out through (one message per shard); unset, a run sends every shard itself."""
    return os.environ.get("DIGEST_QUEUE_URL") or None
