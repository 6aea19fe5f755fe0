"""The published OpenAPI document (docs/openapi.json) is what the code registers, validates and answers."""

import json

from openapi_spec_validator import validate

from chalicelib.api import schemas
from tests.api.conftest import body
from tests.conftest import ROOT


def _document():
    from scripts.openapi import document

    return document()


def test_the_committed_document_is_what_the_code_says():
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())
    assert committed == _document(), "docs/openapi.json is out of date: run `make openapi`"


def test_the_document_is_valid_openapi():
    validate(_document())


def test_every_route_of_the_app_is_documented_with_its_answer():
    app = __import__("app").app
    document = _document()
    # The 405 fallbacks of chalicelib.api.http.register_fallbacks are answers of the app, not routes of the API.
    served = {(path, method.lower()) for path, entries in app.routes.items() for method, entry in entries.items()
              if not getattr(entry.view_function, "fallback", False)}
    documented = {(path, method) for path, operations in document["paths"].items() for method in operations}
    assert served == documented
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            success = [code for code in operation["responses"] if code != "default"]
            assert len(success) == 1, (method, path)
            answer = operation["responses"][success[0]]
            assert success[0] == "204" or "content" in answer, (method, path, "answer not documented")
            assert operation["summary"], (method, path, "no summary")


def test_error_answers_have_the_documented_shape(client):
    refused = client.http.put("/account", body=b"{}", headers={"Content-Type": "application/json"})
    assert refused.status_code == 403
    assert schemas.Error.model_validate(body(refused)).code == "csrf_header_missing"


def test_a_handler_answering_other_than_it_declares_is_refused():
    from chalicelib.api.http import _checked

    acknowledgement = schemas.Acknowledgement(message="ok")
    assert _checked((202, acknowledgement), "Acknowledgement", 202) == (202, acknowledgement)
    for result, declared, status in (((200, acknowledgement), "Acknowledgement", 202), (acknowledgement, "Me", 200),
                                     ({"message": "ok"}, "Acknowledgement", 200)):
        try:
            _checked(result, declared, status)
        except TypeError:
            continue
        raise AssertionError(f"{result!r} accepted as {status} {declared}")
