"""The forwarding address's receiver: an SMTP (or LMTP) server on aiosmtpd.

An address that is not a forwarding address in use is refused at RCPT with a 550, before any
data is read, and nothing is recorded. A message over CAPTURE_MAX_MESSAGE_BYTES is refused
with a 552 by aiosmtpd, which stops keeping its lines as soon as it is over. The database work
runs on one thread beside the event loop (Django's ORM is synchronous), so a slow message
never stops the server from answering the next connection."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from capture.forward import forward_receive, token_of
from capture.inbound import UnreadableMessage
from capture.services import forward_owner

log = logging.getLogger(__name__)

REFUSED = "550 5.1.1 No such forwarding address"
ACCEPTED = "250 2.0.0 Logged"
TRY_AGAIN = "451 4.3.0 The message could not be logged now; please try again later"


def _known(address: str) -> bool:
    token = token_of(address)
    return token is not None and forward_owner(token) is not None


def _receive(addresses: list[str], raw: bytes) -> str:
    """Logs the message for each forwarding address it was sent to; the SMTP reply."""
    errors = []
    for address in addresses:
        token = token_of(address)
        prefs = forward_owner(token) if token else None
        if prefs is None:  # turned off or renewed since RCPT
            continue
        try:
            forward_receive(prefs=prefs, raw=raw, now=timezone.now())
        except UnreadableMessage as error:
            errors.append(str(error))
    if errors:
        # In plain ASCII on one line, as a reply must be; the sender's server bounces it.
        words = " ".join(errors[0].encode("ascii", "replace").decode().split())
        return f"554 5.6.0 {words}"
    return ACCEPTED


class Handler:
    def __init__(self, executor: ThreadPoolExecutor) -> None:
        self.executor = executor

    async def _database(self, work: Callable[..., Any], *args: Any) -> Any:
        def run() -> Any:
            close_old_connections()
            try:
                return work(*args)
            finally:
                close_old_connections()

        return await asyncio.get_running_loop().run_in_executor(self.executor, run)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802 (aiosmtpd's name)
        try:
            known = await self._database(_known, address)
        except Exception:
            log.exception("Could not look up a forwarding address")
            return TRY_AGAIN
        if not known:
            return REFUSED
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        raw = envelope.original_content or b""
        try:
            return await self._database(_receive, list(envelope.rcpt_tos), raw)
        except Exception:
            # The database is away, or a bug: the sender's server keeps the message and tries
            # again, and the receiver goes on with the next one.
            log.exception("Could not log a forwarded message")
            return TRY_AGAIN


def server_factory(handler: Handler, *, lmtp: bool) -> Callable[[], SMTP]:
    kind = LMTP if lmtp else SMTP

    def make() -> SMTP:
        return kind(
            handler,
            data_size_limit=settings.CAPTURE_MAX_MESSAGE_BYTES,
            enable_SMTPUTF8=True,
            hostname=settings.CAPTURE_DOMAIN,
            ident="NetworkCRM capture",
        )

    return make


def serve(*, host: str, port: int, lmtp: bool, ready: Callable[[str], None] | None = None) -> None:
    """Runs the receiver until SIGINT or SIGTERM."""
    # aiosmtpd logs every command at INFO, recipients included: a forwarding address is a
    # secret, so only its warnings and errors reach the log.
    logging.getLogger("mail.log").setLevel(max(logging.WARNING, log.getEffectiveLevel()))
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="capture-db")
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(server_factory(Handler(executor), lmtp=lmtp), host=host, port=port)
    )
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, loop.stop)
    if ready:
        ready(f"Receiving forwarded mail on {host}:{port} ({'LMTP' if lmtp else 'SMTP'}).")
    try:
        loop.run_forever()
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        executor.shutdown(wait=True)
        loop.close()
