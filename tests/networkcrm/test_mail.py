"""Every e-mail's subject is one line of plain text, whatever a user typed into it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail

from accounts.models import CoachScope, User
from coaching.services import access_request, coach_invite, make_coach
from networkcrm.mail import email_subject

pytestmark = pytest.mark.django_db

# What a user can put in their name with a hand-made POST: quotes, markup, a header.
HOSTILE = 'Ann "Ace" O\'Brien & <Co>\r\nBcc: victim@example.com'
ONE_LINE = " ".join(HOSTILE.split())


def measure(shown: str) -> SimpleNamespace:
    return SimpleNamespace(shown=shown, value=2)


# A context for each e-mail, with HOSTILE wherever the subject prints something.
SUBJECT_CONTEXTS = {
    "coach-invitation": {"client": User(email="ann@example.com", name=HOSTILE)},
    "coach-request": {"coach": User(email="ann@example.com", name=HOSTILE)},
    "digest": {
        "agenda": SimpleNamespace(is_empty=False, count=HOSTILE),
        "day": dt.date(2025, 3, 3),
    },
    "password-reset": {},
    "capture-gave-up": {"source_name": HOSTILE},
    "weekly-summary": {
        "report": SimpleNamespace(
            measures=SimpleNamespace(
                interactions_by_kind=measure(HOSTILE),
                meaningful_connections=measure(HOSTILE),
                outcomes=measure(HOSTILE),
            )
        ),
        "first_day": dt.date(2025, 3, 3),
        "last_day": dt.date(2025, 3, 9),
    },
}


def test_it_has_a_context_for_every_email_the_app_sends():
    folder = Path(settings.BASE_DIR) / "templates" / "emails"
    names = {path.name.removesuffix("-subject.txt") for path in folder.glob("*-subject.txt")}
    assert names == set(SUBJECT_CONTEXTS)


@pytest.mark.parametrize("name", sorted(SUBJECT_CONTEXTS))
def test_it_renders_every_subject_as_one_line_of_plain_text(name):
    subject = email_subject(name, SUBJECT_CONTEXTS[name])
    assert "\n" not in subject
    assert "\r" not in subject
    assert "&quot;" not in subject
    assert "&amp;" not in subject
    assert "&#x27;" not in subject
    assert "&lt;" not in subject
    if "{{" in (Path(settings.BASE_DIR) / f"templates/emails/{name}-subject.txt").read_text():
        assert ONE_LINE in subject


def test_it_sends_an_invitation_from_a_hostile_name_as_written_in_one_header(
    alice, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=alice.pk).update(name=HOSTILE)
    alice.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        coach_invite(client=alice, email="carol@example.com", scope=CoachScope.PLAN)
    [message] = mail.outbox
    assert message.subject == f"{ONE_LINE} invites you to be their networking coach"
    assert message.message()["Bcc"] is None
    assert f"{HOSTILE} (alice@example.com)" in message.body
    # Escaped as text (the CSS inliner re-serialises the HTML: quotes in text stay bare).
    assert 'Ann "Ace" O\'Brien &amp; &lt;Co&gt;' in message.alternatives[0][0]


def test_it_sends_a_coach_request_from_a_hostile_name_as_written_in_one_header(
    alice, carol, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=carol.pk).update(name=HOSTILE)
    carol.refresh_from_db()
    make_coach(carol)
    with django_capture_on_commit_callbacks(execute=True):
        access_request(coach=carol, email=alice.email, scope=CoachScope.PLAN)
    [message] = mail.outbox
    assert message.subject == f"{ONE_LINE} asks to be your networking coach"
    assert message.message()["Bcc"] is None
    assert f"{HOSTILE} (carol@example.com)" in message.body


def test_every_html_email_is_drawn_on_the_one_base_and_stylesheet():
    folder = Path(settings.BASE_DIR) / "templates" / "emails"
    for path in folder.glob("*-body.html"):
        assert path.read_text().startswith('{% extends "emails/base.html" %}'), path.name


def test_it_writes_the_stylesheet_into_style_attributes(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        coach_invite(client=alice, email="carol@example.com", scope=CoachScope.PLAN)
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert '<body style="' in html
    assert "max-width: 600px" in html
    (button,) = re.findall(r'<a [^>]*class="btn btn-primary"[^>]*>', html)
    assert "background-color: #0d6efd" in button
    # What is left of the <style> block is the @media rule, which cannot be inlined.
    style = html.split("<style>")[1].split("</style>")[0]
    assert style.lstrip().startswith("@media")
    assert "td.brand" not in style
