"""E-mail helpers."""

from __future__ import annotations

import contextlib
import sys
from typing import Any

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.template import Context
from django.template.loader import get_template, render_to_string


class FileAndConsoleBackend(FileBackend):
    """Writes each message to a file under EMAIL_FILE_PATH and echoes it to stdout.

    Used when no SMTP server is configured, so a newcomer running `make run` can read
    every e-mail the app sends (var/mail/) and see it go by in the terminal.
    """

    def write_message(self, message: Any) -> None:
        super().write_message(message)
        msg = message.message()
        sys.stdout.write(
            f"\n--- e-mail to {', '.join(message.recipients())}: {msg['Subject']} "
            f"(saved under {settings.EMAIL_FILE_PATH}) ---\n"
        )
        sys.stdout.write(message.body if isinstance(message.body, str) else "")
        sys.stdout.write("\n--- end of e-mail ---\n")
        sys.stdout.flush()


def templated_email(
    name: str,
    context: dict[str, Any],
    *,
    to: list[str],
    headers: dict[str, str] | None = None,
    connection: Any = None,
) -> EmailMultiAlternatives:
    """An e-mail from the template triplet ``templates/emails/<name>-subject.txt``,
    ``-body.txt`` and ``-body.html``: one context, a plain-text and an HTML part. The subject
    and the text part are plain text (`email_subject`, `render_plain_text`); the HTML part has
    its stylesheet written into style attributes (`inline_css`)."""
    message = EmailMultiAlternatives(
        subject=email_subject(name, context),
        body=render_plain_text(f"emails/{name}-body.txt", context),
        to=to,
        headers=headers or {},
        connection=connection,
    )
    html = inline_css(render_to_string(f"emails/{name}-body.html", context))
    message.attach_alternative(html, "text/html")
    return message


# Mail clients drop or ignore <style> blocks, so every HTML e-mail's stylesheet (emails/base.html
# includes emails/mail.css) goes into style attributes; @media rules, which cannot, stay in a
# <style> for the clients that read them. Nothing is fetched from the network.
_inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def inline_css(html: str) -> str:
    """`html` with the rules of its <style> blocks written into its elements' style attributes."""
    return _inliner.inline(html)


def email_subject(name: str, context: dict[str, Any]) -> str:
    """The subject of the e-mail `name`: plain text, not HTML-escaped (a name such as
    ``Ann "Ace" O'Brien`` arrives as written, not as ``&quot;``), and one line whatever the
    context holds: its whitespace, newlines included, collapsed to single spaces, so text a
    user typed can neither add a header nor make the message unsendable."""
    return " ".join(render_plain_text(f"emails/{name}-subject.txt", context).split())


def render_plain_text(template_name: str, context: dict[str, Any]) -> str:
    """A template rendered with autoescaping off: for mail headers and text parts, where HTML
    escaping would only show up as ``&amp;`` and ``&#x27;``."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


_connection: Any = None


def shared_connection() -> Any:
    """This process's open connection to the mail server, reused across messages: a worker
    sending thousands of digests should not greet the server for each one."""
    global _connection
    if _connection is None:
        _connection = get_connection()
        _connection.open()
    return _connection


def shared_connection_reset() -> None:
    """Forgets the shared connection after an error: the next message opens a fresh one."""
    global _connection
    if _connection is not None:
        # It is being thrown away, broken or not.
        with contextlib.suppress(Exception):
            _connection.close()
    _connection = None
