"""The benchmark's synthetic news sites: feeds and article pages, deterministic from a seed.

Every page is a pure function of ``(seed, feed, entry)``, so the farm, the extraction-limit
measurement and the baseline all see the same bytes without storing 20,000 pages.

Text: French and English sentences built from a vocabulary of the desk's beat (places,
people, organisations) and ordinary newsroom phrasing. A pool of paragraphs is generated once
per seed; a page picks its paragraphs from the pool with its own seeded generator.

Pages come in two corpora (``CORPORA``) with the same text: ``news`` (the default, see
``corpus_news``) has the structure of real news pages and costs extraction what real pages
cost; ``light``, described below, is the earlier flat markup, kept selectable.

Pages (``light``): four site templates, like the sites a desk follows:

- ``daily``: a national daily: big mega-menu, breadcrumb, "lire aussi" boxes inside the text,
  related articles, a comment thread, a long footer (40-120 KB);
- ``wire``: a news agency: lean, little navigation, no comments (20-45 KB);
- ``magazine``: a JavaScript-heavy site: inline state blobs and analytics, teasers
  everywhere (90-200 KB);
- ``blog``: a WordPress-style blog with a sidebar and a long comment thread (30-110 KB).

Feeds: RSS 2.0 (most), Atom (one feed in five), and one RSS feed in five carries the full text
in ``content:encoded`` as some publishers do. A feed lists its newest ``window`` entries;
``count`` says how many entries the feed has published so far (new entries push old ones out).
"""

from __future__ import annotations

import email.utils
import functools
import html
import random
from dataclasses import dataclass

BASE_EPOCH = 1_704_067_200  # 2024-01-01T00:00:00Z: entry dates are fixed, not "now"
TEMPLATES = ("daily", "wire", "magazine", "blog")
CORPORA = ("news", "light")  # markup of the article pages; the text is the same

PLACES_FR = ("la Libye", "Benghazi", "Tripoli", "Syrte", "Tobrouk", "Misrata", "la Cyrénaïque",
             "le Fezzan", "Sebha", "le Mali", "Bamako", "Gao", "Tombouctou", "Kidal", "le Niger",
             "Niamey", "Agadez", "le Tchad", "N'Djamena", "le Soudan", "Khartoum", "le Darfour",
             "Bangui", "Ouagadougou", "le Sahel", "Nouakchott", "Alger", "Tunis", "Le Caire",
             "Damas", "Moscou", "Ankara", "Dakar", "Abuja", "Paris", "Bruxelles", "Genève")
PLACES_EN = ("Libya", "Benghazi", "Tripoli", "Sirte", "Tobruk", "Misrata", "Cyrenaica",
             "Fezzan", "Sebha", "Mali", "Bamako", "Gao", "Timbuktu", "Kidal", "Niger",
             "Niamey", "Agadez", "Chad", "N'Djamena", "Sudan", "Khartoum", "Darfur", "Bangui",
             "the Sahel", "Nouakchott", "Algiers", "Tunis", "Cairo", "Damascus", "Moscow",
             "Ankara", "Dakar", "Abuja", "Paris", "Brussels", "Geneva", "Washington")
PEOPLE = ("Khalifa Haftar", "Saddam Haftar", "Abdelhamid Dbeibah", "Mohamed Menfi",
          "Iounous-bek Evkourov", "Evguéni Prigojine", "Assimi Goïta", "Abdourahamane Tiani",
          "Ibrahim Traoré", "Faustin-Archange Touadéra", "Abdel Fattah al-Burhan",
          "Mohamed Hamdan Daglo", "Mahamat Idriss Déby", "Abdelmadjid Tebboune", "Kaïs Saïed",
          "Sergueï Lavrov", "Recep Tayyip Erdogan", "Antonio Guterres", "Hanna Tetteh")
ORGS_FR = ("l'Armée nationale libyenne", "le groupe Wagner", "l'Africa Corps",
           "l'Union africaine", "le Conseil de sécurité", "les Nations unies", "la Cédéao",
           "le gouvernement d'union nationale", "les Forces de soutien rapide", "l'Otan",
           "la Minusma", "le ministère russe de la Défense", "la Banque centrale libyenne",
           "la Compagnie nationale du pétrole", "l'Organisation internationale pour les migrations")
ORGS_EN = ("the Libyan National Army", "the Wagner Group", "the Africa Corps",
           "the African Union", "the Security Council", "the United Nations", "ECOWAS",
           "the Government of National Unity", "the Rapid Support Forces", "NATO",
           "the Russian defence ministry", "the Central Bank of Libya",
           "the National Oil Corporation", "the International Organization for Migration")

FR_SUBJECTS = ("Le gouvernement", "Le ministre de la Défense", "Un porte-parole de l'armée",
               "La délégation", "Le président du Conseil présidentiel", "Les autorités locales",
               "Un diplomate occidental", "Un responsable sécuritaire", "L'opposition",
               "Des habitants", "Des sources proches du dossier", "Le chef d'état-major",
               "Une ONG locale", "Le Premier ministre", "Un analyste basé à Tunis")
FR_VERBS = ("a annoncé", "a démenti", "a confirmé", "a dénoncé", "a salué", "a rejeté",
            "a évoqué", "a reconnu", "a exigé", "a proposé", "affirme", "assure", "redoute",
            "a qualifié d'inacceptable", "a réclamé")
FR_OBJECTS = ("un nouvel accord de coopération militaire", "la reprise des négociations",
              "l'arrivée de renforts", "la fermeture de la frontière", "un cessez-le-feu fragile",
              "la livraison d'équipements", "des frappes de drones", "la tenue d'élections",
              "le retour des déplacés", "la réouverture des terminaux pétroliers",
              "une enquête indépendante", "la libération des détenus", "un plan de sortie de crise",
              "le déploiement d'instructeurs", "une hausse des prix du carburant")
FR_TAILS = ("selon un communiqué publié mardi", "lors d'une conférence de presse",
            "a-t-on appris de source diplomatique", "au terme de trois jours de discussions",
            "malgré les mises en garde de la communauté internationale",
            "dans un contexte de fortes tensions", "d'après plusieurs témoins joints par téléphone",
            "sans donner plus de détails", "a indiqué un conseiller sous couvert d'anonymat",
            "à quelques semaines d'une échéance décisive", "depuis le début de l'année")
EN_SUBJECTS = ("The government", "The defence minister", "An army spokesman", "The delegation",
               "The head of the Presidential Council", "Local authorities",
               "A Western diplomat", "A security official", "The opposition", "Residents",
               "People familiar with the matter", "The chief of staff", "A local charity",
               "The prime minister", "An analyst based in Tunis")
EN_VERBS = ("announced", "denied", "confirmed", "condemned", "welcomed", "rejected",
            "raised", "acknowledged", "demanded", "proposed", "says", "insists", "fears",
            "called unacceptable", "called for")
EN_OBJECTS = ("a new military cooperation agreement", "a resumption of talks",
              "the arrival of reinforcements", "the closure of the border", "a fragile ceasefire",
              "the delivery of equipment", "drone strikes", "the holding of elections",
              "the return of displaced people", "the reopening of oil terminals",
              "an independent inquiry", "the release of detainees", "a plan to end the crisis",
              "the deployment of instructors", "a rise in fuel prices")
EN_TAILS = ("in a statement on Tuesday", "at a press conference",
            "diplomatic sources said", "after three days of talks",
            "despite warnings from the international community", "amid rising tensions",
            "according to several witnesses reached by phone", "without giving details",
            "an adviser said on condition of anonymity", "weeks before a key deadline",
            "since the start of the year")
FR_COMMENTS = ("Encore une fois, on nous cache l'essentiel.", "Merci pour cet article clair.",
               "Qui finance tout cela ? Personne ne pose la question.", "Article très partial.",
               "La population paie toujours le prix fort.", "Il faudrait une vraie enquête.",
               "Rien de nouveau sous le soleil.", "Excellente analyse, comme d'habitude.",
               "Et l'Europe regarde ailleurs.", "Je vis à Tripoli, la réalité est différente.")
EN_COMMENTS = ("Once again the real story is buried.", "Thanks for a clear piece.",
               "Who is paying for all this? Nobody asks.", "Very one-sided reporting.",
               "Ordinary people always pay the price.", "This needs a proper investigation.",
               "Nothing new here.", "Great analysis as usual.", "And Europe looks away.",
               "I live in Tripoli, the reality is different.")
SECTIONS_FR = ("Afrique", "Maghreb", "Sahel", "Moyen-Orient", "Europe", "Monde", "Politique",
               "Économie", "Énergie", "Défense", "Migrations", "Culture", "Sports", "Sciences",
               "Opinions", "Vidéos", "Podcasts", "Enquêtes", "Décryptages", "Le direct")
SECTIONS_EN = ("Africa", "Maghreb", "Sahel", "Middle East", "Europe", "World", "Politics",
               "Business", "Energy", "Defence", "Migration", "Culture", "Sport", "Science",
               "Opinion", "Video", "Podcasts", "Investigations", "Explainers", "Live")


@dataclass(frozen=True)
class Site:
    """What one feed's site looks like (fixed per feed)."""

    feed: int
    lang: str         # fr | en
    template: str     # one of TEMPLATES
    kind: str         # rss | atom | rss-full


def site(seed: int, feed: int) -> Site:
    rng = random.Random(seed * 7919 + feed)
    lang = "fr" if rng.random() < 0.6 else "en"
    template = TEMPLATES[feed % len(TEMPLATES)]
    kind = ("atom", "rss-full", "rss", "rss", "rss")[feed % 5]
    return Site(feed, lang, template, kind)


def _sentence(rng: random.Random, lang: str) -> str:
    s: tuple[str, ...]
    v: tuple[str, ...]
    o: tuple[str, ...]
    t: tuple[str, ...]
    places: tuple[str, ...]
    orgs: tuple[str, ...]
    link: tuple[str, ...]
    if lang == "fr":
        s, v, o, t = FR_SUBJECTS, FR_VERBS, FR_OBJECTS, FR_TAILS
        places, orgs, link = PLACES_FR, ORGS_FR, ("à", "avec", "face à", "aux côtés de")
    else:
        s, v, o, t = EN_SUBJECTS, EN_VERBS, EN_OBJECTS, EN_TAILS
        places, orgs, link = PLACES_EN, ORGS_EN, ("in", "with", "against", "alongside")
    shape = rng.random()
    if shape < 0.35:
        text = f"{rng.choice(s)} {rng.choice(v)} {rng.choice(o)} {rng.choice(link)} " \
               f"{rng.choice(places)}, {rng.choice(t)}"
    elif shape < 0.6:
        who = rng.choice(PEOPLE)
        text = f"{who} {rng.choice(v)} {rng.choice(o)}, {rng.choice(t)}"
    elif shape < 0.8:
        org = rng.choice(orgs)
        text = f"{org} {rng.choice(v)} {rng.choice(o)} {rng.choice(link)} {rng.choice(places)}"
    else:
        n = rng.randint(2, 400)
        if lang == "fr":
            text = f"Au moins {n} personnes ont été touchées {rng.choice(('à', 'près de'))} " \
                   f"{rng.choice(places)}, {rng.choice(t)}"
        else:
            text = f"At least {n} people were affected {rng.choice(('in', 'near'))} " \
                   f"{rng.choice(places)}, {rng.choice(t)}"
    if lang == "fr":
        text = text.replace(" à le ", " au ").replace(" à les ", " aux ")
    return text[0].upper() + text[1:] + "."


@functools.lru_cache(maxsize=4)
def rare_names(seed: int, n: int = 150) -> tuple[str, ...]:
    """Invented names (ships, companies, small groups) that few articles mention: what most
    of a desk's rules look for, so that rules match a realistic few articles, not all."""
    rng = random.Random(f"{seed}-rare")
    syllables = ("ka", "ro", "mi", "tel", "vas", "dor", "zen", "bal", "qui", "mar", "tov",
                 "lek", "sa", "nu", "gor", "fi", "bra", "hu", "pel", "ost")
    names: dict[str, None] = {}
    while len(names) < n:
        names["".join(rng.choices(syllables, k=3)).capitalize()] = None
    return tuple(names)


def _rare_sentence(rng: random.Random, lang: str, names: tuple[str, ...]) -> str:
    name = rng.choice(names)
    if lang == "fr":
        what = rng.choice(("Le navire", "La société", "Le groupe armé", "L'homme d'affaires"))
        return f"{what} {name} a été cité {rng.choice(('à', 'près de'))} " \
               f"{rng.choice(PLACES_FR)}.".replace(" à le ", " au ")
    what = rng.choice(("The vessel", "The company", "The armed group", "Businessman"))
    return f"{what} {name} was named {rng.choice(('in', 'near'))} {rng.choice(PLACES_EN)}."


@functools.lru_cache(maxsize=4)
def paragraphs(seed: int, lang: str, n: int = 1500) -> tuple[str, ...]:
    """The pool of paragraphs pages are built from (3-7 sentences each; one in twelve names
    one of the ``rare_names``)."""
    rng = random.Random(f"{seed}-{lang}-paragraphs")
    names = rare_names(seed)
    out = []
    for _ in range(n):
        text = " ".join(_sentence(rng, lang) for _ in range(rng.randint(3, 7)))
        if rng.random() < 1 / 12:
            text += " " + _rare_sentence(rng, lang, names)
        out.append(text)
    return tuple(out)


@functools.lru_cache(maxsize=8)
def _js_blobs(seed: int) -> tuple[str, ...]:
    """Pseudo-minified inline scripts (state blobs, analytics), ~20 KB each."""
    rng = random.Random(f"{seed}-js")
    blobs = []
    for b in range(8):
        parts = [f"window.__STATE_{b}__={{"]
        while sum(map(len, parts)) < 20_000:
            key = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 9)))
            val = rng.choice((str(rng.randint(0, 10**6)), '"' + key * rng.randint(1, 4) + '"',
                              "true", "null", f'[{rng.randint(0, 99)},{rng.randint(0, 99)}]'))
            parts.append(f'"{key}{len(parts)}":{val},')
        parts.append('"end":1};function t(e){return e&&e.id?e.id:0}'
                     'document.addEventListener("DOMContentLoaded",function(){t(window)});')
        blobs.append("".join(parts))
    return tuple(blobs)


CSS = ("body{margin:0;font-family:Georgia,serif;color:#111}" + "".join(
    f".c{i}{{padding:{i % 7}px;margin:{i % 5}px;color:#{i * 2654435761 % 0xFFFFFF:06x}}}"
    for i in range(180)))


def _a(href: str, text: str, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return f'<a href="{href}"{c}>{html.escape(text)}</a>'


@functools.lru_cache(maxsize=2048)
def _chrome(seed: int, feed: int) -> tuple[str, str, str]:
    """A site's header (navigation), sidebar and footer: the same on all its pages."""
    s = site(seed, feed)
    rng = random.Random(f"{seed}-chrome-{feed}")
    sections = SECTIONS_FR if s.lang == "fr" else SECTIONS_EN
    name = f"{'Le Quotidien' if s.lang == 'fr' else 'The Daily'} {feed}"
    n_menu = {"daily": 20, "wire": 6, "magazine": 20, "blog": 8}[s.template]
    fr = s.lang == "fr"
    places = PLACES_FR if fr else PLACES_EN
    menu = []
    for sec in sections[:n_menu]:
        slug = sec.lower().replace(" ", "-")
        subs = ""
        if s.template in ("daily", "magazine"):
            subs = "<ul class=\"sub\">" + "".join(
                f"<li>{_a(f'/{slug}/{k}', rng.choice(places))}</li>"
                for k in range(rng.randint(3, 9))) + "</ul>"
        menu.append(f'<li class="menu-item">{_a(f"/{slug}/", sec)}{subs}</li>')
    cookies = ("Nous utilisons des cookies pour mesurer l’audience." if fr
               else "We use cookies to measure our audience.")
    header = (f'<div class="cookie-banner" role="dialog"><p>{cookies}</p><button>OK</button>'
              f'</div><header class="site-header"><div class="top-bar">'
              f'{_a("/abonnement", "Abonnez-vous" if fr else "Subscribe", "btn")}'
              f'{_a("/connexion", "Se connecter" if fr else "Log in")}</div>'
              f'<a class="logo" href="/">{html.escape(name)}</a>'
              f'<nav class="main-nav" aria-label="menu"><ul>{"".join(menu)}</ul></nav>'
              f'<form class="search" action="/recherche"><input name="q"></form></header>')
    side = ""
    if s.template in ("blog", "daily", "magazine"):
        pool = paragraphs(seed, s.lang)
        items = "".join(
            f"<li>{_a(f'/p/{rng.randint(1, 99999)}', pool[rng.randrange(len(pool))][:80])}</li>"
            for _ in range(rng.randint(5, 15)))
        side = (f'<aside class="sidebar"><h3>{"Les plus lus" if s.lang == "fr" else "Most read"}'
                f'</h3><ol>{items}</ol><div class="ad" data-slot="side">Publicité</div></aside>')
    n_foot = {"daily": 80, "wire": 15, "magazine": 60, "blog": 25}[s.template]
    foot_links = "".join(f"<li>{_a(f'/page/{k}', f'{rng.choice(sections)} {k}')}</li>"
                         for k in range(n_foot))
    footer = (f'<footer class="site-footer"><ul class="links">{foot_links}</ul>'
              f'<p>© 2024 {html.escape(name)}. '
              f'{"Tous droits réservés." if fr else "All rights reserved."}</p>'
              f'<div class="newsletter"><h4>Newsletter</h4><form><input type="email">'
              f'<button>OK</button></form></div></footer>')
    return header, side, footer


def entry_date(feed: int, entry: int) -> int:
    """Publication time of an entry (Unix seconds): increases with the entry number."""
    return BASE_EPOCH + feed * 37 + entry * 1800


def entry_text(seed: int, feed: int, entry: int) -> tuple[str, str, list[str]]:
    """Title, lead and body paragraphs of one article."""
    s = site(seed, feed)
    rng = random.Random(seed * 1_000_003 + feed * 10_007 + entry)
    pool = paragraphs(seed, s.lang)
    title = _sentence(rng, s.lang).rstrip(".")
    lead = pool[rng.randrange(len(pool))]
    body = [pool[rng.randrange(len(pool))] for _ in range(rng.randint(4, 14))]
    return title, lead, body


def page(seed: int, feed: int, entry: int, corpus: str = "news") -> bytes:
    """The HTML of one article page in ``corpus`` (one of ``CORPORA``)."""
    if corpus == "news":
        import corpus_news
        return corpus_news.page(seed, feed, entry)
    if corpus != "light":
        raise ValueError(f"unknown corpus {corpus!r}: one of {', '.join(CORPORA)}")
    return _light_page(seed, feed, entry)


def _light_page(seed: int, feed: int, entry: int) -> bytes:
    """The ``light`` corpus: flat markup, most of its bytes inline JS/CSS."""
    s = site(seed, feed)
    rng = random.Random(seed * 2_000_003 + feed * 10_007 + entry)
    title, lead, body = entry_text(seed, feed, entry)
    header, side, footer = _chrome(seed, feed)
    fr = s.lang == "fr"
    pool = paragraphs(seed, s.lang)
    when = email.utils.formatdate(entry_date(feed, entry), usegmt=True)
    iso = _iso(entry_date(feed, entry))
    author = rng.choice(("Rédaction", "AFP", "Marie Dupont", "Karim Ben Salah", "J. Smith",
                         "Amina Diallo", "Staff reporter"))
    t = html.escape(title)
    js = _js_blobs(seed)
    n_js = {"daily": 1, "wire": 0, "magazine": rng.randint(3, 7), "blog": 1}[s.template]
    scripts = "".join(f"<script>{js[(entry + k) % len(js)]}</script>" for k in range(n_js))
    head = (f'<!DOCTYPE html><html lang="{s.lang}"><head><meta charset="utf-8">'
            f'<title>{t} | Site {feed}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="description" content="{html.escape(lead[:200])}">'
            f'<meta property="og:title" content="{t}"><meta property="og:type" content="article">'
            f'<meta name="author" content="{html.escape(author)}">'
            f'<meta property="article:published_time" content="{iso}">'
            f'<link rel="canonical" href="/a/{feed}/{entry}.html">'
            f'<style>{CSS}</style>'
            f'<script type="application/ld+json">{{"@type":"NewsArticle","headline":'
            f'"{t}","datePublished":"{iso}","author":{{"name":"{html.escape(author)}"}}}}</script>'
            f'{scripts}</head>')
    paras = []
    for k, p in enumerate(body):
        paras.append(f"<p>{html.escape(p)}</p>")
        if k == 2 and s.template != "wire":
            rel = pool[rng.randrange(len(pool))][:90]
            paras.append(f'<aside class="read-also"><span>{"Lire aussi" if fr else "Read also"}'
                         f'</span> {_a(f"/a/{feed}/{rng.randint(0, 9999)}.html", rel)}</aside>')
        if k == 5 and rng.random() < 0.4:
            quote = html.escape(_sentence(rng, s.lang))
            paras.append(f"<blockquote><p>« {quote} »</p></blockquote>")
    figure = (f'<figure><img src="/img/{feed}-{entry}.jpg" alt="{t}" width="1200" height="675">'
              f'<figcaption>{html.escape(_sentence(rng, s.lang))} © AFP</figcaption></figure>')
    tags = "".join(f"<li>{_a('/tag/' + str(k), rng.choice(PLACES_FR if fr else PLACES_EN))}</li>"
                   for k in range(rng.randint(3, 8)))
    share = ('<div class="share"><a href="#">Facebook</a><a href="#">X</a><a href="#">'
             'WhatsApp</a><a href="#">Email</a><button>Copier le lien</button></div>')
    article = (f'<article class="article"><nav class="breadcrumb">'
               f'{_a("/", "Accueil" if fr else "Home")} › '
               f'{_a("/afrique/", "Afrique" if fr else "Africa")}</nav>'
               f'<h1>{t}</h1><p class="byline">{"Par" if fr else "By"} {html.escape(author)} – '
               f'<time datetime="{iso}">{when}</time></p>'
               f'<p class="lead"><strong>{html.escape(lead)}</strong></p>{figure}'
               f'<div class="article-body">{"".join(paras)}</div>'
               f'<ul class="tags">{tags}</ul>{share}</article>')
    n_related = {"daily": 12, "wire": 4, "magazine": 20, "blog": 6}[s.template]
    related = "".join(
        f'<li class="teaser">'
        f'{_a(f"/a/{feed}/{rng.randint(0, 9999)}.html", pool[rng.randrange(len(pool))][:70])}'
        f'<p>{html.escape(pool[rng.randrange(len(pool))][:160])}</p></li>'
        for _ in range(n_related))
    related = (f'<section class="related"><h2>{"À lire aussi" if fr else "More on this"}</h2>'
               f'<ul>{related}</ul></section>')
    comments = ""
    n_comments = {"daily": rng.randint(0, 40), "wire": 0, "magazine": rng.randint(0, 10),
                  "blog": rng.randint(10, 80)}[s.template]
    if n_comments:
        lines = FR_COMMENTS if fr else EN_COMMENTS
        items = "".join(
            f'<li class="comment"><div class="comment-author">user{rng.randint(1, 9999)}</div>'
            f'<div class="comment-date">{when}</div><div class="comment-body"><p>'
            f'{" ".join(rng.choice(lines) for _ in range(rng.randint(1, 4)))}</p></div>'
            f'<a class="reply" href="#">{"Répondre" if fr else "Reply"}</a></li>'
            for _ in range(n_comments))
        comments = (f'<section id="comments" class="comments"><h2>{n_comments} '
                    f'{"commentaires" if fr else "comments"}</h2><ol>{items}</ol></section>')
    doc = (f'{head}<body class="{s.template}">{header}<main><div class="content">{article}'
           f'{related}{comments}</div>{side}</main>{footer}'
           f'<script>{js[entry % len(js)][:3000]}</script></body></html>')
    return doc.encode("utf-8")


def _iso(ts: int) -> str:
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def feed_doc(seed: int, feed: int, count: int, window: int, base_url: str) -> bytes:
    """The feed document listing entries ``count-1`` down to ``count-window`` (newest first)."""
    s = site(seed, feed)
    first = max(0, count - window)
    items = []
    for e in range(count - 1, first - 1, -1):
        title, lead, body = entry_text(seed, feed, e)
        link = f"{base_url}/a/{feed}/{e}.html"
        guid = f"urn:bench:{feed}:{e}"
        if s.kind == "atom":
            items.append(
                f"<entry><id>{guid}</id><title>{html.escape(title)}</title>"
                f'<link rel="alternate" href="{link}"/><updated>{_iso(entry_date(feed, e))}'
                f"</updated><summary>{html.escape(lead)}</summary>"
                f"<author><name>Rédaction</name></author></entry>")
        else:
            full = ""
            if s.kind == "rss-full":
                text = "".join(f"<p>{html.escape(p)}</p>" for p in body)
                full = f"<content:encoded><![CDATA[{text}]]></content:encoded>"
            items.append(
                f"<item><title>{html.escape(title)}</title><link>{link}</link>"
                f'<guid isPermaLink="false">{guid}</guid>'
                f"<pubDate>{email.utils.formatdate(entry_date(feed, e), usegmt=True)}</pubDate>"
                f"<description>{html.escape(lead)}</description>{full}</item>")
    name = f"Site {feed}"
    if s.kind == "atom":
        updated = _iso(entry_date(feed, max(count - 1, 0)))
        doc = (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
               f"<title>{name}</title><id>urn:bench:{feed}</id>"
               f'<link rel="alternate" href="{base_url}/"/><updated>{updated}</updated>'
               f"{''.join(items)}</feed>")
    else:
        doc = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
               f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
               f"<title>{name}</title><link>{base_url}/</link><description>Bench site {feed}"
               f"</description><language>{s.lang}</language>{''.join(items)}</channel></rss>")
    return doc.encode("utf-8")


def new_entries_plan(seed: int, feeds: int, entries: int, fraction: float,
                     round_no: int) -> dict[int, int]:
    """How many entries each feed publishes in one round of news: ``fraction`` of all listed
    entries, spread over a seeded quarter of the feeds (most feeds have nothing new)."""
    total = max(1, round(fraction * feeds * entries))
    rng = random.Random(f"{seed}-news-{round_no}")
    chosen = rng.sample(range(feeds), max(1, min(feeds, -(-feeds // 4))))
    plan: dict[int, int] = {}
    for k in range(total):
        f = chosen[k % len(chosen)]
        plan[f] = plan.get(f, 0) + 1
    return plan
