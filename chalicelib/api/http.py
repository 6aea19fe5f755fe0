"""What every route shares: request checks (CSRF header, content type, size, JSON, schema), the session cookie,
errors as ``{code, message, fields}`` in the user's language, and the response headers.

Heavy modules (pydantic models, services, PynamoDB) are imported on the first request, not when ``app`` is imported:
a Lambda cold start pays only for Chalice.
"""

import functools
import json
import logging
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie

from chalice import Blueprint, Response

from chalicelib.api.messages import language_from_header, say

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
SESSION_COOKIE = "__Host-mc_session"
CSRF_HEADER = "x-requested-with"
CSRF_VALUE = "fetch"  # what frontend/src/api.js sends; a cross-site form can send no header at all
# Our bodies nest 3 levels at most; a deeper document is refused before anything recurses over it.
MAX_BODY_DEPTH = 16
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
API_HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
_PYDANTIC_KEYS = {
    "missing": "field.required",
    "string_too_short": "field.required",
    "string_too_long": "field.too_long",
    "literal_error": "field.choice",
    "extra_forbidden": "field.unknown",
    "control_characters": "field.control_characters",
}


@dataclass(frozen=True)
class RouteSpec:
    """What the OpenAPI document says of a route; ``response`` is checked against what the handler returns."""

    path: str
    method: str
    handler: str
    summary: str
    body: str | None
    query: str | None
    response: str | None
    status: int
    media_type: str
    authenticated: bool


# Every route registered through ``endpoint``, in registration order: the source of docs/openapi.json.
ROUTES: list[RouteSpec] = []


class RequestRefused(Exception):
    """The request itself is unacceptable (not its content): answered before any service runs."""

    def __init__(self, status: int, code: str, fields: dict | None = None, **params):
        super().__init__(code)
        self.status, self.code, self.fields, self.params = status, code, fields or {}, params


def json_response(status: int, payload, headers: dict | None = None) -> Response:
    if hasattr(payload, "model_dump_json"):
        body = payload.model_dump_json()
    else:
        body = json.dumps(payload, ensure_ascii=False)
    return Response(body=body, status_code=status, headers={**API_HEADERS, **(headers or {})})


def error_response(status: int, code: str, language: str, fields: dict | None = None, labels: str | None = None,
                   **params) -> Response:
    """``fields`` maps a field path to ``(message key, params)``; ``labels`` names the scope of field labels."""
    worded = {path: say(key, language, field=path, scope=labels, **fparams)
              for path, (key, fparams) in (fields or {}).items()}
    return json_response(status, {"code": code, "message": say(code, language, **params), "fields": worded})


def _header(request, name: str) -> str | None:
    for key, value in (request.headers or {}).items():
        if key.lower() == name:
            return value
    return None


def client_address(request) -> str:
    """The address login failures are counted against.

    API Gateway's ``sourceIp`` is the peer it saw: behind CloudFront, an edge server shared by many people. With
    ``TRUSTED_PROXY_HOPS=n`` (n proxies of ours in front, CloudFront counting 1), the client is the n-th address of
    ``X-Forwarded-For`` counted from the right, once a last entry equal to ``sourceIp`` (API Gateway's own) is put
    aside. Never the first address: a client writes whatever it wants there, and CloudFront only appends to it.
    """
    from chalicelib import settings

    source = ((request.context or {}).get("identity") or {}).get("sourceIp") or "unknown"
    hops = settings.trusted_proxy_hops()
    if hops <= 0:
        return source
    chain = [part.strip() for part in (_header(request, "x-forwarded-for") or "").split(",") if part.strip()]
    if chain and chain[-1] == source:
        chain.pop()
    return chain[-hops] if len(chain) >= hops else source


def read_cookie(request, name: str) -> str | None:
    raw = _header(request, "cookie")
    if not raw:
        return None
    try:
        jar = SimpleCookie()
        jar.load(raw)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def session_cookie(value: str) -> str:
    return f"{SESSION_COOKIE}={value}; Path=/; Secure; HttpOnly; SameSite=Strict"


def expired_session_cookie() -> str:
    return f"{SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0"


def _validate(model_name: str, document):
    from pydantic import ValidationError

    from chalicelib.api import schemas

    model = getattr(schemas, model_name)
    if not isinstance(document, dict):
        raise RequestRefused(422, "validation_error")
    try:
        return model.model_validate(document)
    except ValidationError as error:
        fields = {}
        for problem in error.errors():
            path = ".".join(str(part) for part in problem["loc"])
            key = _PYDANTIC_KEYS.get(problem["type"], "field.type")
            params = {"max": problem.get("ctx", {}).get("max_length")} if key == "field.too_long" else {}
            fields.setdefault(path or "body", (key, params))
        raise RequestRefused(422, "validation_error", fields) from None


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _well_formed(document) -> bool:
    """No deeper than MAX_BODY_DEPTH, and no lone surrogate (``"\\ud800"``) in a key or a string: such a string is not
    text, and would fail later when it is encoded. Walked without recursion."""
    pending = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(value, dict | list):
            if depth > MAX_BODY_DEPTH:
                return False
            if isinstance(value, dict):
                pending.extend((key, depth) for key in value)
                value = value.values()
            pending.extend((item, depth + 1) for item in value)
    return True


def _parse_body(request, model_name: str | None):
    if _header(request, CSRF_HEADER) != CSRF_VALUE:
        raise RequestRefused(403, "csrf_header_missing")
    content_type = (_header(request, "content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise RequestRefused(415, "unsupported_media_type")
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise RequestRefused(413, "payload_too_large", max_kb=MAX_BODY_BYTES // 1024)
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant) if raw.strip() else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: a document nested about a thousand levels deep is too deep for the parser itself.
        raise RequestRefused(400, "malformed_json") from None
    if not _well_formed(document):
        raise RequestRefused(400, "malformed_json")
    if model_name is None:
        return None
    return _validate(model_name, document)


def _checked(result, response: str | None, status: int):
    """The handler's result as ``(status, model)``, refused if it is not what the route declares (and documents)."""
    code, payload = result if isinstance(result, tuple) else (200, result)
    if code != status or type(payload).__name__ != response:
        raise TypeError(f"declared {status} {response}, returned {code} {type(payload).__name__}")
    return code, payload


def endpoint(
    blueprint: Blueprint, path: str, method: str, body: str | None = None, authenticated: bool = True,
    query: str | None = None, allow_expired_password: bool = False, response: str | None = None, status: int = 200,
    media_type: str = "application/json", membership_of: str | None = None, labels: str | None = None,
):
    """Register ``handler(request=, session=, body=, query=, language=)`` behind the shared checks.

    ``body`` names the ``schemas`` model of the request body (state-changing methods only), ``query`` the model of the
    query string (unknown parameters refused like unknown fields), ``response`` the model of the answer sent with
    ``status``. The handler returns that model, or a ``(status, model)`` pair, or a chalice Response (no body, or
    another ``media_type``). ``membership_of`` names the URL parameter of a structure: the caller's rattachement to it
    is read with the session, in the same request (``session.membership``). ``labels`` names the scope of the field
    labels its errors use (``messages.FIELD_LABELS``, ``attachment:designation``).
    """

    def decorate(handler):
        ROUTES.append(RouteSpec(
            path=path, method=method, handler=handler.__name__, summary=(handler.__doc__ or "").strip(), body=body,
            query=query, response=response, status=status, media_type=media_type, authenticated=authenticated,
        ))

        @functools.wraps(handler)
        def view(**url_params):
            from chalicelib import observability

            request = blueprint.current_request
            language = language_from_header(_header(request, "accept-language"))
            bound = observability.bind_request((request.context or {}).get("requestId"))
            try:
                return _answer(request, language, url_params)
            finally:
                observability.unbind_request(bound)

        def _answer(request, language, url_params):
            from chalicelib.domain.errors import DomainError

            try:
                parsed = _parse_body(request, body) if method in STATE_CHANGING else None
                parsed_query = _validate(query, dict(request.query_params or {})) if query else None
                session = None
                if authenticated:
                    from chalicelib.services.auth import authenticate

                    session = authenticate(read_cookie(request, SESSION_COOKIE),
                                           url_params.get(membership_of) if membership_of else None)
                    if session.password_expired and not allow_expired_password:
                        from chalicelib.domain.errors import PasswordExpired

                        raise PasswordExpired()
                result = handler(request=request, session=session, body=parsed, query=parsed_query, language=language,
                                 **url_params)
            except RequestRefused as refused:
                return error_response(refused.status, refused.code, language, refused.fields, labels,
                                      **refused.params)
            except DomainError as error:
                return domain_error_response(error, language, labels)
            except Exception as error:
                from chalicelib.store.retries import is_unavailable

                if is_unavailable(error):  # AWS busy through the retries: 503, never a 500 nor a 409
                    from chalicelib.domain.errors import ServiceUnavailable

                    log.warning("storage busy on %s %s: %s", method, path, type(error).__name__)
                    return domain_error_response(ServiceUnavailable(), language, labels)
                log.exception("unexpected error on %s %s", method, path)
                return error_response(500, "internal_error", language)
            if isinstance(result, Response):
                result.headers = {**API_HEADERS, **(result.headers or {})}
                return result
            try:
                return json_response(*_checked(result, response, status))
            except TypeError:
                log.exception("undocumented answer on %s %s", method, path)
                return error_response(500, "internal_error", language)

        blueprint.route(path, methods=[method], content_types=["*/*"])(view)
        return view

    return decorate


# The methods API Gateway can forward; those a path does not route answer 405 (see ``register_fallbacks``).
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# Chalice's own refusals (``{"Code": ..., "Message": ...}``) and the error of ours that says the same thing.
_CHALICE_ERRORS = {404: "not_found", 405: "method_not_allowed", 415: "unsupported_media_type"}


def _language(request) -> str:
    return language_from_header(_header(request, "accept-language") if request is not None else None)


def _method_not_allowed(app, allowed: list[str]):
    def refuse(**_url_params):
        answer = error_response(405, "method_not_allowed", _language(app.current_request))
        answer.headers["Allow"] = ", ".join(allowed)
        return answer

    refuse.fallback = True
    return refuse


def _in_error_format(allowed_by_path: dict[str, list[str]]):
    def middleware(event, get_response):
        response = get_response(event)
        if isinstance(response.body, dict) and set(response.body) == {"Code", "Message"}:
            status = response.status_code if response.status_code in _CHALICE_ERRORS else 500
            if status == 500:
                log.error("Chalice answered %s %s", response.status_code, response.body.get("Code"))
            answer = error_response(status, _CHALICE_ERRORS.get(status, "internal_error"), _language(event))
            if status == 405:
                resource = ((getattr(event, "context", None) or {}).get("resourcePath")) or ""
                answer.headers["Allow"] = ", ".join(allowed_by_path.get(resource, []))
            return answer
        return response

    return middleware


def register_fallbacks(app) -> None:
    """Every answer in the error format, once the blueprints are registered.

    - On every path, the methods it does not route answer 405 ``method_not_allowed`` with ``Allow``: registered as
      routes because API Gateway answers an unrouted method itself (403 « Missing Authentication Token »), before the
      Lambda. They are not in ``ROUTES``, so not in the OpenAPI document.
    - What Chalice answers by itself (a method outside ``HTTP_METHODS`` such as TRACE in the local gateway, an
      unexpected exception) is reshaped by an ``http`` middleware.
    """
    allowed_by_path = {}
    for path, entries in list(app.routes.items()):
        allowed_by_path[path] = allowed = [method for method in HTTP_METHODS if method in entries]
        missing = [method for method in HTTP_METHODS if method not in entries]
        if missing:
            app.route(path, methods=missing, content_types=["*/*"])(_method_not_allowed(app, allowed))
    app.register_middleware(_in_error_format(allowed_by_path), "http")


def domain_error_response(error, language: str, labels: str | None = None) -> Response:
    """A refusal of the domain in the error format, with the HTTP status of its kind."""
    from chalicelib.domain.errors import Kind

    fields = {path: (problem.key, problem.params) for path, problem in error.fields.items()}
    answer = error_response(STATUS_OF_KIND[error.kind.value], error.code, language, fields, labels, **error.params)
    if error.kind is Kind.TOO_MANY:
        answer.headers["Retry-After"] = str(error.params.get("minutes", 1) * 60)
    if error.kind is Kind.UNAVAILABLE:
        answer.headers["Retry-After"] = str(error.params["seconds"])
    return answer


# The HTTP status of each kind of domain error (``domain.errors.Kind``), in one place.
STATUS_OF_KIND = {
    "invalid_input": 422,
    "refused": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "gone": 410,
    "too_many": 429,
    "unavailable": 503,
}
