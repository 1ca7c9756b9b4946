"""What every request passes before the API: the Host check, HEAD as GET without a body, and
the security headers. Plain ASGI middleware, so they also cover the static files and errors.

Host: a page on another site can make a browser send requests to 127.0.0.1 under its own name
(DNS rebinding) and read the answers; so the server answers only requests whose Host header
names an address it listens on (and `localhost` when that is a loopback address), or a name
given with --allow-host. The others get 421 in the API's error body.
"""
from __future__ import annotations

import ipaddress
import json

HTML_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
            "form-action 'self'")

def _error_body(status: int, error: str, message: str, hint: str | None) -> dict:
    body = json.dumps({"error": error, "message": message, "hint": hint}).encode()
    return {"status": status, "body": body}


def host_allowed(host_header: str, server_host: str | None, allowed: tuple[str, ...]) -> bool:
    """Whether a request with this Host header may be answered by a server on `server_host`."""
    host = host_header.strip().lower()
    if host.startswith("["):                            # [::1]:8000
        host = host[1:host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    if not host:
        return False
    if "*" in allowed or host in allowed:
        return True
    server = (server_host or "").lower()
    if host == server:
        return True
    try:
        loopback = ipaddress.ip_address(server).is_loopback
    except ValueError:
        loopback = server == "localhost"
    return loopback and host in ("localhost", "127.0.0.1", "::1")


class Guard:
    """Host check, HEAD and headers around the app (see the module's docstring)."""

    def __init__(self, app, allow_hosts: tuple[str, ...] = ()):
        self.app = app
        self.allow_hosts = tuple(h.strip().lower() for h in allow_hosts if h.strip())

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1")
        server = (scope.get("server") or (None, None))[0]
        if not host_allowed(host, server, self.allow_hosts):
            err = _error_body(421, "HostNotAllowed",
                              f"this server does not answer for the host {host[:100]!r}",
                              "open it by the address it listens on, or start it with "
                              "--allow-host NAME")
            return await self._send_plain(send, err, scope["method"] == "HEAD")
        head = scope["method"] == "HEAD"
        if head:
            scope = dict(scope, method="GET")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"no-referrer"),
                         (b"x-frame-options", b"DENY")]
                out = list(message.get("headers", [])) + extra
                if dict(out).get(b"content-type", b"").startswith(b"text/html"):
                    out.append((b"content-security-policy", HTML_CSP.encode()))
                message = dict(message, headers=out)
            elif head and message["type"] == "http.response.body":
                message = dict(message, body=b"", more_body=message.get("more_body", False))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def _send_plain(send, err: dict, head: bool) -> None:
        await send({"type": "http.response.start", "status": err["status"],
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(err["body"])).encode()),
                                (b"x-content-type-options", b"nosniff")]})
        await send({"type": "http.response.body", "body": b"" if head else err["body"]})
