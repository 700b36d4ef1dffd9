"""The ``mikroporada`` command-line client of the JSON API.

It talks to a running server over HTTP only and uses none of the server's modules; importing
it still runs ``app/__init__.py`` (Flask and the extensions), which costs about half a second
at start-up.
"""
