"""Reading a CSV file of any size as records with their physical line numbers.

The file is a seekable binary file (a temporary file the upload was spooled to, or a file on
disk); nothing here holds more than one record and one block in memory. CSV from Excel on a
Chinese Windows is GB18030, elsewhere UTF-8, perhaps with a BOM: `detect_encoding` reads the
whole file once and names the one it is in, or refuses it, before anything is imported.
`read_records` then yields each record with the physical line it starts on (the header is
line 1, a quoted field may span lines), or the problem that kept it from being read.
"""
from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import BinaryIO

from depot.errors import InvalidInputError
from depot.i18n import N_

BLOCK = 1 << 20
# A field or physical line longer than this is a row error, not a reason to hold it all in
# memory (csv's own limit, 128 KiB, raised an error that became a 500). The importer caps each
# column far lower; this bounds what one record may cost.
MAX_CHARS = 1 << 20
UTF8, GB18030 = "utf-8-sig", "gb18030"
SETTLE = 16  # non-ASCII characters decoded as UTF-8 that make a file UTF-8
# (line, cells, problem): cells is None when problem says why the record could not be read;
# problem is (code, message, details).
Problem = tuple[str, str, dict[str, object]]
Record = tuple[int, list[str] | None, Problem | None]


def _refuse() -> InvalidInputError:
    return InvalidInputError("the file is neither UTF-8 nor GB18030 text",
                             code="invalid_encoding")


def _blocks(file: BinaryIO) -> Iterator[bytes]:
    file.seek(0)
    while block := file.read(BLOCK):
        yield block


def _decodes_as(file: BinaryIO, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for block in _blocks(file):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(file: BinaryIO) -> str:
    """UTF-8 (BOM or not) or GB18030, from the whole file; InvalidInputError otherwise.

    Pure ASCII is both. SETTLE non-ASCII characters read as UTF-8 settle it: GB18030 text
    hardly ever gets that far as UTF-8, so text that did is UTF-8, and a bad byte after it
    (a lone surrogate, a truncated sequence) refuses the file rather than having it read
    again as GB18030 mojibake. A file that fails as UTF-8 before that is read as GB18030.
    """
    decoder = codecs.getincrementaldecoder(UTF8)()
    file.seek(0)
    seen = SETTLE if file.read(3) == codecs.BOM_UTF8 else 0
    try:
        for block in _blocks(file):
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as exc:
                if seen + _non_ascii(block[:exc.start].decode(UTF8, "ignore")) >= SETTLE:
                    raise _refuse() from None
                break
            if seen < SETTLE:
                seen += _non_ascii(text)
        else:
            try:
                decoder.decode(b"", final=True)
                return UTF8
            except UnicodeDecodeError:
                if seen >= SETTLE:
                    raise _refuse() from None
        if not _decodes_as(file, GB18030):
            raise _refuse()
        return GB18030
    finally:
        file.seek(0)


def _non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


class _LineTooLongError(Exception):
    pass


class PhysicalLines:
    """The lines of a text stream for csv.reader, counted, each at most `limit` characters.

    `count` is the number of physical lines read so far. A longer line is skipped to its end
    and raises _LineTooLongError (csv.reader lets the error through and starts afresh on the
    next call).
    """

    def __init__(self, stream: io.TextIOBase, limit: int = MAX_CHARS) -> None:
        self.stream, self.limit, self.count = stream, limit, 0

    def __iter__(self) -> PhysicalLines:
        return self

    def __next__(self) -> str:
        line = self.stream.readline(self.limit)
        if not line:
            raise StopIteration
        self.count += 1
        if len(line) >= self.limit:
            while len(line) >= self.limit and not line.endswith(("\n", "\r")):
                line = self.stream.readline(self.limit)
            raise _LineTooLongError
        return line


LINE_TOO_LONG: Problem = ("line_too_long", N_("the line is longer than %(max)s characters"),
                          {"max": MAX_CHARS})


def read_records(file: BinaryIO, encoding: str) -> Iterator[Record]:
    """Every record of the file, the header first, as (line, cells, problem)."""
    csv.field_size_limit(MAX_CHARS)
    file.seek(0)
    text = io.TextIOWrapper(file, encoding=encoding, newline="")  # type: ignore[arg-type]
    lines = PhysicalLines(text)
    reader = csv.reader(lines)
    try:
        while True:
            start = lines.count + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except _LineTooLongError:
                yield start, None, LINE_TOO_LONG
            except csv.Error as exc:
                yield start, None, ("invalid_csv", N_("the row is not valid CSV: %(reason)s"),
                                    {"reason": str(exc)[:200]})
            except UnicodeDecodeError:
                raise _refuse() from None  # detect_encoding has read the file: not expected
            else:
                yield start, cells, None
    finally:
        text.detach()  # the caller's file stays open


def count_records(file: BinaryIO, encoding: str, *, stop_after: int | None = None) -> int:
    """Data records (not the header, not blank lines); counting stops past `stop_after`."""
    found = -1
    for _line, cells, _problem in read_records(file, encoding):
        if cells is not None and not any(cell.strip() for cell in cells):
            continue
        found += 1
        if stop_after is not None and found > stop_after:
            break
    file.seek(0)
    return max(found, 0)
