"""The SSRF guard: only http(s) targets on public addresses, unless the operator allows more."""

from __future__ import annotations

import pytest

from webhooks.targets import TargetRefused, target_check


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",  # loopback
        "http://127.8.9.10:8080/hook",
        "http://[::1]/hook",
        "http://10.0.0.5/hook",  # private
        "https://192.168.1.1/hook",
        "http://172.16.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",  # link-local: the cloud's metadata service
        "http://[fe80::1]/hook",
        "http://224.0.0.1/hook",  # multicast
        "http://240.0.0.1/hook",  # reserved
        "http://0.0.0.0/hook",  # unspecified
        "http://100.64.0.1/hook",  # shared address space: not global
        "http://[::ffff:127.0.0.1]/hook",  # loopback in IPv6 clothing
        "http://[fd00::1]/hook",  # unique local
        "http://localhost:8000/hook",  # a name that resolves to loopback
    ],
)
def test_it_refuses_targets_on_private_and_reserved_networks(url, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    settings.WEBHOOKS_ALLOWED_NETWORKS = []
    with pytest.raises(TargetRefused, match="private or reserved network"):
        target_check(url)


@pytest.mark.parametrize("url", ["ftp://example.com/hook", "file:///etc/passwd", "gopher://x/"])
def test_it_refuses_other_schemes(url):
    with pytest.raises(TargetRefused, match="Only http:// and https://"):
        target_check(url)


def test_it_accepts_a_public_address(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    target_check("https://93.184.215.14/hook")
    target_check("http://[2606:4700::1111]:8443/hook")


def test_the_operator_setting_allows_private_targets(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    target_check("http://127.0.0.1:9000/hook")
    target_check("http://10.0.0.5/hook")


def test_an_allowed_network_lets_its_addresses_through_and_no_others(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    settings.WEBHOOKS_ALLOWED_NETWORKS = ["10.1.2.0/24"]
    target_check("http://10.1.2.3/hook")
    with pytest.raises(TargetRefused):
        target_check("http://10.1.3.3/hook")


def test_a_host_name_that_cannot_be_found_is_refused_in_words():
    with pytest.raises(TargetRefused, match="could not be found"):
        target_check("https://no-such-host.invalid/hook")
