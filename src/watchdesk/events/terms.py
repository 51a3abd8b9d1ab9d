"""What an article says, as weighted terms (pure): the input of event grouping.

An article's *terms* are the words of its title and of its lead (the first ``LEAD_WORDS``
words of the body, else of the summary), each reduced to a comparable form:

1. folded as the rule language folds (``rules.text.fold``: case, accents, Arabic diacritics
   and letter variants, Arabic-Indic digits);
2. an Arabic word loses a leading conjunction ``و`` (when four letters or more), then a
   leading article (``ال``, ``وال``, ``بال``, ``كال``, ``فال``, ``لل``), then one common
   suffix (``ات``, ``ون``, ``ين``, ``ان``, ``ها``, ``يه``, ``ه``, ``ي``), each only when at
   least two letters remain: a light stemmer in the manner of Larkey's *light10*, since
   Arabic glues these to the word;
3. every word is cut to its first ``PREFIX`` characters (numbers are kept whole): a stemmer
   that needs no language, so French, English and Arabic articles of one feed are treated
   alike (``castigates``/``castigated`` → ``castig``, ``délégation``/``délégations`` →
   ``delega``). On the benchmark it does as well as Snowball's English stemmer (recall at
   precision 0.95: 0.710 against 0.704; no stemming: 0.676), without guessing the language;
4. one-letter words (the French elided ``l``, ``d``) are dropped, numbers are kept.

5. the *keys* of title and text are added (``keys``: names in a script-independent form,
   numbers, days and months), each once per title (``TITLE_WEIGHT``) and once per text (1:
   the lead and the rest of its first ``KEY_WORDS`` words): what reports of one event in
   other languages share. Names and figures are few in a lead: a translation of a whole
   report shares more of them further down (cross-language recall on the development set,
   0.66 with the keys of the lead only, 0.82 with those of 300 words).

Weights: a term counts ``TITLE_WEIGHT`` in the title, 1 in the lead, and ``NAME_WEIGHT``
when capitalised in the middle of a sentence of the lead (a name: Haftar, Benghazi,
Evkourov; titles are skipped, English ones capitalise every word).

Common words are not removed by a list: the index weighs every term by its rarity among the
recent matched articles (inverse document frequency, see ``index``), so « le », "the" and
« في » weigh nothing once a few dozen articles are known, and neither do the words every
article of the desk shares (Libye, Haftar). ``FUNCTION_WORDS`` only gives that rarity a
starting point while the index is nearly empty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from ..rules.text import fold
from .keys import CONCEPT, keys_of
from .lexicon import LANGUAGES, concepts

LEAD_WORDS = 60
KEY_WORDS = 300
PREFIX = 6
TITLE_WEIGHT = 2.0
NAME_WEIGHT = 1.5

Terms = dict[str, float]

_WORD = re.compile(r"\w+")
_SENTENCE_END = (".", "!", "?", ":", ";", "»", "«", '"', "“", "”", "—", "–", "-")
_AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_AR_SUFFIXES = ("ات", "ون", "ين", "ان", "ها", "يه", "ه", "ي")


def _is_arabic(word: str) -> bool:
    return "\u0600" <= word[0] <= "\u06ff"


@lru_cache(maxsize=1 << 16)
def normalise(word: str) -> str:
    """One folded word in its comparable form ('' when it is too short to mean anything)."""
    if word.isdigit():
        return word
    if _is_arabic(word):
        if word.startswith("و") and len(word) > 3:
            word = word[1:]
        for p in _AR_PREFIXES:
            if word.startswith(p) and len(word) - len(p) >= 2:
                word = word[len(p):]
                break
        for s in _AR_SUFFIXES:
            if word.endswith(s) and len(word) - len(s) >= 2:
                word = word[: -len(s)]
                break
    if len(word) < 2:
        return ""
    return word[:PREFIX]


@lru_cache(maxsize=1 << 16)
def _chunk(chunk: str) -> tuple[tuple[str, ...], bool, bool]:
    """A whitespace-free chunk of text: its terms, whether it starts with a capital, whether
    it ends a sentence (cached: news repeats its words)."""
    terms = tuple(t for t in (normalise(w) for w in _WORD.findall(fold(chunk))) if t)
    return terms, chunk[:1].isupper(), chunk.endswith(_SENTENCE_END)


def terms_of(title: str | None, body: str | None, summary: str | None = None,
             lang: str = "") -> Terms:
    """The weighted terms of an article: its title, and the lead of its body (else of its
    summary); in a language of the lexicon (``lang``), the concepts of both too."""
    out: Terms = {}
    for chunk in (title or "").split():
        for t in _chunk(chunk)[0]:
            out[t] = out.get(t, 0.0) + TITLE_WEIGHT
    words = 0
    sentence_start = True
    chunks = (body or summary or "").split()
    n = -1
    for n, chunk in enumerate(chunks):  # noqa: B007 (n: where the lead ends)
        terms, capital, ends = _chunk(chunk)
        weight = NAME_WEIGHT if capital and not sentence_start else 1.0
        for t in terms:
            out[t] = out.get(t, 0.0) + weight
        sentence_start = ends
        words += len(terms) or 1
        if words >= LEAD_WORDS:
            break
    # (keys come as sets: taken in sorted order, so that the terms, and every sum and tie
    # over them later, do not depend on the process's string hashing, ``PYTHONHASHSEED``)
    for k in sorted(keys_of(title or "")):
        out[k] = out.get(k, 0.0) + TITLE_WEIGHT
    lead = keys_of(" ".join(chunks[:n + 1]))
    for k in sorted(lead):
        out[k] = out.get(k, 0.0) + 1.0
    for k in sorted(keys_of(" ".join(chunks[n + 1:KEY_WORDS])) - lead):
        out[k] = out.get(k, 0.0) + 1.0
    lang = lang.split("-")[0].split("_")[0].strip().lower()   # its primary subtag
    if lang in LANGUAGES:
        for c in concepts(title or "", lang):
            out[CONCEPT + c] = out.get(CONCEPT + c, 0.0) + TITLE_WEIGHT
        for c in concepts(" ".join(chunks[:KEY_WORDS]), lang):
            out[CONCEPT + c] = out.get(CONCEPT + c, 0.0) + 1.0
    return out


def dumps(terms: Mapping[str, float]) -> str:
    """Terms as stored (``event_docs.terms``): ``term weight`` pairs, space-separated."""
    return " ".join(f"{t} {w:g}" for t, w in terms.items())


def loads(text: str) -> Terms:
    parts = text.split()
    return {parts[i]: float(parts[i + 1]) for i in range(0, len(parts) - 1, 2)}


# Function words of the desk's languages, counted as present in ``index.PRIOR_DOCS``
# imaginary articles: while only a handful of articles are indexed, their rarity cannot be
# told from the others'. Once a few dozen are, the real counts dominate.
_FUNCTION_WORDS = """
the a an of to in on at for from by with and or but not is are was were be been has have had
it its this that these those as he she they his her their who which what after over about
into than more said says will would could can new also up out no
le la les l de du des un une et ou en au aux a dans par pour sur avec sans sous est sont
ete etre a ont avait il elle ils elles son sa ses leur leurs qui que quoi dont ce cet cette
ces plus pas ne se lui y apres avant selon entre mais comme tres deux
في من على إلى عن أن إن مع هذا هذه التي الذي الذين كان كانت قد لا ما ثم أو بين بعد قبل حتى
عند كل وقال قال وفي إلى ذلك تلك هو هي
"""
FUNCTION_WORDS = frozenset(t for w in _FUNCTION_WORDS.split() for f in _WORD.findall(fold(w))
                           if (t := normalise(f)))
