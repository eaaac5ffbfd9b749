"""A limit on failed sign-ins per username, across addresses, with a cool-off.

django-axes locks a username *from one address* after AXES_FAILURE_LIMIT failures. Someone
guessing one editor's password from many addresses never trips that, so this counts failures
per username wherever they come from: after LOGIN_USERNAME_FAILURE_LIMIT of them (higher than
axes' limit, so one person mistyping is stopped by axes first) the username cannot sign in
for AXES_COOLOFF_TIME, from anywhere, even with the right password. The count lives in the
shared cache; without a cache there is no such limit (axes still applies).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

logger = logging.getLogger(__name__)


def _key(username: str) -> str:
    # Hashed: a username may hold spaces or characters a cache key must not.
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
    return f"login:failures:{digest}"


def _cooloff_seconds() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds()))


def failures(username: str) -> int:
    try:
        return int(cache.get(_key(username), 0))
    except Exception:  # no cache: no per-username limit
        return 0


def locked(username: str) -> bool:
    return failures(username) >= int(settings.LOGIN_USERNAME_FAILURE_LIMIT)


class UsernameLockoutBackend:
    """First in AUTHENTICATION_BACKENDS: a locked username is refused before any password is
    checked (PermissionDenied stops Django's authenticate()). It authenticates nobody and has
    no ``get_user``, so sessions (and the test client's force_login) use the next backends."""

    def authenticate(
        self,
        request: Any,  # noqa: ARG002 - the backend signature
        username: str | None = None,
        **kwargs: Any,
    ) -> None:
        if username and locked(username):
            logger.warning("sign-in refused: too many failures for one username")
            raise PermissionDenied
        return None


def record_failure(sender: Any, credentials: dict, **kwargs: Any) -> None:  # noqa: ARG001
    username = credentials.get("username")
    if not username:
        return
    with contextlib.suppress(Exception):
        if not cache.add(_key(username), 1, timeout=_cooloff_seconds()):
            cache.incr(_key(username))


def clear_failures(sender: Any, user: Any, **kwargs: Any) -> None:  # noqa: ARG001
    with contextlib.suppress(Exception):
        cache.delete(_key(user.get_username()))


def connect() -> None:
    user_login_failed.connect(record_failure, dispatch_uid="portal-username-failures")
    user_logged_in.connect(clear_failures, dispatch_uid="portal-username-failures-clear")
