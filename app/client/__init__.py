"""The ``mikroporada`` command-line client of the JSON API (issue 8).

It talks to a running server over HTTP only; nothing of the server is imported here.
"""
