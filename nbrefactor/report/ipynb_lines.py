"""Where a cell's source sits in the `.ipynb` file itself: (cell, line in cell) → physical line.

Code-scanning annotations and `::error` workflow commands are drawn on lines of the file as
GitHub stores it, which is JSON. Jupyter pretty-prints a notebook with each source line as its own
JSON string (`"source": ["import os\\n", "df = ...\\n"]`), so a finding on line 2 of cell 3 must
land on the physical line of the second string of the third cell's `"source"` array — not on line
1, which is where every peer puts notebook findings.

How: a `"source"` (or, for nbformat v3 code cells, `"input"`) key is found in the raw text by a
regular expression. That is sound because inside a JSON string every `"` is escaped, so an
unescaped `"source"` followed by `:` can only be a real key (the scan still checks that the quote
is not escaped, and the candidate value must decode and equal the cell's source to be taken).
Values are decoded with `json.JSONDecoder.raw_decode` at their offset, array element by element,
so each element's offset in the raw text is known; cells are matched to candidates in order by
comparing decoded text with the cell's source. Candidates elsewhere (a widget's metadata with a
`source` key) simply fail to match and are skipped.

Pure: raw text and parsed cells in, a `NotebookLineMap` out; reading the file is the reporter's
job. Columns are counted in Unicode code points, 1-based, like the cell columns they map.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from nbrefactor.audit.types import Cell

_KEY = re.compile(r'"(?:source|input)"\s*:\s*')
_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\r\n"


@dataclass(frozen=True)
class _Piece:
    """One JSON string of a cell's source: where its text starts in the joined source and where
    its opening quote is in the raw file."""

    start: int  # offset of its first character in the cell's joined source
    length: int  # decoded length
    quote: int  # offset of its opening `"` in the raw text


@dataclass(frozen=True)
class CellSpan:
    key_offset: int  # offset of the `"source"` key in the raw text
    pieces: tuple[_Piece, ...]


@dataclass(frozen=True)
class NotebookLineMap:
    """Physical positions of every located cell's source in one `.ipynb` text."""

    text: str
    line_starts: tuple[int, ...]  # raw offset at which each physical line starts
    cells: tuple[tuple[int, CellSpan], ...]  # (cell index, span), for cells found in the text
    sources: tuple[tuple[int, str], ...]  # (cell index, joined source)

    @cached_property
    def _spans(self) -> dict[int, CellSpan]:
        return dict(self.cells)

    @cached_property
    def _sources(self) -> dict[int, str]:
        return dict(self.sources)

    def span(self, cell: int) -> CellSpan | None:
        return self._spans.get(cell)

    def physical(self, offset: int) -> tuple[int, int]:
        """Raw offset → (line, column), both 1-based."""
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def position(self, cell: int, line: int | None = None, column: int | None = None) -> tuple[int, int] | None:
        """(line, column) in the file of `column` on `line` of `cell` (both 1-based inside the
        cell; line None means the cell as a whole). None when the cell was not located."""
        span = self.span(cell)
        if span is None:
            return None
        if not span.pieces:  # empty source: the key itself is the best place
            return self.physical(span.key_offset)
        source = self._sources.get(cell, "")
        offset = _offset_in_source(source, line or 1, column or 1)
        piece = _piece_at(span.pieces, offset)
        raw = _raw_offset(self.text, piece.quote, offset - piece.start)
        return self.physical(raw)

    def line_of(self, cell: int, line: int | None = None) -> int | None:
        found = self.position(cell, line, None)
        return found[0] if found else None


def _offset_in_source(source: str, line: int, column: int) -> int:
    """Offset of (line, column) in the joined source, clamped to the text that exists."""
    offset = 0
    for _ in range(max(line, 1) - 1):
        nxt = source.find("\n", offset)
        if nxt < 0:
            break
        offset = nxt + 1
    end = source.find("\n", offset)
    end = len(source) if end < 0 else end
    return min(offset + max(column, 1) - 1, end)


def _piece_at(pieces: Sequence[_Piece], offset: int) -> _Piece:
    for piece in pieces:
        if piece.start <= offset < piece.start + piece.length:
            return piece
    # Past the last character (an empty last line after a trailing newline): the last piece.
    non_empty = [p for p in pieces if p.length] or list(pieces)
    return non_empty[-1] if offset > 0 else non_empty[0]


def _raw_offset(text: str, quote: int, index: int) -> int:
    """Raw offset of the `index`-th decoded character of the JSON string whose opening quote is
    at `quote`, walking escapes (`\\n`, `\\"`, `\\uXXXX` and surrogate pairs)."""
    pos = quote + 1
    decoded = 0
    while decoded < index and pos < len(text) and text[pos] != '"':
        if text[pos] == "\\" and pos + 1 < len(text):
            if text[pos + 1] == "u":
                pos += 6
                if 0xD800 <= _hex(text, pos - 4) <= 0xDBFF and text.startswith("\\u", pos) and 0xDC00 <= _hex(text, pos + 2) <= 0xDFFF:
                    pos += 6  # a surrogate pair is one code point
            else:  # \" \\ \/ \b \f \n \r \t: two raw characters, one decoded
                pos += 2
        else:
            pos += 1
        decoded += 1
    return pos


def _hex(text: str, at: int) -> int:
    try:
        return int(text[at : at + 4], 16)
    except ValueError:
        return -1


def _escaped(text: str, at: int) -> bool:
    backslashes = 0
    pos = at - 1
    while pos >= 0 and text[pos] == "\\":
        backslashes += 1
        pos -= 1
    return backslashes % 2 == 1


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def _decode_value(text: str, pos: int) -> tuple[str, tuple[_Piece, ...]] | None:
    """Decode a source value (a string or an array of strings) at `pos` with its pieces; None if
    it is anything else or not valid JSON."""
    try:
        if text.startswith('"', pos):
            value, _ = _DECODER.raw_decode(text, pos)
            return value, ((_Piece(0, len(value), pos),) if value else ())
        if not text.startswith("[", pos):
            return None
        pieces: list[_Piece] = []
        parts: list[str] = []
        length = 0
        pos = _skip_ws(text, pos + 1)
        if text.startswith("]", pos):
            return "", ()
        while True:
            if not text.startswith('"', pos):
                return None
            value, end = _DECODER.raw_decode(text, pos)
            if value:
                pieces.append(_Piece(length, len(value), pos))
            parts.append(value)
            length += len(value)
            pos = _skip_ws(text, end)
            if text.startswith("]", pos):
                return "".join(parts), tuple(pieces)
            if not text.startswith(",", pos):
                return None
            pos = _skip_ws(text, pos + 1)
    except (json.JSONDecodeError, ValueError):
        return None


def map_notebook_lines(text: str, cells: Sequence[Cell]) -> NotebookLineMap:
    """Locate each cell's source in the notebook's raw JSON text (decoded, BOM removed)."""
    line_starts = [0]
    line_starts.extend(m.end() for m in re.finditer("\n", text))
    candidates: list[tuple[int, str, tuple[_Piece, ...]]] = []
    for match in _KEY.finditer(text):
        if _escaped(text, match.start()):
            continue
        decoded = _decode_value(text, match.end())
        if decoded is not None:
            candidates.append((match.start(), decoded[0], decoded[1]))
    located: list[tuple[int, CellSpan]] = []
    cursor = 0
    for cell in cells:
        for position in range(cursor, len(candidates)):
            key_offset, value, pieces = candidates[position]
            if value == cell.source:
                located.append((cell.index, CellSpan(key_offset, pieces)))
                cursor = position + 1
                break
    return NotebookLineMap(
        text=text,
        line_starts=tuple(line_starts),
        cells=tuple(located),
        sources=tuple((c.index, c.source) for c in cells),
    )
