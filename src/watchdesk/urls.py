"""URL canonicalisation and address classification (pure functions, no network).

``canonical_url`` gives the form under which an article is recognised when it arrives again:
scheme and host lower-cased, default port dropped, fragment dropped, tracking parameters
(``utm_*``, ``fbclid``, ``gclid``, ...) removed, remaining query parameters kept in order.

``is_public_address`` decides whether a resolved IP may be fetched: only globally routable
addresses are (``ip.is_global``, which unlike ``is_private`` also excludes the shared
100.64.0.0/10 range), and IPv4-mapped IPv6 addresses are judged by their IPv4 address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid",
    "yclid", "_ga", "_gl", "xtor", "at_medium", "at_campaign", "ocid", "cmpid", "ns_mchannel",
    "ns_source", "ns_campaign", "ref_src", "spm",
})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in TRACKING_PARAMS or k.startswith(("utm_", "at_", "pk_", "mtm_"))


def canonical_url(url: str) -> str | None:
    """The canonical form of an http(s) URL, or None if it is not one."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return None
        host = parts.hostname.rstrip(".").lower()
        port = parts.port
    except ValueError:
        return None
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%") or "/"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not _is_tracking(k)])
    return urlunsplit((scheme, netloc, path, query, ""))


def parse_ip(host: str) -> IPAddress | None:
    """An IP literal in any of the forms resolvers accept (``127.1``, ``2130706433``,
    ``0x7f000001``, ``[::ffff:127.0.0.1]``), or None for a host name."""
    h = host.strip("[]")
    try:
        return ipaddress.ip_address(h)
    except ValueError:
        pass
    # inet_aton forms: 1-4 parts, each decimal, octal (0..) or hex (0x..)
    parts = h.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    nums = []
    for p in parts:
        try:
            if p.lower().startswith("0x"):
                nums.append(int(p, 16))
            elif len(p) > 1 and p.startswith("0"):
                nums.append(int(p, 8))
            else:
                nums.append(int(p, 10))
        except ValueError:
            return None
    *head, last = nums
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(value)


def is_public_address(ip: IPAddress, allow: Iterable[Network] = ()) -> bool:
    """True if ``ip`` may be fetched: globally routable, or inside an allowed network."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in allow):
        return True
    return bool(ip.is_global) and not ip.is_multicast


def host_of(url: str) -> str:
    """Lower-cased host of a URL ('' if none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
