"""Reading a message sent to a forwarding address, with the standard `email` package: who it
was between, when, its subject, and for a forward the original's headers (attached as
message/rfc822, or written inline the way Gmail, Outlook and Apple Mail write them).

Nothing here touches the database: `read_message` returns what a message says, and
`capture.forward` decides what it means for the user."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from dateutil import parser as dateparser

# How much text is read from a body to find an inline forward and a snippet: the original's
# headers sit near the top, and a long body is never needed whole.
TEXT_LIMIT = 64 * 1024
# How much of a message is parsed at all (read_message).
READ_LIMIT = 1024 * 1024

Address = tuple[str, str]  # (address, name)


class UnreadableMessage(Exception):
    """The message cannot be read: the words say why, for the user's status line."""


@dataclass
class Headers:
    """What one message (or a forwarded original) says about itself."""

    sender: Address | None = None
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    date: dt.datetime | None = None  # naive when the client wrote no zone
    subject: str = ""
    message_id: str = ""
    text: str = ""  # the start of the body, for a snippet


@dataclass
class Read:
    outer: Headers
    original: Headers | None  # the forwarded message, when this is a forward


def _addresses(values: list[str]) -> list[Address]:
    found = []
    for name, address in getaddresses([v for v in values if v]):
        address = address.strip()
        if "@" in address:
            found.append((address, " ".join(name.split())))
    return found


def _header(message: EmailMessage, name: str) -> str:
    """A header as text; a header the parser cannot make sense of reads as empty."""
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError):  # a broken encoded word or address list
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _date(value: str) -> dt.datetime | None:
    """A Date header (RFC 5322)."""
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        return _written_date(value)


def _written_date(value: str) -> dt.datetime | None:
    """A date as a client writes it into a forward: "Mon, Jun 15, 2026 at 9:12 AM" (Gmail),
    "Monday, June 15, 2026 9:12 AM" (Outlook), "15 June 2026 at 09:12:00 CEST" (Apple Mail).
    The RFC parser would misread these (it ignores a "PM"). Naive when no zone is written."""
    if not value:
        return None
    cleaned = re.sub(r"\bat\b", " ", value)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unknown zone abbreviations read as no zone
            parsed = dateparser.parse(cleaned, fuzzy=True)
    except (ValueError, OverflowError):
        return None
    return parsed


class _Text(HTMLParser):
    """The text of an HTML body, one line per block: enough to find a forward's headers."""

    BREAKS = frozenset({"br", "p", "div", "tr", "li", "blockquote", "h1", "h2", "h3", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("style", "script", "head"):
            self.skip += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _html_text(html: str) -> str:
    reader = _Text()
    reader.feed(html[:TEXT_LIMIT])
    reader.close()
    return "".join(reader.parts).replace("\xa0", " ")


def _body_text(message: EmailMessage) -> str:
    """The message's own text (plain preferred), not descending into attached messages."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except (KeyError, LookupError):
        part = None
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError, UnicodeError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    content = content[:TEXT_LIMIT]
    return _html_text(content) if part.get_content_subtype() == "html" else content


def _headers_of(message: EmailMessage, *, text: str | None = None) -> Headers:
    sender = _addresses([_header(message, "From")])
    return Headers(
        sender=sender[0] if sender else None,
        to=_addresses([_header(message, "To")]),
        cc=_addresses([_header(message, "Cc")]),
        date=_date(_header(message, "Date")),
        subject=_header(message, "Subject"),
        message_id=_header(message, "Message-ID"),
        text=_body_text(message) if text is None else text,
    )


def _attached_original(message: EmailMessage) -> EmailMessage | None:
    """The first message/rfc822 part: how a forward "as attachment" carries the original."""
    for part in message.walk():
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, EmailMessage):
                return inner
    return None


# Where an inline forward's header block starts. Gmail: "---------- Forwarded message
# ---------"; Apple Mail: "Begin forwarded message:"; Outlook: a line of underscores or
# "-----Original Message-----"; Thunderbird: "-------- Forwarded Message --------".
_MARKER = re.compile(
    r"^\s*(-{2,}\s*(forwarded message|original message)\s*-{2,}"
    r"|begin forwarded message:"
    r"|_{10,})\s*$",
    re.I,
)
_LINE = re.compile(r"^\s*(from|sent|date|to|cc|subject)\s*:\s*(.*)$", re.I)


def _inline_original(text: str) -> Headers | None:
    """The headers a client wrote into the body when forwarding inline, or None."""
    lines = [line.removeprefix(">").removeprefix(" ") for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if _MARKER.match(line)), None)
    if start is None:
        return None
    found: dict[str, str] = {}
    end = start + 1
    for end in range(start + 1, min(len(lines), start + 40)):
        line = lines[end]
        if not line.strip():
            if found:
                break
            continue
        matched = _LINE.match(line)
        if matched:
            key = "date" if matched.group(1).lower() == "sent" else matched.group(1).lower()
            found.setdefault(key, matched.group(2).strip())
        elif found:
            # A long To or Cc wrapped onto the next line.
            last = list(found)[-1]
            found[last] += " " + line.strip()
    if "from" not in found:
        return None
    sender = _addresses([found["from"]])
    return Headers(
        sender=sender[0] if sender else None,
        # Outlook separates the people of a To or Cc line with semicolons.
        to=_addresses([found.get("to", "").replace(";", ",")]),
        cc=_addresses([found.get("cc", "").replace(";", ",")]),
        date=_written_date(found.get("date", "")),
        subject=found.get("subject", ""),
        text="\n".join(lines[end:]).strip(),
    )


def read_message(raw: bytes) -> Read:
    """What a message sent to a forwarding address says. Raises UnreadableMessage, in words,
    when it cannot be read at all.

    Only the first READ_LIMIT bytes are parsed: everything used — the headers, the text part,
    an attached original's headers — comes before the attachments that make a message big,
    and the parser keeps several copies of what it reads. The parser takes the cut message as
    it takes a broken one: the parts before the cut are whole."""
    if len(raw) > READ_LIMIT:
        cut = raw.rfind(b"\n", 0, READ_LIMIT)
        raw = raw[: cut + 1 if cut > 0 else READ_LIMIT]
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as error:  # the parser is lenient; anything else is a broken message
        raise UnreadableMessage(
            "The message could not be read: its MIME structure is broken."
        ) from error
    if not isinstance(message, EmailMessage) or not message.keys():
        raise UnreadableMessage("The message could not be read: it has no headers.")
    try:
        outer = _headers_of(message)
        attached = _attached_original(message)
        if attached is not None:
            original: Headers | None = _headers_of(attached)
        else:
            original = _inline_original(outer.text)
    except (LookupError, ValueError, TypeError, AssertionError) as error:
        raise UnreadableMessage(
            "The message could not be read: its MIME structure is broken."
        ) from error
    return Read(outer=outer, original=original)
