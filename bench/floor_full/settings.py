"""The floor with middleware: the project's own settings serving one trivial view.

Everything a public request pays before a view runs comes from portal/settings.py unchanged
(MIDDLEWARE, INSTALLED_APPS, sessions, CSP, security headers, production mode); only the URL map
is replaced, by one view returning a short HttpResponse that touches neither the database, the
session nor the cache. Served by the same gunicorn config and worker count as the portal, so a
page's req/s divided by this one says what the page itself costs (the speed targets are ratios
to this floor; bench/floor/ is the middleware-free floor, printed beside it).
"""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "floor_full.urls"
