import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def request_reset(client, email="alice@example.com"):
    return client.post(reverse("accounts:password_reset"), {"email": email})


def reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)


def test_it_emails_a_reset_link_in_text_and_html(client, alice):
    response = request_reset(client)
    assert response.url == reverse("accounts:password_reset_sent")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.subject == "Reset your NetworkCRM password"
    html = message.alternatives[0][0]
    assert reset_link(message) in html


def test_its_link_sets_a_new_password_that_logs_in(client, alice):
    request_reset(client)
    link = reset_link(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    new = "a brand new passphrase"
    done = client.post(set_url, {"new_password1": new, "new_password2": new})
    assert done.url == reverse("accounts:password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password(new)


def test_its_link_works_only_once(client, alice):
    request_reset(client)
    link = reset_link(mail.outbox[0])
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "a brand new passphrase"
    client.post(set_url, {"new_password1": new, "new_password2": new})
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    assert "This link no longer works" in again.content.decode()


def test_it_says_the_same_for_an_unknown_address_and_sends_nothing(client, alice):
    response = request_reset(client, "stranger@example.com")
    assert response.url == reverse("accounts:password_reset_sent")
    assert mail.outbox == []


def test_it_writes_the_name_in_the_text_part_as_typed(client, alice):
    User.objects.filter(pk=alice.pk).update(name='Ann "Ace" O\'Brien & Co')
    request_reset(client)
    [message] = mail.outbox
    assert 'Hello Ann "Ace" O\'Brien & Co,' in message.body
    # Escaped as text (the CSS inliner re-serialises the HTML: quotes in text stay bare).
    assert 'Hello Ann "Ace" O\'Brien &amp; Co,' in message.alternatives[0][0]
