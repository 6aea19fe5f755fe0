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


# « Prolonger » a dated rattachement (issue 12, point 5): the link of the manager's mail leads here.

def _ending_shape(membership):
    from chalicelib.api.schemas import EndingMembership

    return EndingMembership(
        structure_id=membership.structure_id, designation=membership.designation, user_id=membership.user_id,
        first_name=membership.first_name, last_name=membership.last_name, valid_from=membership.valid_from,
        valid_until=membership.valid_until)


@endpoint(blueprint, "/structures/{structure_id}/members/{user_id}/extension", "GET", response="EndingMembership")
def read_ending_membership(session, structure_id, user_id, **_):
    """The dated rattachement a manager of its structure may extend."""
    from chalicelib.services import membership_ends

    return _ending_shape(membership_ends.ending(session, structure_id, user_id))


@endpoint(blueprint, "/structures/{structure_id}/members/{user_id}/extension", "POST", body="Extension",
          response="EndingMembership")
def extend_membership(session, structure_id, user_id, body, **_):
    """« Prolonger »: a new end date, by a manager of the structure only."""
    from chalicelib.services import membership_ends

    return _ending_shape(membership_ends.extend(session, structure_id, user_id, body.valid_until))
