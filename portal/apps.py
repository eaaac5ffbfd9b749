"""The project's admin: django.contrib.admin with the editors' site as the default ``admin.site``.

The site (its titles and its dashboard index) is ``programmes/admin_site.py``; every
``@admin.register`` in the app registers on it.
"""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "programmes.admin_site.PortalAdminSite"

    def ready(self) -> None:
        super().ready()
        from .login_lockout import connect

        # Signals: every sign-in path (the admin's form, a test client, an API later) counts.
        connect()
