"""The bench's HTTP client against a throwaway stdlib server on 127.0.0.1."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.client import (
    BenchError,
    Session,
    csrf_token_in,
    measure,
    percentile,
    throughput,
)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server calls)
        routes = {
            "/ok": (200, "session=abc; Path=/"),
            "/drop": (200, 'session=""; Max-Age=0; Path=/'),
            "/missing": (404, ""),
            "/broken": (500, ""),
        }
        status, cookie = routes.get(self.path, (404, ""))
        body = self.headers.get("Cookie", "").encode()
        self.send_response(status)
        if cookie:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def port():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_it_takes_the_nearest_rank_percentile():
    assert percentile([float(n) for n in range(1, 101)], 0.95) == 95.0
    assert percentile([3.0], 0.95) == 3.0


def test_it_finds_the_csrf_token():
    html = b'<input type="hidden" name="csrfmiddlewaretoken" value="t0k3n">'
    assert csrf_token_in(html) == "t0k3n"
    with pytest.raises(BenchError):
        csrf_token_in(b"<form></form>")


def test_it_keeps_and_drops_cookies(port):
    session = Session(port)
    session.get("/ok")
    assert session.cookies == {"session": "abc"}
    assert session.get("/ok").body == b"session=abc"
    session.get("/drop")
    assert session.cookies == {}


def test_it_measures_the_requested_number_of_requests(port):
    timing = measure(
        Session(port), lambda s: s.get("/ok"), expect=(200,), count=50, limit_seconds=30
    )
    assert timing.status == "ok"
    assert timing.requests == 50
    assert 0 < timing.median_ms <= timing.p95_ms <= timing.max_ms
    assert timing.statuses == {"200": 50}


def test_it_stops_at_the_time_limit(port):
    timing = measure(
        Session(port), lambda s: s.get("/ok"), expect=(200,), count=1000, limit_seconds=0
    )
    assert timing.requests == 1


def test_it_reports_a_page_answering_404_as_missing(port):
    timing = measure(
        Session(port), lambda s: s.get("/missing"), expect=(200,), count=50, limit_seconds=30
    )
    assert timing.status == "missing"
    assert timing.median_ms is None


def test_it_reports_a_failing_page_as_an_error(port):
    timing = measure(
        Session(port), lambda s: s.get("/broken"), expect=(200,), count=50, limit_seconds=30
    )
    assert timing.status == "error 500"


def test_it_counts_requests_per_second_over_several_clients(port):
    load = throughput(Session(port), "/ok", clients=4, seconds=0.5, max_requests=200)
    assert 0 < load.requests <= 200 + 4
    assert load.errors == 0
    assert load.per_second > 0
