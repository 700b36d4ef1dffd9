"""Gunicorn settings shared by `make run` and the Docker image.

One gevent worker per container: every open chat socket is a greenlet, not an OS thread, so
one process holds hundreds of them (measured in bench/stream_bench.py; see README, "Serving
many sockets"). Scale out with more containers (or WEB_WORKERS) behind nginx: any web process
can relay any reply, because replies travel through Redis.
"""

import os

bind = os.environ.get("BIND", "0.0.0.0:8000")
worker_class = "gevent"
workers = int(os.environ.get("WEB_WORKERS", "1"))
worker_connections = int(os.environ.get("WEB_WORKER_CONNECTIONS", "1000"))
# With gevent this is the worker's heartbeat, not a request limit: sockets stay open.
timeout = 60
graceful_timeout = 30
keepalive = 5
accesslog = "-"
