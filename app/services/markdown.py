"""Model replies as safe HTML: markdown allowed, everything else escaped or stripped."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
HEADING = re.compile(r"<(/?)h([1-6])>")
REPLY_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "code", "pre", "blockquote",
    "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def render_markdown(text: str) -> str:
    """Render markdown to HTML that keeps no raw HTML, links, images or attributes."""
    # Headings are demoted below the page's own h1/h2; links are unwrapped to their text.
    html = HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 2, 6)}>", _md.render(text or ""))
    return nh3.clean(html, tags=REPLY_TAGS, attributes={}, url_schemes=set(), link_rel=None)
