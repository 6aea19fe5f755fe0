"""The links of docs/openapi.json lead somewhere: a real operation, its real parameters and body fields, filled from
what the source operation's answer (or request) really holds."""

import json

from tests.conftest import ROOT

DOCUMENT = json.loads((ROOT / "docs" / "openapi.json").read_text())
SCHEMAS = DOCUMENT["components"]["schemas"]
OPERATIONS = {operation["operationId"]: (path, operation)
              for path, methods in DOCUMENT["paths"].items() for operation in methods.values()}


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    alternatives = [one for one in schema.get("anyOf", []) if one.get("type") != "null"]
    return _resolve(alternatives[0]) if len(alternatives) == 1 else schema


def _at(schema: dict, pointer: str) -> dict:
    """The schema of what ``pointer`` (``/a/0/b``) reaches in a document of ``schema``; fails if it reaches nothing."""
    for part in filter(None, pointer.split("/")):
        schema = _resolve(schema)
        if part.isdigit():
            assert schema.get("type") == "array", (pointer, part)
            schema = schema["items"]
        else:
            assert part in schema.get("properties", {}), (pointer, part)
            schema = schema["properties"][part]
    return _resolve(schema)


def _body_schema(operation: dict) -> dict:
    return operation["requestBody"]["content"]["application/json"]["schema"]


def _check_expression(expression: str, source_path: str, source: dict, answer: dict) -> None:
    if expression.startswith("$response.body#"):
        _at(answer["content"]["application/json"]["schema"], expression.split("#", 1)[1])
    elif expression.startswith("$request.path."):
        assert "{" + expression.removeprefix("$request.path.") + "}" in source_path, expression
    elif expression.startswith("$request.body#"):
        _at(_body_schema(source), expression.split("#", 1)[1])
    else:
        raise AssertionError(f"not a runtime expression this test knows: {expression}")


def _walk_body(template, schema: dict, check) -> None:
    """Every field the link's body fills exists in the target's body schema; every expression is checked."""
    schema = _resolve(schema)
    if isinstance(template, dict):
        for key, value in template.items():
            assert key in schema.get("properties", {}), key
            _walk_body(value, schema["properties"][key], check)
    elif isinstance(template, list):
        assert schema.get("type") == "array"
        for item in template:
            _walk_body(item, schema["items"], check)
    else:
        check(template)


def _links():
    for source_id, (path, operation) in OPERATIONS.items():
        for answer in operation["responses"].values():
            for name, link in answer.get("links", {}).items():
                yield source_id, path, operation, answer, name, link


def test_the_declared_links_are_in_the_document():
    from scripts.openapi import LINKS

    declared = {(source, name) for source, name, *_ in LINKS}
    assert {(source, name) for source, _, _, _, name, _ in _links()} == declared
    # What the issue asks for, at least: a request → its decision, a structure → its members, an upload → its record,
    # a subscription request → its decision.
    targets = {(source, link["operationId"]) for source, _, _, _, _, link in _links()}
    for pair in (("manager_requests", "decide_requests"), ("request_membership", "manager_requests"),
                 ("create_structure", "list_members"), ("start_upload", "record_attachment"),
                 ("request_subscriptions", "pending_subscriptions"),
                 ("pending_subscriptions", "decide_subscriptions"), ("read_feed", "read_feed"),
                 ("request_membership", "withdraw_request")):
        assert pair in targets, pair


def test_every_link_resolves_to_a_real_operation_parameters_and_fields():
    for source_id, source_path, source, answer, name, link in _links():
        where = f"{source_id} → {name}"
        assert link["operationId"] in OPERATIONS, where
        target_path, target = OPERATIONS[link["operationId"]]

        def check(expression, source_path=source_path, source=source, answer=answer):
            _check_expression(expression, source_path, source, answer)

        known = {(parameter["in"], parameter["name"]) for parameter in target.get("parameters", [])}
        for key, expression in link.get("parameters", {}).items():
            place, _, parameter = key.partition(".")
            assert (place, parameter) in known, (where, key)
            check(expression)
        # A link fills every path parameter of its target: a random one would only find nothing.
        path_parameters = {parameter for place, parameter in known if place == "path"}
        assert path_parameters == {key.partition(".")[2] for key in link.get("parameters", {})
                                   if key.startswith("path.")}, where
        if "requestBody" in link:
            _walk_body(link["requestBody"], _body_schema(target), check)


def test_the_checks_catch_a_broken_link():
    path, operation = OPERATIONS["create_structure"]
    answer = operation["responses"]["201"]
    for expression in ("$response.body#/no_such_field", "$request.path.no_such_parameter"):
        try:
            _check_expression(expression, path, operation, answer)
        except AssertionError:
            continue
        raise AssertionError(f"{expression} was accepted")
