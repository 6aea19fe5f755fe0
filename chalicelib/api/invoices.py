"""Rejected invoices (issue 12): the caller's rejections to attest (also in ``/me``) and « J'atteste avoir pris
connaissance du rejet »."""

from chalice import Blueprint

from chalicelib.api.http import endpoint

blueprint = Blueprint(__name__)


@endpoint(blueprint, "/account/rejections", "GET", allow_expired_password=True, response="Rejections")
def read_rejections(session, **_):
    """The caller's rejected invoices still to attest, with their reasons."""
    from chalicelib.api.shapes import rejections
    from chalicelib.services import invoices

    return rejections(invoices.pending(session))


@endpoint(blueprint, "/account/rejections/attestation", "POST", body="Attestation", response="Rejection")
def attest_rejection(session, body, **_):
    """« J'atteste avoir pris connaissance du rejet »: only for the caller's own rejection; again, the first stands."""
    from chalicelib.api.shapes import rejection
    from chalicelib.services import invoices

    return rejection(invoices.attest(session, body.structure_id, body.number))
