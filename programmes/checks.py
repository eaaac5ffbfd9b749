"""System checks of the portal's own settings (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def source_fetch_allow_list(app_configs=None, **kwargs):  # noqa: ARG001 - a check's signature
    """SOURCE_FETCH_ALLOWED_HOSTS lets the page reader reach hosts the SSRF rules refuse."""
    if settings.DEBUG or not settings.SOURCE_FETCH_ALLOWED_HOSTS:
        return []
    return [
        Warning(
            "SOURCE_FETCH_ALLOWED_HOSTS is set in production: "
            + ", ".join(settings.SOURCE_FETCH_ALLOWED_HOSTS)
            + ". check_sources may read those hosts whatever their addresses and ports, "
            "including internal services.",
            hint="Unset SOURCE_FETCH_ALLOWED_HOSTS; it exists for tests against 127.0.0.1.",
            id="programmes.W001",
        )
    ]


@register(Tags.security, deploy=True)
def forwarded_allow_ips(app_configs=None, **kwargs):  # noqa: ARG001 - a check's signature
    """FORWARDED_ALLOW_IPS="*" believes X-Forwarded-For and -Proto from any peer."""
    if "*" not in settings.FORWARDED_ALLOW_IPS:
        return []
    return [
        Warning(
            'FORWARDED_ALLOW_IPS is "*": any client can claim any address (X-Forwarded-For, '
            "which the correction form's rate limit keys on) and HTTPS (X-Forwarded-Proto).",
            hint="Set it to the load balancer's addresses or network, e.g. 10.0.0.0/16.",
            id="programmes.W002",
        )
    ]
