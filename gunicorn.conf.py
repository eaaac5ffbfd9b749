"""gunicorn settings for `make run` and production. Every value can be overridden by env vars.

Behind a load balancer or TLS-terminating proxy, set FORWARDED_ALLOW_IPS to the proxies'
addresses (comma-separated; the default trusts only this machine). gunicorn then believes
X-Forwarded-Proto from those peers alone and sets the request's scheme from it; from any other
peer the header is ignored, so nobody can make a plain-HTTP request look secure.
"""

import multiprocessing
import os

bind = os.environ.get(
    "GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
# The usual 2 × CPUs + 1 for a database-bound app, capped so one box does not exhaust the
# database's connection limit (each worker holds one persistent connection).
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200

# Trust X-Forwarded-* only from the proxies named here (default: loopback only).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Only the one header our proxies set; gunicorn's defaults also accept X-Forwarded-Ssl and
# X-Forwarded-Protocol, which nothing here needs.
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Logs: key=value access lines and gunicorn's own messages, both to stdout.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    'remote=%(h)s forwarded_for="%({x-forwarded-for}i)s" method=%(m)s path="%(U)s" '
    'query="%(q)s" status=%(s)s bytes=%(B)s duration_ms=%(M)s user_agent="%(a)s"'
)
