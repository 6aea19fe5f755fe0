"""One dev server that mirrors CloudFront: the built frontend at ``/``, the Chalice app at ``/api/*``.

``/api/*`` goes, prefix stripped, through Chalice's own local gateway, as CloudFront hands it to API Gateway's stage
``api``. Pages get the security headers CloudFront's response-headers policy adds (infra/resources.json).

``/s3/<attachments bucket>[/<key>]`` is proxied to moto's bucket, so the browser's presigned upload (POST) and
downloads (GET) stay same-origin: the page's CSP (``connect-src 'self'``) allows them and no CORS is involved. The
API's presigned URLs point there locally (``ATTACHMENTS_URL=/s3``, ``settings.attachments_url``). Only that bucket
and those methods pass: moto serves every emulated service on one port, none of which the browser may reach.
"""

import json
import logging
import mimetypes
import os
import re
import threading
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

BUCKET_PREFIX = "/s3"
# What the browser's upload and download need of S3, both ways; everything else stays behind.
FORWARDED_REQUEST_HEADERS = ("content-type", "content-length", "range", "if-none-match", "if-modified-since")
FORWARDED_RESPONSE_HEADERS = ("content-type", "content-disposition", "content-range", "accept-ranges", "etag",
                              "last-modified", "location")

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


def local_policy(policy) -> str:
    """The template's CSP for the local stack: a source that names a cloud resource (``https://${Bucket.Attr}``, the
    attachments bucket the browser uploads to) is left out, as that bucket is proxied under 'self' here."""
    if isinstance(policy, dict):
        policy = re.sub(r"\s*https://\$\{[^}]+\}", "", policy["Fn::Sub"])
    return policy


def page_security_headers() -> dict:
    """The headers of the CloudFront response-headers policy, read from the template so both stay the same."""
    template = json.loads((ROOT / "infra" / "resources.json").read_text())
    config = template["Resources"]["PageSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    return {
        "Content-Security-Policy": local_policy(security["ContentSecurityPolicy"]["ContentSecurityPolicy"]),
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": security["FrameOptions"]["FrameOption"],
        "Referrer-Policy": security["ReferrerPolicy"]["ReferrerPolicy"],
    }


def _not_found(accept_language: str | None) -> dict:
    from chalicelib.api.http import error_response
    from chalicelib.api.messages import language_from_header

    return error_response(404, "not_found", language_from_header(accept_language)).to_dict()


class DevServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, static_dir: Path, on_change=None, extra_routes=None):
        super().__init__(address, Handler)
        from chalice.config import Config
        from chalice.local import LocalGateway

        from app import app

        config = json.loads((ROOT / ".chalice" / "config.json").read_text())
        self.gateway = LocalGateway(app, Config(chalice_stage="dev", config_from_disk=config))
        self.static_dir = static_dir
        self.headers_for_pages = page_security_headers()
        # Chalice's current_request is shared by threads and moto is not safe under concurrent writes:
        # API calls run one at a time; static files do not wait.
        self.api_lock = threading.Lock()
        self.on_change = on_change
        self.extra_routes = extra_routes or {}


class Handler(BaseHTTPRequestHandler):
    server: DevServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the signature is http.server's
        log.debug("%s " + format, self.address_string(), *args)

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away mid-response (a page left, a download cancelled)

    def _send(self, status: int, headers: dict, body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _dispatch(self) -> None:
        path = urlsplit(self.path).path
        if path == "/api" or path.startswith("/api/"):
            return self._api(self.path[len("/api"):] or "/")
        if path.startswith(BUCKET_PREFIX + "/"):
            return self._bucket(self.path[len(BUCKET_PREFIX):])
        if path in self.server.extra_routes and self.command in ("GET", "HEAD"):
            status, headers, body = self.server.extra_routes[path](self)
            return self._send(status, {**self.server.headers_for_pages, **headers}, body)
        if self.command not in ("GET", "HEAD"):
            return self._send(405, {"Content-Type": "text/plain"}, b"Method Not Allowed")
        return self._static(path)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _dispatch

    def __getattr__(self, name: str):
        # Any other method (TRACE, QUERY...) reaches the app too, which answers it 405 in the error format:
        # http.server alone would answer 501 in HTML.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def _api(self, path: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        from chalice.local import ForbiddenError

        with self.server.api_lock:
            try:
                response = self.server.gateway.handle_request(self.command, path, headers, body)
            except ForbiddenError:
                # No route has this path: in the cloud, API Gateway's MISSING_AUTHENTICATION_TOKEN response of
                # infra/resources.json (ApiMissingRouteResponse) answers the same 404.
                response = _not_found(headers.get("accept-language"))
            changed = self.command not in ("GET", "HEAD") and response["statusCode"] < 400
            if changed and self.server.on_change:
                self.server.on_change()
        body = response.get("body") or b""
        if isinstance(body, str):
            body = body.encode()
        headers = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers[name] = values[-1]
        self._send(response["statusCode"], headers, body)

    def _bucket(self, target: str) -> None:
        """The attachments bucket of moto, as S3 itself would answer the browser: POST to the bucket (the presigned
        upload), GET or HEAD of an object (the presigned download)."""
        bucket = os.environ.get("ATTACHMENTS_BUCKET", "")
        path = urlsplit(target).path
        upload = (self.command == "POST" and path in (f"/{bucket}", f"/{bucket}/")
                  and (self.headers.get("Content-Type") or "").startswith("multipart/form-data"))
        download = self.command in ("GET", "HEAD") and path.startswith(f"/{bucket}/") and len(path) > len(bucket) + 2
        if not bucket or not (upload or download):
            return self._send(404 if self.command in ("GET", "HEAD", "POST") else 405,
                              {"Content-Type": "text/plain"}, b"Not Found")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if length and len(body) < length:
            # The browser gave up (« Annuler » aborts the upload): nothing to forward, moto would wait for the rest.
            self.close_connection = True
            return None
        headers = {name: self.headers[name] for name in FORWARDED_REQUEST_HEADERS if self.headers.get(name)}
        endpoint = urlsplit(os.environ["AWS_ENDPOINT_URL"])
        # The Host header is moto's own, as when the URL was signed: a presigned GET's signature still matches.
        connection = HTTPConnection(endpoint.hostname, endpoint.port, timeout=60)
        with self.server.api_lock:  # moto is not safe under concurrent writes
            try:
                connection.request(self.command, target, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
            finally:
                connection.close()
        kept = {name: response.getheader(name) for name in FORWARDED_RESPONSE_HEADERS if response.getheader(name)}
        # What S3 answers is never rendered as part of the portal: the page's own protections apply to it too.
        kept["X-Content-Type-Options"] = "nosniff"
        kept["Content-Security-Policy"] = "default-src 'none'; sandbox"
        self._send(response.status, kept, content)

    def _static(self, path: str) -> None:
        relative = unquote(path).lstrip("/") or "index.html"
        if relative.endswith("/"):
            relative += "index.html"
        root = self.server.static_dir.resolve()
        target = (root / relative).resolve()
        if root not in target.parents or not target.is_file():
            return self._send(404, {"Content-Type": "text/plain; charset=utf-8", **self.server.headers_for_pages},
                              b"Page introuvable.")
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        cache = "no-cache" if target.suffix == ".html" else "public, max-age=300"
        self._send(200, {"Content-Type": content_type, "Cache-Control": cache, **self.server.headers_for_pages},
                   target.read_bytes())
