"""The feed farm: N synthetic news sites on loopback, served by asyncio in a process of its own.

Feeds are spread over ``hosts`` addresses of 127.0.0.0/8 (127.0.2.1, 127.0.2.2, ...): on Linux
the whole block is routed to ``lo`` (``ip route get 127.0.2.7`` says ``local ... dev lo``), so each
address is a distinct host for watchdesk's per-host limit and connection pool, as 50 news
sites would be. Only loopback addresses are ever bound.

Feed ``f`` lives on host ``f % hosts``: ``/f/<f>.xml`` is its feed, ``/a/<f>/<e>.html`` its
article pages (see ``corpus``). Responses carry strong ``ETag`` and ``Last-Modified``
validators and conditional GETs get ``304 Not Modified``. Every response waits ``latency``
seconds first (the time to first byte of a distant server), without holding a CPU.

The server runs in its own process (``Farm.start``), so its CPU use is measured apart from the
process under test (``Farm.stats``: if the farm used most of a core, it, not watchdesk, set the
pace). It stops on ``Farm.stop``, when the controlling process goes away, or after
``max_seconds`` whatever happens.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import email.utils
import functools
import gzip
import ipaddress
import json
import multiprocessing
import os
import re
import time
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import corpus

IDLE_SECONDS = 30.0
_FEED = re.compile(r"^/f/(\d+)\.xml$")
_PAGE = re.compile(r"^/a/(\d+)/(\d+)\.html$")


def host_address(i: int) -> str:
    """The loopback address of host number ``i``."""
    return f"127.0.{2 + i // 250}.{1 + i % 250}"


@dataclass
class FarmConfig:
    seed: int = 1
    feeds: int = 1000
    entries: int = 20          # entries listed per feed (its window)
    hosts: int = 50
    latency: float = 0.05      # seconds before each response
    gzip: bool = False         # compress when the client accepts gzip (costs the farm CPU)
    max_seconds: float = 3600  # hard lifetime of the farm process
    corpus: str = "news"       # markup of the article pages (corpus.CORPORA)
    store: str = ""            # index of pre-generated pages (``pregenerate``), if any


@dataclass
class _Stats:
    requests: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    feed_200: int = 0
    feed_304: int = 0
    page_200: int = 0
    page_generated: int = 0    # pages built on request (not found in the store)
    bytes_sent: int = 0
    open_connections: int = 0
    max_open_connections: int = 0
    connections: int = 0


class PageStore:
    """Pre-generated pages, read back from their files (see ``pregenerate``)."""

    def __init__(self, index_path: str) -> None:
        index = json.loads(Path(index_path).read_text(encoding="utf-8"))
        self.fds = [os.open(name, os.O_RDONLY) for name in index["files"]]
        self.where = {(f, e): (k, off, n) for f, e, k, off, n in index["pages"]}

    def get(self, f: int, e: int) -> bytes | None:
        hit = self.where.get((f, e))
        if hit is None:
            return None
        k, off, n = hit
        return os.pread(self.fds[k], n, off)

    def close(self) -> None:
        for fd in self.fds:
            os.close(fd)
        self.fds = []


def _write_pages(seed: int, name: str, todo: list[tuple[int, int]], path: str,
                 ) -> list[tuple[int, int, int, int]]:
    """Pages ``(feed, entries)`` of ``todo`` into the file ``path``: [(feed, entry, offset,
    length)]."""
    out = []
    with open(path, "wb") as fh:
        for f, n in todo:
            for e in range(n):
                body = corpus.page(seed, f, e, name)
                out.append((f, e, fh.tell(), len(body)))
                fh.write(body)
    return out


def pregenerate(cfg: FarmConfig, directory: Path, extra: dict[int, int] | None = None,
                workers: int = 2) -> tuple[Path, dict[str, Any]]:
    """Build before the run the pages it will ask for (each feed's ``cfg.entries`` entries,
    plus ``extra[f]`` entries to be published later) into files in ``directory``, so that
    the farm serves them without spending its CPU building them. Returns the index to put
    in ``FarmConfig.store`` and what it cost. Pages not in the store are built on request."""
    extra = extra or {}
    todo = [(f, cfg.entries + extra.get(f, 0)) for f in range(cfg.feeds)]
    n_chunks = max(1, min(len(todo), workers * 4))
    chunks = [todo[k::n_chunks] for k in range(n_chunks)]
    files = [str(directory / f"pages-{cfg.corpus}-{k}.bin") for k in range(n_chunks)]
    c0, t0 = time.process_time(), time.perf_counter()
    ctx = multiprocessing.get_context("spawn")
    pages: list[tuple[int, int, int, int, int]] = []
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        jobs = [pool.submit(_write_pages, cfg.seed, cfg.corpus, chunk, path)
                for chunk, path in zip(chunks, files, strict=True)]
        for k, job in enumerate(jobs):
            pages += [(f, e, k, off, n) for f, e, off, n in job.result()]
    index = directory / f"pages-{cfg.corpus}.json"
    index.write_text(json.dumps({"files": files, "pages": pages}), encoding="utf-8")
    sizes = sorted(n for *_, n in pages)
    return index, {"pages": len(pages), "mb": round(sum(sizes) / 1e6, 1),
                   "page_kb": {"min": round(sizes[0] / 1024, 1),
                               "median": round(sizes[len(sizes) // 2] / 1024, 1),
                               "max": round(sizes[-1] / 1024, 1)},
                   "wall_s": round(time.perf_counter() - t0, 1),
                   "driver_cpu_s": round(time.process_time() - c0, 2)}


def remove_store(index: Path) -> None:
    """Delete the files of a page store (they can take a few GB)."""
    with contextlib.suppress(OSError, ValueError):
        for name in json.loads(index.read_text(encoding="utf-8"))["files"]:
            with contextlib.suppress(OSError):
                os.unlink(name)
    with contextlib.suppress(OSError):
        index.unlink()


class _Site:
    """The farm's state and request handling (runs inside the farm process)."""

    def __init__(self, cfg: FarmConfig, bases: list[str]) -> None:
        self.cfg = cfg
        self.bases = bases
        self.latency = cfg.latency
        self.counts = [cfg.entries] * cfg.feeds
        self.stats = _Stats()
        self.store = PageStore(cfg.store) if cfg.store else None

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one _Site per process, lives as long
    def _feed(self, f: int, count: int) -> bytes:
        return corpus.feed_doc(self.cfg.seed, f, count, self.cfg.entries,
                               self.bases[f % self.cfg.hosts])

    def _page(self, f: int, e: int) -> bytes:
        if self.store is not None:
            body = self.store.get(f, e)
            if body is not None:
                return body
        self.stats.page_generated += 1
        return corpus.page(self.cfg.seed, f, e, self.cfg.corpus)

    def respond(self, path: str, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]],
                                                                  bytes]:
        path = path.split("?", 1)[0]
        m = _FEED.match(path)
        if m and int(m.group(1)) < self.cfg.feeds:
            f = int(m.group(1))
            count = self.counts[f]
            etag = f'"f{f}-{count}"'
            modified = corpus.entry_date(f, count - 1)
            kind = "feed"
            ctype = ("application/atom+xml; charset=utf-8" if corpus.site(self.cfg.seed, f).kind
                     == "atom" else "application/rss+xml; charset=utf-8")
            make = functools.partial(self._feed, f, count)
        else:
            m = _PAGE.match(path)
            if not m or int(m.group(1)) >= self.cfg.feeds \
                    or int(m.group(2)) >= self.counts[int(m.group(1))]:
                return 404, [("Content-Type", "text/plain")], b"not found\n"
            f, e = int(m.group(1)), int(m.group(2))
            etag = f'"a{f}-{e}"'
            modified = corpus.entry_date(f, e)
            kind = "page"
            ctype = "text/html; charset=utf-8"
            make = functools.partial(self._page, f, e)
        validators = [("ETag", etag), ("Last-Modified", _http_date(modified)),
                      ("Cache-Control", "max-age=60")]
        if _not_modified(headers, etag, modified):
            self.stats.feed_304 += kind == "feed"
            return 304, validators, b""
        body = make()
        out = [("Content-Type", ctype), *validators, ("Vary", "Accept-Encoding")]
        if self.cfg.gzip and "gzip" in headers.get("accept-encoding", ""):
            body = gzip.compress(body, compresslevel=5)
            out.append(("Content-Encoding", "gzip"))
        self.stats.feed_200 += kind == "feed"
        self.stats.page_200 += kind == "page"
        return 200, out, body

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        st = self.stats
        st.connections += 1
        st.open_connections += 1
        st.max_open_connections = max(st.max_open_connections, st.open_connections)
        try:
            while True:
                try:
                    async with asyncio.timeout(IDLE_SECONDS):
                        head = await reader.readuntil(b"\r\n\r\n")
                except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                        ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                try:
                    method, target, version = lines[0].split(" ", 2)
                except ValueError:
                    return
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                if self.latency > 0:
                    await asyncio.sleep(self.latency)
                if method not in ("GET", "HEAD") or headers.get("content-length", "0") != "0":
                    status, out, body = 405, [("Content-Type", "text/plain")], b"GET only\n"
                    keep = False
                else:
                    status, out, body = self.respond(target, headers)
                    keep = (version == "HTTP/1.1"
                            and headers.get("connection", "").lower() != "close")
                st.requests += 1
                st.by_status[str(status)] = st.by_status.get(str(status), 0) + 1
                st.bytes_sent += len(body)
                reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}.get(status, "Error")
                hdrs = [f"HTTP/1.1 {status} {reason}", f"Date: {_http_date(int(time.time()))}",
                        "Server: watchdesk-bench-farm",
                        *(f"{k}: {v}" for k, v in out)]
                if status != 304:
                    hdrs.append(f"Content-Length: {len(body)}")
                if not keep:
                    hdrs.append("Connection: close")
                head_bytes = ("\r\n".join(hdrs) + "\r\n\r\n").encode("latin-1")
                # two buffers, not one concatenated copy of a 100 KB page
                writer.writelines([head_bytes, body] if method == "GET" else [head_bytes])
                await writer.drain()
                if not keep:
                    return
        except ConnectionError:
            return
        finally:
            st.open_connections -= 1
            writer.close()


@functools.lru_cache(maxsize=65536)
def _http_date(ts: int) -> str:
    return email.utils.formatdate(ts, usegmt=True)


def _not_modified(headers: dict[str, str], etag: str, modified: int) -> bool:
    inm = headers.get("if-none-match")
    if inm is not None:
        return inm.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in inm.split(",")]
    ims = headers.get("if-modified-since")
    if ims:
        try:
            return email.utils.parsedate_to_datetime(ims).timestamp() >= modified
        except (TypeError, ValueError):
            return False
    return False


async def _serve(conn: Connection, cfg: FarmConfig) -> None:
    loop = asyncio.get_running_loop()
    servers = []
    bases: list[str] = []
    site = _Site(cfg, bases)
    for i in range(cfg.hosts):
        host = host_address(i)
        assert ipaddress.ip_address(host).is_loopback, host  # never bind anything else
        srv = await asyncio.start_server(site.handle, host, 0, backlog=1024)
        servers.append(srv)
        bases.append(f"http://{host}:{srv.sockets[0].getsockname()[1]}")
    conn.send(("ready", bases))
    deadline = loop.time() + cfg.max_seconds
    started_cpu, started_wall = time.process_time(), time.monotonic()
    try:
        while loop.time() < deadline:
            if not await loop.run_in_executor(None, conn.poll, 0.5):
                continue
            try:
                cmd, arg = conn.recv()
            except EOFError:  # the controlling process is gone
                return
            if cmd == "stop":
                return
            if cmd == "latency":
                site.latency = float(arg)
            elif cmd == "publish":
                for f, n in arg.items():
                    site.counts[int(f)] += int(n)
            elif cmd == "stats":
                data = asdict(site.stats)
                data["cpu_s"] = time.process_time() - started_cpu
                data["wall_s"] = time.monotonic() - started_wall
                data["counts_total"] = sum(site.counts)
                conn.send(("stats", data))
                continue
            conn.send(("ok", None))
    finally:
        for srv in servers:
            srv.close()


def _main(conn: Connection, cfg: FarmConfig) -> None:
    asyncio.run(_serve(conn, cfg))


class Farm:
    """Driver-side handle: ``with Farm(FarmConfig(...)) as farm: farm.feed_url(3)``."""

    def __init__(self, cfg: FarmConfig) -> None:
        self.cfg = cfg
        self.bases: list[str] = []
        self._proc: Any = None
        self._conn: Connection | None = None

    def start(self) -> Farm:
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        self._proc = ctx.Process(target=_main, args=(child, self.cfg), name="bench-farm",
                                 daemon=True)
        self._proc.start()
        child.close()
        self._conn = parent
        if not parent.poll(60):
            raise RuntimeError("the feed farm did not start within 60 s")
        kind, bases = parent.recv()
        assert kind == "ready"
        self.bases = bases
        return self

    def __enter__(self) -> Farm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        return int(self._proc.pid)

    def _call(self, cmd: str, arg: Any = None) -> Any:
        assert self._conn is not None, "farm not started"
        self._conn.send((cmd, arg))
        if not self._conn.poll(30):
            raise RuntimeError(f"the feed farm did not answer {cmd!r}")
        return self._conn.recv()[1]

    def feed_url(self, f: int) -> str:
        return f"{self.bases[f % self.cfg.hosts]}/f/{f}.xml"

    def page_url(self, f: int, e: int) -> str:
        return f"{self.bases[f % self.cfg.hosts]}/a/{f}/{e}.html"

    def set_latency(self, seconds: float) -> None:
        self._call("latency", seconds)

    def publish(self, plan: dict[int, int]) -> None:
        """Feed ``f`` publishes ``plan[f]`` new entries (they appear at the top of its feed)."""
        self._call("publish", plan)

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("stats")
        return result

    def stop(self) -> None:
        if self._proc is None:
            return
        if self._conn is not None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self._conn.send(("stop", None))
        self._proc.join(10)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join(5)
        self._proc = None
