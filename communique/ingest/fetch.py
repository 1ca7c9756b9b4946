"""Fetching URLs with httpx: timeouts, retries with backoff, a per-host rate limit, a user agent,
a size limit, and no private, loopback, link-local or reserved address unless allowed.

Redirects are followed by hand so that every hop is checked like the first URL. The check
resolves the host name and refuses it when any of its addresses is not public (a name that
points at 127.0.0.1 is refused like 127.0.0.1 itself).

    fetcher = Fetcher(FetchSettings(allow_private=False))
    page = fetcher.fetch("https://example.org/news/1")     # a Fetched, or raises FetchError

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


def _address_ok(ip: ipaddress._BaseAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
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
        return (f"{host} is a private, loopback, link-local or reserved address ({bad[0]}); "
                "allow private addresses to fetch it")
    return None


class Fetcher:
    """One HTTP client with the settings; safe to share between threads."""

    def __init__(self, settings: FetchSettings | None = None, *, sleep=time.sleep):
        import httpx
        self.settings = settings or FetchSettings()
        s = self.settings
        self._httpx = httpx
        self.client = httpx.Client(timeout=httpx.Timeout(s.timeout), follow_redirects=False,
                                   headers={"User-Agent": s.user_agent,
                                            "Accept": "text/html,application/xhtml+xml,"
                                                      "application/rss+xml,application/atom+xml,"
                                                      "application/xml;q=0.9,text/*;q=0.8,"
                                                      "*/*;q=0.5"})
        self._sleep = sleep
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
        for _ in range(s.max_redirects + 1):
            why = check_url(current, s.allow_private, s.allow_hosts)
            if why:
                raise FetchError("refused", why if current == url
                                 else f"redirect to {current}: {why}")
            status, headers, data = self._get(current)
            if status in _REDIRECTS and headers.get("location"):
                current = urljoin(current, headers["location"])
                continue
            if status >= 400 or status < 200:
                raise FetchError("fetch_failed", f"HTTP {status}")
            if status in _REDIRECTS:
                raise FetchError("fetch_failed", f"HTTP {status} without a Location")
            return Fetched(url, current, status, headers.get("content-type", ""), data)
        raise FetchError("fetch_failed", f"more than {s.max_redirects} redirects")

    def _get(self, url: str) -> tuple[int, dict, bytes]:
        s = self.settings
        httpx = self._httpx
        host = (urlsplit(url).hostname or "").lower()
        delay = s.backoff
        for attempt in range(s.retries + 1):
            self._wait_turn(host)
            self.requests += 1
            try:
                with self.client.stream("GET", url) as resp:
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
                        size += len(chunk)
                        if size > s.max_bytes:
                            raise FetchError("too_large", f"over the limit of {s.max_bytes} bytes")
                        chunks.append(chunk)
                    return resp.status_code, {k.lower(): v for k, v in resp.headers.items()}, \
                        b"".join(chunks)
            except FetchError:
                raise
            except (httpx.TimeoutException, httpx.TransportError, httpx.DecodingError) as exc:
                if attempt >= s.retries:
                    kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "failed"
                    raise FetchError("fetch_failed", f"{kind} after {attempt + 1} attempt(s): "
                                                     f"{type(exc).__name__}: {exc}"[:300]) from exc
                self._sleep(delay)
                delay = min(delay * 2, s.max_backoff)
            except httpx.HTTPError as exc:
                raise FetchError("fetch_failed", f"{type(exc).__name__}: {exc}"[:300]) from exc
        raise FetchError("fetch_failed", "no attempt left")   # pragma: no cover


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
