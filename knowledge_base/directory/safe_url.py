"""Feeds named by editors in the browser must be public https addresses: the server fetches them,
so an internal address (metadata services, admin panels on the council network) is refused."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlparse


def public_feed_url_problem(url: str) -> str | None:
    """A plain-English reason the URL cannot be used, or None when it is a public https address."""
    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.hostname:
        return "Enter the feed's web address, starting with https://"
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parsed.hostname, parsed.port or 443)}
    except OSError:
        return f"We could not find {parsed.hostname}. Check the address."
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses):
        return "That address is not on the public internet, so it cannot be imported from here."
    return None
