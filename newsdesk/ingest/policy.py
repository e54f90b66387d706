"""Where ingest may connect: public unicast addresses, the origins the operator typed, and
whatever ``NEWSDESK_FETCH_ALLOW`` adds. Nothing else, whoever wrote the link.

Plain Python, no Django. ``fetch.py`` asks ``FetchPolicy.check_url`` before every request and
every redirect hop, and its network backend asks ``FetchPolicy.addresses`` when it opens a
connection: the name is resolved once, each address is checked, and the socket connects to the
checked address itself, so a DNS answer that changes between check and connect (rebinding)
cannot turn a connection inward.

Operator trust is by origin: a feed URL the operator gave whose host is a literal address or
``localhost`` makes exactly that scheme, host and port reachable. A host *name* is never
trusted for where it resolves to; an intranet name goes in ``NEWSDESK_FETCH_ALLOW``.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from newsdesk import limits

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Ranges ipaddress's flags do not all name: shared address space (RFC 6598) and NAT64's
# well-known prefix (RFC 6052), whose last 32 bits are an IPv4 address to check in its place.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAMES = {"localhost", "localhost."}


class RefusedURL(Exception):
    """A URL or address the fetch policy does not let us connect to; the message says why."""


def is_public_address(address: IPAddress) -> bool:
    """Whether ``address`` is a public unicast address (the only kind fetched by default)."""
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv6 form that carries an IPv4 address is judged by that address.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is None and address.teredo:
            embedded = address.teredo[1]
        if embedded is not None:
            return is_public_address(embedded)
        if address.is_site_local:
            return False
    elif address in _CGNAT or address == ipaddress.IPv4Address("255.255.255.255"):
        return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def literal_address(host: str) -> IPAddress | None:
    """The address a URL's host spells literally (brackets and an IPv6 zone allowed), or None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) URL with default ports filled in; None otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80)


def trusted_origin_for(url: str) -> str:
    """The origin an operator-given feed URL makes reachable ("" when its host is a name).

    Only a literal address or ``localhost`` is trusted: what the operator typed is the address.
    """
    origin = origin_of(url)
    if origin is None:
        return ""
    scheme, host, port = origin
    if literal_address(host) is None and host not in _LOCAL_NAMES:
        return ""
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"


def parse_allow_list(entries: Iterable[str]) -> tuple[frozenset[str], tuple[IPNetwork, ...]]:
    """Host names and CIDR ranges (or single addresses) from ``NEWSDESK_FETCH_ALLOW``."""
    names, networks = set(), []
    for entry in entries:
        entry = entry.strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            names.add(entry.rstrip("."))
    return frozenset(names), tuple(networks)


@dataclass(frozen=True)
class FetchPolicy:
    """Which origins and addresses one client may connect to."""

    # Origins as ``trusted_origin_for`` writes them ("http://127.0.0.1:8001").
    trusted_origins: frozenset[str] = frozenset()
    allow: tuple[str, ...] = field(default_factory=lambda: limits.FETCH_ALLOW)

    def __post_init__(self) -> None:
        names, networks = parse_allow_list(self.allow)
        object.__setattr__(self, "_allowed_names", names)
        object.__setattr__(self, "_allowed_networks", networks)

    def check_url(self, url: str) -> bool:
        """Raise ``RefusedURL`` for a URL we must not request; True if its origin is trusted."""
        origin = origin_of(url)
        if origin is None:
            raise RefusedURL(f"refused: not a web address ({url[:200]!r})")
        trusted = trusted_origin_for(url)
        return bool(trusted) and trusted in self.trusted_origins

    def address_allowed(self, address: IPAddress, host: str) -> bool:
        if host.lower().rstrip(".") in self._allowed_names:
            return True
        if is_public_address(address):
            return True
        candidates = [address]
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            candidates.append(address.ipv4_mapped)
        return any(
            a in network
            for a in candidates
            for network in self._allowed_networks
            if a.version == network.version
        )

    def addresses(self, host: str, port: int, trusted: bool) -> list[str]:
        """Resolve ``host`` once; the addresses we may connect to, in resolver order.

        Raises ``RefusedURL`` when it resolves only to addresses the policy refuses, and
        ``OSError`` when it does not resolve at all.
        """
        found = []
        for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
            if sockaddr[0] not in found:
                found.append(sockaddr[0])
        if trusted:
            return found
        allowed = [a for a in found if self.address_allowed(ipaddress.ip_address(a), host)]
        if not allowed:
            shown = ", ".join(found[:3])
            raise RefusedURL(
                f"refused: private address ({host} is {shown}; newsdesk fetches public "
                "addresses only, see NEWSDESK_FETCH_ALLOW)"
            )
        return allowed
