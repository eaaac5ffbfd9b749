"""The floor: the least a Django request can cost on this machine (one view, no middleware).

Served by the same gunicorn config as the portal (gunicorn.conf.py, same worker count), so each
portal page's throughput divided by this one says what the portal adds on top of Django itself.
"""

import os

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "floor.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True
