"""What an uploaded file is, settled before anything is imported: its encoding, whether it is
a vCard or a CSV, the CSV's delimiter and header, and which export it comes from.

Every problem that stops the whole file is a `FileProblem` whose message is a sentence for
the user; a file that passes is read the same way by the worker later (imports.importers).
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from django.template.defaultfilters import filesizeformat

from imports.models import Format

HEAD_BYTES = 64 * 1024
CHUNK = 256 * 1024
HEADER_SEARCH_RECORDS = 20  # LinkedIn's "Notes:" preamble comes before its header
HEADER_SEARCH_LINES = 200  # blank ones included: a file of blank lines is not read to its end

# A header beyond these is refused: every column is a row of the mapping page and a field of
# its form, so these keep that page (and the job's stored header) small whatever the file.
# Outlook's export, the widest we know, has 92 columns.
MAX_COLUMNS = 200
MAX_COLUMN_NAME = 200  # characters of one header cell
# The longest header line within both limits (every name quoted, its quotes doubled). It is
# below the csv module's field limit, so no line read as a header can exceed that limit.
MAX_HEADER_LINE = MAX_COLUMNS * (2 * MAX_COLUMN_NAME + 3)

LINKEDIN_COLUMNS = (
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
)
LINKEDIN_REQUIRED = ("First Name", "Last Name")
# Columns only LinkedIn's export has (with the names): a header with two of them is LinkedIn's.
LINKEDIN_MARKS = ("URL", "Position", "Connected On")
GOOGLE_MARKS = ("E-mail 1 - Value", "Phone 1 - Value", "Organization 1 - Name", "Labels")
GOOGLE_NAMES = ("First Name", "Given Name", "Name", "Last Name", "Family Name")
OUTLOOK_MARKS = ("E-mail Address", "Job Title", "Business Phone", "Mobile Phone", "Categories")
OUTLOOK_NAMES = ("First Name", "Last Name")


class FileProblem(Exception):
    """The file cannot be imported at all; the message says why, in words."""


def csv_problem(error: csv.Error) -> str:
    """What the csv module's complaint means, as the end of a sentence for the user."""
    message = str(error)
    if "field larger than field limit" in message:
        return (
            f"a value is longer than {csv.field_size_limit():,} characters, which usually "
            "means a quote has no closing quote"
        )
    return f"it is not valid CSV ({message[:100]})"


def columns_problem(columns: list[str]) -> str:
    """Why a header cannot be imported, or "": too many columns or a name too long."""
    if len(columns) > MAX_COLUMNS:
        return _too_many_columns(f"{len(columns):,}")
    for number, name in enumerate(columns, start=1):
        if len(name) > MAX_COLUMN_NAME:
            return (
                f"Column {number} of the header is {len(name):,} characters long; a column's "
                f"name can be at most {MAX_COLUMN_NAME} characters. A quote may be missing its "
                "closing quote. Fix the header and import the file again."
            )
    return ""


def _too_many_columns(count: str) -> str:
    return (
        f"The file's header has {count} columns; the limit is {MAX_COLUMNS}. Remove the "
        "columns you do not need (or check that the header is the first line) and import "
        "the file again."
    )


def _long_line_problem(line: str) -> str:
    """Why a line too long to be a header is there, as far as it can be told."""
    if max(line.count(d) for d in ",;\t") >= MAX_COLUMNS:
        return _too_many_columns(f"more than {MAX_COLUMNS}")
    return (
        f"A line at the top of the file is longer than {MAX_HEADER_LINE:,} characters, too "
        f"long for a header (at most {MAX_COLUMNS} columns, each named in at most "
        f"{MAX_COLUMN_NAME} characters): a quote may be missing its closing quote, or the file "
        "may not be a CSV export."
    )


@dataclass
class Sniffed:
    format: str
    encoding: str
    delimiter: str = ""
    header_line: int = 0
    columns: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """Mostly-ASCII text in UTF-16 has a zero in every other byte."""
    sample = head[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / len(sample[0::2])
    odd = sample[1::2].count(0) / len(sample[1::2])
    if odd > 0.4 and even < 0.05:
        return "utf-16-le"
    if even > 0.4 and odd < 0.05:
        return "utf-16-be"
    return None


def _decodes(stream: IO[bytes], encoding: str) -> bool:
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := stream.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(stream: IO[bytes]) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), UTF-16 (with a BOM, or guessed from its zero bytes), else
    Windows-1252, else Latin-1, which reads any byte: the last two say so to the user."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    if not head:
        raise FileProblem("The file is empty.")
    if head.startswith(b"PK\x03\x04"):
        raise FileProblem(
            "This is a zip or Excel file, not a CSV or vCard. Save it as CSV (UTF-8) and "
            "upload that."
        )
    encoding = _bom_encoding(head) or _utf16_without_bom(head)
    if encoding:
        if not _decodes(stream, encoding):
            raise FileProblem("The file says it is UTF-16 but it is not; it may be damaged.")
        return encoding, []
    if head.count(0) > max(2, len(head) // 100):  # a stray NUL is dropped; many are binary
        raise FileProblem(_NOT_TEXT)
    if _decodes(stream, "utf-8"):
        return "utf-8", []
    for fallback in ("cp1252", "latin-1"):
        if _decodes(stream, fallback):
            return fallback, [
                "The file is not UTF-8, so it was read as Latin-1 (Windows-1252). If accented "
                "names look wrong, save the file as UTF-8 and import it again."
            ]
    raise FileProblem(_NOT_TEXT)  # pragma: no cover - Latin-1 decodes every byte


_NOT_TEXT = (
    "This file does not look like text: upload a CSV file or a vCard (.vcf) file, as exported "
    "by LinkedIn, Google Contacts, Outlook or Apple Contacts."
)


def text_of(stream: IO[bytes], encoding: str) -> io.TextIOWrapper:
    """The file as text, read lazily; `newline=""` so CSV quoted line breaks survive."""
    stream.seek(0)
    return io.TextIOWrapper(stream, encoding=encoding, newline="")  # type: ignore[type-var]


def _looks_like_garbage(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f\v")
    return controls > 2 and controls / len(text) > 0.01


def _delimiter(line: str) -> str:
    """`,` or `;` (Excel in much of Europe) or a tab: whichever splits the header most."""
    best, most = ",", 0
    for candidate in (",", ";", "\t"):
        fields = next(csv.reader([line], delimiter=candidate), [])
        if len(fields) > most:
            best, most = candidate, len(fields)
    return best


@dataclass
class Record:
    line: int  # the physical line it starts on
    fields: list[str]
    end_line: int
    error: str = ""


def records(text: IO[str], delimiter: str) -> Iterator[Record]:
    """Each CSV record with the lines it spans; a record may span lines (quoted breaks)."""
    reader = csv.reader(text, delimiter=delimiter)
    previous = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # The reader starts afresh at the next line; the bad record is reported.
            yield Record(previous + 1, [], reader.line_num, error=csv_problem(error))
        else:
            yield Record(previous + 1, fields, reader.line_num)
        if reader.line_num == previous:  # pragma: no cover - no progress: stop, never spin
            return
        previous = reader.line_num


def _clean(name: str) -> str:
    # PostgreSQL refuses NUL in text and JSON, and nobody names a column with one.
    return name.replace("\x00", "").strip().strip("\ufeff").strip()


def _has(columns: list[str], names: tuple[str, ...]) -> list[str]:
    lowered = {c.lower() for c in columns}
    return [n for n in names if n.lower() in lowered]


def csv_format(columns: list[str]) -> str:
    """Which export a header comes from; anything else is mapped by the user."""
    if len(_has(columns, LINKEDIN_MARKS)) >= 2:
        return Format.LINKEDIN
    if _has(columns, GOOGLE_MARKS) and _has(columns, GOOGLE_NAMES):
        return Format.GOOGLE
    if len(_has(columns, OUTLOOK_MARKS)) >= 2 and _has(columns, OUTLOOK_NAMES):
        return Format.OUTLOOK
    return Format.CSV


def missing_columns(format: str, columns: list[str]) -> list[str]:
    if format == Format.LINKEDIN:
        return [c for c in LINKEDIN_REQUIRED if c not in _has(columns, LINKEDIN_REQUIRED)]
    if format == Format.GOOGLE and not _has(columns, GOOGLE_NAMES):
        return ["First Name or Name"]
    if format == Format.OUTLOOK and not _has(columns, OUTLOOK_NAMES):
        return ["First Name or Last Name"]
    return []


def _is_vcard(text: str) -> bool:
    """A BEGIN:VCARD among the first lines (some exports put a line or two before it)."""
    lines = [line.strip() for line in text.splitlines()[:50] if line.strip()]
    return any(line.upper().startswith("BEGIN:VCARD") for line in lines[:20])


def sniff(stream: IO[bytes], *, size: int, max_bytes: int, chosen: str = "") -> Sniffed:
    """Reads the file once to settle how to import it; raises FileProblem when it cannot be.
    `chosen` is the format the user picked, or "" to recognise it."""
    if size == 0:
        raise FileProblem("The file is empty.")
    if size > max_bytes:
        raise FileProblem(
            f"The file is {filesizeformat(size)}; the limit is {filesizeformat(max_bytes)}. "
            "Split it into smaller files and import each."
        )
    encoding, notices = detect_encoding(stream)
    stream.seek(0)
    head = codecs.getincrementaldecoder(encoding)(errors="replace").decode(stream.read(HEAD_BYTES))
    head = head.lstrip("\ufeff")
    if _looks_like_garbage(head):
        raise FileProblem(_NOT_TEXT)
    if not head.strip():
        raise FileProblem("The file is empty.")
    if _is_vcard(head) or chosen == Format.VCARD:
        if not _is_vcard(head):
            raise FileProblem("This is not a vCard file: it does not start with BEGIN:VCARD.")
        return Sniffed(format=Format.VCARD, encoding=encoding, notices=notices)
    try:
        return _sniff_csv(stream, encoding, notices, chosen)
    except csv.Error as error:  # the limits above should leave none; a user still gets words
        raise FileProblem(f"The file cannot be read as CSV: {csv_problem(error)}.") from error


def _first_lines(text: IO[str]) -> list[str]:
    """The first non-blank lines, where the header is looked for. Each is read at most one
    character past MAX_HEADER_LINE: a line cut there (the last one) is too long to be a header,
    and a file of one enormous line costs no more than a short one."""
    lines: list[str] = []
    for _number in range(HEADER_SEARCH_LINES):
        if len(lines) >= HEADER_SEARCH_RECORDS:
            break
        line = text.readline(MAX_HEADER_LINE + 1)
        if not line:
            break
        if _too_long(line):
            lines.append(line)
            break
        if line.strip():
            lines.append(line)
    return lines


def _too_long(line: str) -> bool:
    return len(line.rstrip("\r\n")) > MAX_HEADER_LINE


def _sniff_csv(stream: IO[bytes], encoding: str, notices: list[str], chosen: str) -> Sniffed:
    text = text_of(stream, encoding)
    try:
        first_lines = _first_lines(text)
        if not first_lines:
            raise FileProblem(
                f"The file's first {HEADER_SEARCH_LINES} lines are blank; the header naming its "
                "columns should be the first line. Remove the blank lines and import it again."
            )
        # The header is the first line that names LinkedIn's columns, else the first line.
        header_text = next(
            (
                ln
                for ln in first_lines
                if not _too_long(ln) and _has(_split(ln), ("First Name", "Last Name"))
            ),
            first_lines[0],
        )
        if _too_long(header_text):
            raise FileProblem(_long_line_problem(header_text))
        delimiter = _delimiter(header_text)
        wanted = _split(header_text, delimiter)
        text.seek(0)
        header_line, columns = 0, []
        for index, record in enumerate(records(text, delimiter)):
            if record.error and not header_line:
                raise FileProblem(f"The header row cannot be read: {record.error}.")
            # Names are cleaned only for a record that may be the header: a wide data row
            # costs its parsing and no more.
            fields = record.fields
            if not header_line and any(_clean(f) for f in fields):
                header_line, columns = record.line, [_clean(f) for f in fields]  # unless…
            if len(fields) == len(wanted) and [_clean(f) for f in fields] == wanted:
                header_line, columns = record.line, wanted
                break
            if index > HEADER_SEARCH_RECORDS:
                break
    finally:
        text.detach()
    if not columns:
        raise FileProblem("The file has no header row naming its columns.")
    if problem := columns_problem(columns):
        raise FileProblem(problem)
    if len(columns) < 2:
        if long_line := next((ln for ln in first_lines if _too_long(ln)), ""):
            raise FileProblem(_long_line_problem(long_line))  # a header after a preamble
        raise FileProblem(
            "The file has a single column: a CSV file separates its columns with commas or "
            "semicolons. Check that it is a CSV export."
        )
    format = csv_format(columns)
    if chosen and chosen != format and chosen != Format.CSV:
        format = chosen
    elif chosen == Format.CSV:
        format = Format.CSV
    if missing := missing_columns(format, columns):
        label = Format(format).label
        raise FileProblem(
            f"This {label} file has no {_names(missing)} column; nothing was imported. "
            f"Its columns are: {', '.join(columns[:12])}{'…' if len(columns) > 12 else ''}."
        )
    return Sniffed(
        format=format,
        encoding=encoding,
        delimiter=delimiter,
        header_line=header_line,
        columns=columns,
        notices=notices,
    )


def _split(line: str, delimiter: str | None = None) -> list[str]:
    delimiter = delimiter or _delimiter(line)
    return [_clean(f) for f in next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])]


def _names(missing: list[str]) -> str:
    quoted = [f"“{name}”" for name in missing]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]
