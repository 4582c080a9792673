"""A small HTTP client on the standard library: a cookie jar, the CSRF dance of a Django
login, timed requests, and the loops that measure. It only ever talks to 127.0.0.1."""

from __future__ import annotations

import http.client
import math
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

HOST = "127.0.0.1"
TIMEOUT = 30.0
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


class BenchError(Exception):
    """Something the bench cannot measure past, said in a sentence."""


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


@dataclass
class Session:
    """One browser: its own connection, the cookies the server set."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)

    def copy(self) -> Session:
        return Session(self.port, dict(self.cookies))

    def close(self) -> None:
        self.connection.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict[str, Any]) -> Response:
        return self.request("POST", path, form)

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        headers = {"Accept": "text/html", "User-Agent": "networkcrm-bench", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{HOST}:{self.port}"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            answer = self.connection.getresponse()
            content = answer.read()
        except (OSError, http.client.HTTPException):
            # gunicorn's sync workers close every connection; start a fresh one once.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            answer = self.connection.getresponse()
            content = answer.read()
        seconds = time.perf_counter() - started
        for header in answer.headers.get_all("Set-Cookie") or []:
            self._remember(header)
        return Response(answer.status, answer.headers, content, seconds)

    def _remember(self, header: str) -> None:
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            if morsel.value == "" or morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


def csrf_token_in(html: bytes) -> str:
    match = CSRF_INPUT.search(html.decode("utf-8", "replace"))
    if match is None:
        raise BenchError("The login page has no csrfmiddlewaretoken field.")
    return match.group(1)


def log_in(session: Session, email: str, password: str) -> float:
    """Logs in like a browser; returns the seconds the POST took."""
    page = session.get("/accounts/login/")
    if page.status != 200:
        raise BenchError(f"GET /accounts/login/ answered {page.status}, not 200.")
    answer = session.post(
        "/accounts/login/",
        {
            "username": email,
            "password": password,
            "csrfmiddlewaretoken": csrf_token_in(page.body),
            "next": "",
        },
    )
    if answer.status != 302 or "sessionid" not in session.cookies:
        raise BenchError(
            f"Logging in as {email} answered {answer.status} without a session: is the bench "
            "data there (run without --skip-build)?"
        )
    return answer.seconds


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value at or above `share` of the values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Timing:
    """The outcome of measuring one page."""

    status: str  # ok, missing, or "error NNN"
    requests: int = 0
    median_ms: float | None = None
    p95_ms: float | None = None
    max_ms: float | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    note: str = ""

    @classmethod
    def of(cls, seconds: list[float], statuses: dict[str, int], status: str) -> Timing:
        ms = [s * 1000 for s in seconds]
        return cls(
            status=status,
            requests=len(ms),
            median_ms=round(statistics.median(ms), 2),
            p95_ms=round(percentile(ms, 0.95), 2),
            max_ms=round(max(ms), 2),
            statuses=statuses,
        )


def measure(
    session: Session,
    send: Any,
    *,
    expect: tuple[int, ...],
    count: int,
    limit_seconds: float,
    warm_up: int = 2,
) -> Timing:
    """Sends `count` requests (after `warm_up` unmeasured ones), or as many as fit in
    `limit_seconds`. A page that answers 404 is missing: not built yet."""
    first = send(session)
    if first.status == 404:
        return Timing(status="missing", note="answered 404")
    if first.status not in expect:
        return Timing(status=f"error {first.status}", note=_what(first))
    for _ in range(warm_up - 1):
        send(session)
    seconds: list[float] = []
    statuses: dict[str, int] = {}
    deadline = time.monotonic() + limit_seconds
    for _ in range(count):
        if seconds and time.monotonic() > deadline:
            break
        answer = send(session)
        seconds.append(answer.seconds)
        statuses[str(answer.status)] = statuses.get(str(answer.status), 0) + 1
    bad = sum(n for code, n in statuses.items() if int(code) not in expect)
    timing = Timing.of(seconds, statuses, "ok" if not bad else "error")
    if bad:
        timing.note = f"{bad} of {len(seconds)} answers were not {expect}"
    return timing


def _what(answer: Response) -> str:
    if answer.location:
        return f"redirected to {answer.location}"
    return answer.body[:200].decode("utf-8", "replace").strip()


@dataclass
class Throughput:
    clients: int
    seconds: float
    requests: int
    errors: int

    @property
    def per_second(self) -> float:
        return round(self.requests / self.seconds, 1) if self.seconds else 0.0


def throughput(
    session: Session, path: str, *, clients: int, seconds: float, max_requests: int = 100_000
) -> Throughput:
    """`clients` threads, each its own connection with the same login, asking for `path`
    back to back for `seconds`; counts the answers that were 200."""
    lock = threading.Lock()
    counts = {"ok": 0, "errors": 0}
    deadline = time.monotonic() + seconds

    def client() -> None:
        own = session.copy()
        try:
            while time.monotonic() < deadline:
                with lock:
                    if counts["ok"] + counts["errors"] >= max_requests:
                        return
                try:
                    ok = own.get(path).status == 200
                except (OSError, http.client.HTTPException):
                    ok = False
                with lock:
                    counts["ok" if ok else "errors"] += 1
        finally:
            own.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + TIMEOUT + 5)
    elapsed = time.monotonic() - started
    return Throughput(clients, round(elapsed, 2), counts["ok"], counts["errors"])
