"""Reading a mailbox over IMAP (with `imapclient`): only the headers of the messages not seen
yet, folder by folder, in batches.

Each folder keeps a cursor ``{"uidvalidity": …, "last_uid": …}``. A UID is only meaningful with
its folder's UIDVALIDITY: when the server changes it (the folder was rebuilt), the cursor is
dropped and the folder is read again as on the first sync, whose messages are those of the last
`lookback` days (SEARCH SINCE). Otherwise only UIDs above the last one are fetched. Messages
come in batches of `BATCH` UIDs, each batch's header fields in one FETCH, so memory stays flat
however big the mailbox is; the caller stores the cursor after each batch it has logged, so a
worker that dies resumes where the last batch ended (and logging is idempotent by Message-ID, so
a batch done twice logs nothing twice).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.errors
import email.header
import email.message
import email.parser
import email.utils
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from capture.fetch import FetchError, host_check

BATCH = 500
TIMEOUT = 30  # seconds, for connecting and for each command
FIELDS = b"FROM TO CC DATE SUBJECT MESSAGE-ID LIST-ID LIST-UNSUBSCRIBE PRECEDENCE AUTO-SUBMITTED"
_FETCH = [b"BODY.PEEK[HEADER.FIELDS (" + FIELDS + b")]", b"INTERNALDATE"]
_KEY = b"BODY[HEADER.FIELDS (" + FIELDS + b")]"
_parser = email.parser.BytesHeaderParser()


class MailboxError(Exception):
    """The mailbox could not be read; the message says why in words."""


@dataclass(frozen=True)
class MailHeader:
    folder: str
    uid: int
    message_id: str  # as written, without the angle brackets; "" when the message has none
    subject: str
    sent_at: dt.datetime  # aware: the Date header, else the server's arrival time
    senders: tuple[tuple[str, str], ...]  # (email, name) from From
    recipients: tuple[tuple[str, str], ...]  # (email, name) from To and Cc
    # A mailing list, a newsletter or a machine's message: not a conversation with anyone.
    automated: bool = False


def mailbox_connect(
    *, host: str, port: int, tls: bool, username: str, password: str, timeout: float = TIMEOUT
) -> IMAPClient:
    """A logged-in client, or `MailboxError` in words (host not found, refused, certificate,
    wrong password)."""
    try:
        host_check(host, port)
    except FetchError as error:
        raise MailboxError(str(error)) from error
    try:
        client = IMAPClient(
            host, port=port, ssl=tls, ssl_context=ssl.create_default_context(), timeout=timeout
        )
    except ssl.SSLCertVerificationError as error:
        raise MailboxError(
            f"The certificate of the mail server “{host}” could not be verified "
            f"({error.verify_message})."
        ) from error
    except ssl.SSLError as error:
        raise MailboxError(
            f"A secure connection to “{host}” on port {port} could not be made: check the port "
            "and whether the server expects TLS."
        ) from error
    except socket.gaierror as error:
        raise MailboxError(f"The mail server “{host}” could not be found.") from error
    except ConnectionRefusedError as error:
        raise MailboxError(
            f"The mail server “{host}” refused the connection on port {port}."
        ) from error
    except TimeoutError as error:
        raise MailboxError(f"The mail server “{host}” did not answer in time.") from error
    except (OSError, IMAPClientError) as error:
        raise MailboxError(f"The mail server “{host}” could not be reached ({error}).") from error
    try:
        client.login(username, password)
    except LoginError as error:
        _close(client)
        raise MailboxError(
            "The mail server refused the user name or password. Many providers want an app "
            "password made for this use rather than your usual one."
        ) from error
    except (OSError, IMAPClientError) as error:
        _close(client)
        raise MailboxError(f"The mail server broke off while logging in ({error}).") from error
    return client


def mailbox_close(client: IMAPClient) -> None:
    _close(client)


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001 (closing a broken connection: nothing left to do)
        with contextlib.suppress(Exception):
            client.shutdown()


def folder_batches(
    client: IMAPClient,
    folder: str,
    cursor: dict | None,
    *,
    since: dt.date,
    batch: int = BATCH,
) -> Iterator[tuple[list[MailHeader], dict]]:
    """Yields (headers, cursor after them) for the folder's new messages, oldest UID first; the
    last cursor also covers every UID the server had handed out when the folder was opened. A
    folder with nothing new yields one empty batch, so the caller can store its cursor."""
    try:
        status = client.select_folder(folder, readonly=True)
    except IMAPClientError as error:
        raise MailboxError(
            f"The folder “{folder}” does not exist on the mail server: check its name."
        ) from error
    uidvalidity = int(status[b"UIDVALIDITY"])
    uidnext = int(status.get(b"UIDNEXT", 0) or 0)
    fresh = not cursor or int(cursor.get("uidvalidity", -1)) != uidvalidity
    last = 0 if fresh else int(cursor.get("last_uid", 0))
    if fresh:
        uids = client.search(["SINCE", since])
    else:
        # "n:*" also matches the highest UID when it is below n: hence the filter.
        uids = [uid for uid in client.search(["UID", f"{last + 1}:*"]) if uid > last]
    uids = sorted(uids)
    end = max(last, uidnext - 1)
    if not uids:
        yield [], {"uidvalidity": uidvalidity, "last_uid": end}
        return
    for offset in range(0, len(uids), batch):
        chunk = uids[offset : offset + batch]
        fetched = client.fetch(chunk, _FETCH)
        headers = [
            header
            for uid in chunk
            if uid in fetched
            for header in [_header(folder, uid, fetched[uid])]
            if header is not None
        ]
        done = offset + batch >= len(uids)
        yield headers, {"uidvalidity": uidvalidity, "last_uid": max(chunk[-1], end if done else 0)}


def _header(folder: str, uid: int, data: dict) -> MailHeader | None:
    raw = data.get(_KEY)
    if raw is None:
        return None
    message = _parser.parsebytes(raw)
    sent_at = _date(message.get("Date"))
    if sent_at is None:
        arrived = data.get(b"INTERNALDATE")
        sent_at = arrived if isinstance(arrived, dt.datetime) else None
        if sent_at is not None and sent_at.tzinfo is None:
            sent_at = sent_at.astimezone()  # imapclient gives the server's time in local time
    if sent_at is None:
        return None
    return MailHeader(
        folder=folder,
        uid=uid,
        message_id=_message_id(message.get("Message-ID", "")),
        subject=_decoded(message.get("Subject", "")),
        sent_at=sent_at.astimezone(dt.UTC),
        senders=_addresses(message.get_all("From", [])),
        recipients=_addresses(message.get_all("To", []) + message.get_all("Cc", [])),
        automated=_automated(message),
    )


def _automated(message: email.message.Message) -> bool:
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return True
    if str(message.get("Precedence", "")).strip().lower() in {"bulk", "list", "junk"}:
        return True
    return str(message.get("Auto-Submitted", "no")).strip().lower() not in {"", "no"}


def _date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def _message_id(value: str) -> str:
    value = _decoded(value).strip()
    if value.startswith("<") and ">" in value:
        value = value[1 : value.index(">")]
    return value.strip()


def _decoded(value: object) -> str:
    try:
        text = str(email.header.make_header(email.header.decode_header(str(value or ""))))
    except (UnicodeError, LookupError, email.errors.HeaderParseError):
        text = str(value or "")
    return " ".join(text.split())


def _addresses(values: list) -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    for raw_name, address in email.utils.getaddresses([str(v) for v in values]):
        address, name = address.strip().lower(), _decoded(raw_name)
        if "@" not in address or " " in address:
            continue
        if address not in found or (name and not found[address]):
            found[address] = name
    return tuple(found.items())
