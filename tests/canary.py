"""A loopback HTTP server that records every request: proof that nothing was fetched."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class Canary:
    """Counts requests on a free loopback port."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                canary.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"body { color: red }")

            do_POST = do_GET  # noqa: N815

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The canary's base URL."""
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def hostile_html(canary_url: str, secret_file: str) -> str:
    """A document that tries every way we know to make WeasyPrint fetch something."""
    return f"""
<base href="{canary_url}/base/">
<link rel="stylesheet" href="{canary_url}/link.css">
<link rel="attachment" href="file://{secret_file}">
<link rel="attachment" href="{canary_url}/attachment.bin">
<style>
  @import url("{canary_url}/import.css");
  @font-face {{ font-family: x; src: url("{canary_url}/font.woff"); }}
  body {{ background: url("{canary_url}/bg.png"); font-family: x; }}
</style>
<p style="background-image:url('{canary_url}/inline.png')">Zażółć gęślą jaźń</p>
<img src="{canary_url}/img.png"><img src="file://{secret_file}"><img src="relative.png">
<object data="{canary_url}/object.bin"></object><embed src="{canary_url}/embed.bin">
<iframe src="{canary_url}/frame.html"></iframe>
<svg><image href="{canary_url}/svg.png" width="10" height="10"/></svg>
<a href="{canary_url}/link-target">link</a>
<video poster="{canary_url}/poster.png"></video>
<table background="{canary_url}/table.png"><tr><td>komórka</td></tr></table>
"""
