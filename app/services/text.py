"""Plain-text hygiene for anything that reaches a letter, a page title or a PDF.

Two kinds of characters are removed because they are invisible and can make text look
like something else:

* control characters (Unicode category Cc: C0, DEL and C1), except tab and line feed;
  a carriage return is turned into a line feed instead, since browsers send CRLF and a
  lone CR is still a line break;
* the Unicode Bidi_Control characters: the embeddings and overrides U+202A–U+202E, the
  isolates U+2066–U+2069 and the marks U+200E, U+200F and U+061C. An override such as
  U+202E reverses the text that follows it, so "fdp.exe" can be shown as "exe.pdf".

Lone surrogates (category Cs) are removed too: they are not characters at all and cannot
be encoded as UTF-8 for the database or the PDF.

Other format characters (category Cf) are kept on purpose: the soft hyphen U+00AD is a
legitimate hyphenation hint, the zero-width joiner U+200D and non-joiner U+200C build
emoji sequences and shape some scripts, and tag characters spell subdivision flags. None
of them can reorder text.
"""

from __future__ import annotations

import re

# Category Cc is exactly U+0000–U+001F and U+007F–U+009F; tab and line feed stay.
_CONTROLS = r"\x00-\x08\x0b-\x1f\x7f-\x9f"
# The Unicode Bidi_Control property, written out (unicodedata does not expose it).
_BIDI_CONTROLS = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_SURROGATES = r"\ud800-\udfff"
HIDDEN = re.compile(f"[{_CONTROLS}{_BIDI_CONTROLS}{_SURROGATES}]")
_CARRIAGE_RETURN = re.compile(r"\r\n?")


def clean_text(text: str) -> str:
    """Drop control, bidi-control and surrogate characters; keep tabs and line breaks."""
    return HIDDEN.sub("", _CARRIAGE_RETURN.sub("\n", text))


def clean_line(text: str) -> str:
    """Clean the text and fold all white space, line breaks included, to single spaces."""
    return " ".join(clean_text(text).split())
