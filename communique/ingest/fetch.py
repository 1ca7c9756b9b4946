"""Fetching URLs with httpx: timeouts, retries with backoff, a per-host rate limit, a user agent,
a size limit, and no private, loopback, link-local or reserved address unless allowed.

Redirects are followed by hand so that every hop is checked like the first URL. The check
resolves the host name and refuses it when any of its addresses is not public (a name that
points at 127.0.0.1 is refused like 127.0.0.1 itself).

    fetcher = Fetcher(FetchSettings(allow_private=False))
    page = fetcher.fetch("https://example.org/news/1")     # a Fetched, or raises FetchError

Each URL has an overall deadline (retries, redirects and the body included); at the deadline
a watchdog shuts the request's socket, so a server that trickles bytes cannot hold it.

Known limit: the name is resolved for the check and again by the connection, so a DNS server
that answers differently the second time (DNS rebinding) is not stopped.
"""
from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from .. import __version__

USER_AGENT = f"communique/{__version__} (event data from official news; +https://pypi.org/project/communique/)"
_REDIRECTS = (301, 302, 303, 307, 308)
_RETRY_STATUS = (408, 425, 429, 500, 502, 503, 504)
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


@dataclass
class FetchSettings:
    """How URLs are fetched (each a setting of `communique ingest`)."""
    timeout: float = 20.0            # seconds for connecting and for each read
    deadline: float = 120.0          # seconds for the whole of one URL: retries, redirects, body
    retries: int = 3                 # further attempts after a timeout, a network error, 429, 5xx
    backoff: float = 1.0             # seconds before the first retry, doubled at each
    max_backoff: float = 30.0
    per_host_interval: float = 1.0   # at least this many seconds between requests to one host
    user_agent: str = USER_AGENT
    allow_private: bool = False      # allow private, loopback, link-local and reserved addresses
    allow_hosts: tuple[str, ...] = ()   # or only these addresses or networks ("127.0.0.1/32")
    max_redirects: int = 5
    max_bytes: int = 20_000_000


class FetchError(Exception):
    """A URL that gave no page: `reason` is refused, fetch_failed or too_large."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


@dataclass
class Fetched:
    url: str                         # the URL asked for
    final_url: str                   # after redirects
    status: int
    content_type: str
    data: bytes


# IPv6 ranges that carry or translate an IPv4 address, or are not for the public internet,
# whatever ipaddress calls global: IPv4-compatible and -mapped, SIIT, NAT64 (well-known and
# local), 6to4, Teredo, ORCHID, documentation, discard, site-local, unique-local, link-local.
_SPECIAL_V6 = tuple(ipaddress.ip_network(n) for n in (
    "::/96", "::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "2002::/16",
    "2001::/32", "2001:10::/28", "2001:20::/28", "2001:db8::/32", "3fff::/20", "100::/64",
    "fec0::/10", "fc00::/7", "fe80::/10", "ff00::/8", "5f00::/16"))


def _address_ok(ip: ipaddress._BaseAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id or any(ip in net for net in _SPECIAL_V6):
            return False
    return ip.is_global and not ip.is_multicast


def _allowed(ip, networks: tuple[str, ...]) -> bool:
    for net in networks:
        try:
            if ip in ipaddress.ip_network(net, strict=False):
                return True
        except (ValueError, TypeError):
            continue
    return False


def check_url(url: str, allow_private: bool = False,
              allow_hosts: tuple[str, ...] = ()) -> str | None:
    """Why this URL may not be fetched (None when it may): not http(s), no host, a host that
    does not resolve, or (unless allowed) an address that is not public."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"not a valid URL: {exc}"
    if parts.scheme.lower() not in ("http", "https"):
        return f"scheme {parts.scheme or '(none)'!r} is not http or https"
    host = parts.hostname
    if not host:
        return "no host in the URL"
    if allow_private:
        return None
    try:
        ips = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80),
                                       proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError, OSError) as exc:
            return f"cannot resolve {host}: {exc}"
        ips = []
        for info in infos:
            try:
                ips.append(ipaddress.ip_address(info[4][0].split("%")[0]))
            except ValueError:
                continue
        if not ips:
            return f"no address for {host}"
    bad = [str(ip) for ip in ips if not _address_ok(ip) and not _allowed(ip, allow_hosts)]
    if bad:
        return (f"{host} is a private, loopback, link-local or reserved address, or an IPv6 "
                f"form that carries or translates one ({bad[0]}); allow private addresses to "
                "fetch it")
    return None


class Fetcher:
    """One HTTP client with the settings; safe to share between threads."""

    def __init__(self, settings: FetchSettings | None = None, *, sleep=time.sleep):
        import httpx
        self.settings = settings or FetchSettings()
        s = self.settings
        self._httpx = httpx
        # a new connection per request: the deadline's watchdog can then shut its socket
        self.client = httpx.Client(timeout=httpx.Timeout(s.timeout), follow_redirects=False,
                                   limits=httpx.Limits(max_keepalive_connections=0),
                                   headers={"User-Agent": s.user_agent,
                                            "Accept": "text/html,application/xhtml+xml,"
                                                      "application/rss+xml,application/atom+xml,"
                                                      "application/xml;q=0.9,text/*;q=0.8,"
                                                      "*/*;q=0.5"})
        self._sleep = sleep
        for net in s.allow_hosts:
            try:
                ipaddress.ip_network(net, strict=False)
            except (ValueError, TypeError) as exc:
                from ..errors import InputError
                raise InputError(f"allowed host {net!r} is not an IP address or network: {exc}",
                                 "give addresses like 127.0.0.1 or networks like 10.0.0.0/8")
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _wait_turn(self, host: str) -> None:
        """The per-host rate limit: sleep until the host's interval has passed."""
        with self._lock:
            now = time.monotonic()
            due = self._last.get(host, 0.0) + self.settings.per_host_interval
            start = max(now, due)
            self._last[host] = start
        if start > now:
            self._sleep(start - now)

    def fetch(self, url: str) -> Fetched:
        s = self.settings
        current = url
        deadline = time.monotonic() + s.deadline if s.deadline else None
        for _ in range(s.max_redirects + 1):
            why = check_url(current, s.allow_private, s.allow_hosts)
            if why:
                raise FetchError("refused", why if current == url
                                 else f"redirect to {current}: {why}")
            status, headers, data = self._get(current, deadline)
            if status in _REDIRECTS and headers.get("location"):
                current = urljoin(current, headers["location"])
                continue
            if status >= 400 or status < 200:
                raise FetchError("fetch_failed", f"HTTP {status}")
            if status in _REDIRECTS:
                raise FetchError("fetch_failed", f"HTTP {status} without a Location")
            return Fetched(url, current, status, headers.get("content-type", ""), data)
        raise FetchError("fetch_failed", f"more than {s.max_redirects} redirects")

    def _get(self, url: str, deadline: float | None = None) -> tuple[int, dict, bytes]:
        s = self.settings
        httpx = self._httpx
        host = (urlsplit(url).hostname or "").lower()
        delay = s.backoff

        def left() -> float | None:
            if deadline is None:
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchError("fetch_failed", f"over the deadline of {s.deadline:g} s for "
                                                 "the URL (a server too slow, or trickling)")
            return remaining

        for attempt in range(s.retries + 1):
            watchdog = None
            self._wait_turn(host)
            left()
            self.requests += 1
            try:
                # no single wait longer than what is left of the deadline
                remaining = left()
                timeout = httpx.Timeout(min(s.timeout, remaining) if remaining else s.timeout)
                sockets: list = []
                watchdog = _watchdog(remaining, sockets)
                with self.client.stream("GET", url, timeout=timeout,
                                        extensions={"trace": _socket_catcher(sockets)}) as resp:
                    if resp.status_code in _RETRY_STATUS and attempt < s.retries:
                        wait = _retry_after(resp.headers.get("retry-after"), delay, s.max_backoff)
                        resp.close()
                        self._sleep(wait)
                        delay = min(delay * 2, s.max_backoff)
                        continue
                    declared = resp.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > s.max_bytes:
                        raise FetchError("too_large", f"{declared} bytes, over the limit of "
                                                      f"{s.max_bytes}")
                    chunks, size = [], 0
                    for chunk in resp.iter_bytes():
                        left()
                        size += len(chunk)
                        if size > s.max_bytes:
                            raise FetchError("too_large", f"over the limit of {s.max_bytes} bytes")
                        chunks.append(chunk)
                    left()                               # cut off by the watchdog: not whole
                    return resp.status_code, {k.lower(): v for k, v in resp.headers.items()}, \
                        b"".join(chunks)
            except FetchError:
                raise
            except (httpx.TimeoutException, httpx.TransportError, httpx.DecodingError) as exc:
                left()                                   # the deadline closed it: say so
                if attempt >= s.retries:
                    kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "failed"
                    raise FetchError("fetch_failed", f"{kind} after {attempt + 1} attempt(s): "
                                                     f"{type(exc).__name__}: {exc}"[:300]) from exc
                remaining = left()
                if remaining is not None and delay >= remaining:
                    raise FetchError("fetch_failed", f"no time left for another attempt "
                                                     f"within {s.deadline:g} s: "
                                                     f"{type(exc).__name__}: {exc}"[:300]) from exc
                self._sleep(delay)
                delay = min(delay * 2, s.max_backoff)
            except httpx.HTTPError as exc:
                raise FetchError("fetch_failed", f"{type(exc).__name__}: {exc}"[:300]) from exc
            finally:
                if watchdog is not None:
                    watchdog.cancel()
        raise FetchError("fetch_failed", "no attempt left")   # pragma: no cover


def _socket_catcher(sockets: list):
    """An httpcore trace hook that keeps the socket of each new connection."""
    def trace(event: str, info: dict) -> None:
        if event == "connection.connect_tcp.complete":
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                sockets.append(sock)
    return trace


def _watchdog(seconds: float | None, sockets: list) -> threading.Timer | None:
    """At the deadline, shut the request's socket: a server that trickles its headers or its
    body a byte at a time (each read within the timeout) is cut off there."""
    if seconds is None:
        return None

    def cut() -> None:
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
    timer = threading.Timer(seconds, cut)
    timer.daemon = True
    timer.start()
    return timer


def _retry_after(value: str | None, default: float, cap: float) -> float:
    if value:
        value = value.strip()
        if value.isdigit():
            return min(float(value), cap)
        try:
            when = parsedate_to_datetime(value)
            return max(0.0, min(when.timestamp() - time.time(), cap))
        except (TypeError, ValueError, OverflowError):
            pass
    return min(default, cap)


def is_url(text: str) -> bool:
    return bool(URL_RE.match(text.strip()))


def url_list(text: str) -> list[str] | None:
    """The URLs of a text made only of URLs (one a line; blank and # lines ignored), else None."""
    urls = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line):
            return None
        urls.append(line)
    return urls or None
