"""URL canonicalisation and address classification (pure functions, no connection made)."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchdesk.urls import TRACKING_PARAMS, canonical_url, is_public_address, parse_ip


@pytest.mark.parametrize(("url", "canonical"), [
    ("HTTPS://WWW.RFI.FR:443/fr/afrique/20230822-libye#comments",
     "https://www.rfi.fr/fr/afrique/20230822-libye"),
    ("http://example.com:80", "http://example.com/"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    ("https://ex.com/a?utm_source=rss&utm_medium=feed&id=3&fbclid=X&gclid=Y",
     "https://ex.com/a?id=3"),
    ("https://ex.com/a?b=2&a=1", "https://ex.com/a?b=2&a=1"),
    ("https://ex.com/caf%C3%A9", "https://ex.com/caf%C3%A9"),
    ("https://ex.com/café", "https://ex.com/caf%C3%A9"),
    ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
    ("ftp://ex.com/a", None),
    ("javascript:alert(1)", None),
    ("not a url", None),
])
def test_canonical_url(url: str, canonical: str | None) -> None:
    assert canonical_url(url) == canonical


hosts = st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5}){1,2}", fullmatch=True)
segments = st.lists(st.from_regex(r"[A-Za-z0-9._~-]{1,8}", fullmatch=True), max_size=4)
params = st.lists(st.tuples(st.from_regex(r"[a-z]{1,6}", fullmatch=True),
                            st.from_regex(r"[a-z0-9]{0,6}", fullmatch=True)), max_size=4)


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "Https"]))
    host = draw(hosts)
    host = "".join(c.upper() if draw(st.booleans()) else c for c in host)
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    path = "/" + "/".join(draw(segments))
    q = draw(params)
    tracking = draw(st.lists(st.sampled_from(["utm_source=x", "fbclid=1", "gclid=2"]),
                             max_size=2))
    query = "&".join([f"{k}={v}" for k, v in q] + tracking)
    frag = draw(st.sampled_from(["", "#top", "#c-12"]))
    return f"{scheme}://{host}{port}{path}{'?' + query if query else ''}{frag}"


@given(urls())
def test_canonicalisation_is_idempotent(url: str) -> None:
    c = canonical_url(url)
    assert c is not None
    assert canonical_url(c) == c


@given(urls())
def test_canonical_form_drops_what_does_not_identify_an_article(url: str) -> None:
    c = canonical_url(url)
    assert c is not None
    assert "#" not in c and "utm_" not in c and "fbclid" not in c and "gclid" not in c
    assert c == c.split("://")[0].lower() + c[c.index("://"):]
    assert ":443/" not in c or c.startswith("http:")
    host = c.split("/")[2]
    assert host == host.lower()


@given(urls(), st.sampled_from(["#a", "#b"]), st.sampled_from(["utm_campaign=z", "fbclid=9"]))
def test_fragments_and_tracking_do_not_change_identity(url: str, frag: str, extra: str) -> None:
    base = url.split("#")[0]
    sep = "&" if "?" in base else "?"
    assert canonical_url(base + sep + extra + frag) == canonical_url(base)


@pytest.mark.parametrize(("host", "ip"), [
    ("127.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"), ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
    ("10.1", "10.0.0.1"), ("example.com", None), ("1.2.3.4.5", None),
])
def test_ip_literals_in_every_form(host: str, ip: str | None) -> None:
    parsed = parse_ip(host)
    assert (str(parsed) if parsed else None) == ip


@pytest.mark.parametrize(("address", "public"), [
    ("127.0.0.1", False), ("127.0.0.2", False), ("::1", False), ("10.0.0.5", False),
    ("172.16.3.4", False), ("192.168.1.1", False), ("169.254.169.254", False),  # metadata
    ("100.64.0.1", False),  # carrier-grade NAT: is_private misses it, is_global does not
    ("fd00:ec2::254", False), ("fe80::1", False), ("0.0.0.0", False), ("224.0.0.1", False),
    ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False), ("198.18.0.1", False),
    ("8.8.8.8", True), ("2001:4860:4860::8888", True), ("::ffff:8.8.8.8", True),
])
def test_address_classification(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


def test_allow_list_admits_an_intranet_range() -> None:
    allow = [ipaddress.ip_network("10.0.0.0/8")]
    assert is_public_address(ipaddress.ip_address("10.2.3.4"), allow)
    assert not is_public_address(ipaddress.ip_address("192.168.1.1"), allow)


@given(st.text(max_size=200))
def test_any_link_a_feed_may_carry_is_handled(text: str) -> None:
    # feeds are hostile input: never raise, only http(s) URLs come out, and stably
    c = canonical_url(text)
    assert c is None or (c.startswith(("http://", "https://")) and canonical_url(c) == c)


@given(urls(), st.from_regex(r"[a-z]{1,5}", fullmatch=True),
       st.from_regex(r"[a-z0-9]{1,5}", fullmatch=True),
       st.from_regex(r"[a-z0-9]{1,5}", fullmatch=True))
def test_different_articles_stay_different(url: str, key: str, v1: str, v2: str) -> None:
    # a parameter that is not tracking (an article id) is never dropped or merged
    if key.startswith(("utm", "at", "pk", "mtm")) or key in TRACKING_PARAMS or v1 == v2:
        return
    base = url.split("#")[0]
    sep = "&" if "?" in base else "?"
    assert canonical_url(f"{base}{sep}{key}={v1}") != canonical_url(f"{base}{sep}{key}={v2}")


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_ipv4_spelling_resolves_to_the_same_address(n: int) -> None:
    ip = ipaddress.IPv4Address(n)
    a, b, c, d = ip.packed
    for form in (str(n), hex(n), f"{a}.{(b << 16) | (c << 8) | d}", f"0{oct(a)[2:]}.{b}.{c}.{d}",
                 f"[::ffff:{ip}]"):
        parsed = parse_ip(form)
        assert parsed is not None, form
        # however it is written, it is judged as the same address
        assert is_public_address(parsed) == is_public_address(ip), form
