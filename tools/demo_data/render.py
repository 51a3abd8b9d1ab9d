"""Render one demo article as a full news-site page.

The markup follows what real news sites ship: a cookie banner, a header with language bar,
main menu and country/section sub-menu, a breaking-news ticker, a breadcrumb, the article
(kicker, headline, standfirst, byline, date, share buttons, figure, paragraphs with a
"read also" box in the middle, tags), related articles, a comments section, a sidebar with
"most read" and a newsletter form, and a large footer. Class names vary per site ("skin").
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from html import escape
from typing import TYPE_CHECKING, Any

__all__ = ["SKINS", "lede_in_body", "render_page"]

if TYPE_CHECKING:
    from build import Article
    from sites import Site

SKINS: dict[str, dict[str, str]] = {
    # RFI-like: BEM with o-/m-/t- prefixes
    "rfi": {
        "body": "t-content__body u-clearfix",
        "article": "t-content t-content--article",
        "header": "t-content__header",
        "title": "t-content__title a-page-title",
        "lede": "t-content__chapo",
        "meta": "t-content__metas",
        "readalso": "m-interstitial",
        "related": "m-item-list-article o-related",
        "main": "o-layout__main",
        "aside": "o-layout__aside",
        "comments": "comments",
    },
    # France 24-like
    "f24": {
        "body": "t-content__body",
        "article": "t-content t-content--article",
        "header": "t-content__header",
        "title": "t-content__title a-page-title",
        "lede": "t-content__chapo",
        "meta": "m-pub-dates",
        "readalso": "m-em-related-content",
        "related": "o-self-promo m-related-articles",
        "main": "o-layout-main",
        "aside": "o-layout-aside",
        "comments": "comments",
    },
    # WordPress news theme
    "wp": {
        "body": "entry-content td-post-content",
        "article": "post type-post status-publish format-standard has-post-thumbnail hentry",
        "header": "entry-header td-post-header",
        "title": "entry-title td-post-title",
        "lede": "td-post-sub-title",
        "meta": "entry-meta td-module-meta-info",
        "readalso": "rp4wp-related-posts inline-related",
        "related": "jp-relatedposts td-related-row",
        "main": "td-main-content site-main",
        "aside": "td-main-sidebar widget-area",
        "comments": "comments-area",
        "lede_in_body": "yes",  # WordPress has no standfirst field: it is the first paragraph
    },
    # Al Jazeera-like
    "aj": {
        "body": "wysiwyg wysiwyg--all-content",
        "article": "article-page",
        "header": "article-header",
        "title": "article-heading",
        "lede": "article__subhead",
        "meta": "article-info-block",
        "readalso": "more-on article-read-also",
        "related": "related-content",
        "main": "l-col l-col--8",
        "aside": "l-col l-col--4 sidebar",
        "comments": "comments",
    },
    # culture magazine
    "mag": {
        "body": "article__body article-body",
        "article": "article article--review",
        "header": "article__header",
        "title": "article__title",
        "lede": "article__standfirst",
        "meta": "article__meta",
        "readalso": "article__related-inline",
        "related": "article__related",
        "main": "page__main",
        "aside": "page__sidebar",
        "comments": "comments",
    },
}

SHARE = [
    ("facebook", "Facebook", "M7 4h10v3h-3v13h-4V7H7z"),
    ("x", "X", "M4 4l16 16M20 4L4 20"),
    ("whatsapp", "WhatsApp", "M12 3a9 9 0 1 0 0 18 9 9 0 1 0 0-18zm-3 5h6v8H9z"),
    ("linkedin", "LinkedIn", "M4 9h4v11H4zM6 3a2 2 0 1 1 0 4 2 2 0 1 1 0-4zm5 6h4v11h-4z"),
    ("telegram", "Telegram", "M3 11l18-7-4 17-6-5-3 4v-6z"),
    ("email", "E-mail", "M3 6h18v12H3zm0 0l9 7 9-7"),
]

MONTHS_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def lede_in_body(site: Site) -> bool:
    """Whether this site prints the standfirst inside the article body container."""
    return bool(SKINS[site.skin].get("lede_in_body"))


def e(text: str) -> str:
    return escape(text, quote=True)


def slug(text: str) -> str:
    """ASCII URL slug; non-Latin text (Arabic) gets a short stable hash instead."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    keep = "".join(c.lower() if c.isalnum() else "-" for c in folded)
    return "-".join(part for part in keep.split("-") if part) or (
        "n" + hashlib.sha1(text.encode()).hexdigest()[:8]
    )


def link(site: Site, *parts: str) -> str:
    return "{{BASE}}/" + "/".join([site.base, *(slug(p) for p in parts)]) + "/"


def fmt_date(site: Site, when: Any) -> str:
    if site.lang == "en":
        return f"{when.day} {MONTHS_EN[when.month - 1]} {when.year}"
    if site.lang == "ar":
        return f"{when.day}/{when.month}/{when.year}"
    return when.strftime("%d/%m/%Y - %H:%M")


def svg(path: str) -> str:
    return (
        '<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" '
        f'focusable="false"><path d="{path}" fill="currentColor" stroke="currentColor" '
        'stroke-width="1.5"/></svg>'
    )


# -- blocks ---------------------------------------------------------------------------------


def head(a: Article) -> str:
    s = a.site
    url = a.link
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": a.title,
        "description": a.summary,
        "inLanguage": s.lang,
        "datePublished": a.published.isoformat(),
        "dateModified": (a.updated or a.published).isoformat(),
        "articleSection": a.section,
        "keywords": a.tags,
        "image": ["{{BASE}}/static/placeholder.svg"],
        "author": [{"@type": "Organization", "name": a.author}],
        "publisher": {
            "@type": "Organization",
            "name": s.name,
            "logo": {"@type": "ImageObject", "url": "{{BASE}}/static/logo.svg"},
        },
        "isAccessibleForFree": True,
    }
    crumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": s.labels["home"], "item": link(s)},
            {
                "@type": "ListItem",
                "position": 2,
                "name": a.section,
                "item": link(s, a.section),
            },
            {"@type": "ListItem", "position": 3, "name": a.title, "item": url},
        ],
    }
    data_layer = {
        "site": s.name,
        "pageType": "article",
        "section": a.section,
        "articleId": a.id,
        "language": s.lang,
        "publicationDate": a.published.strftime("%Y-%m-%d"),
        "wordCount": sum(len(p.split()) for p in a.paragraphs),
        "paywall": "free",
        "consent": {"analytics": False, "ads": False},
    }
    alternates = "".join(
        f'<link rel="alternate" hreflang="{code}" href="{{{{BASE}}}}/{s.base}/{code}/">'
        for code in ("fr", "en", "es", "ar")
        if code != s.lang
    )
    return f"""<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(a.title)} - {e(s.name)}</title>
<meta name="description" content="{e(a.summary)}">
<meta name="robots" content="index, follow, max-image-preview:large">
<meta name="author" content="{e(a.author)}">
<link rel="canonical" href="{url}">
{alternates}
<meta property="og:type" content="article">
<meta property="og:site_name" content="{e(s.name)}">
<meta property="og:title" content="{e(a.title)}">
<meta property="og:description" content="{e(a.summary)}">
<meta property="og:url" content="{url}">
<meta property="og:image" content="{{{{BASE}}}}/static/placeholder.svg">
<meta property="og:locale" content="{s.lang}">
<meta property="article:published_time" content="{a.published.isoformat()}">
<meta property="article:modified_time" content="{(a.updated or a.published).isoformat()}">
<meta property="article:section" content="{e(a.section)}">
{"".join(f'<meta property="article:tag" content="{e(t)}">' for t in a.tags)}
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="{e(a.title)}">
<meta name="twitter:description" content="{e(a.summary)}">
<link rel="alternate" type="application/{s.feed_format}+xml" title="{e(s.feed_title)}" \
href="{{{{BASE}}}}/{s.feed_file}">
<link rel="icon" href="{{{{BASE}}}}/static/logo.svg" type="image/svg+xml">
<link rel="preload" href="{{{{BASE}}}}/static/demo.css" as="style">
<link rel="stylesheet" href="{{{{BASE}}}}/static/demo.css">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
<script type="application/ld+json">{json.dumps(crumbs, ensure_ascii=False)}</script>
<script>
window.dataLayer = window.dataLayer || [];
window.dataLayer.push({json.dumps(data_layer, ensure_ascii=False)});
window.__CONSENT__ = {{"version": 4, "vendors": 812, "purposes": [1, 2, 3, 4, 7, 9, 10]}};
(function (d) {{
  var s = d.createElement("script");
  s.async = true;
  s.src = "{{{{BASE}}}}/static/consent.js?v=4.12.0";
  d.head.appendChild(s);
}})(document);
</script>
</head>"""


def cookie_banner(s: Site) -> str:
    la = s.labels
    return f"""<div id="cookie-consent" class="cmp-banner cookie-banner" role="dialog" \
aria-modal="true" aria-label="{e(la["settings"])}" hidden>
  <div class="cmp-banner__inner">
    <p class="cmp-banner__text">{e(s.cookie)}</p>
    <div class="cmp-banner__buttons">
      <button type="button" class="cmp-btn cmp-btn--accept">{e(la["accept"])}</button>
      <button type="button" class="cmp-btn cmp-btn--refuse">{e(la["refuse"])}</button>
      <a class="cmp-link" href="{{{{BASE}}}}/{s.base}/cookies/">{e(la["settings"])}</a>
    </div>
  </div>
</div>"""


def site_header(a: Article) -> str:
    s = a.site
    la = s.labels
    langs = "".join(
        f'<li><a href="{link(s, "lang", name)}" lang="{s.lang}">{e(name)}</a></li>'
        for name in s.languages
    )
    sub = "".join(
        f'<li><a href="{link(s, a.section, name)}">{e(name)}</a></li>' for name in s.submenu
    )
    items = []
    for i, name in enumerate(s.nav):
        extra = f'<ul class="main-nav__submenu">{sub}</ul>' if i == 1 or name == a.section else ""
        items.append(
            f'<li class="main-nav__item"><a class="main-nav__link" href="{link(s, name)}">'
            f"{e(name)}</a>{extra}</li>"
        )
    ticker = "".join(
        f'<li class="ticker__item"><a href="{link(s, "direct", t)}">{e(t)}</a></li>'
        for t in s.ticker
    )
    return f"""<header class="site-header" role="banner">
  <div class="site-header__top">
    <nav class="lang-switch" aria-label="Langues / Languages"><ul>{langs}</ul></nav>
    <ul class="site-header__services">
      <li><a href="{link(s, "live")}">{e(la["live"])}</a></li>
      <li><a href="{link(s, "newsletters")}">{e(la["newsletter"])}</a></li>
      <li><a class="btn-subscribe" href="{link(s, "subscribe")}">{e(la["subscribe"])}</a></li>
    </ul>
  </div>
  <div class="site-header__main">
    <button class="burger" type="button" aria-expanded="false" aria-controls="main-nav">\
{svg("M3 6h18M3 12h18M3 18h18")}<span>{e(la["menu"])}</span></button>
    <a class="site-logo" href="{link(s)}" title="{e(s.name)}">\
<img src="{{{{BASE}}}}/static/logo.svg" alt="{e(s.name)}" width="120" height="40"></a>
    <form class="site-search" role="search" action="{link(s, "search")}">
      <label class="visually-hidden" for="q">{e(la["search"])}</label>
      <input id="q" name="q" type="search" placeholder="{e(la["search_placeholder"])}">
      <button type="submit">{svg("M10 4a6 6 0 1 0 0 12 6 6 0 1 0 0-12zm5 11l5 5")}</button>
    </form>
  </div>
  <nav id="main-nav" class="main-nav" aria-label="{e(la["menu"])}">
    <ul class="main-nav__list">{"".join(items)}</ul>
  </nav>
  <div class="ticker" aria-live="off">
    <span class="ticker__label">{e(la["live"])}</span>
    <ul class="ticker__list">{ticker}</ul>
  </div>
</header>"""


def breadcrumb(a: Article) -> str:
    s = a.site
    return (
        f'<nav class="breadcrumb" aria-label="breadcrumb"><ol>'
        f'<li><a href="{link(s)}">{e(s.labels["home"])}</a></li>'
        f'<li><a href="{link(s, a.section)}">{e(a.section)}</a></li>'
        f'<li><a href="{link(s, a.section, a.kicker)}">{e(a.kicker)}</a></li>'
        "</ol></nav>"
    )


def share_bar(a: Article, where: str) -> str:
    la = a.site.labels
    buttons = "".join(
        f'<li><a class="share-btn share-btn--{key}" href="{{{{BASE}}}}/share/{key}?u={a.link}" '
        f'rel="noopener" target="_blank" title="{e(la["share"])} : {label}">{svg(path)}'
        f'<span class="visually-hidden">{label}</span></a></li>'
        for key, label, path in SHARE
    )
    return f"""<div class="share-buttons share-buttons--{where}" data-share-url="{a.link}">
  <span class="share-buttons__label">{e(la["share"])}</span>
  <ul class="share-buttons__list">{buttons}
    <li><button type="button" class="share-btn share-btn--copy">{svg("M8 8h12v12H8zM4 4h12v2")}\
<span>{e(la["copy_link"])}</span></button></li>
    <li><button type="button" class="share-btn share-btn--print" onclick="window.print()">\
{svg("M6 9V3h12v6M6 18H4v-7h16v7h-2M8 14h8v7H8z")}<span>{e(la["print"])}</span></button></li>
  </ul>
</div>"""


def read_also_box(a: Article, k: dict[str, str]) -> str:
    s = a.site
    items = "".join(
        f'<li class="read-also__item"><a href="{link(s, a.section, h)}">'
        f'<img src="{{{{BASE}}}}/static/placeholder.svg" alt="" width="96" height="54" '
        f'loading="lazy"><span>{e(h)}</span></a></li>'
        for h in a.read_also
    )
    return (
        f'<aside class="{k["readalso"]} read-also" role="complementary">'
        f'<p class="read-also__title">{e(s.labels["read_also"])}</p>'
        f'<ul class="read-also__list">{items}</ul></aside>'
    )


def article_block(a: Article, k: dict[str, str]) -> str:
    s = a.site
    la = s.labels
    words = sum(len(p.split()) for p in [a.lede, *a.paragraphs])
    body: list[str] = []
    lede = f'<p class="{k["lede"]}" itemprop="description">{e(a.lede)}</p>'
    if k.get("lede_in_body"):
        body.append(f'<p class="{k["lede"]}"><strong>{e(a.lede)}</strong></p>')
        lede = ""
    for i, p in enumerate(a.paragraphs, start=1):
        body.append(f"<p>{e(p)}</p>")
        if i == a.read_also_after and a.read_also:
            body.append(read_also_box(a, k))
        if i == len(a.paragraphs) // 2 + 1:
            body.append(
                f'<div class="ad ad--inread" data-slot="inread-{a.id}" aria-hidden="true">'
                f'<span class="ad__label">{e(la["ad"])}</span></div>'
            )
    updated = ""
    if a.updated:
        updated = (
            f' <span class="updated">{e(la["updated"])} '
            f'<time datetime="{a.updated.isoformat()}">{fmt_date(s, a.updated)}</time></span>'
        )
    tags = "".join(f'<li><a href="{link(s, "tag", t)}" rel="tag">{e(t)}</a></li>' for t in a.tags)
    return f"""<article class="{k["article"]}" itemscope itemtype="https://schema.org/NewsArticle">
  <header class="{k["header"]}">
    <p class="kicker"><a href="{link(s, a.section, a.kicker)}">{e(a.kicker)}</a></p>
    <h1 class="{k["title"]}" itemprop="headline">{e(a.title)}</h1>
    {lede}
    <div class="{k["meta"]}">
      <span class="byline">{e(la["by"])} <a rel="author" href="{link(s, "author", a.author)}" \
itemprop="author">{e(a.author)}</a></span>
      <span class="published">{e(la["published"])} <time datetime="{a.published.isoformat()}" \
itemprop="datePublished">{fmt_date(s, a.published)}</time></span>{updated}
      <span class="reading-time">{max(1, round(words / 200))} {e(la["min_read"])}</span>
    </div>
    {share_bar(a, "top")}
  </header>
  <figure class="article-figure">
    <img src="{{{{BASE}}}}/static/placeholder.svg" alt="{e(a.caption)}" width="1280" height="720">
    <figcaption>{e(a.caption)} <span class="credit">{e(a.credit)}</span></figcaption>
  </figure>
  <div class="{k["body"]}" itemprop="articleBody">
    {chr(10).join("    " + b for b in body).lstrip()}
  </div>
  <footer class="article-footer">
    <div class="article-tags"><span>{e(la["tags"])}</span><ul>{tags}</ul></div>
    {share_bar(a, "bottom")}
  </footer>
</article>"""


def related_block(a: Article, others: list[Article], k: dict[str, str]) -> str:
    s = a.site
    cards = [(o.title, o.link, fmt_date(s, o.published)) for o in others] + [
        (h, link(s, a.section, h), "") for h in s.related
    ]
    items = "".join(
        f'<li class="card"><a href="{href}"><img src="{{{{BASE}}}}/static/placeholder.svg" '
        f'alt="" width="320" height="180" loading="lazy"><h3 class="card__title">{e(t)}</h3>'
        f"</a>{f'<time>{d}</time>' if d else ''}</li>"
        for t, href, d in cards
    )
    return (
        f'<section class="{k["related"]}" aria-labelledby="related-title">'
        f'<h2 id="related-title">{e(s.labels["related"])}</h2><ul class="cards">{items}</ul>'
        "</section>"
    )


def comments_block(a: Article, k: dict[str, str]) -> str:
    s = a.site
    la = s.labels
    if not s.comments_open or not a.comments:
        return ""
    if s.skin == "wp":
        items = "".join(
            f'<li id="comment-{i}" class="comment even thread-even depth-1">'
            f'<article id="div-comment-{i}" class="comment-body">'
            f'<footer class="comment-meta"><div class="comment-author vcard">'
            f'<img class="avatar" src="{{{{BASE}}}}/static/placeholder.svg" alt="" width="48">'
            f'<b class="fn">{e(c["author"])}</b> <span class="says">says:</span></div>'
            f'<div class="comment-metadata"><a href="#comment-{i}"><time datetime="{c["date"]}">'
            f"{c['date'][:10]}</time></a></div></footer>"
            f'<div class="comment-content"><p>{e(c["text"])}</p></div>'
            f'<div class="reply"><a class="comment-reply-link" href="#respond">{la["reply"]}</a>'
            "</div></article></li>"
            for i, c in enumerate(a.comments, start=101)
        )
        return (
            f'<div id="comments" class="{k["comments"]}">'
            f'<h2 class="comments-title">{len(a.comments)} thoughts on “{e(a.title)}”</h2>'
            f'<ol class="comment-list">{items}</ol>'
            '<div id="respond" class="comment-respond">'
            f'<h3 id="reply-title" class="comment-reply-title">{e(la["comment_cta"])}</h3>'
            '<form class="comment-form" action="{{BASE}}/wp-comments-post.php" method="post">'
            '<textarea id="comment" name="comment" rows="6" required></textarea>'
            '<input name="author" type="text"><input name="email" type="email">'
            f'<button type="submit">{e(la["comment_cta"])}</button></form></div></div>'
        )
    items = "".join(
        f'<li class="comment" id="comment-{i}"><div class="comment__header">'
        f'<span class="comment__author">{e(c["author"])}</span> '
        f'<time class="comment__date" datetime="{c["date"]}">{c["date"][:10]}</time></div>'
        f'<p class="comment__text">{e(c["text"])}</p>'
        f'<div class="comment__actions"><button type="button">{e(la["reply"])}</button> '
        f'<button type="button">{e(la["report"])}</button></div></li>'
        for i, c in enumerate(a.comments, start=1)
    )
    return (
        f'<section id="comments" class="{k["comments"]}" aria-label="{e(la["comments"])}">'
        f'<h2 class="comments__title">{e(la["comments"])} ({len(a.comments)})</h2>'
        f'<ol class="comments__list">{items}</ol>'
        f'<form class="comments__form" method="post" action="{link(s, "comments")}">'
        f'<label for="c-text">{e(la["comment_cta"])}</label>'
        '<textarea id="c-text" name="text" rows="4"></textarea>'
        f'<button type="submit">{e(la["comment_cta"])}</button></form></section>'
    )


def sidebar(a: Article, k: dict[str, str]) -> str:
    s = a.site
    la = s.labels
    most = "".join(
        f'<li class="most-read__item"><span class="most-read__rank">{i}</span>'
        f'<a href="{link(s, a.section, t)}">{e(t)}</a></li>'
        for i, t in enumerate(s.most_read, start=1)
    )
    return f"""<aside class="{k["aside"]}" role="complementary">
  <section class="most-read widget"><h2 class="widget-title">{e(la["most_read"])}</h2>
    <ol class="most-read__list">{most}</ol></section>
  <div class="ad ad--sidebar" data-slot="sidebar-1" aria-hidden="true">\
<span class="ad__label">{e(la["ad"])}</span></div>
  <section class="newsletter-box widget"><h2 class="widget-title">{e(la["newsletter"])}</h2>
    <p>{e(s.newsletter)}</p>
    <form class="newsletter-form" action="{link(s, "newsletters", "subscribe")}" method="post">
      <input type="email" name="email" placeholder="{e(la["email_placeholder"])}" required>
      <button type="submit">{e(la["subscribe"])}</button>
    </form></section>
  <div class="ad ad--sidebar" data-slot="sidebar-2" aria-hidden="true">\
<span class="ad__label">{e(la["ad"])}</span></div>
</aside>"""


def site_footer(s: Site) -> str:
    la = s.labels
    cols = "".join(
        f'<div class="site-footer__col"><h2>{e(title)}</h2><ul>'
        + "".join(f'<li><a href="{link(s, "info", x)}">{e(x)}</a></li>' for x in links)
        + "</ul></div>"
        for title, links in s.footer.items()
    )
    social = "".join(
        f'<li><a href="{{{{BASE}}}}/social/{key}" title="{label}">{svg(path)}</a></li>'
        for key, label, path in SHARE[:5]
    )
    countries = "".join(f'<li><a href="{link(s, "pays", c)}">{e(c)}</a></li>' for c in s.submenu)
    return f"""<footer class="site-footer" role="contentinfo">
  <div class="site-footer__columns">{cols}</div>
  <div class="site-footer__sitemap"><ul>{countries}</ul></div>
  <div class="site-footer__social"><span>{e(la["follow"])}</span><ul>{social}</ul></div>
  <p class="site-footer__demo">{e(s.demo_note)}</p>
  <p class="site-footer__copyright">{e(s.copyright)}</p>
</footer>"""


def render_page(a: Article, others: list[Article]) -> str:
    """The full HTML page of ``a``; ``others`` are its feed-mates, shown as related articles."""
    s = a.site
    k = SKINS[s.skin]
    return f"""<!DOCTYPE html>
<html lang="{s.lang}" dir="{s.dir}">
{head(a)}
<body class="page page--article skin-{s.skin}">
<a class="skip-link" href="#main">{e(s.labels["skip"])}</a>
{cookie_banner(s)}
{site_header(a)}
{breadcrumb(a)}
<div id="main" class="page-layout">
<div class="{k["main"]}" role="main">
{article_block(a, k)}
{related_block(a, others, k)}
{comments_block(a, k)}
</div>
{sidebar(a, k)}
</div>
{site_footer(s)}
<script src="{{{{BASE}}}}/static/site.js" defer></script>
</body>
</html>
"""
