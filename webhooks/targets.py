"""Where a webhook may be sent: http(s) URLs whose host resolves only to public addresses.

A user must not be able to make the server probe the network it sits in, so a target that
resolves to a loopback, private, link-local, multicast, reserved or otherwise non-global
address is refused — when it is registered and again at every send (its DNS may have changed
since). An operator may allow such targets: WEBHOOKS_ALLOW_PRIVATE_TARGETS=true allows them
all, WEBHOOKS_ALLOWED_NETWORKS lists the networks allowed (e.g. 10.1.2.0/24)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The URL may not be a webhook's target; the message says why, in words."""


def _refused(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def _allowed(address: Address) -> bool:
    if settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS:
        return True
    return any(address in ipaddress.ip_network(net) for net in settings.WEBHOOKS_ALLOWED_NETWORKS)


def addresses(host: str, port: int) -> list[Address]:
    """The addresses `host` resolves to (an IP literal is its own)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as trouble:
        raise TargetRefused(f"The host name {host} could not be found.") from trouble
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]


def target_check(url: str) -> None:
    """Raises TargetRefused unless `url` may receive webhooks now."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as bad:
        raise TargetRefused("This is not a valid URL.") from bad
    if parts.scheme not in ("http", "https"):
        raise TargetRefused("Only http:// and https:// URLs can receive webhooks.")
    if not parts.hostname:
        raise TargetRefused("The URL needs a host name.")
    for address in addresses(parts.hostname, port):
        if _refused(address) and not _allowed(address):
            raise TargetRefused(
                f"{parts.hostname} is on a private or reserved network ({address}): webhooks "
                "only go to public addresses unless the server's operator allows others."
            )
