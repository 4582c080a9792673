"""Fetching a calendar feed over HTTP with a conditional GET, and the checks on the addresses
users give (a feed's URL, a mail server's host) before the server connects to them.

A user's address is fetched by the server, so it must not become a way to reach what only the
server can see: unless settings.CAPTURE_ALLOW_PRIVATE_HOSTS (on in development, for a local
mail server), a host that resolves to a loopback, private, link-local or reserved address is
refused in words. Redirects are followed by hand, each one checked the same way.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

# A calendar of several years of meetings is a few megabytes; more is not a calendar.
MAX_FEED_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = 20  # seconds, for connecting and for each read


class FetchError(Exception):
    """The feed could not be fetched; the message says why in words. `gone` is true when the
    server says the address no longer exists (404, 410)."""

    def __init__(self, words: str, *, gone: bool = False):
        super().__init__(words)
        self.gone = gone


@dataclass(frozen=True)
class FeedResponse:
    not_modified: bool
    body: bytes
    etag: str
    last_modified: str


def feed_url_normalise(url: str) -> str:
    """webcal:// is how calendars hand out their feeds; it is https underneath."""
    url = url.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    return url


def host_check(host: str, port: int) -> None:
    """Refuses a host that cannot be resolved, or that resolves to an address only the
    server itself can reach (unless private hosts are allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"The server name “{host}” could not be found.") from error
    if getattr(settings, "CAPTURE_ALLOW_PRIVATE_HOSTS", False):
        return
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise FetchError(
                f"“{host}” is an address on the server's own network; only public addresses "
                "can be used."
            )


def feed_fetch(url: str, *, etag: str = "", last_modified: str = "") -> FeedResponse:
    """GETs the feed, sending the ETag and Last-Modified seen last time; a 304 comes back as
    `not_modified`. Raises `FetchError` in words for everything that is not a calendar's
    bytes."""
    url = feed_url_normalise(url)
    opener = urllib.request.build_opener(_NoRedirect)
    headers = {"User-Agent": "NetworkCRM calendar sync", "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _ in range(MAX_REDIRECTS + 1):
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in {"http", "https"} or not parsed.hostname:
            raise FetchError("The calendar address must start with https://, http:// or webcal://.")
        host_check(parsed.hostname, parsed.port or (443 if parsed.scheme == "https" else 80))
        # The scheme was checked above: http or https only.
        request = urllib.request.Request(url, headers=headers)  # noqa: S310
        try:
            with opener.open(request, timeout=TIMEOUT) as response:
                body = response.read(MAX_FEED_BYTES + 1)
                if len(body) > MAX_FEED_BYTES:
                    raise FetchError("The calendar is larger than 10 MB; it was not read.")
                content_type = response.headers.get("Content-Type", "")
                if "html" in content_type.lower():
                    raise FetchError(
                        "The address answers with a web page, not a calendar: copy the "
                        "calendar's secret iCal address, not the address of the page that "
                        "shows it."
                    )
                return FeedResponse(
                    not_modified=False,
                    body=body,
                    etag=response.headers.get("ETag", "") or "",
                    last_modified=response.headers.get("Last-Modified", "") or "",
                )
        except urllib.error.HTTPError as error:
            if error.code == 304:
                return FeedResponse(True, b"", etag, last_modified)
            if error.code in {301, 302, 303, 307, 308} and error.headers.get("Location"):
                url = urllib.parse.urljoin(url, error.headers["Location"])
                continue
            raise _http_error(error.code) from error
        except FetchError:
            raise
        except TimeoutError as error:
            raise FetchError("The calendar server did not answer in time.") from error
        except urllib.error.URLError as error:
            raise _connection_error(parsed.hostname, error.reason) from error
        except OSError as error:
            raise FetchError(f"The calendar server could not be reached ({error}).") from error
    raise FetchError("The calendar address redirects too many times.")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None  # followed by feed_fetch, which checks each new host


def _http_error(code: int) -> FetchError:
    if code in {404, 410}:
        return FetchError(
            "The calendar address no longer exists (the server answered "
            f"{code}): the calendar may have been deleted, or its secret address changed. "
            "Paste the new one.",
            gone=True,
        )
    if code in {401, 403}:
        return FetchError(
            f"The calendar server refuses this address ({code}): it may have been revoked, "
            "or it is not the secret address."
        )
    if code >= 500:
        return FetchError(f"The calendar server has a problem of its own ({code}); we retry.")
    return FetchError(f"The calendar server answered with an error ({code}).")


def _connection_error(host: str, reason: object) -> FetchError:
    if isinstance(reason, ssl.SSLCertVerificationError):
        return FetchError(
            f"The certificate of “{host}” could not be verified ({reason.verify_message})."
        )
    if isinstance(reason, ssl.SSLError):
        return FetchError(f"A secure connection to “{host}” could not be made.")
    if isinstance(reason, socket.gaierror):
        return FetchError(f"The server name “{host}” could not be found.")
    if isinstance(reason, ConnectionRefusedError):
        return FetchError(f"“{host}” refused the connection.")
    if isinstance(reason, TimeoutError):
        return FetchError("The calendar server did not answer in time.")
    return FetchError(f"The calendar server could not be reached ({reason}).")
