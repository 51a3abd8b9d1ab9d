"""A long news page as some sites print them: a huge menu before the article, the article,
then a thread of 40,000 comments (3.2 MB). The article's only mention of
Libya is its last paragraph."""

from __future__ import annotations

LAST = ("Le maréchal Haftar a reçu la délégation russe à Benghazi, en Libye, au terme de "
        "cette tournée.")
FILLER = ("La saison des pluies a commencé plus tôt que prévu dans le bassin arachidier, "
          "et les semis ont pu être faits dès la fin juin selon les techniciens agricoles.")


def long_page(*, menu: int = 6_000, paragraphs: int = 600, comments: int = 40_000,
              last: str = LAST) -> bytes:
    nav = "".join(f'<li><a href="/rubrique/{i}">Rubrique {i}</a></li>' for i in range(menu))
    body = "".join(f"<p>{FILLER} ({i})</p>" for i in range(paragraphs))
    thread = "".join(f'<li class="comment"><p>Commentaire {i} : merci pour cet article.</p>'
                     f"</li>" for i in range(comments))
    return (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
            f"<title>Une longue tournée</title></head><body>"
            f'<header><nav class="mega-menu"><ul>{nav}</ul></nav></header>'
            f"<main><article><h1>Une longue tournée</h1>{body}<p>{last}</p></article>"
            f'<section id="comments"><h2>Commentaires</h2><ol class="commentlist">{thread}'
            f"</ol></section></main><footer><p>© Exemple</p></footer></body></html>").encode()
