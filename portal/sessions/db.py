"""Database-backed sessions (the default without REDIS_URL); see portal/sessions/__init__.py."""

from django.contrib.sessions.backends import db

from . import ValidKeyMixin


class SessionStore(ValidKeyMixin, db.SessionStore):
    pass
