"""Structures and rattachements (guide §4) and « Activité du gestionnaire »."""

from chalice import Blueprint, Response

from chalicelib.api.http import API_HEADERS, endpoint

blueprint = Blueprint(__name__)

CSV_COLUMNS = (
    ("identifier", "Identifiant"), ("identifier_type", "Type d'identifiant"), ("designation", "Raison sociale"),
    ("label", "Libellé"), ("structure_type", "Type"), ("status", "Statut"), ("postal_code", "Code postal"),
    ("city", "Ville"), ("country", "Pays"),
)


def _criteria(query) -> dict:
    return query.model_dump(exclude={"page", "per_page"}, exclude_none=True)


@endpoint(blueprint, "/structures", "GET", query="SearchQuery", response="SearchPage")
def search_structures(query, **_):
    """Search structures (« Demander un rattachement »); ``*`` is a wildcard."""
    from chalicelib.api import schemas
    from chalicelib.services import structures

    result = structures.search(_criteria(query))
    start = (query.page - 1) * query.per_page
    return schemas.SearchPage(
        total=result.total if not result.truncated else len(result.rows), page=query.page, per_page=query.per_page,
        items=result.rows[start:start + query.per_page], truncated=result.truncated,
    )


@endpoint(blueprint, "/structures/export", "GET", query="SearchQuery", response=None, media_type="text/csv")
def export_structures(query, **_):
    """« Exporter les résultats »: CSV that a French spreadsheet opens as is (UTF-8 with BOM, ``;``)."""
    import csv
    import io

    from chalicelib.services import structures

    result = structures.search(_criteria(query))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([label for _, label in CSV_COLUMNS])
    for row in result.rows:
        writer.writerow([row.get(name) or "" for name, _ in CSV_COLUMNS])
    return Response(
        body="\ufeff" + out.getvalue(), status_code=200,
        headers={**API_HEADERS, "Content-Type": "text/csv; charset=utf-8",
                 "Content-Disposition": 'attachment; filename="structures.csv"'},
    )


@endpoint(blueprint, "/structures", "POST", body="StructureCreate", response="StructureDetail", status=201)
def create_structure(session, body, **_):
    """Create a structure no search found: its creator becomes its principal manager."""
    from chalicelib.api.shapes import structure_detail
    from chalicelib.services import structures

    structure = structures.create(session, body.model_dump())
    return 201, structure_detail(structures.detail(session, structure.structure_id))


@endpoint(blueprint, "/structures/{structure_id}", "GET", response="StructureDetail", membership_of="structure_id")
def read_structure(session, structure_id, **_):
    """A structure, its services and the caller's rattachement to it."""
    from chalicelib.api.shapes import structure_detail
    from chalicelib.services import structures

    return structure_detail(structures.detail(session, structure_id))


@endpoint(
    blueprint, "/structures/{structure_id}/memberships", "POST", body="MembershipRequest",
    response="MembershipRow", status=201,
)
def request_membership(session, body, structure_id, **_):
    """Ask to join a structure; its principal manager is mailed."""
    from chalicelib.api.shapes import membership_row
    from chalicelib.services import memberships

    return 201, membership_row(memberships.request(session, structure_id, body.model_dump()))


@endpoint(blueprint, "/memberships/{structure_id}/delete", "POST", body="LeaveRequest", response="MembershipRow")
def leave_structure(session, body, structure_id, **_):
    """« Supprimer rattachements »: leave a structure (a principal manager names a successor)."""
    from chalicelib.api.shapes import membership_row
    from chalicelib.services import memberships

    return membership_row(memberships.leave(session, structure_id, body.successor_user_id))


@endpoint(blueprint, "/structures/{structure_id}/members", "GET", query="MembersQuery", response="MemberList",
          membership_of="structure_id")
def list_members(session, query, structure_id, **_):
    """Members of a structure, for its managers."""
    from chalicelib.api import schemas
    from chalicelib.api.shapes import member
    from chalicelib.services import memberships

    rows = memberships.list_members(session, structure_id, query.q, query.status)
    return schemas.MemberList(members=[member(m) for m in rows])


@endpoint(blueprint, "/structures/{structure_id}/members", "POST", body="AttachRequest", response="Member", status=201,
          membership_of="structure_id")
def attach_member(session, body, structure_id, **_):
    """A manager attaches a user on its own initiative."""
    from chalicelib.api.shapes import member
    from chalicelib.services import memberships

    return 201, member(memberships.attach(session, structure_id, body.model_dump()))


@endpoint(blueprint, "/structures/{structure_id}/members/{user_id}/role", "POST", body="RoleChange", response="Member",
          membership_of="structure_id")
def change_role(session, body, structure_id, user_id, **_):
    """The principal manager names a secondary manager, or makes it a user again."""
    from chalicelib.api.shapes import member
    from chalicelib.services import memberships

    return member(memberships.set_role(session, structure_id, user_id, body.role, body.manager_scope))


@endpoint(blueprint, "/manager/requests", "GET", response="ManagerRequests")
def manager_requests(session, **_):
    """« Activité du gestionnaire »: the structures the caller manages and their pending requests."""
    from chalicelib.api import schemas
    from chalicelib.api.shapes import pending_request
    from chalicelib.services import memberships

    view = memberships.managed_structures(session)
    return schemas.ManagerRequests(
        structures=[
            schemas.ManagedStructure(structure_id=m.structure_id, identifier=m.identifier, designation=m.designation,
                                     role=m.role, manager_scope=m.manager_scope)
            for m in view.managed
        ],
        requests=[pending_request(m) for m in view.pending],
        second_factor_advised=view.second_factor_advised,
    )


@endpoint(blueprint, "/manager/requests/decide", "POST", body="Decision", response="DecisionResults")
def decide_requests(session, body, language, **_):
    """Validate or refuse one or several pending requests."""
    from chalicelib.api import schemas
    from chalicelib.api.messages import say
    from chalicelib.services import memberships

    results = memberships.decide(session, body.decision == "VALIDER", body.reason,
                                 [t.model_dump() for t in body.requests])
    return schemas.DecisionResults(results=[
        schemas.DecisionResult(structure_id=r.structure_id, user_id=r.user_id, status=r.status,
                               error=say(r.error, language, **r.error_params) if r.error else None)
        for r in results
    ])
