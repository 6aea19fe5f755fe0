"""« Consulter / modifier la structure » (guide §4) and « Supprimer le rattachement » of « Activité du gestionnaire »:
routes of a structure's managers only (403 for anyone else, 401 without a session)."""

from chalice import Blueprint

from chalicelib.api.http import endpoint

blueprint = Blueprint(__name__)


def _code(code: str) -> str:
    """A service code of the path as stored (codes are upper case); one that could not be a code is unknown."""
    from chalicelib.domain.errors import NotFound

    code = code.strip().upper()
    if not code or len(code) > 20 or any(not (c.isascii() and (c.isalnum() or c in "_-")) for c in code):
        raise NotFound()
    return code


def _service(service):
    from chalicelib.api import schemas

    return schemas.Service(code=service.code, name=service.name)


@endpoint(blueprint, "/structures/{structure_id}", "PUT", body="StructureUpdate", response="StructureDetail",
          membership_of="structure_id")
def update_structure(session, body, structure_id, **_):
    """« Modifier »: the structure's address and contact details, with the version read (409 if it changed since)."""
    from chalicelib.api.shapes import structure_detail
    from chalicelib.services import structure_admin

    return structure_detail(structure_admin.update_structure(session, structure_id, body.model_dump()))


@endpoint(blueprint, "/structures/{structure_id}/services", "POST", body="ServiceIn", response="Service", status=201,
          membership_of="structure_id")
def add_service(session, body, structure_id, **_):
    """« Ajouter un service »: a code unique in the structure and a name."""
    from chalicelib.services import structure_admin

    return 201, _service(structure_admin.add_service(session, structure_id, body.model_dump()))


@endpoint(blueprint, "/structures/{structure_id}/services/{code}", "PUT", body="ServiceRename", response="Service",
          membership_of="structure_id")
def rename_service(session, body, structure_id, code, **_):
    """« Renommer » a service (its code stays)."""
    from chalicelib.services import structure_admin

    return _service(structure_admin.rename_service(session, structure_id, _code(code), body.name))


@endpoint(blueprint, "/structures/{structure_id}/services/{code}/deactivation", "GET", response="ServiceImpact",
          membership_of="structure_id")
def service_deactivation_impact(session, structure_id, code, **_):
    """What deactivating a service would concern, for its confirmation: users and subscriptions."""
    from chalicelib.api import schemas
    from chalicelib.services import structure_admin

    impact = structure_admin.deactivation_impact(session, structure_id, _code(code))
    return schemas.ServiceImpact(code=impact.code, users=impact.users, subscriptions=impact.subscriptions)


@endpoint(blueprint, "/structures/{structure_id}/services/{code}/deactivation", "POST", body="EmptyRequest",
          response="ServiceDeactivated", membership_of="structure_id")
def deactivate_service(session, structure_id, code, **_):
    """Confirmed « Désactiver »: rattachements limited to the service lose it (or end), its subscriptions go."""
    from chalicelib.api import schemas
    from chalicelib.services import structure_admin

    done = structure_admin.deactivate_service(session, structure_id, _code(code))
    return schemas.ServiceDeactivated(
        code=done.service.code, name=done.service.name, active=done.service.active, users=done.users,
        memberships_ended=done.memberships_ended, memberships_changed=done.memberships_changed,
        subscriptions_revoked=done.subscriptions_revoked,
    )


@endpoint(blueprint, "/structures/{structure_id}/members/{user_id}/delete", "POST", body="EmptyRequest",
          response="Member", membership_of="structure_id")
def end_member(session, structure_id, user_id, **_):
    """« Supprimer le rattachement » of a member, with its subscriptions; the member is mailed."""
    from chalicelib.api.shapes import member
    from chalicelib.services import structure_admin

    return member(structure_admin.end_member(session, structure_id, user_id))
