"""Real parts for the mailbox and calendar sync tests, imported by the test files that use them:

- `dovecot`: Debian's dovecot-imapd started by the test in a temporary directory (its own
  config, a passwd-file user, a maildir, a free high port, no system service), stopped at the
  end. `Dovecot.append` seeds messages over IMAP; `Dovecot.maildir_fill` writes thousands of
  messages straight into the maildir (the bench's way: dovecot gives them UIDs when the folder
  is next opened).
- `feed_server`: a local HTTP server (http.server in a thread) that serves .ics files with an
  ETag and Last-Modified and answers a conditional GET with 304, or answers as a broken feed
  would (a web page, a 404 or 410, garbage), and counts the requests.
"""

from __future__ import annotations

import datetime as dt
import email
import email.utils
import hashlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "alice@example.com", "app-password-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Dovecot:
    root: Path
    port: int
    user: str = USER
    password: str = PASSWORD
    host: str = "127.0.0.1"
    process: subprocess.Popen | None = None
    owner: tuple[int, int] = (os.getuid(), os.getgid())

    def client(self):
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, folder: str, raw: bytes | str, *, flags: tuple = ()) -> None:
        """APPENDs a message; its arrival time is its Date header, as if it had come then
        (SEARCH SINCE goes by arrival)."""
        raw = raw.encode() if isinstance(raw, str) else raw
        date = email.message_from_bytes(raw)["Date"]
        arrived = email.utils.parsedate_to_datetime(date) if date else None
        client = self.client()
        try:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.append(folder, raw, flags, arrived)
        finally:
            client.logout()

    def folder_create(self, folder: str) -> None:
        client = self.client()
        try:
            if not client.folder_exists(folder):
                client.create_folder(folder)
        finally:
            client.logout()

    def maildir(self, folder: str = "INBOX") -> Path:
        base = self.root / "mail" / self.user
        return base if folder == "INBOX" else base / f".{folder}"

    def maildir_fill(self, folder: str, messages: Iterator[bytes]) -> int:
        """Writes messages as maildir files (far faster than APPEND for thousands)."""
        base = self.maildir(folder)
        for sub in ("cur", "new", "tmp"):
            (base / sub).mkdir(parents=True, exist_ok=True)
        count = 0
        stamp = int(time.time())
        for count, raw in enumerate(messages, 1):
            (base / "cur" / f"{stamp}.M{count}P1.bench:2,S").write_bytes(raw)
        for path in [base, *base.rglob("*")]:
            os.chown(path, *self.owner)
        return count

    def uidvalidity_reset(self, folder: str = "INBOX") -> None:
        """Makes the server hand out a new UIDVALIDITY for the folder, as when a provider
        rebuilds it: its UID list and indexes are removed, the messages kept."""
        base = self.maildir(folder)
        for name in (
            "dovecot-uidlist",
            "dovecot.index",
            "dovecot.index.cache",
            "dovecot.index.log",
        ):
            (base / name).unlink(missing_ok=True)
        time.sleep(1.1)  # UIDVALIDITY is a time in seconds

    def stop(self) -> None:
        if self.process is None:
            return
        pid_file = self.root / "run" / "master.pid"
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        pid_file.unlink(missing_ok=True)
        self.process = None


def _config(root: Path, port: int, login_user: str, internal_user: str, mail_user: str) -> str:
    group = internal_user
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = networkcrm-test-{port}
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {group}
mail_location = maildir:{root}/mail/%u
first_valid_uid = 0
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_user} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def dovecot_start(root: Path, *, user: str = USER, password: str = PASSWORD) -> Dovecot:
    """Starts dovecot in the foreground (-F) under `root`. As root, the login and mail
    processes run as Debian's unprivileged dovecot users (dovecot refuses to run them as
    root); as anyone else, as that user."""
    if not os.path.exists(DOVECOT):
        from tests.conftest import require  # here: bench/mailbox.py uses this without pytest

        require(
            "dovecot",
            False,
            "install Debian's dovecot-imapd (apt-get install dovecot-imapd; .ci/run does).",
        )
    port = free_port()
    if os.getuid() == 0:
        login, internal = "dovenull", "dovecot"
        owner = (pwd.getpwnam("dovecot").pw_uid, pwd.getpwnam("dovecot").pw_gid)
        os.chmod(root, 0o755)  # noqa: S103 (dovecot's unprivileged processes must reach it)
    else:
        login = internal = pwd.getpwuid(os.getuid()).pw_name
        owner = (os.getuid(), os.getgid())
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir(exist_ok=True)
    os.chown(root / "mail", *owner)
    (root / "passwd").write_text(f"{user}:{{PLAIN}}{password}::::::\n")
    (root / "dovecot.conf").write_text(_config(root, port, login, internal, internal))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = Dovecot(root=root, port=port, user=user, password=password, process=process)
    server.owner = owner
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            pytest.fail(f"dovecot did not start: {error}{log}")
        try:
            with socket.create_connection(("127.0.0.1", port), 1) as probe:
                if probe.recv(100).startswith(b"* OK"):
                    return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    pytest.fail("dovecot did not start listening within 15 s")


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    # Not tmp_path: pytest's directory is closed to other users, and as root dovecot's
    # processes run as its own unprivileged users.
    root = Path(tempfile.mkdtemp(prefix="networkcrm-dovecot-"))
    server = dovecot_start(root)
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


def mail(
    *,
    message_id: str,
    sender: str,
    to: str,
    subject: str,
    date: dt.datetime,
    cc: str = "",
    body: str = "Hello.",
) -> bytes:
    lines = [
        f"From: {sender}",
        f"To: {to}",
        *([f"Cc: {cc}"] if cc else []),
        f"Subject: {subject}",
        f"Date: {email.utils.format_datetime(date)}",
        f"Message-ID: <{message_id}>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        body,
        "",
    ]
    return "\r\n".join(lines).encode()


# --- The calendar feed server --------------------------------------------------------------


@dataclass
class Feed:
    """What one path answers: a body with a content type, or an error status."""

    body: bytes = b""
    content_type: str = "text/calendar; charset=utf-8"
    status: int = 200
    modified: dt.datetime = field(default_factory=lambda: dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    use_etag: bool = True
    redirect_to: str = ""

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class FeedServer:
    host: str
    port: int
    feeds: dict[str, Feed] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str], int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def serve(self, path: str, body: bytes | str = b"", **kwargs) -> str:
        body = body.encode() if isinstance(body, str) else body
        with self.lock:
            self.feeds[path] = Feed(body=body, **kwargs)
        return self.url(path)

    def statuses(self, path: str) -> list[int]:
        with self.lock:
            return [status for p, _, status in self.requests if p == path]


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            with server.lock:
                feed = server.feeds.get(self.path)
            self._answer(feed)

        def send_response(self, code: int, message: str | None = None) -> None:
            # Recorded before the answer leaves, so a test that has its answer sees it counted.
            with server.lock:
                server.requests.append((self.path, dict(self.headers), code))
            super().send_response(code, message)

        def _answer(self, feed: Feed | None) -> int:
            if feed is None:
                self.send_response(404)
                self.end_headers()
                return 404
            if feed.redirect_to:
                self.send_response(302)
                self.send_header("Location", feed.redirect_to)
                self.end_headers()
                return 302
            if feed.status != 200:
                self.send_response(feed.status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return feed.status
            modified = email.utils.format_datetime(feed.modified, usegmt=True)
            match = self.headers.get("If-None-Match")
            since = self.headers.get("If-Modified-Since")
            if (feed.use_etag and match == feed.etag) or (not feed.use_etag and since == modified):
                self.send_response(304)
                self.end_headers()
                return 304
            self.send_response(200)
            self.send_header("Content-Type", feed.content_type)
            self.send_header("Content-Length", str(len(feed.body)))
            self.send_header("Last-Modified", modified)
            if feed.use_etag:
                self.send_header("ETag", feed.etag)
            self.end_headers()
            self.wfile.write(feed.body)
            return 200

        def log_message(self, *args: object) -> None:
            pass  # quiet

    return Handler


@pytest.fixture
def feed_server(settings) -> Iterator[FeedServer]:
    settings.CAPTURE_ALLOW_PRIVATE_HOSTS = True  # it listens on 127.0.0.1
    server = FeedServer(host="127.0.0.1", port=0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    server.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    httpd.shutdown()
    httpd.server_close()
