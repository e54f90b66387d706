"""The fetch policy's rules, address by address (no network: literal addresses and localhost)."""

from __future__ import annotations

import ipaddress

import pytest

from newsdesk.ingest.clean import clean_text, web_url
from newsdesk.ingest.policy import (
    FetchPolicy,
    RefusedURL,
    is_public_address,
    trusted_origin_for,
)

REFUSED = {
    "loopback": "127.0.0.1",
    "loopback-elsewhere-in-8": "127.45.6.7",
    "rfc1918-10": "10.1.2.3",
    "rfc1918-172-16": "172.16.5.4",
    "rfc1918-192-168": "192.168.1.1",
    "link-local-cloud-metadata": "169.254.169.254",
    "cgnat": "100.64.0.1",
    "cgnat-top": "100.127.255.254",
    "multicast": "224.0.0.1",
    "reserved-240": "240.0.0.1",
    "broadcast": "255.255.255.255",
    "unspecified": "0.0.0.0",
    "this-network": "0.1.2.3",
    "ipv6-loopback": "::1",
    "ipv6-unspecified": "::",
    "ipv6-ula": "fd12:3456::1",
    "ipv6-ula-fc": "fc00::1",
    "ipv6-link-local": "fe80::1",
    "ipv6-site-local": "fec0::1",
    "ipv6-multicast": "ff02::1",
    "ipv4-mapped-loopback": "::ffff:127.0.0.1",
    "ipv4-mapped-rfc1918": "::ffff:10.0.0.1",
    "ipv4-mapped-metadata": "::ffff:169.254.169.254",
    "ipv4-compatible-loopback": "::127.0.0.1",
    "nat64-loopback": "64:ff9b::7f00:1",
    "6to4-of-rfc1918": "2002:c0a8:101::1",
}
PUBLIC = {
    "ipv4": "93.184.215.14",
    "ipv4-just-outside-cgnat": "100.128.0.1",
    "ipv4-just-outside-172-16": "172.32.0.1",
    "ipv6": "2a00:1450:4001:80b::200e",
    "ipv4-mapped-public": "::ffff:93.184.215.14",
}


@pytest.mark.parametrize("address", REFUSED.values(), ids=REFUSED.keys())
def test_non_public_addresses_are_refused(address):
    assert not is_public_address(ipaddress.ip_address(address))
    assert not FetchPolicy(allow=()).address_allowed(ipaddress.ip_address(address), "x.example")


@pytest.mark.parametrize("address", PUBLIC.values(), ids=PUBLIC.keys())
def test_public_unicast_addresses_are_allowed(address):
    assert is_public_address(ipaddress.ip_address(address))


def test_allow_list_cidr_widens_exactly_that_range():
    policy = FetchPolicy(allow=("10.20.0.0/16", "fd00:1::/32"))
    assert policy.address_allowed(ipaddress.ip_address("10.20.7.8"), "feeds.intranet")
    assert policy.address_allowed(ipaddress.ip_address("::ffff:10.20.7.8"), "feeds.intranet")
    assert policy.address_allowed(ipaddress.ip_address("fd00:1::5"), "feeds.intranet")
    assert not policy.address_allowed(ipaddress.ip_address("10.21.0.1"), "feeds.intranet")
    assert not policy.address_allowed(ipaddress.ip_address("127.0.0.1"), "feeds.intranet")


def test_allow_list_host_name_allows_whatever_it_resolves_to():
    policy = FetchPolicy(allow=("Feeds.Intranet",))
    assert policy.address_allowed(ipaddress.ip_address("10.9.9.9"), "feeds.intranet")
    assert policy.address_allowed(ipaddress.ip_address("10.9.9.9"), "FEEDS.INTRANET.")
    assert not policy.address_allowed(ipaddress.ip_address("10.9.9.9"), "other.intranet")


def test_localhost_resolves_but_is_refused_unless_trusted():
    policy = FetchPolicy(allow=())
    with pytest.raises(RefusedURL, match="refused: private address"):
        policy.addresses("localhost", 80, trusted=False)
    assert policy.addresses("localhost", 80, trusted=True)
    with pytest.raises(RefusedURL, match="refused: private address"):
        policy.addresses("169.254.169.254", 80, trusted=False)


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("http://127.0.0.1:8001/feed.xml", "http://127.0.0.1:8001"),
        ("http://127.0.0.1/feed.xml", "http://127.0.0.1:80"),
        ("HTTPS://LOCALHOST/feed", "https://localhost:443"),
        ("http://[::1]:9000/f", "http://[::1]:9000"),
        ("http://10.0.0.5:8080/rss", "http://10.0.0.5:8080"),
        # A name is never trusted for where it resolves: a rebinding answer could turn it inward.
        ("http://feeds.intranet/rss", ""),
        ("http://127.0.0.1.nip.io/rss", ""),
        ("ftp://127.0.0.1/rss", ""),
        ("http://127.0.0.1:notaport/rss", ""),
    ],
)
def test_only_a_literal_address_or_localhost_makes_a_trusted_origin(url, origin):
    assert trusted_origin_for(url) == origin


def test_trust_is_for_exactly_the_origin_scheme_host_and_port():
    policy = FetchPolicy(trusted_origins=frozenset({"http://127.0.0.1:8001"}), allow=())
    assert policy.check_url("http://127.0.0.1:8001/news/a.html") is True
    assert policy.check_url("http://127.0.0.1:8002/admin") is False
    assert policy.check_url("https://127.0.0.1:8001/") is False
    assert policy.check_url("http://localhost:8001/") is False
    assert policy.check_url("https://news.example/") is False
    for bad in ("javascript:alert(1)", "data:text/html,x", "http://h:notaport/", "file:///etc"):
        with pytest.raises(RefusedURL, match="not a web address"):
            policy.check_url(bad)


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "  javascript:alert(1)",
        "\x01\x02javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "/relative/path",
        "//scheme-relative.example/x",
        "http://host:notaport/x",
        "http://[::1/x",
        "http:\\\\evil.example",
        "https://ok.example/a\x00b",
        "",
        "   ",
    ],
)
def test_only_absolute_web_links_are_kept(link):
    url, why = web_url(link)
    assert url == ""
    assert why


def test_web_links_come_back_trimmed_and_normalised():
    assert web_url("  HTTPS://News.example/a b?c=1#d\n") == ("https://News.example/a%20b?c=1#d", "")
    assert web_url("http://127.0.0.1:8001/x") == ("http://127.0.0.1:8001/x", "")


def test_clean_text_drops_xml_invalid_characters_only():
    assert clean_text("a\x00b\x01c\x0bd\x1fe\ufffef\ud800g") == "abcdefg"
    assert clean_text("tab\tnewline\ncr\r é € 😀") == "tab\tnewline\ncr\r é € 😀"
