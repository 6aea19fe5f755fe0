"""Abonnements aux espaces (guide §5): « Mes abonnements aux espaces », « Ajouter un abonnement », the managers'
« Demandes d'abonnement en attente » and « Paramétrage des espaces »."""

from chalice import Blueprint

from chalicelib.api.http import endpoint

blueprint = Blueprint(__name__)


@endpoint(blueprint, "/structures/{structure_id}/subscription-options", "GET", response="SubscriptionOptions",
          membership_of="structure_id")
def subscription_options(session, structure_id, **_):
    """What « Ajouter un abonnement » offers on a structure the caller is attached to."""
    from chalicelib.api.shapes import subscription_options as shape
    from chalicelib.services import subscriptions

    return shape(subscriptions.options(session, structure_id))


@endpoint(blueprint, "/structures/{structure_id}/subscriptions", "POST", body="SubscriptionRequest",
          response="SubscriptionRows", status=201, membership_of="structure_id")
def request_subscriptions(session, body, structure_id, **_):
    """Ask for a space on some services (validated at once for a manager of the structure)."""
    from chalicelib.api import schemas
    from chalicelib.api.shapes import subscription_row
    from chalicelib.services import subscriptions

    rows = subscriptions.request(session, structure_id, body.model_dump())
    return 201, schemas.SubscriptionRows(subscriptions=[subscription_row(s) for s in rows])


@endpoint(blueprint, "/account/subscriptions/delete", "POST", body="SubscriptionRemoval", response="RemovedCount")
def remove_subscriptions(session, body, **_):
    """« Supprimer abonnements »: give up one's subscriptions (or withdraw pending requests)."""
    from chalicelib.api import schemas
    from chalicelib.services import subscriptions

    removed = subscriptions.remove(session, [key.model_dump() for key in body.subscriptions])
    return schemas.RemovedCount(removed=removed)


@endpoint(blueprint, "/structures/{structure_id}/subscription-requests", "GET", response="PendingSubscriptions",
          membership_of="structure_id")
def pending_subscriptions(session, structure_id, **_):
    """« Demandes d'abonnement en attente » of a structure, for its managers."""
    from chalicelib.api import schemas
    from chalicelib.api.shapes import pending_subscription
    from chalicelib.services import subscriptions

    return schemas.PendingSubscriptions(requests=[pending_subscription(s)
                                                  for s in subscriptions.pending(session, structure_id)])


@endpoint(blueprint, "/structures/{structure_id}/subscription-requests/decide", "POST", body="SubscriptionDecision",
          response="SubscriptionDecisionResults", membership_of="structure_id")
def decide_subscriptions(session, body, structure_id, language, **_):
    """Validate or refuse pending subscription requests (a user's automatic list in one action)."""
    from chalicelib.api import schemas
    from chalicelib.api.messages import say
    from chalicelib.services import subscriptions

    outcomes = subscriptions.decide(session, structure_id, body.decision == "VALIDER", body.reason,
                                    [t.model_dump() for t in body.requests])
    return schemas.SubscriptionDecisionResults(results=[
        schemas.SubscriptionDecisionResult(
            user_id=o.user_id, service_code=o.service_code, space=o.space, habilitation=o.habilitation,
            status=o.status, error=say(o.error, language) if o.error else None)
        for o in outcomes
    ])


@endpoint(blueprint, "/structures/{structure_id}/spaces", "GET", response="StructureSpaces",
          membership_of="structure_id")
def structure_spaces(session, structure_id, **_):
    """« Paramétrage des espaces »: the spaces set on the structure, or taken off it."""
    from chalicelib.api import schemas
    from chalicelib.services import subscriptions

    return schemas.StructureSpaces(structure_id=structure_id, spaces=[
        schemas.StructureSpaceRow(space=s.space, status=s.status, habilitation=s.habilitation, changed_at=s.changed_at)
        for s in subscriptions.structure_spaces(session, structure_id)
    ])


@endpoint(blueprint, "/structures/{structure_id}/spaces", "POST", body="StructureSpaceIn", response="StructureSpaceRow",
          status=202, membership_of="structure_id")
def set_structure_space(session, body, structure_id, **_):
    """Set a space for the whole structure; the users' automatic requests follow a moment later (202)."""
    from chalicelib.api.shapes import structure_space_row
    from chalicelib.services import subscriptions

    return 202, structure_space_row(subscriptions.set_space(session, structure_id, body.space, body.habilitation))


@endpoint(blueprint, "/structures/{structure_id}/spaces/holders", "GET", query="SpaceHoldersQuery",
          response="SpaceHolders", membership_of="structure_id")
def space_holders(session, query, structure_id, **_):
    """How many users would lose a space taken off the structure (the confirmation says it)."""
    from chalicelib.api import schemas
    from chalicelib.services import subscriptions

    return schemas.SpaceHolders(space=query.space, users=subscriptions.holders(session, structure_id, query.space))


@endpoint(blueprint, "/structures/{structure_id}/spaces/remove", "POST", body="StructureSpaceRemoval",
          response="StructureSpaceRow", status=202, membership_of="structure_id")
def remove_structure_space(session, body, structure_id, **_):
    """Take a space off the structure; its subscriptions are revoked a moment later (202)."""
    from chalicelib.api.shapes import structure_space_row
    from chalicelib.services import subscriptions

    return 202, structure_space_row(subscriptions.remove_space(session, structure_id, body.space))
