from django.apps import AppConfig


def _new_catalogue_version_after_outage(**kwargs):
    # Writes made while the shared cache was unreachable could not bump the catalogue version,
    # and the pages cached before the outage may come back with the cache: retire them.
    from portal.page_cache import bump_version

    bump_version()


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Catalogue"

    def ready(self):
        from django.db.backends.signals import connection_created

        from portal.redis_cache import cache_back
        from portal.sqlite import install_unicode_like

        from . import cache, checks, search  # noqa: F401 - checks registers the system checks

        # A signal receiver, against the house rule of explicit calls, because the public pages'
        # cache must be invalidated by *every* write path: the admin, the CSV import,
        # load_catalogue, a manage.py shell session. See programmes/cache.py.
        cache.connect_invalidation()
        cache_back.connect(_new_catalogue_version_after_outage, dispatch_uid="catalogue-cache-back")
        # The full-text index follows the same writes (programmes/search/).
        search.connect_indexing()
        # Case-insensitive search must match the same rows on SQLite as on PostgreSQL.
        connection_created.connect(install_unicode_like, dispatch_uid="portal-sqlite-like")
