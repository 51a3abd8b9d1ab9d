"""Prometheus metrics (``WATCHDESK_METRICS``): the daemon as a real subprocess polling the
fixture site on 127.0.0.1, scraped over HTTP with httpx; values before and after a poll."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from prometheus_client import ProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from ports import daemon_port
from test_daemon import Daemon, daemon, make_due, wait_until  # noqa: F401 (daemon: fixture)
from watchdesk.config.settings import Settings, from_env
from watchdesk.demo.server import FixtureServer, status
from watchdesk.errors import ConfigError
from watchdesk.extract.page import SECOND_PASS_MAX_ELEMENTS
from watchdesk.metrics import DaemonProcess, poll_status
from watchdesk.models import PollResult

from conftest import rss, write_feeds

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def many_elements(n: int = SECOND_PASS_MAX_ELEMENTS - 10) -> bytes:
    """A page that takes trafilatura seconds: a menu longer than the article, so that the
    balanced second pass runs too, over as many tiny paragraphs as it is allowed to read (its
    jusText fallback costs the square of their number: ~2 s of CPU)."""
    return (b"<html><body><nav>" + b"menu " * 30_000 + b"</nav><article>" + b"<p>a</p>" * n
            + b"</article></body></html>")


def scrape(url: str) -> Samples:
    r = httpx.get(url, timeout=5, trust_env=False)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(r.text) for s in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def listening(pid: int) -> list[tuple[str, int]]:
    """The TCP sockets process ``pid`` listens on, from /proc (IPv4 and IPv6)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            link = os.readlink(fd)
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    out = []
    for table, size in (("tcp", 4), ("tcp6", 16)):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] != "0A" or fields[9] not in inodes:  # 0A: LISTEN
                continue
            addr, port = fields[1].split(":")
            raw = bytes.fromhex(addr)
            if size == 4:
                host = socket.inet_ntop(socket.AF_INET, raw[::-1])
            else:
                words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                host = socket.inet_ntop(socket.AF_INET6, words)
            out.append((host, int(port, 16)))
    return out


@pytest.fixture
def two_feeds(settings: Settings, site: FixtureServer) -> Settings:
    """The site's feed, plus one whose article page keeps the extraction worker busy past
    its time bound (so the pool kills and replaces it): seconds of CPU (``many_elements``)
    against a bound of 0.3 s in the test (the other pages take a few ms)."""
    site.set("/lent/rss.xml", rss([{"title": "Dossier : la Libye en 5 000 paragraphes",
                                     "link": "{{BASE}}/lent/dossier", "guid": "lent-1"}],
                                   title="Lent"))
    site.set("/lent/dossier", many_elements(), content_type="text/html; charset=utf-8")
    write_feeds(settings.feeds, [("afrique", site.url("/afrique/rss.xml")),
                                 ("lent", site.url("/lent/rss.xml"))])
    return settings


def test_metrics_before_and_after_polls(daemon: Callable[..., Daemon],  # noqa: F811
                                        two_feeds: Settings, site: FixtureServer,
                                        refused_port: int) -> None:
    port = daemon_port()
    url = f"http://127.0.0.1:{port}/metrics"
    started = time.time()
    d = daemon(WATCHDESK_METRICS=f"127.0.0.1:{port}", WATCHDESK_EXTRACT_TIMEOUT="0.3",
               WATCHDESK_MAIL_TO="desk@example.org", WATCHDESK_SMTP_HOST="127.0.0.1",
               WATCHDESK_SMTP_PORT=str(refused_port))  # nothing listens there: delivery fails
    d.notify.wait_for(lambda m: "READY=1" in m)
    assert listening(d.proc.pid) == [("127.0.0.1", port)]  # only the address given

    wait_until(lambda: value(scrape(url), "watchdesk_cycles_total") >= 1, logs=d)
    first = scrape(url)
    assert value(first, "watchdesk_polls_total", status="ok") == 2
    assert value(first, "watchdesk_polls_total", status="error") == 0
    assert value(first, "watchdesk_articles_total", change="new") == 3
    assert value(first, "watchdesk_matches_total") == 2  # russie-libye and haftar, one article
    assert value(first, "watchdesk_feeds", status="ok") == 2
    assert value(first, "watchdesk_feeds", status="failing") == 0
    assert value(first, "watchdesk_extraction_worker_restarts_total", reason="timeout") == 1
    assert started < value(first, "watchdesk_last_cycle_timestamp_seconds") <= time.time()
    assert 0 < value(first, "watchdesk_last_cycle_duration_seconds") < 60
    assert value(first, "process_resident_memory_bytes") > 10e6
    # the urgent alert is queued, and its delivery fails (no SMTP server): one failed message
    wait_until(lambda: value(scrape(url), "watchdesk_outbox_messages", status="failed") == 1,
               logs=d)
    assert value(scrape(url), "watchdesk_outbox_messages", status="pending") == 0

    site.route("/afrique/rss.xml", status(503, body=b"maintenance"))
    make_due(two_feeds.db)
    wait_until(lambda: value(scrape(url), "watchdesk_cycles_total") >= 2, logs=d)
    second = scrape(url)
    assert value(second, "watchdesk_polls_total", status="error") == 1
    assert value(second, "watchdesk_fetch_errors_total", kind="HTTPStatusError") == 1
    assert value(second, "watchdesk_polls_total", status="not_modified") == 1  # lent: 304
    assert value(second, "watchdesk_polls_total", status="ok") == 2  # unchanged
    assert value(second, "watchdesk_feeds", status="failing") == 1
    assert value(second, "watchdesk_feeds", status="ok") == 1
    assert value(second, "watchdesk_articles_total", change="new") == 3
    assert value(second, "watchdesk_last_cycle_timestamp_seconds") > value(
        first, "watchdesk_last_cycle_timestamp_seconds")
    assert d.stop() == 0


def test_off_unless_configured(daemon: Callable[..., Daemon],  # noqa: F811
                               settings: Settings) -> None:
    d = daemon()
    d.notify.wait_for(lambda m: "READY=1" in m)
    assert listening(d.proc.pid) == []
    assert d.stop() == 0
    assert "metrics" not in d.logs()


def test_a_taken_port_stops_the_start_with_a_clear_error(
        daemon: Callable[..., Daemon], settings: Settings) -> None:  # noqa: F811
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        d = daemon(WATCHDESK_METRICS=f"127.0.0.1:{port}")
        assert d.proc.wait(timeout=60) == 1
    assert (f"cannot serve metrics on 127.0.0.1:{port} (WATCHDESK_METRICS): Address already "
            "in use") in d.logs()
    assert "Traceback" not in d.logs()


@pytest.mark.parametrize(("given", "listens_on"), [
    ("127.0.0.1:9464", "127.0.0.1:9464"),
    ("9464", "127.0.0.1:9464"),          # a bare port: loopback, never every interface
    (":9464", "127.0.0.1:9464"),
    ("localhost:9464", "127.0.0.1:9464"),
    ("[::1]:9464", "[::1]:9464"),
    ("10.0.0.5:9100", "10.0.0.5:9100"),  # an address named on purpose is taken as given
    ("", ""),                            # off
])
def test_the_address_setting(given: str, listens_on: str) -> None:
    assert from_env({"WATCHDESK_METRICS": given}).metrics == listens_on


@pytest.mark.parametrize(("given", "says"), [
    ("::1:9464", "IPv6 address in brackets"),
    ("veille.example.org:9464", "with an IP address"),
    ("127.0.0.1:0", "a port between 1 and 65535"),
    ("127.0.0.1:70000", "a port between 1 and 65535"),
    ("127.0.0.1:prometheus", "a port between 1 and 65535"),
])
def test_a_bad_address_is_a_configuration_error(given: str, says: str) -> None:
    with pytest.raises(ConfigError) as e:
        from_env({"WATCHDESK_METRICS": given})
    assert str(e.value).startswith("WATCHDESK_METRICS: invalid value: ") and says in str(e.value)


@pytest.mark.parametrize(("result", "counted_as"), [
    (PollResult(1, "rfi", "t", status=200), "ok"),
    (PollResult(1, "rfi", "t", status=304, not_modified=True), "not_modified"),
    (PollResult(1, "rfi", "t", status=503, error="HTTPStatusError: 503",
                error_kind="HTTPStatusError"), "error"),
    (PollResult(1, "rfi", "t", status=410, error="gone", error_kind="FeedGone", gone=True),
     "gone"),
])
def test_each_poll_outcome_has_its_label(result: PollResult, counted_as: str) -> None:
    assert poll_status(result) == counted_as


def test_process_metrics_survive_the_units_proc_subset(tmp_path: Path) -> None:
    """Under ``ProcSubset=pid`` /proc holds the processes only (no /proc/stat): the stock
    collector then reports nothing; the daemon's still reports its memory and CPU."""
    (tmp_path / "self").symlink_to("/proc/self")  # a /proc with nothing but our process
    assert list(ProcessCollector(proc=str(tmp_path), registry=None).collect()) == []
    got = {m.name: m.samples[0].value
           for m in DaemonProcess(proc=str(tmp_path), registry=None).collect()}
    assert got["process_resident_memory_bytes"] > 10e6
    stock = {m.name: m.samples[0].value for m in ProcessCollector(registry=None).collect()}
    assert abs(got["process_start_time_seconds"] - stock["process_start_time_seconds"]) < 2
