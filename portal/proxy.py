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


def client_ip(request) -> str | None:
    peer = request.META.get("REMOTE_ADDR")
    allowed = settings.FORWARDED_ALLOW_IPS
    if not peer or not _trusted(peer, allowed):
        return peer
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    for hop in reversed(hops):
        if not _trusted(hop, allowed):
            return hop
    return hops[0] if hops else peer
