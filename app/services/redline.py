"""Word-level comparison of two versions of a letter ("redline"), block by block.

Both sides are cut into blocks (paragraphs, headings, list items, table cells) and compared
on their visible text only, so no markup of a version ever reaches the result. Blocks are
aligned first, then the words of each changed block, both with ``difflib.SequenceMatcher``.
The HTML made from the result escapes every piece of text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from markupsafe import Markup, escape

from app.services.sanitize import BLOCK_TAGS, text_of

PieceKind = Literal["same", "ins", "del"]
Opcode = tuple[str, int, int, int, int]

LINE_BREAK = "\n"
HEADINGS = {"h1", "h2", "h3", "h4"}
# A block starts or ends at any block tag; a <br> is a line break inside the block.
BLOCK_TAG = re.compile(rf"<\s*(/?)\s*({'|'.join(sorted(BLOCK_TAGS))})\b[^>]*>", re.IGNORECASE)
BR_TAG = re.compile(r"<\s*br\b[^>]*>", re.IGNORECASE)
# Words, with punctuation before and after split off ("(art." → "(", "art", "."), so a
# changed comma does not mark the whole word as changed.
WORD = re.compile(r"\S+")
LEADING_PUNCTUATION = re.compile(r"^[(\[{„\"'«‚]+")
TRAILING_PUNCTUATION = re.compile(r"[)\]}.,;:!?…\"'”»’]+$")
# Upper bound on SequenceMatcher's inner loop (pairs of equal tokens) for a whole
# comparison. Ordinary letters stay far below it; repetitive hostile text would make the
# comparison quadratic, so past it a differing part is shown as removed and added whole.
MAX_WORK = 2_000_000
# How many following blocks of a changed region may be looked at for an edited paragraph.
LOOKAHEAD = 5
SIMILAR = 0.5


@dataclass
class _Budget:
    """What is left of MAX_WORK for one comparison."""

    left: int = MAX_WORK


@dataclass(frozen=True)
class Token:
    """A word, a punctuation mark or a line break, and whether a space comes before it."""

    text: str
    space: bool

    @property
    def is_word(self) -> bool:
        """True when the token holds a letter or a digit (what the summary counts)."""
        return any(char.isalnum() for char in self.text)


@dataclass(frozen=True)
class Block:
    """A paragraph-like block of a letter: its tag and its visible text."""

    tag: str
    text: str


@dataclass(frozen=True)
class Piece:
    """A run of text in a compared block: unchanged, inserted or deleted."""

    kind: PieceKind
    tokens: tuple[Token, ...]


@dataclass(frozen=True)
class BlockDiff:
    """One block of the result with its pieces in reading order."""

    tag: str
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class Redline:
    """The comparison of two versions: blocks with marked changes and word counts."""

    blocks: tuple[BlockDiff, ...]
    words_added: int
    words_removed: int

    @property
    def changed(self) -> bool:
        """True when anything visible differs (punctuation and line breaks included)."""
        return any(piece.kind != "same" for block in self.blocks for piece in block.pieces)


def blocks_of(html: str) -> list[Block]:
    """The blocks of letter HTML with their visible text; lines keep their breaks.

    Text between two block tags is one block, tagged with the block tag that opened it
    ("p" when it follows a closing tag). Blocks without visible text are left out.
    """
    blocks: list[Block] = []
    tag = "p"
    position = 0
    for match in [*BLOCK_TAG.finditer(html), None]:
        end = match.start() if match else len(html)
        lines = [text_of(line) for line in BR_TAG.split(html[position:end])]
        text = LINE_BREAK.join(line for line in lines if line)
        if text:
            blocks.append(Block(tag, text))
        if match:
            position = match.end()
            tag = "p" if match.group(1) else match.group(2).lower()
    return blocks


def tokens_of(text: str) -> list[Token]:
    """Words and punctuation of a block's text, with line breaks as tokens of their own."""
    tokens: list[Token] = []
    for number, line in enumerate(text.split(LINE_BREAK)):
        if number:
            tokens.append(Token(LINE_BREAK, False))
        for word in WORD.findall(line):
            space = bool(tokens) and tokens[-1].text != LINE_BREAK
            lead = LEADING_PUNCTUATION.match(word)
            core = word[lead.end() :] if lead else word
            trail = TRAILING_PUNCTUATION.search(core)
            if trail and trail.start() == 0:
                trail = None  # only punctuation: one token
            parts = [lead.group() if lead else "", core[: trail.start()] if trail else core]
            parts.append(trail.group() if trail else "")
            for part in (part for part in parts if part):
                tokens.append(Token(part, space))
                space = False
    return tokens


def _opcodes(a: Sequence[str], b: Sequence[str], budget: _Budget) -> list[Opcode]:
    """SequenceMatcher's opcodes, with the common ends trimmed and the work bounded."""
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    middle_a, middle_b = a[start:end_a], b[start:end_b]
    if not middle_a or not middle_b:
        middle: list[Opcode] = []
        if middle_a or middle_b:
            kind = "delete" if middle_a else "insert"
            middle = [(kind, 0, len(middle_a), 0, len(middle_b))]
    else:
        counts = Counter(middle_b)
        work = sum(counts[item] for item in middle_a)
        if work > budget.left:
            middle = [("replace", 0, len(middle_a), 0, len(middle_b))]
        else:
            budget.left -= work
            # No autojunk: common words ("w", "i", "z") must match like any other.
            matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=False)
            middle = matcher.get_opcodes()
    opcodes: list[Opcode] = []
    if start:
        opcodes.append(("equal", 0, start, 0, start))
    for kind, i1, i2, j1, j2 in middle:
        opcodes.append((kind, i1 + start, i2 + start, j1 + start, j2 + start))
    if end_a < len(a):
        opcodes.append(("equal", end_a, len(a), end_b, len(b)))
    return opcodes


def _words(tokens: Sequence[Token]) -> int:
    return sum(1 for token in tokens if token.is_word)


def _similarity(old: Sequence[Token], new: Sequence[Token]) -> float:
    """How much of two blocks' words they share (0 to 1), cheaply."""
    a, b = [t.text for t in old], [t.text for t in new]
    return SequenceMatcher(None, a, b, autojunk=False).quick_ratio()


def _whole(block: Block, kind: PieceKind) -> BlockDiff:
    return BlockDiff(block.tag, (Piece(kind, tuple(tokens_of(block.text))),))


def _edited(old: Block, new: Block, budget: _Budget) -> BlockDiff:
    """One block edited: its words compared; the new block's tag is kept."""
    a, b = tokens_of(old.text), tokens_of(new.text)
    pieces: list[Piece] = []
    for kind, i1, i2, j1, j2 in _opcodes([t.text for t in a], [t.text for t in b], budget):
        if kind == "equal":
            pieces.append(Piece("same", tuple(b[j1:j2])))
            continue
        if i2 > i1:
            pieces.append(Piece("del", tuple(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("ins", tuple(b[j1:j2])))
    return BlockDiff(new.tag, tuple(pieces))


def _region(old: Sequence[Block], new: Sequence[Block], budget: _Budget) -> list[BlockDiff]:
    """A run of changed blocks: each old block is paired with a similar new one in order
    (an edited paragraph); the others are removed or added as a whole."""
    result: list[BlockDiff] = []
    old_tokens = [tokens_of(block.text) for block in old]
    new_tokens = [tokens_of(block.text) for block in new]
    j = 0
    for i, block in enumerate(old):
        window = range(j, min(j + LOOKAHEAD, len(new)))
        match = next(
            (k for k in window if _similarity(old_tokens[i], new_tokens[k]) >= SIMILAR), None
        )
        if match is None and len(old) == len(new) and j < len(new):
            match = j  # as many blocks on both sides: the block in the same place
        if match is None:
            result.append(_whole(block, "del"))
            continue
        result.extend(_whole(added, "ins") for added in new[j:match])
        result.append(_edited(block, new[match], budget))
        j = match + 1
    result.extend(_whole(added, "ins") for added in new[j:])
    return result


def compare(old_html: str, new_html: str) -> Redline:
    """Compare two versions' HTML: what the newer one adds to and removes from the older."""
    old, new = blocks_of(old_html), blocks_of(new_html)
    blocks: list[BlockDiff] = []
    budget = _Budget()
    for kind, i1, i2, j1, j2 in _opcodes([b.text for b in old], [b.text for b in new], budget):
        if kind == "equal":
            blocks.extend(_whole(block, "same") for block in new[j1:j2])
        elif kind == "delete":
            blocks.extend(_whole(block, "del") for block in old[i1:i2])
        elif kind == "insert":
            blocks.extend(_whole(block, "ins") for block in new[j1:j2])
        else:
            blocks.extend(_region(old[i1:i2], new[j1:j2], budget))
    pieces = [piece for block in blocks for piece in block.pieces]
    return Redline(
        blocks=tuple(blocks),
        words_added=sum(_words(p.tokens) for p in pieces if p.kind == "ins"),
        words_removed=sum(_words(p.tokens) for p in pieces if p.kind == "del"),
    )


def _text(tokens: Sequence[Token]) -> Markup:
    """Escaped text of tokens; the first token's space is left to the caller."""
    out = Markup()
    for number, token in enumerate(tokens):
        if token.text == LINE_BREAK:
            out += Markup("<br>")
            continue
        if token.space and number:
            out += " "
        out += escape(token.text)
    return out


def to_html(redline: Redline) -> Markup:
    """The comparison as HTML: one <p> per block, changes in <ins> and <del>.

    Every piece of text is escaped here; no markup of either version is carried over.
    """
    html = Markup()
    for block in redline.blocks:
        css = "redline-heading" if block.tag in HEADINGS else f"redline-{block.tag}"
        body = Markup()
        previous: PieceKind | None = None
        for piece in block.pieces:
            if not piece.tokens:
                continue
            lead = piece.tokens[0]
            # A removed run and the run that replaces it are kept apart by a space.
            if lead.space or (previous == "del" and piece.kind == "ins"):
                body += " "
            text = _text(piece.tokens)
            if piece.kind == "same":
                body += text
            else:
                body += Markup("<{0}>{1}</{0}>").format(piece.kind, text)
            previous = piece.kind
        html += Markup('<p class="{}">{}</p>\n').format(css, body)
    return html
