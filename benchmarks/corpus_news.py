"""The ``news`` corpus: article pages with the structure of real news sites.

Same text as the ``light`` corpus (``corpus.entry_text``: title, lead, body paragraphs), in
markup shaped like the sites a desk follows (Le Monde, RFI, France 24, Jeune Afrique, Reuters,
a WordPress blog): nested wrapper divs with long class lists and ``data-*`` attributes, inline
SVG icons in the navigation and share buttons, ``<picture>`` with ``<source srcset>``, ad
slots, a hidden mega-menu with many links, a consent dialog with its purposes and vendors,
breadcrumbs with schema.org attributes, paragraphs with inline links and emphasis, a "lire
aussi" box and ad slots inside the text, newsletter and paywall blocks, related-article cards
(image, kicker, title, excerpt), comment threads with nested replies, a sidebar and a footer
of nested lists.

Each template names its classes its own way: ``daily`` in BEM (``article__paragraph``),
``wire`` with hashed CSS-module names and ``data-testid``, ``magazine`` with utility-class
lists (``flex items-center gap-2 md:gap-4 ...``) and a large inline state blob, ``blog`` as a
WordPress page built with a page builder (``elementor-element elementor-element-3fa2c1 ...``,
``data-element_type``).

What a site shares between its pages (head, consent dialog, header and mega-menu, sidebar,
footer, modals) is built once per feed; a page adds its article, cards and comments, all
drawn from its own seeded generator, so a page is a pure function of ``(seed, feed, entry)``.
Calibrated so that watchdesk's ``extract_page`` costs about what it costs on real news pages
on the development machine (see README.md).
"""

from __future__ import annotations

import functools
import hashlib
import html
import random
from typing import Any

import corpus

MAX_BYTES = 200 * 1024  # pages are trimmed to this (a few magazine and blog pages would pass it)

# Per-template amounts (calibrated; see README.md).
SHAPE: dict[str, dict[str, Any]] = {
    "daily":    dict(menu=10, links=(4, 8), vendors=30, cards=(10, 14), comments=(0, 12),
                     foot=(5, 10), side=12, depth=4),
    "wire":     dict(menu=5, links=(3, 5), vendors=8, cards=(6, 9), comments=(0, 0),
                     foot=(3, 6), side=6, depth=5),
    "magazine": dict(menu=10, links=(5, 9), vendors=40, cards=(10, 14), comments=(0, 4),
                     foot=(5, 10), side=8, depth=5),
    "blog":     dict(menu=6, links=(3, 5), vendors=10, cards=(4, 8), comments=(3, 10),
                     foot=(3, 6), side=15, depth=6),
}

TW = ("flex", "flex-col", "items-center", "justify-between", "gap-2", "gap-4", "md:gap-6",
      "px-4", "py-2", "md:px-8", "lg:px-12", "mx-auto", "max-w-screen-xl", "relative",
      "w-full", "text-sm", "md:text-base", "font-semibold", "leading-tight", "text-gray-900",
      "dark:text-gray-100", "bg-white", "dark:bg-neutral-900", "border-b", "border-gray-200",
      "transition-colors", "duration-200", "hover:text-red-700", "focus:outline-none",
      "focus-visible:ring-2", "rounded-md", "overflow-hidden", "shrink-0", "grid",
      "grid-cols-1", "md:grid-cols-2", "lg:grid-cols-4", "space-y-3", "tracking-wide",
      "uppercase", "line-clamp-3", "aspect-video", "object-cover", "z-10", "sticky", "top-0")
ICONS = {
    "facebook": "M22 12a10 10 0 1 0-11.6 9.9v-7H7.9V12h2.5V9.8c0-2.5 1.5-3.9 3.8-3.9 1.1 0 2.2.2 "
                "2.2.2v2.5h-1.3c-1.2 0-1.6.8-1.6 1.6V12h2.8l-.4 2.9h-2.3v7A10 10 0 0 0 22 12z",
    "x": "M18.2 2.3h3.4l-7.4 8.4 8.7 11.5h-6.8l-5.3-7-6.1 7H1.3l7.9-9L.9 2.3h7l4.8 6.4 "
         "5.5-6.4zm-1.2 17.9h1.9L7 4.2H5l12 16z",
    "whatsapp": "M17.5 14.4c-.3-.1-1.8-.9-2-1-.3-.1-.5-.1-.7.1-.2.3-.8 1-.9 1.2-.2.2-.3.2-.6.1"
                "-.3-.1-1.2-.5-2.4-1.5-.9-.8-1.5-1.8-1.6-2.1-.2-.3 0-.5.1-.6l.4-.5.3-.5v-.5l-.9"
                "-2.2c-.2-.6-.5-.5-.7-.5h-.6c-.2 0-.5.1-.8.4-.3.3-1 1-1 2.5s1.1 2.9 1.2 3.1",
    "mail": "M20 4H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm0 4-8 5"
            "-8-5V6l8 5 8-5v2z",
    "link": "M3.9 12a3.1 3.1 0 0 1 3.1-3.1h4V7H7a5 5 0 0 0 0 10h4v-1.9H7A3.1 3.1 0 0 1 3.9 12z"
            "M8 13h8v-2H8v2zm9-6h-4v1.9h4a3.1 3.1 0 0 1 0 6.2h-4V17h4a5 5 0 0 0 0-10z",
    "bookmark": "M17 3H7a2 2 0 0 0-2 2v16l7-3 7 3V5a2 2 0 0 0-2-2z",
    "search": "M15.5 14h-.8l-.3-.3A6.5 6.5 0 1 0 14 15.5l.3.3v.8l5 5 1.5-1.5-5-5zm-6 0a4.5 4.5 0"
              " 1 1 0-9 4.5 4.5 0 0 1 0 9z",
    "menu": "M3 18h18v-2H3v2zm0-5h18v-2H3v2zm0-7v2h18V6H3z",
    "user": "M12 12a4 4 0 1 0-4-4 4 4 0 0 0 4 4zm0 2c-2.7 0-8 1.3-8 4v2h16v-2c0-2.7-5.3-4-8-4z",
    "chevron": "M10 6 8.6 7.4 13.2 12l-4.6 4.6L10 18l6-6z",
    "clock": "M12 2a10 10 0 1 0 10 10A10 10 0 0 0 12 2zm4.2 14.2L11 13V7h1.5v5.2l4.5 2.7z",
    "heart": "M12 21.4 10.6 20C5.4 15.4 2 12.3 2 8.5 2 5.4 4.4 3 7.5 3c1.7 0 3.4.8 4.5 2.1C13.1"
             " 3.8 14.8 3 16.5 3 19.6 3 22 5.4 22 8.5c0 3.8-3.4 6.9-8.6 11.5z",
    "reply": "M10 9V5l-7 7 7 7v-4.1c5 0 8.5 1.6 11 5.1-1-5-4-10-11-11z",
    "play": "M8 5v14l11-7z",
}


def _svg(name: str, cls: str = "icon", full: bool = False) -> str:
    """An icon: a reference into the page's sprite, or the whole path (``full``)."""
    if not full:
        return (f'<svg class="{cls} {cls}--{name}" aria-hidden="true" focusable="false">'
                f'<use href="#i-{name}"></use></svg>')
    return (f'<svg class="{cls} {cls}--{name}" width="24" height="24" viewBox="0 0 24 24" '
            f'aria-hidden="true" focusable="false" fill="currentColor"><title>{name}</title>'
            f'<path d="{ICONS[name]}"></path></svg>')


SPRITE = ('<svg xmlns="http://www.w3.org/2000/svg" style="display:none">' + "".join(
    f'<symbol id="i-{n}" viewBox="0 0 24 24"><path d="{d}"></path></symbol>'
    for n, d in ICONS.items()) + "</svg>")


def _h(*parts: object) -> str:
    return hashlib.blake2s("/".join(map(str, parts)).encode(), digest_size=4).hexdigest()


class Kit:
    """One site's naming conventions: class lists and data attributes for each role."""

    def __init__(self, seed: int, feed: int, template: str) -> None:
        self.template = template
        self.feed = feed
        self.salt = f"{seed}-{feed}"
        self._cache: dict[str, str] = {}

    def c(self, role: str) -> str:
        """``class="..." data-...`` for an element playing ``role`` on this site."""
        got = self._cache.get(role)
        if got is not None:
            return got
        rng = random.Random(f"{self.salt}-{role}")
        block, _, elem = role.partition(".")
        elem = elem or "root"
        t = self.template
        if t == "daily":
            mods = " ".join(f"{block}__{elem}--{m}" for m in
                            rng.sample(("large", "light", "sticky", "v2", "grid", "inline",
                                        "mobile", "desktop", "premium", "dark"),
                                       rng.randint(0, 2)))
            js = f" js-{block}-{elem}" if rng.random() < 0.3 else ""
            cls = f"{block}__{elem} {mods}{js}".replace("  ", " ").strip()
            data = f' data-zone="{block}"' if rng.random() < 0.4 else ""
        elif t == "wire":
            cls = " ".join([f"{block}-{elem}__{elem}__{_h(self.salt, role)[:5]}"]
                           + [f"{m}__{m}-{x}__{_h(m, x)[:5]}" for m, x in
                              rng.sample((("text", "dark-grey"), ("text", "regular"),
                                          ("text", "medium"), ("layout", "full-width"),
                                          ("spacing", "top-md"), ("body", "default"),
                                          ("color", "ink"), ("grid", "col-8")),
                                         rng.randint(1, 3))])
            data = f' data-testid="{block.title()}{elem.title()}"'
        elif t == "magazine":
            cls = f"{block}-{elem} " + " ".join(rng.sample(TW, rng.randint(4, 9)))
            data = (f' data-component="{block}" data-variant="{rng.choice(("a", "b", "c"))}"'
                    if rng.random() < 0.5 else "")
        else:
            eid = _h(self.salt, role)[:7]
            cls = f"elementor-element elementor-element-{eid} {block}-{elem}"
            data = f' data-id="{eid}" data-element_type="widget"'
        out = f'class="{cls}"{data}'
        self._cache[role] = out
        return out

    def wrap(self, role: str, inner: str, depth: int, tag: str = "div") -> str:
        """``inner`` inside ``depth`` nested wrappers (the page builder's div soup)."""
        if self.template == "blog":
            opens = [f'<section class="elementor-section elementor-top-section '
                     f'elementor-element elementor-element-{_h(self.salt, role, "s")[:7]} '
                     f'elementor-section-boxed elementor-section-height-default" '
                     f'data-id="{_h(self.salt, role, "s")[:7]}" data-element_type="section">',
                     '<div class="elementor-container elementor-column-gap-default">',
                     f'<div class="elementor-column elementor-col-100 elementor-top-column '
                     f'elementor-element elementor-element-{_h(self.salt, role, "c")[:7]}" '
                     f'data-element_type="column">',
                     '<div class="elementor-widget-wrap elementor-element-populated">']
            closes = ["</div>", "</div>", "</div>", "</section>"]
            opens, closes = opens[:depth], closes[len(closes) - min(depth, 4):]
            extra = max(0, depth - 4)
        else:
            opens, closes, extra = [], [], depth
        for k in range(extra):
            opens.append(f'<{tag} {self.c(f"{role}.wrap{k}")}>')
            closes.insert(0, f"</{tag}>")
        return "".join(opens) + inner + "".join(closes)


@functools.lru_cache(maxsize=1024)
def _kit(seed: int, feed: int) -> Kit:
    return Kit(seed, feed, corpus.site(seed, feed).template)


def _picture(kit: Kit, role: str, path: str, alt: str, lazy: bool = True) -> str:
    base = f"https://img.bench.invalid/{path}"
    widths = (320, 664, 1328) if lazy else (320, 480, 664, 960, 1328)
    avif = "" if lazy else (
        '<source type="image/avif" srcset="'
        + ", ".join(f"{base}_{w}.avif {w}w" for w in widths)
        + '" sizes="(min-width: 1024px) 664px, 100vw">')
    srcset_w = ", ".join(f"{base}_{w}.webp {w}w" for w in widths)
    load = ' loading="lazy" decoding="async"' if lazy else ' fetchpriority="high"'
    return (f'<picture>{avif}<source type="image/webp" srcset="{srcset_w}" '
            f'sizes="(min-width: 1024px) 664px, 100vw"><img src="{base}_664.jpg" '
            f'alt="{html.escape(alt)}" width="664" height="374"{load} '
            f'{kit.c(role + ".img")}></picture>')


def _link(kit: Kit, role: str, href: str, text: str, icon: str = "") -> str:
    return (f'<a href="{href}" {kit.c(role)}>{_svg(icon) if icon else ""}'
            f'<span>{html.escape(text)}</span></a>')


# what a site shares between its pages -------------------------------------------------------

@functools.lru_cache(maxsize=1024)
def chrome(seed: int, feed: int) -> tuple[str, str, str, str, str]:
    """Head (styles, scripts), top of the body (consent, header, mega-menu), sidebar, footer
    and the closing modals of one site."""
    s = corpus.site(seed, feed)
    kit = Kit(seed, feed, s.template)
    shape = SHAPE[s.template]
    rng = random.Random(f"{seed}-news-chrome-{feed}")
    fr = s.lang == "fr"
    sections = corpus.SECTIONS_FR if fr else corpus.SECTIONS_EN
    places = corpus.PLACES_FR if fr else corpus.PLACES_EN
    pool = corpus.paragraphs(seed, s.lang)
    name = f"{'Le Quotidien' if fr else 'The Daily'} {feed}"

    css = "".join(f".s{_h(feed, i)}"
                  f"{{margin:{i % 9}px;padding:{i % 7}px {i % 5}px;"
                  f"color:#{(i * 2654435761) % 0xFFFFFF:06x}}}"
                  for i in range(rng.randint(30, 90)))
    js = corpus._js_blobs(seed)
    head_static = (
        '<link rel="preconnect" href="https://img.bench.invalid">'
        '<link rel="dns-prefetch" href="https://ads.bench.invalid">'
        + "".join(f'<link rel="preload" as="font" type="font/woff2" crossorigin '
                  f'href="/fonts/{f}.woff2">' for f in ("serif-regular", "serif-bold",
                                                        "sans-regular", "sans-bold"))
        + f'<link rel="stylesheet" href="/assets/main.{_h(seed, feed)}.css">'
        f'<style>{css}</style>'
        f'<script>window.dataLayer=window.dataLayer||[];window.__CONSENT__={{"v":2,"site":'
        f'{feed}}};{js[feed % len(js)][:1500]}</script>'
        '<script async src="https://ads.bench.invalid/gpt.js"></script>')

    # consent dialog: notice, purposes, a hidden list of vendors
    purposes = "".join(
        f'<li {kit.c("consent.purpose")}><div {kit.c("consent.purpose-head")}>'
        f'<span {kit.c("consent.purpose-title")}>{"Finalité" if fr else "Purpose"} {k}</span>'
        f'<label class="switch"><input type="checkbox" name="p{k}"><span class="slider">'
        f'</span></label></div><p {kit.c("consent.purpose-text")}>'
        f'{html.escape(pool[rng.randrange(len(pool))][:140])}</p></li>' for k in range(6))
    vendors = "".join(
        f'<li {kit.c("consent.vendor")}><span>Vendor {_h(seed, v)}</span>'
        f'<a href="https://vendor{v}.bench.invalid/privacy">{"Politique" if fr else "Policy"}'
        f'</a><label class="switch"><input type="checkbox" name="v{v}"></label></li>'
        for v in range(shape["vendors"]))
    consent = (
        f'<div id="consent-host" {kit.c("consent.host")} role="dialog" aria-modal="true" '
        f'aria-labelledby="consent-title"><div {kit.c("consent.popup")}><div '
        f'{kit.c("consent.notice")}><h2 id="consent-title">'
        f'{"Vos choix concernant les cookies" if fr else "Your privacy choices"}</h2><p>'
        + ("Avec nos partenaires, nous utilisons des cookies." if fr
           else "We and our partners use cookies.") +
        f'</p><div {kit.c("consent.buttons")}><button {kit.c("consent.agree")}><span>'
        f'{"Accepter" if fr else "Accept"}</span></button><button {kit.c("consent.refuse")}>'
        f'<span>{"Refuser" if fr else "Reject"}</span></button><button '
        f'{kit.c("consent.more")}><span>{"Paramétrer" if fr else "Settings"}</span></button>'
        f'</div></div><div {kit.c("consent.panel")} style="display:none"><ul>{purposes}</ul>'
        f'<ul {kit.c("consent.vendors")}>{vendors}</ul></div></div></div>')

    # header with a hidden mega-menu
    lo, hi = shape["links"]
    menu = []
    for i, sec in enumerate(sections[:shape["menu"]]):
        slug = sec.lower().replace(" ", "-")
        cols = "".join(
            f'<div {kit.c("mega.col")}><p {kit.c("mega.col-title")}>{html.escape(sec)} {c}'
            f'</p><ul {kit.c("mega.list")}>' + "".join(
                f'<li>'
                f'<a href="/{slug}/{c}-{k}">{html.escape(rng.choice(places))}</a></li>'
                for k in range(rng.randint(lo, hi))) + "</ul></div>"
            for c in range(2))
        teaser = (f'<div {kit.c("mega.teaser")}>{_picture(kit, "mega", f"menu/{feed}-{i}", sec)}'
                  f'<a href="/{slug}/une" {kit.c("mega.teaser-title")}>'
                  f'{html.escape(pool[rng.randrange(len(pool))][:70])}</a></div>')
        menu.append(
            f'<li {kit.c("nav.item")} data-menu="{slug}"><a href="/{slug}/" '
            f'{kit.c("nav.link")} aria-expanded="false"><span>{html.escape(sec)}</span>'
            f'{_svg("chevron")}</a><div {kit.c("mega.panel")} aria-hidden="true" '
            f'style="display:none"><div {kit.c("mega.inner")}>{cols}{teaser}</div></div></li>')
    top = "".join(_link(kit, "top.link", f"/{k}", text, icon) for k, (text, icon) in enumerate((
        ("S'abonner" if fr else "Subscribe", "bookmark"), ("Se connecter" if fr else "Log in",
                                                           "user"),
        ("Newsletters", "mail"), ("Recherche" if fr else "Search", "search"))))
    header = (
        f'<a class="skip-link" href="#main">{"Aller au contenu" if fr else "Skip to content"}'
        f'</a>{SPRITE}{consent}<header {kit.c("header.root")} role="banner">'
        + kit.wrap("header", f'<div {kit.c("header.top")}><button {kit.c("header.burger")} '
                   f'aria-label="menu">{_svg("menu")}</button><a href="/" {kit.c("header.logo")}'
                   f'>{_svg("play", "logo")}<span>{html.escape(name)}</span></a>'
                   f'<div {kit.c("header.actions")}>{top}</div></div>'
                   f'<nav {kit.c("nav.root")} aria-label="principal"><ul {kit.c("nav.list")}>'
                   f'{"".join(menu)}</ul></nav>', shape["depth"] - 2)
        + f'<div {kit.c("search.overlay")} hidden><form action="/recherche" role="search">'
        f'<input type="search" name="q"><button>{_svg("search")}</button></form></div></header>')

    # sidebar: most read, a box of teasers, an ad
    side = ""
    if shape["side"]:
        most = "".join(
            f'<li {kit.c("mostread.item")}><span {kit.c("mostread.rank")}>{k + 1}</span>'
            f'<a href="/p/{rng.randint(1, 99999)}" {kit.c("mostread.link")}>'
            f'{html.escape(pool[rng.randrange(len(pool))][:80])}</a></li>'
            for k in range(shape["side"]))
        side = (f'<aside {kit.c("sidebar.root")}>' + kit.wrap(
            "sidebar", f'<section {kit.c("mostread.root")}><h2 {kit.c("mostread.title")}>'
            f'{"Les plus lus" if fr else "Most read"}</h2><ol {kit.c("mostread.list")}>{most}'
            f'</ol></section><div {kit.c("ad.sticky")} data-ad-slot="side-{feed}" '
            f'data-ad-format="300x600"><div id="gpt-side-{feed}"></div><span>'
            f'{"Publicité" if fr else "Advertisement"}</span></div>', 2) + "</aside>")

    # footer: columns of nested lists, apps, social icons, legal
    flo, fhi = shape["foot"]
    cols = "".join(
        f'<div {kit.c("footer.col")}><h3 {kit.c("footer.col-title")}>{html.escape(sec)}</h3>'
        f'<ul {kit.c("footer.list")}>' + "".join(
            f'<li {kit.c("footer.item")}><a href="/{sec.lower().replace(" ", "-")}/{k}" '
            f'{kit.c("footer.link")}>{html.escape(rng.choice(places))}</a></li>'
            for k in range(rng.randint(flo, fhi))) + "</ul></div>"
        for sec in rng.sample(sections, min(len(sections), 3 + shape["menu"] // 3)))
    social = "".join(f'<li><a href="https://{n}.bench.invalid/site{feed}" aria-label="{n}">'
                     f'{_svg(n, full=True)}</a></li>'
                     for n in ("facebook", "x", "whatsapp", "mail"))
    legal = "".join(f'<li><a href="/legal/{k}">{t}</a></li>' for k, t in enumerate(
        ("Mentions légales", "Confidentialité", "Cookies", "CGU", "Contact", "Plan du site",
         "Accessibilité", "Publicité") if fr else
        ("Legal", "Privacy", "Cookies", "Terms", "Contact", "Site map", "Accessibility",
         "Advertise")))
    footer = (
        f'<footer {kit.c("footer.root")} role="contentinfo">' + kit.wrap(
            "footer", f'<div {kit.c("footer.columns")}>{cols}</div>'
            f'<div {kit.c("footer.apps")}><a href="/app/ios"><img src="/img/appstore.svg" '
            f'alt="App Store" width="120" height="40"></a><a href="/app/android"><img '
            f'src="/img/play.svg" alt="Google Play" width="135" height="40"></a></div>'
            f'<ul {kit.c("footer.social")}>{social}</ul><ul {kit.c("footer.legal")}>{legal}'
            f'</ul><p {kit.c("footer.copy")}>© 2024 {html.escape(name)}</p>',
            shape["depth"] - 2) + "</footer>")
    modals = (
        f'<div {kit.c("modal.login")} role="dialog" aria-hidden="true" style="display:none">'
        f'<form action="/login" method="post"><label>Email<input type="email" name="e">'
        f'</label><label>{"Mot de passe" if fr else "Password"}<input type="password" '
        f'name="p"></label><button type="submit">OK</button></form></div>'
        f'<script>{js[(feed + 3) % len(js)][:2500]}</script>')
    return head_static, header, side, footer, modals


# what a page adds ---------------------------------------------------------------------------

def _inline(rng: random.Random, text: str, feed: int) -> str:
    """A paragraph with a few words wrapped in links, <em> or <strong> (text unchanged)."""
    words = text.split(" ")
    spans: list[tuple[int, int, str]] = []
    for _ in range(rng.randint(0, 3)):
        i = rng.randrange(len(words))
        j = min(len(words), i + rng.randint(1, 4))
        if all(j <= a or i >= b for a, b, _ in spans):
            spans.append((i, j, rng.choice(("a", "a", "em", "strong"))))
    out, pos = [], 0
    for i, j, tag in sorted(spans):
        out.append(html.escape(" ".join(words[pos:i])))
        inner = html.escape(" ".join(words[i:j]))
        if tag == "a":
            out.append(f'<a href="/a/{feed}/{rng.randint(0, 9999)}.html" '
                       f'data-link-type="inline">{inner}</a>')
        else:
            out.append(f"<{tag}>{inner}</{tag}>")
        pos = j
    out.append(html.escape(" ".join(words[pos:])))
    return " ".join(x for x in out if x)


def _card(kit: Kit, rng: random.Random, seed: int, feed: int, pool: tuple[str, ...],
          sections: tuple[str, ...], role: str = "card") -> str:
    n = rng.randint(0, 9999)
    title = pool[rng.randrange(len(pool))][:rng.randint(60, 110)]
    return (f'<article {kit.c(role + ".root")}><a href="/a/{feed}/{n}.html" '
            f'{kit.c(role + ".link")}><div {kit.c(role + ".media")}>'
            f'{_picture(kit, role, f"{feed}/{n}", title)}</div><div {kit.c(role + ".body")}>'
            f'<span {kit.c(role + ".kicker")}>{html.escape(rng.choice(sections))}</span>'
            f'<h3 {kit.c(role + ".title")}>{html.escape(title)}</h3>'
            f'<p {kit.c(role + ".excerpt")}>{html.escape(pool[rng.randrange(len(pool))][:150])}'
            f'</p><div {kit.c(role + ".meta")}>{_svg("clock")}<time datetime="2024-01-0'
            f'{rng.randint(1, 9)}">{rng.randint(1, 23)} h</time><span>{rng.randint(2, 12)} min'
            f'</span></div></div></a></article>')


def _comments(kit: Kit, rng: random.Random, n: int, fr: bool, when: str) -> list[str]:
    """``n`` threads of comments (each with its nested replies)."""
    lines = corpus.FR_COMMENTS if fr else corpus.EN_COMMENTS

    def one(depth: int) -> str:
        replies = ""
        if depth < 3 and rng.random() < 0.35:
            replies = (f'<ol {kit.c("comment.children")}>'
                       + "".join(one(depth + 1) for _ in range(rng.randint(1, 3))) + "</ol>")
        uid = rng.randint(1, 99999)
        return (f'<li {kit.c("comment.item")} id="comment-{uid}"><article '
                f'{kit.c("comment.root")}><header {kit.c("comment.head")}>'
                f'<img src="/avatars/{uid % 50}.png" alt="" width="40" height="40" '
                f'{kit.c("comment.avatar")}><span {kit.c("comment.author")}>user{uid}</span>'
                f'<a href="#comment-{uid}" {kit.c("comment.date")}><time>{when}</time></a>'
                f'</header><div {kit.c("comment.content")}><p>'
                f'{" ".join(rng.choice(lines) for _ in range(rng.randint(1, 4)))}</p></div>'
                f'<footer {kit.c("comment.actions")}><button {kit.c("comment.like")}>'
                f'{_svg("heart")}<span>{rng.randint(0, 99)}</span></button><button '
                f'{kit.c("comment.reply")}>{_svg("reply")}<span>'
                f'{"Répondre" if fr else "Reply"}</span></button><button '
                f'{kit.c("comment.report")}><span>{"Signaler" if fr else "Report"}</span>'
                f'</button></footer></article>{replies}</li>')

    return [one(0) for _ in range(n)]


def _comment_section(kit: Kit, n: int, fr: bool, threads: list[str]) -> str:
    items = "".join(threads)
    return (f'<section id="comments" class="comments-area"><h2>{n} '
            f'{"commentaires" if fr else "comments"}</h2><form '
            f'{kit.c("comments.form")}><textarea name="c"></textarea><button>'
            f'{"Publier" if fr else "Post"}</button></form><ol class="comment-list">{items}'
            f'</ol></section>')


def page(seed: int, feed: int, entry: int) -> bytes:
    s = corpus.site(seed, feed)
    kit = _kit(seed, feed)
    shape = SHAPE[s.template]
    rng = random.Random(f"{seed}-news-{feed}-{entry}")
    title, lead, body = corpus.entry_text(seed, feed, entry)
    head_static, header, side, footer, modals = chrome(seed, feed)
    fr = s.lang == "fr"
    pool = corpus.paragraphs(seed, s.lang)
    sections = corpus.SECTIONS_FR if fr else corpus.SECTIONS_EN
    places = corpus.PLACES_FR if fr else corpus.PLACES_EN
    ts = corpus.entry_date(feed, entry)
    iso = corpus._iso(ts)
    when = iso.replace("T", " ")[:16]
    author = rng.choice(("Rédaction", "AFP", "Marie Dupont", "Karim Ben Salah", "J. Smith",
                         "Amina Diallo", "Staff reporter"))
    t = html.escape(title)
    url = f"https://site{feed}.bench.invalid/a/{feed}/{entry}.html"
    tags = [rng.choice(places) for _ in range(rng.randint(3, 8))]
    js = corpus._js_blobs(seed)
    n_state = {"daily": 0, "wire": 0, "magazine": rng.randint(1, 2), "blog": 0}[s.template]
    state = [js[(entry + k) % len(js)][:rng.randint(4000, 14000)] for k in range(n_state)]
    head = (
        f'<!DOCTYPE html><html lang="{s.lang}" class="no-js"><head><meta charset="utf-8">'
        f'<title>{t} | Site {feed}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="description" content="{html.escape(lead[:200])}">'
        f'<meta name="robots" content="max-image-preview:large">'
        f'<meta property="og:title" content="{t}"><meta property="og:type" content="article">'
        f'<meta property="og:url" content="{url}"><meta property="og:image" '
        f'content="https://img.bench.invalid/{feed}/{entry}_1200.jpg">'
        f'<meta property="og:site_name" content="Site {feed}"><meta name="twitter:card" '
        f'content="summary_large_image"><meta name="twitter:title" content="{t}">'
        f'<meta name="author" content="{html.escape(author)}">'
        f'<meta property="article:published_time" content="{iso}">'
        f'<meta property="article:section" content="{html.escape(rng.choice(sections))}">'
        + "".join(f'<meta property="article:tag" content="{html.escape(x)}">' for x in tags)
        + f'<link rel="canonical" href="{url}"><link rel="amphtml" href="{url}?amp">'
        f'{head_static}<script type="application/ld+json">{{"@context":"https://schema.org",'
        f'"@type":"NewsArticle","headline":"{t}","datePublished":"{iso}","dateModified":'
        f'"{iso}","author":[{{"@type":"Person","name":"{html.escape(author)}"}}],'
        f'"publisher":{{"@type":"Organization","name":"Site {feed}"}},"isAccessibleForFree":'
        f'{"false" if entry % 3 == 0 else "true"}}}</script>')

    crumbs = "".join(
        f'<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem" '
        f'{kit.c("breadcrumb.item")}><a itemprop="item" href="/{k}/"><span itemprop="name">'
        f'{html.escape(x)}</span></a>{_svg("chevron")}<meta itemprop="position" '
        f'content="{k + 1}"></li>'
        for k, x in enumerate(("Accueil" if fr else "Home", rng.choice(sections),
                               rng.choice(places))))
    share = "".join(
        f'<li {kit.c("share.item")}><button {kit.c("share.button")} data-share="{n}" '
        f'aria-label="{n}">{_svg(n, full=True)}<span {kit.c("share.label")}>{n.title()}'
        f'</span></button>'
        f'</li>' for n in ("facebook", "x", "whatsapp", "mail", "link", "bookmark"))
    share = f'<ul {kit.c("share.list")}>{share}</ul>'
    figure = (f'<figure {kit.c("article.figure")}>'
              + kit.wrap("figure", _picture(kit, "article", f"{feed}/{entry}", title, False), 2)
              + f'<figcaption {kit.c("article.caption")}><span>'
              f'{html.escape(corpus._sentence(rng, s.lang))}</span><span '
              f'{kit.c("article.credit")}>© AFP</span></figcaption></figure>')
    byline = (f'<div {kit.c("meta.root")}><div {kit.c("meta.authors")}>'
              f'<img src="/authors/{_h(author)}.jpg" alt="" width="48" height="48" '
              f'{kit.c("meta.avatar")}><span>{"Par" if fr else "By"} </span>'
              f'<a href="/auteur/{_h(author)}" rel="author" {kit.c("meta.author")}>'
              f'{html.escape(author)}</a></div><div {kit.c("meta.dates")}>'
              f'<time datetime="{iso}" {kit.c("meta.date")}>{when}</time>'
              f'<span {kit.c("meta.reading")}>{_svg("clock")}{rng.randint(2, 9)} min</span>'
              f'</div>{share}</div>')

    def ad(k: int) -> str:
        return (f'<div {kit.c("ad.inread")} data-ad-slot="inread-{k}" data-ad-format="fluid" '
                f'data-targeting=\'{{"pos":"{k}","section":"{s.template}"}}\'><div '
                f'{kit.c("ad.inner")}><div id="gpt-ad-{feed}-{entry}-{k}" '
                f'{kit.c("ad.container")}></div></div><p {kit.c("ad.label")}>'
                f'{"Publicité" if fr else "Advertisement"}</p></div>')

    paras = []
    for k, p in enumerate(body):
        paras.append(f'<p {kit.c("article.paragraph")}>{_inline(rng, p, feed)}</p>')
        if k == 1 and s.template != "wire":
            n = rng.randint(0, 9999)
            rel = pool[rng.randrange(len(pool))][:90]
            paras.append(
                f'<section {kit.c("readalso.root")} data-tracking="lire-aussi">'
                f'<span {kit.c("readalso.label")}>{"Lire aussi" if fr else "Read also"}'
                f'</span><a href="/a/{feed}/{n}.html" {kit.c("readalso.link")}>'
                f'{_picture(kit, "readalso", f"{feed}/{n}", rel)}<span>{html.escape(rel)}'
                f'</span></a></section>')
        if k in (2, 6, 10):
            paras.append(ad(k))
        if k == 4 and rng.random() < 0.5:
            paras.append(
                f'<div {kit.c("newsletter.inline")}><div {kit.c("newsletter.inner")}>'
                f'{_svg("mail")}<p {kit.c("newsletter.title")}>Newsletter '
                f'{html.escape(rng.choice(sections))}</p><form {kit.c("newsletter.form")}>'
                f'<input type="email" placeholder="email"><button>'
                f'{"Je m’inscris" if fr else "Sign up"}</button></form></div></div>')
        if k == 5 and rng.random() < 0.4:
            quote = html.escape(corpus._sentence(rng, s.lang))
            paras.append(f"<blockquote><p>« {quote} »</p></blockquote>")
    paywall = ""
    if entry % 3 == 0 and s.template in ("daily", "magazine"):
        perks = "".join(f'<li {kit.c("paywall.perk")}>{_svg("chevron")}<span>{x}</span></li>'
                        for x in (("Tous les articles", "L’édition du soir", "Les archives",
                                   "Sans publicité") if fr else
                                  ("Every article", "The evening edition", "The archive",
                                   "No ads")))
        paywall = (f'<div {kit.c("paywall.root")} data-paywall="soft"><div '
                   f'{kit.c("paywall.box")}><p {kit.c("paywall.title")}>'
                   f'{"Cet article vous est offert" if fr else "This article is free to read"}'
                   f'</p><ul {kit.c("paywall.perks")}>{perks}</ul><a href="/abonnement" '
                   f'{kit.c("paywall.cta")}>{"S’abonner" if fr else "Subscribe"}</a></div>'
                   f'</div>')
    body_html = kit.wrap("content", "".join(paras), 1)
    taglist = "".join(f'<li {kit.c("tags.item")}><a href="/tag/{k}" {kit.c("tags.link")}>'
                      f'{html.escape(x)}</a></li>' for k, x in enumerate(tags))
    bio = (f'<div {kit.c("authorbox.root")}><img src="/authors/{_h(author)}.jpg" alt="" '
           f'width="96" height="96"><div><p {kit.c("authorbox.name")}>{html.escape(author)}</p>'
           f'<a href="/auteur/{_h(author)}">{"Tous ses articles" if fr else "All articles"}'
           f'</a></div></div>')
    article = (
        f'<article {kit.c("article.root")} itemscope itemtype="https://schema.org/NewsArticle">'
        + kit.wrap("article", (
            f'<nav {kit.c("breadcrumb.root")} aria-label="fil d’Ariane"><ol itemscope '
            f'itemtype="https://schema.org/BreadcrumbList">{crumbs}</ol></nav>'
            f'<header {kit.c("article.header")}><span {kit.c("article.kicker")}>'
            f'{html.escape(rng.choice(sections))}</span><h1 {kit.c("article.title")} '
            f'itemprop="headline">{t}</h1><p {kit.c("article.lead")} itemprop="description">'
            f'{html.escape(lead)}</p>{byline}</header>{figure}'
            f'<div class="article__content article-body" itemprop="articleBody">'
            f'{body_html}</div>{paywall}<ul {kit.c("tags.list")}>{taglist}</ul>{bio}'), 1)
        + "</article>")
    lo, hi = shape["cards"]
    cards = "".join(_card(kit, rng, seed, feed, pool, sections) for _ in range(rng.randint(lo, hi)))
    related = (f'<section {kit.c("related.root")}><h2 {kit.c("related.title")}>'
               f'{"Sur le même sujet" if fr else "More on this story"}</h2>'
               + kit.wrap("related", f'<div {kit.c("related.grid")}>{cards}</div>', 2)
               + "</section>")
    clo, chi = shape["comments"]
    n_comments = rng.randint(clo, chi)
    threads = _comments(kit, rng, n_comments, fr, when)

    def build() -> bytes:
        scripts = "".join(f'<script id="__STATE_{k}__" type="application/json">{x}</script>'
                          for k, x in enumerate(state))
        comments = _comment_section(kit, n_comments, fr, threads) if n_comments else ""
        main = (f'<main id="main" {kit.c("layout.main")}>'
                + kit.wrap("layout", f'<div {kit.c("layout.column")}>{article}{related}'
                           f'{comments}</div>{side}', shape["depth"] - 3)
                + "</main>")
        return (f'{head}{scripts}</head><body class="{s.template} single single-post '
                f'postid-{entry} lang-{s.lang}">{header}{main}{footer}{modals}</body></html>'
                ).encode()

    doc = build()
    while len(doc) > MAX_BYTES and (state or threads):
        # too big: a shorter state blob, else fewer comment threads shown (the heading still
        # counts them all, as on sites that page their comments)
        over = len(doc) - MAX_BYTES
        if state:
            state[-1] = state[-1][:max(0, len(state[-1]) - over - 64)]
            if not state[-1]:
                state.pop()
        else:
            threads.pop()
        doc = build()
    return doc
