"""The OpenAPI 3.1 document of the API, built from the routes ``endpoint`` registered and the pydantic models of
``schemas``: what the document says is what the code validates and answers. Never part of the deployed app.

``python scripts/openapi.py`` (``make openapi``) writes it to docs/openapi.json; ``--check`` fails if the committed file
is not what the code says (a test checks it too).
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET = ROOT / "docs" / "openapi.json"

from pydantic.json_schema import models_json_schema  # noqa: E402

from chalicelib.api.http import CSRF_HEADER, MAX_BODY_BYTES, ROUTES, SESSION_COOKIE, STATE_CHANGING  # noqa: E402

REF = "#/components/schemas/{model}"
TAGS = {"auth": "Login and ways into an account", "me": "Mon Compte", "account": "Mon Compte",
        "structures": "Structures and rattachements", "memberships": "Structures and rattachements",
        "manager": "Activité du gestionnaire", "attachments": "Pièces jointes", "feed": "Accueil connecté"}
# The links between operations (OpenAPI 3 ``links`` on the success answer of ``source``): what a client, or a
# stateful fuzzer, does next with what an answer gave. ``(source, name, target, parameters, request body)``;
# parameters as ``"path.x"`` / ``"query.x"``, values as runtime expressions. tests/unit/test_openapi_links.py checks
# that each names a real operation, real parameters and body fields, and pointers the source's answer has.
_PENDING = "$response.body#/requests/0"
LINKS = [
    # A rattachement requested: the structure, its withdrawal (« Mes demandes »), and its managers' pending list.
    ("request_membership", "TheStructure", "read_structure", {"path.structure_id": "$response.body#/structure_id"},
     None),
    ("request_membership", "Withdraw", "leave_structure", {"path.structure_id": "$response.body#/structure_id"},
     None),
    ("request_membership", "PendingForManagers", "manager_requests", {}, None),
    ("request_membership", "MyRequests", "read_my_requests", {}, None),
    ("request_membership", "WithdrawFromMyRequests", "withdraw_request", {},
     {"structure_id": "$response.body#/structure_id"}),
    # A page of the feed or of a structure's history → the next page.
    ("read_feed", "NextPage", "read_feed", {"query.cursor": "$response.body#/next_cursor"}, None),
    ("read_history", "NextPage", "read_history",
     {"path.structure_id": "$request.path.structure_id", "query.cursor": "$response.body#/next_cursor"}, None),
    # A pending request → its decision by a manager.
    ("manager_requests", "Decide", "decide_requests", {},
     {"requests": [{"structure_id": f"{_PENDING}/structure_id", "user_id": f"{_PENDING}/user_id"}]}),
    # A structure (created or found) → its record, members, options, spaces, services.
    *[("create_structure", name, target, {"path.structure_id": "$response.body#/structure_id"}, None)
      for name, target in (("TheStructure", "read_structure"), ("Members", "list_members"),
                           ("Update", "update_structure"), ("AddService", "add_service"),
                           ("SubscriptionOptions", "subscription_options"), ("Spaces", "structure_spaces"),
                           ("SubscriptionRequests", "pending_subscriptions"), ("History", "read_history"))],
    *[("create_structure", name, target, {"path.structure_id": "$response.body#/structure_id",
                                           "path.code": "$response.body#/services/0/code"}, None)
      for name, target in (("RenameService", "rename_service"), ("ServiceImpact", "service_deactivation_impact"),
                           ("DeactivateService", "deactivate_service"))],
    ("search_structures", "FirstResult", "read_structure",
     {"path.structure_id": "$response.body#/items/0/structure_id"}, None),
    ("search_structures", "JoinFirstResult", "request_membership",
     {"path.structure_id": "$response.body#/items/0/structure_id"}, None),
    ("read_structure", "Members", "list_members", {"path.structure_id": "$response.body#/structure_id"}, None),
    ("read_structure", "SubscriptionOptions", "subscription_options",
     {"path.structure_id": "$response.body#/structure_id"}, None),
    ("read_structure", "History", "read_history", {"path.structure_id": "$response.body#/structure_id"}, None),
    # A member → their role, their end.
    ("list_members", "ChangeRole", "change_role",
     {"path.structure_id": "$request.path.structure_id", "path.user_id": "$response.body#/members/0/user_id"}, None),
    ("list_members", "EndMember", "end_member",
     {"path.structure_id": "$request.path.structure_id", "path.user_id": "$response.body#/members/0/user_id"}, None),
    # An upload ticket → its record; a record → its change, download, deletion.
    ("start_upload", "Record", "record_attachment", {}, {"upload_id": "$response.body#/upload_id"}),
    ("record_attachment", "Change", "change_attachment", {"path.attachment_id": "$response.body#/id"},
     {"version": "$response.body#/version"}),
    ("record_attachment", "Download", "download_attachment", {"path.attachment_id": "$response.body#/id"}, None),
    ("record_attachment", "Delete", "remove_attachments", {}, {"ids": ["$response.body#/id"]}),
    ("record_attachment", "DownloadAll", "download_attachments", {}, {"ids": ["$response.body#/id"]}),
    # What a structure offers → a request for it (its first space, its first service).
    ("subscription_options", "Request", "request_subscriptions", {"path.structure_id": "$response.body#/structure_id"},
     {"space": "$response.body#/spaces/0", "rows": [{"service_code": "$response.body#/services/0/code"}]}),
    # A subscription request → the structure's pending list → its decision.
    ("request_subscriptions", "Pending", "pending_subscriptions",
     {"path.structure_id": "$request.path.structure_id"}, None),
    ("request_subscriptions", "Withdraw", "withdraw_request", {},
     {"structure_id": "$request.path.structure_id", "space": "$request.body#/space"}),
    ("pending_subscriptions", "Decide", "decide_subscriptions", {"path.structure_id": "$request.path.structure_id"},
     {"requests": [{"user_id": f"{_PENDING}/user_id", "space": f"{_PENDING}/space",
                    "service_code": f"{_PENDING}/service_code", "habilitation": f"{_PENDING}/habilitation"}]}),
]
STATUS_TEXT = {200: "OK", 201: "Created", 202: "Accepted (the same answer whether the address is known or not)",
               204: "Done, no content"}


def _models() -> list:
    from chalicelib.api import schemas

    wanted = []
    for route in ROUTES:
        if route.body:
            wanted.append((getattr(schemas, route.body), "validation"))
        if route.response:
            wanted.append((getattr(schemas, route.response), "serialization"))
    wanted.append((schemas.Error, "serialization"))
    return list(dict.fromkeys(wanted))


def _query_parameters(model_name: str, definitions: dict) -> list[dict]:
    from chalicelib.api import schemas

    schema = getattr(schemas, model_name).model_json_schema(ref_template=REF, mode="validation")
    definitions.update(schema.pop("$defs", {}))
    required = set(schema.get("required", []))
    return [{"name": name, "in": "query", "required": name in required, "schema": prop}
            for name, prop in schema["properties"].items()]


def _responses(route, refs: dict) -> dict:
    from chalicelib.api import schemas

    success: dict = {"description": STATUS_TEXT.get(route.status, "OK")}
    if route.response:
        model = getattr(schemas, route.response)
        success["content"] = {route.media_type: {"schema": refs[(model, "serialization")]}}
    elif route.media_type != "application/json":
        success["content"] = {route.media_type: {"schema": {"type": "string"}}}
    error = {"description": "Error `{code, message, fields}`, worded in the language of `Accept-Language`",
             "content": {"application/json": {"schema": refs[(schemas.Error, "serialization")]}}}
    links = {name: {"operationId": target, **({"parameters": parameters} if parameters else {}),
                    **({"requestBody": request_body} if request_body is not None else {})}
             for source, name, target, parameters, request_body in LINKS if source == route.handler}
    if links:
        success["links"] = links
    return {str(route.status): success, "default": error}


def document() -> dict:
    """The whole document; importing ``app`` registers every route."""
    import app  # noqa: F401
    from chalicelib.api import schemas

    refs, components = models_json_schema(_models(), ref_template=REF)
    definitions = components.get("$defs", {})
    paths: dict = {}
    for route in ROUTES:
        parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                      for name in re.findall(r"{(\w+)}", route.path)]
        if route.query:
            parameters += _query_parameters(route.query, definitions)
        if route.method in STATE_CHANGING:
            parameters.append({"name": "X-Requested-With", "in": "header", "required": True,
                               "description": "CSRF guard: without it, 403 `csrf_header_missing`.",
                               "schema": {"type": "string", "example": "fetch"}})
        summary, _, details = route.summary.partition("\n")
        operation = {
            "operationId": route.handler, "tags": [TAGS[route.path.split("/")[1]]], "summary": summary.strip(),
            "parameters": parameters, "responses": _responses(route, refs),
            "security": [{"session": []}] if route.authenticated else [],
        }
        if details.strip():
            operation["description"] = " ".join(details.split())
        if not parameters:
            del operation["parameters"]
        if route.body:
            operation["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": refs[(getattr(schemas, route.body), "validation")]}}}
        paths.setdefault(route.path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Chorus Pro « Mon Compte »",
            "version": "1",
            "description": (
                "JSON API of the « Mon Compte » portal. State-changing requests carry `Content-Type: "
                f"application/json`, a body of at most {MAX_BODY_BYTES // 1024} KB and the header `{CSRF_HEADER}`; "
                "unknown fields are refused (422). Instants are ISO 8601 in UTC, to the second. See docs/API.md."
            ),
        },
        "servers": [{"url": "/api"}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(definitions.items())),
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE}},
        },
    }


def rendered() -> str:
    return json.dumps(document(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    text = rendered()
    if "--check" in sys.argv:
        if TARGET.read_text() != text:
            sys.exit("docs/openapi.json is out of date: run `make openapi`.")
    else:
        TARGET.write_text(text)
        print(f"wrote {TARGET.relative_to(ROOT)}")
