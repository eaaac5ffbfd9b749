"""The client's address when the site runs behind trusted proxies.

gunicorn sets REMOTE_ADDR to the peer, which behind a load balancer is the balancer. Its
X-Forwarded-For is believed only when that peer is one of FORWARDED_ALLOW_IPS (the list gunicorn
uses for X-Forwarded-Proto); the client is then the right-most address that is not itself a
trusted proxy. Anyone else's X-Forwarded-For is ignored, so a visitor cannot pick the address
the login lockout counts against.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _trusted(address: str, allowed: list[str]) -> bool:
    if "*" in allowed:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in allowed:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def without_port(address: str) -> str:
    """An address as a proxy may write it, without its port: "203.0.113.5:1234" and
    "[2001:db8::1]:443" are the addresses "203.0.113.5" and "2001:db8::1"."""
    address = address.strip()
    if address.startswith("["):
        return address[1:].split("]", 1)[0]
    if address.count(":") == 1:  # IPv4 with a port; bare IPv6 has several colons
        return address.split(":", 1)[0]
    return address


def rate_limit_key(request) -> str:
    """Who a rate limit counts: the client's IPv4 address, or its IPv6 /64 (one household or
    machine is given a whole /64, so each of its addresses must not get a bucket of its own)."""
    address = client_ip(request) or ""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_ip(request) -> str | None:
    peer = request.META.get("REMOTE_ADDR")
    peer = without_port(peer) if peer else peer
    allowed = settings.FORWARDED_ALLOW_IPS
    if not peer or not _trusted(peer, allowed):
        return peer
    hops = [without_port(h) for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    for hop in reversed(hops):
        if not _trusted(hop, allowed):
            return hop
    return hops[0] if hops else peer
