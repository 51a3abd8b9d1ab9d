"""Reading and sending what matched: ``alerts``, ``digest``, ``outbox``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from ..config.settings import Settings
from ..store import Store
from ._common import (
    Moment,
    MomentType,
    cli,
    common,
    highlight_marks,
    local_time,
    must_know,
    readable_rules,
    zone,
)

_DEFAULT_SINCE = "24h"


@cli.command()
@common
@click.option("--since", type=MomentType(), default=None,
              help="Articles dated since then: the date shown, i.e. the publication date (or "
                   "when it was fetched, for an article without one). A duration back from "
                   "now (90m, 24h, 7d, 2w) or a date (2026-12-01, 2026-12-01T18:00, in "
                   f"WATCHDESK_TIMEZONE). Default: {_DEFAULT_SINCE}, unless --matched-since "
                   "is given.")
@click.option("--until", type=MomentType(), default=None,
              help="Articles dated before then (same date and forms as --since).")
@click.option("--matched-since", type=MomentType(), default=None,
              help="Matches made since then, whatever the article's date (a rule added "
                   "today finds old articles): same forms as --since.")
@click.option("--rule", "rule_id", default=None, help="Only this rule's matches.")
@click.option("--feed", "feed", default=None, metavar="NAME",
              help="Only articles this feed carried (by its name in feeds.yaml).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one array).")
def alerts(settings: Settings, since: Moment | None, until: Moment | None,
           matched_since: Moment | None, rule_id: str | None, feed: str | None,
           as_json: bool) -> None:
    """Show recent rule matches, newest first: one entry per article, with its rules.

    Articles are listed by the date shown beside each, newest first: the publication date
    (or, without one, when it was fetched), in WATCHDESK_TIMEZONE. --since and --until read
    that date; --matched-since reads when the rule matched. Each rule shows the terms that
    matched in its snippet (the others counted: "(+12 more)") and the snippet, the terms
    highlighted on a terminal (between [ ] otherwise). `watchdesk show ID` prints one article
    whole, ID being the #ID before its URL. --json gives one object per (article, rule),
    with every term.
    """
    from ..notify.recent import best_snippet, recent_articles, snippet_terms
    from ..store import MatchFilter

    if since is None and matched_since is None:
        since = MomentType().convert(_DEFAULT_SINCE, None, None)
    tz = zone(settings)
    wanted = MatchFilter(since=since.iso(tz) if since else None,
                         until=until.iso(tz) if until else None,
                         matched_since=matched_since.iso(tz) if matched_since else None,
                         rule_id=rule_id, feed=feed)
    store = Store(settings.db, mode="read")
    try:
        if rule_id:
            _known_rule(rule_id, set(_titles(settings)) | store.matched_rule_ids(), settings)
        if feed:
            _known_feed(feed, store.feed_names())
        rows = store.matches_where(wanted)
        older = 0
        if not rows and since is not None and matched_since is None:
            # nothing dated in the window: say if older articles matched in it
            older = len({r["article_id"] for r in store.matches_where(
                MatchFilter(matched_since=wanted.since, rule_id=rule_id, feed=feed))})
    finally:
        store.close()
    window = _window(since, until, matched_since, feed)
    if as_json:
        out = [{"rule_id": r["rule_id"], "priority": r["priority"], "title": r["title"],
                "url": r["url"], "feed": r["feed_name"], "published_at": r["published_at"],
                "fetched_at": r["fetched_at"], "matched_at": r["created_at"],
                "lang": r["lang"], "terms": json.loads(r["terms"]), "snippet": r["snippet"],
                "snippets": json.loads(r["snippets"] or "{}"),
                "highlighted": best_snippet(r["snippets"], r["snippet"]).highlighted(),
                "backfill": bool(r["backfill"]), "extraction": r["extraction"],
                "article_id": r["article_id"], "story_id": r["story_id"]} for r in rows]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"no matches ({window})")
        if older and since is not None:
            click.echo(f"{older} older article(s) matched {since.describe('since')} "
                       f"(by the date of the match): --matched-since {since} shows them")
        return
    on, off = highlight_marks()
    articles = recent_articles(rows)
    langs = {r["article_id"]: r["lang"] for r in rows}
    for a in articles:
        when, what = a.date
        click.echo(f"{'!' if a.urgent else ' '} {a.title}  ({a.feed}, {what} "
                   f"{local_time(when, settings)})")
        click.echo(f"    #{a.article_id}" + (f" {a.url}" if a.url else ""))
        for h in a.hits:
            tags = "".join((" urgent" if h.priority == "alert" else "",
                            " backfill" if h.backfill else ""))
            shown, more = snippet_terms(h.terms, h.snippet, langs.get(a.article_id))
            terms = ", ".join(shown) + (f" (+{more} more)" if more else "")
            click.echo(f"    [{h.rule_id}]{tags}" + (f" terms: {terms}" if shown else ""))
            click.echo(f"      {h.snippet.highlighted(on, off).replace(chr(10), ' ')}")
    click.echo(f"{len(articles)} article(s), {len(rows)} match(es) ({window})")


def _window(since: Moment | None, until: Moment | None, matched_since: Moment | None,
            feed: str | None) -> str:
    """What was asked, in words: ``published in the last 24h, from rfi-afrique``."""
    parts = []
    if since is not None:
        parts.append(f"published {since.describe('since')}")
    if until is not None:
        parts.append(f"published before {until}" if until.date else
                     f"published more than {until} ago")
    if matched_since is not None:
        parts.append(f"matched {matched_since.describe('since')}")
    if feed is not None:
        parts.append(f"from {feed}")
    return ", ".join(parts)


def _known_feed(name: str, known: set[str]) -> None:
    """--feed must name a feed of the database; else say the close ones."""
    must_know(name, known, what="feed", where="in the database", empty="no feed was polled yet",
              option="--feed")


def _known_rule(rule_id: str, known: set[str], settings: Settings) -> None:
    """--rule must name a rule of the rule files or of the database; else say the close ones."""
    must_know(rule_id, known, what="rule", where=f"in {settings.rules} nor in the database",
              empty="there are no rules yet", option="--rule")


def _titles(settings: Settings) -> dict[str, str]:
    """Rule titles for the digest headings; rule ids when the rules cannot be read."""
    from ..notify.outbox import rule_maps

    return rule_maps(readable_rules(settings))[0]


@cli.command("digest")
@common
@click.option("--preview", "preview", metavar="[FILE.html]", is_flag=False, flag_value="",
              default=None, type=click.Path(dir_okay=False),
              help="Render the digest that would be sent now, without queuing it: print the "
                   "text part, and write the HTML part to FILE.html if given.")
@click.option("--send", is_flag=True,
              help="Queue a digest now (covering everything since the last digest) and "
                   "deliver the outbox at once; when the daemon runs on the database, it "
                   "sends the digest instead, within a minute (never both).")
def digest_command(settings: Settings, preview: str | None, send: bool) -> None:
    """Preview or send the daily digest email.

    The daemon queues the digest by itself at WATCHDESK_DIGEST_TIME (in WATCHDESK_TIMEZONE);
    use this to see what it will contain, or to send one now. Without an option, prints the
    preview of the text part.
    """
    if preview is not None and send:
        raise click.UsageError("use either --preview or --send, not both")
    now = datetime.now(UTC)
    from ..notify.outbox import preview_digest, send_digest_now

    store = Store(settings.db, mode="write" if send else "read")
    try:
        titles = _titles(settings)
        if send:
            done = send_digest_now(store, settings, now, titles=titles)
            outbox_id = done.outbox_id
            if outbox_id is None:
                raise click.ClickException(
                    "no digest queued: set WATCHDESK_MAIL_TO, or there was nothing to send "
                    "and WATCHDESK_DIGEST_SEND_EMPTY is false")
            if done.delivery is None:   # a daemon runs on the database: it sends it
                who = done.daemon
                then = ("is running on this database and sends it within a minute"
                        if who is not None and who.role == "run" else
                        "holds the database: the daemon sends it, or `watchdesk outbox "
                        "--retry-now` once that command is done")
                click.echo(f"digest {outbox_id} queued for {', '.join(settings.mail_to)}: "
                           f"{who} {then} (`watchdesk outbox` shows when)")
                return
            report = done.delivery
            for _, error in report.failed:
                click.echo(f"Warning: not sent yet (will be retried): {error}", err=True)
            if outbox_id not in report.sent:
                raise click.ClickException(
                    f"digest {outbox_id} is queued but not delivered; see `watchdesk outbox`")
            click.echo(f"digest {outbox_id} sent to {', '.join(settings.mail_to)}")
            return
        _, rendered = preview_digest(store, settings, now, titles=titles)
        click.echo(f"Subject: {rendered.subject}\n")
        click.echo(rendered.text)
        if preview:
            Path(preview).write_text(rendered.html, encoding="utf-8")
            click.echo(f"HTML written to {preview} ({len(rendered.html) // 1024 + 1} KB)",
                       err=True)
        from ..running import running

        daemon = running(store)   # when it runs, the daemon's digest time, as `status` says
        click.echo(f"next digest: "
                   f"{_next_digest_text(daemon.applied_to(settings) if daemon else settings, now)}",
                   err=True)
    finally:
        store.close()


def _next_digest_text(settings: Settings, now: datetime) -> str:
    """The same answer as `watchdesk status` (one decision: ``next_digest_at``)."""
    from ..notify.schedule import next_digest_at, no_digest_reason

    at = next_digest_at(settings, now)
    if at is None:
        return f"none ({no_digest_reason(settings)})"
    return f"{at:%Y-%m-%d %H:%M %Z}"


def _row(r: object) -> dict[str, object]:
    keys = ("id", "kind", "status", "attempts", "subject", "message_id", "recipients",
            "created_at", "sent_at", "next_attempt_at", "last_error", "window_start",
            "window_end")
    out = {k: r[k] for k in keys}  # type: ignore[index]
    out["recipients"] = json.loads(str(out["recipients"]))
    return out


@cli.command("outbox")
@common
@click.option("--status", type=click.Choice(["all", "pending", "sent", "failed"]),
              default="all", show_default=True, help="Only messages with this status.")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True,
              help="How many messages to list, newest first.")
@click.option("--retry-now", is_flag=True,
              help="Retry every failed message now (after fixing the mail settings): sent "
                   "at once by this command with its WATCHDESK_SMTP_* settings, or, when the "
                   "daemon runs, by the daemon within a minute. Exit 1 if one fails again.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object) instead of text.")
def outbox_command(settings: Settings, status: str, limit: int, retry_now: bool,
                   as_json: bool) -> None:
    """List the emails, webhook posts and chat messages watchdesk queued: pending, sent and
    failed ones, with their attempts and last error (a chat message shows its target's
    name, notify:NAME, never its URL).

    A failed message is not lost: it is retried with growing delays (at most an hour apart)
    until the server accepts it.
    """
    store = Store(settings.db, mode="write" if retry_now else "read")
    try:
        failed_again = _retry_now(store, settings) if retry_now else 0
        rows = [_row(r) for r in store.outbox_rows(None if status == "all" else status, limit)]
        counts = store.outbox_counts()
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps({"counts": counts, "messages": rows}, ensure_ascii=False,
                              indent=2))
        return
    click.echo("  ".join(f"{k}={counts.get(k, 0)}" for k in ("pending", "failed", "sent")))
    _list_outbox(rows)
    if failed_again:
        raise click.ClickException(f"{failed_again} message(s) failed again; they stay due and "
                                   "the daemon retries them as soon as it runs")


def _retry_now(store: Store, settings: Settings) -> int:
    """`--retry-now`: say who sends the failed messages; how many failed again here."""
    from ..notify.outbox import retry_now

    done = retry_now(store, settings, datetime.now(UTC))
    if done.delivery is None:
        click.echo(f"{done.made_due} failed message(s) made due now: {done.daemon} is "
                   "running and sends them within a minute", err=True)
        return 0
    d = done.delivery
    click.echo(f"{done.made_due} failed message(s) retried now (no daemon runs): "
               f"{len(d.sent)} sent, {len(d.failed)} failed again"
               + (f", {d.postponed} not tried (the mail server failed)" if d.postponed else ""),
               err=True)
    for outbox_id, error in d.failed:
        click.echo(f"  #{outbox_id}: {error}", err=True)
    return len(d.failed) + d.postponed


def _list_outbox(rows: list[dict[str, object]]) -> None:
    for r in rows:
        when = r["sent_at"] if r["status"] == "sent" else f"next {r['next_attempt_at']}"
        click.echo(f"#{r['id']:<5} {r['kind']:<7} {r['status']:<7} attempts={r['attempts']}"
                   f"  {r['created_at']}  {when}")
        click.echo(f"       {str(r['subject'])[:100]}")
        click.echo(f"       to: {', '.join(map(str, r['recipients']))}")  # type: ignore[call-overload]
        if r["last_error"]:
            click.echo(f"       last error: {r['last_error']}")
