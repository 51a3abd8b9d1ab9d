"""Hostile XML through ``parse_feed``: entity expansion and external entities do nothing.

Each document is parsed in a fresh subprocess so its peak memory (``VmHWM``: unlike
``ru_maxrss``, it does not inherit the forking parent's peak) and time are its own. This
machine's expat is checked too: 2.4.0 added the amplification limit that backs up the
DOCTYPE stripping.
"""

from __future__ import annotations

import json
import pyexpat
import subprocess
import sys
from pathlib import Path

import pytest

from watchdesk.sources.parse import parse_feed, strip_internal_subset

from conftest import cli_env

MAX_SECONDS = 3.0
MAX_RSS_MB = 150  # the interpreter with feedparser and lxml imported is ~45 MB


def billion_laughs() -> bytes:
    """10 levels of 10 references: 10^9 'lol's (3 GB) if expanded."""
    decls = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n{chr(10).join(decls)}\n]>\n'
            '<rss version="2.0"><channel><title>Rires &lol9;</title>'
            "<item><title>Un milliard &lol9;</title><link>http://a.example/1</link>"
            "<description>&lol9;</description></item></channel></rss>").encode()


def quadratic_blowup() -> bytes:
    """One 100 kB plain-text entity referenced 50,000 times: 5 GB if expanded."""
    return (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + b"x" * 100_000 + b'">]>'
            b'<rss version="2.0"><channel><title>q</title><item><title>Quadratique</title>'
            b"<link>http://a.example/2</link><description>" + b"&a;" * 50_000 +
            b"</description></item></channel></rss>")


def external_entity(target: str) -> bytes:
    return (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "{target}">]>'
            '<rss version="2.0"><channel><title>x</title><item><title>Lu : &xxe;</title>'
            "<link>http://a.example/3</link><description>&xxe;</description></item>"
            "</channel></rss>").encode()


def external_parameter_entity() -> bytes:
    return (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "file:///etc/passwd">'
            b' %p;]><rss version="2.0"><channel><title>x</title><item><title>Param</title>'
            b"<link>http://a.example/4</link></item></channel></rss>")


CASES = {
    "billion-laughs": billion_laughs(),
    "quadratic-blowup": quadratic_blowup(),
    "xxe-file": external_entity("file:///etc/passwd"),
    "xxe-http": external_entity("http://127.0.0.2:9/secret"),
    "xxe-parameter": external_parameter_entity(),
}

_RUN = """
import json, sys, time
from watchdesk.sources.parse import parse_feed
body = open(sys.argv[1], 'rb').read()
t0 = time.monotonic()
p = parse_feed(body, {'content-type': 'application/rss+xml'}, 'http://a.example/feed')
print(json.dumps({'seconds': time.monotonic() - t0,
                  'rss_mb': [int(l.split()[1]) for l in open('/proc/self/status')
                             if l.startswith('VmHWM')][0] / 1024,
                  'is_feed': p.is_feed, 'bozo': p.bozo,
                  'text': [e.title + ' ' + e.summary + ' ' + e.content for e in p.entries]}))
"""


def test_this_machine_has_an_expat_with_amplification_limits() -> None:
    major, minor, _ = pyexpat.version_info
    assert (major, minor) >= (2, 4), pyexpat.EXPAT_VERSION


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_document_is_parsed_harmlessly(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.xml"
    path.write_bytes(CASES[name])
    out = subprocess.run([sys.executable, "-c", _RUN, str(path)], capture_output=True,
                         text=True, env=cli_env(), timeout=60, check=True)
    r = json.loads(out.stdout)
    assert r["seconds"] < MAX_SECONDS, r["seconds"]
    assert r["rss_mb"] < MAX_RSS_MB, r["rss_mb"]
    text = " ".join(r["text"])
    assert "lollollol" not in text and "xxxxxxxxxx" not in text  # nothing expanded
    assert "root:" not in text and "/bin/" not in text           # nothing read
    assert len(text) < 400_000
    assert r["is_feed"]  # still read as a feed: its entries are not lost


def test_the_internal_subset_is_removed_before_feedparser_sees_it() -> None:
    for name, body in CASES.items():
        stripped = strip_internal_subset(body)
        assert b"<!ENTITY" not in stripped, name
        assert stripped.endswith(b"</rss>")
    netscape = (b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
                b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss/>')
    assert strip_internal_subset(netscape) == netscape  # no internal subset: untouched
    # an entity value containing markup does not hide the end of the subset
    tricky = b'<!DOCTYPE rss [<!ENTITY a "<b>x</b>">]><rss>&a;</rss>'
    assert strip_internal_subset(tricky) == b"<rss>&a;</rss>"


def test_a_feed_with_a_harmless_entity_keeps_its_entries() -> None:
    body = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY nbsp "&#160;">]>'
            b'<rss version="2.0"><channel><title>T</title><item><title>Tripoli&nbsp;: calme'
            b"</title><link>http://a.example/5</link></item></channel></rss>")
    p = parse_feed(body, {"content-type": "application/rss+xml"}, "http://a.example/")
    assert [e.title[:7] for e in p.entries] == ["Tripoli"]
