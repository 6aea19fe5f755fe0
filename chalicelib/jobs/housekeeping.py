"""Remove expired sessions, one-time links and login-history lines. DynamoDB's TTL does it in the cloud within a day or
two; this job makes it certain (a link must not outlive its lifetime by a TTL delay) and keeps the local stack clean,
where moto never expires anything; it also deletes the attachments' temporary uploads older than an hour. It reads only
the expiry days it is asked about, never the whole table."""

import logging
from datetime import timedelta

from chalicelib.domain import clock
from chalicelib.domain.attachments import TEMPORARY_HOURS
from chalicelib.domain.data_export import KEPT_FOR
from chalicelib.store import attachments, exports, security

log = logging.getLogger(__name__)


def run(days_back: int = 3) -> int:
    now = clock.now()
    removed = 0
    for offset in range(days_back, -1, -1):
        day = (now - timedelta(days=offset)).date().isoformat()
        removed += security.remove_expired(day, now)
    # Uploads never recorded: the bucket's lifecycle rule removes them in the cloud (within a day), this keeps the
    # local stack, where nothing expires, to the hour.
    stale = attachments.remove_stale_uploads(now - timedelta(hours=TEMPORARY_HOURS))
    # Archives of « Télécharger mes données »: the bucket's lifecycle (exports/, one day) in the cloud, this locally.
    archives = exports.remove_old_archives(now - KEPT_FOR)
    log.info("housekeeping removed %d expired item(s), %d unrecorded upload(s) and %d archive(s)", removed, stale,
             archives)
    return removed
