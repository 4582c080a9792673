"""Reading a real IMAP server (dovecot, started by the test): headers only, cursors per folder,
UIDVALIDITY respected, batches, the first sync's look-back, and errors in words."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import ssl
import threading

import pytest

from capture.imap import MailboxError, folder_batches, mailbox_connect
from tests.capture.fixtures_sync import mail

NOW = dt.datetime(2026, 12, 5, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def local_hosts(settings):
    settings.CAPTURE_ALLOW_PRIVATE_HOSTS = True


def connect(server, **overrides):
    args = {
        "host": server.host,
        "port": server.port,
        "tls": False,
        "username": server.user,
        "password": server.password,
    }
    return mailbox_connect(**{**args, **overrides})


def message(n: int, *, days_ago: int = 1, **kwargs) -> bytes:
    return mail(
        message_id=kwargs.pop("message_id", f"m{n}@example.org"),
        sender=kwargs.pop("sender", "Dan Doe <dan@example.org>"),
        to=kwargs.pop("to", "Alice <alice@example.com>"),
        subject=kwargs.pop("subject", f"Message {n}"),
        date=NOW - dt.timedelta(days=days_ago),
        **kwargs,
    )


def read_all(client, folder, cursor, *, since=dt.date(2026, 11, 1), batch=500):
    headers, after = [], cursor
    for chunk, after in folder_batches(client, folder, cursor, since=since, batch=batch):  # noqa: B007
        headers.extend(chunk)
    return headers, after


def test_it_reads_the_header_fields_of_each_message(dovecot):
    dovecot.append(
        "INBOX",
        message(1, cc='"Doe, Eve" <EVE@example.org>', subject="=?utf-8?q?Caf=C3=A9?= plans"),
    )
    client = connect(dovecot)
    (header,), cursor = read_all(client, "INBOX", None)
    assert header.message_id == "m1@example.org"
    assert header.subject == "Café plans"
    assert header.senders == (("dan@example.org", "Dan Doe"),)
    assert header.recipients == (("alice@example.com", "Alice"), ("eve@example.org", "Doe, Eve"))
    assert header.sent_at == NOW - dt.timedelta(days=1)
    assert cursor["last_uid"] == header.uid


def test_it_leaves_the_messages_unread(dovecot):
    dovecot.append("INBOX", message(1))
    client = connect(dovecot)
    read_all(client, "INBOX", None)
    client.select_folder("INBOX")
    assert client.search(["UNSEEN"]) == [1]


def test_the_first_sync_looks_back_only_the_chosen_days(dovecot):
    dovecot.append("INBOX", message(1, days_ago=40))
    dovecot.append("INBOX", message(2, days_ago=3))
    client = connect(dovecot)
    headers, cursor = read_all(client, "INBOX", None, since=(NOW - dt.timedelta(days=30)).date())
    assert [h.message_id for h in headers] == ["m2@example.org"]
    # The old message is behind the cursor: it is never read later either.
    dovecot.append("INBOX", message(3))
    headers, _ = read_all(client, "INBOX", cursor)
    assert [h.message_id for h in headers] == ["m3@example.org"]


def test_the_next_sync_reads_only_what_came_after_the_last_uid(dovecot):
    for n in (1, 2):
        dovecot.append("INBOX", message(n))
    client = connect(dovecot)
    _, cursor = read_all(client, "INBOX", None)
    assert read_all(client, "INBOX", cursor)[0] == []  # nothing new: nothing read
    dovecot.append("INBOX", message(3))
    headers, after = read_all(client, "INBOX", cursor)
    assert [h.message_id for h in headers] == ["m3@example.org"]
    assert after["last_uid"] == cursor["last_uid"] + 1


def test_a_new_uidvalidity_reads_the_folder_again_from_the_look_back(dovecot):
    for n in (1, 2):
        dovecot.append("INBOX", message(n))
    client = connect(dovecot)
    _, cursor = read_all(client, "INBOX", None)
    client.logout()
    dovecot.uidvalidity_reset("INBOX")
    client = connect(dovecot)
    headers, after = read_all(client, "INBOX", cursor)
    assert after["uidvalidity"] != cursor["uidvalidity"]
    assert sorted(h.message_id for h in headers) == ["m1@example.org", "m2@example.org"]


def test_it_reads_in_batches_and_moves_the_cursor_after_each(dovecot):
    for n in range(1, 8):
        dovecot.append("INBOX", message(n))
    client = connect(dovecot)
    batches = list(folder_batches(client, "INBOX", None, since=dt.date(2026, 11, 1), batch=3))
    assert [len(headers) for headers, _ in batches] == [3, 3, 1]
    assert [cursor["last_uid"] for _, cursor in batches] == [3, 6, 7]


def test_folders_keep_their_own_cursors(dovecot):
    dovecot.append("INBOX", message(1))
    dovecot.append("Sent", message(2, sender="alice@example.com", to="dan@example.org"))
    client = connect(dovecot)
    inbox, _ = read_all(client, "INBOX", None)
    sent, _ = read_all(client, "Sent", None)
    assert [h.folder for h in inbox + sent] == ["INBOX", "Sent"]
    assert sent[0].recipients == (("dan@example.org", ""),)


def test_a_message_without_a_date_takes_its_arrival_time(dovecot):
    raw = b"From: dan@example.org\r\nTo: alice@example.com\r\nSubject: no date\r\n\r\nHi\r\n"
    dovecot.append("INBOX", raw)
    client = connect(dovecot)
    (header,), _ = read_all(client, "INBOX", None, since=dt.date.today() - dt.timedelta(days=1))
    assert header.message_id == ""
    assert abs(header.sent_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


def test_a_wrong_password_is_said_in_words(dovecot):
    with pytest.raises(MailboxError, match="refused the user name or password"):
        connect(dovecot, password="wrong")


def test_a_missing_folder_is_said_in_words(dovecot):
    client = connect(dovecot)
    with pytest.raises(MailboxError, match="folder “Envoyés” does not exist"):
        read_all(client, "Envoyés", None)


def test_a_closed_port_is_said_in_words(dovecot):
    dovecot.stop()
    with pytest.raises(MailboxError, match="refused the connection"):
        connect(dovecot)


def test_an_unknown_host_is_said_in_words():
    with pytest.raises(MailboxError, match="could not be found"):
        mailbox_connect(host="mail.invalid", port=993, tls=True, username="a", password="b")


def test_a_server_on_the_servers_own_network_is_refused(dovecot, settings):
    settings.CAPTURE_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(MailboxError, match="server's own network"):
        connect(dovecot)


def test_tls_to_a_plain_port_is_said_in_words(dovecot):
    with pytest.raises(MailboxError, match="secure connection"):
        connect(dovecot, tls=True)


@pytest.fixture
def untrusted_tls(tmp_path):
    """A TLS server on a free port with a self-signed certificate nobody trusts: what a mail
    server with a broken or home-made certificate looks like to the client."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve() -> None:
        with contextlib.suppress(OSError):
            conn, _ = listener.accept()
            with (
                contextlib.suppress(OSError, ssl.SSLError),
                context.wrap_socket(conn, server_side=True),
            ):
                pass

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def test_a_certificate_that_does_not_check_out_is_said_in_words(untrusted_tls):
    with pytest.raises(MailboxError, match="certificate of the mail server “localhost”"):
        mailbox_connect(host="localhost", port=untrusted_tls, tls=True, username="a", password="b")
