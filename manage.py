#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # manage.py on a developer's machine runs in local mode unless told otherwise. Production
    # sets DJANGO_DEBUG=0 explicitly (see .env.example); gunicorn (portal/wsgi.py) has no such
    # default, so a server started without configuration still refuses to run.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
