"""Fetching a feed must never reach an internal address (cloud metadata, admin panels on the council network),
whether an editor typed it or a feed redirects there.

Each host is resolved once and every answer must be a public address, unless the host is in
DIRECTORY_FEED_ALLOWED_HOSTS (a council's own feed host). The connection then goes to that checked address,
never to a second DNS answer (DNS rebinding), while the Host header and the TLS server name stay the host's
name, so the certificate is still verified against it. Redirects are followed, but every hop goes through the
same check; a chain that starts on https may not drop to http. Proxy variables are not used: a proxy would
resolve the name again itself.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlparse

import httpx

from core.settings import get_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IETF protocol assignments (dummy, PCP/TURN anycast, ...): some count as global, none is a feed server.
NEVER_FEED_IPV4 = (ipaddress.IPv4Network("192.0.0.0/24"),)
# IPv6 forms that are never a feed server's address, whatever is inside them: IPv4-mapped, IPv4-compatible
# (deprecated; also holds :: and ::1), IPv4-translated (SIIT), local-use NAT64 (RFC 8215) and site-local.
NEVER_FEED_IPV6 = tuple(ipaddress.IPv6Network(n) for n in (
    "::ffff:0:0/96", "::/96", "::ffff:0:0:0/96", "64:ff9b:1::/48", "fec0::/10"))
# Well-known NAT64 prefix (RFC 6052): Python counts it as global, but it reaches the IPv4 address in its
# last 32 bits, so that address decides.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class FetchRefused(Exception):
    """A request the feed fetcher will not send. `reason` is a short code for logs; `host` is for operators."""

    def __init__(self, reason: str, host: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.host = reason, host


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address tunnels or translates to (NAT64, 6to4, Teredo server and client)."""
    if address in NAT64:
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    if address.sixtofour:
        return [address.sixtofour]
    return list(address.teredo or ())


def is_public_address(address: IPAddress) -> bool:
    """True only for a global unicast address that does not lead to a non-global IPv4 address."""
    if isinstance(address, ipaddress.IPv4Address):
        # is_global already excludes private, loopback, link-local, shared (CGNAT), reserved and 0.0.0.0/8.
        return address.is_global and not address.is_multicast and not any(address in n for n in NEVER_FEED_IPV4)
    if any(address in network for network in NEVER_FEED_IPV6):
        return False
    if not address.is_global or address.is_multicast or address.is_site_local:
        return False
    return all(is_public_address(inner) for inner in embedded_ipv4(address))


def normal_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def allowed_hosts() -> frozenset[str]:
    """Hosts a council trusts although they resolve to non-public addresses (DIRECTORY_FEED_ALLOWED_HOSTS)."""
    return frozenset(normal_host(h) for h in get_settings().directory_feed_allowed_hosts.split(",") if h.strip())


def resolve(host: str, port: int) -> list[str]:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise FetchRefused("dns_failed", host, f"could not resolve {host}") from None
    # A zone index (fe80::1%eth0) is not part of the address; such addresses are link-local and refused anyway.
    addresses = list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in answers))
    if not addresses:
        raise FetchRefused("dns_failed", host, f"could not resolve {host}")
    return addresses


def checked_addresses(host: str, port: int) -> list[str]:
    """The addresses that may be connected to for host, from one DNS resolution; all must be public."""
    addresses = resolve(host, port)
    if normal_host(host) in allowed_hosts():
        return addresses
    # One private answer refuses the host: a mixed answer is how rebinding and split-horizon tricks look.
    if not all(is_public_address(ipaddress.ip_address(a)) for a in addresses):
        raise FetchRefused("blocked_address", host,
                           f"{host} resolves to an address that is not on the public internet; if it is your own "
                           "feed host, add it to DIRECTORY_FEED_ALLOWED_HOSTS")
    return addresses


class PinnedTransport(httpx.BaseTransport):
    """Sends each request (each redirect hop too) only to an address checked for its host.

    A host is resolved and checked once per fetch, so hundreds of page requests cannot be pointed somewhere
    else half-way. Each host name has its own connection pool: a TLS connection made for one name is never
    reused for another name that happens to share its address.
    """

    def __init__(self, https_only: bool) -> None:
        self.https_only = https_only
        self.pins: dict[tuple[str, int], list[str]] = {}
        self.pools: dict[tuple[str, str, int], httpx.HTTPTransport] = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        host = url.raw_host.decode("ascii")
        if url.scheme not in (("https",) if self.https_only else ("http", "https")):
            raise FetchRefused("scheme_refused", host, f"refused {url.scheme}:// (an https feed stays on https)")
        port = url.port or (443 if url.scheme == "https" else 80)
        if (host, port) not in self.pins:
            self.pins[host, port] = checked_addresses(host, port)
        if (url.scheme, host, port) not in self.pools:
            # trust_env here only reads SSL_CERT_FILE / SSL_CERT_DIR (a council's own CA); proxies stay off.
            self.pools[url.scheme, host, port] = httpx.HTTPTransport(trust_env=True)
        pool, addresses, failure = self.pools[url.scheme, host, port], self.pins[host, port], None
        for address in list(addresses):  # like a plain connect: try each checked address in turn
            extensions = {**request.extensions, **({"sni_hostname": host} if url.scheme == "https" else {})}
            pinned = httpx.Request(request.method, url.copy_with(host=address), headers=request.headers,
                                   stream=request.stream, extensions=extensions)
            try:
                response = pool.handle_request(pinned)
            except httpx.ConnectError as exc:
                failure = exc
                continue
            addresses.remove(address)
            addresses.insert(0, address)  # later requests go straight to the address that answered
            return response
        raise failure or httpx.ConnectError("no address to connect to")

    def close(self) -> None:
        for pool in self.pools.values():
            pool.close()


def public_feed_url_problem(url: str) -> str | None:
    """A plain-English reason an editor's URL cannot be used, or None. Only the form of the address is checked
    here; where it leads is checked when it is fetched, on the one DNS answer that is then connected to."""
    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.hostname:
        return "Enter the feed's web address, starting with https://"
    return None
