"""An article body split over several containers: what trafilatura read of it, completed.

Some sites print one article in several blocks of the same kind (``<div class="article__body">``
three times, an ad or a pull quote between them). trafilatura takes the first block that
matches its list of body expressions and stops there, so the body ends after the first
block: on the ScrapingHub benchmark two pages kept 45 % and 35 % of their article this way.
Pure functions, no I/O:

- ``chunks(tree)``: groups of elements of the same tag and ``class`` whose own paragraphs
  (``<p>`` children) hold at least ``MIN_CHUNK`` characters each, two or more to a group; the
  classes of comments, reviews, answers, cards and teasers (``NOT_BODY``) are not groups;
- ``complete(tree, text)``: when the extracted text holds the paragraphs of one block of a
  group but not those of a later block of the same group, the later block's paragraphs are
  added after the text, in page order.
"""

from __future__ import annotations

import re
from typing import Any

MIN_CHUNK = 400        # characters of paragraph text in each block of the group
MIN_PARAGRAPH = 40     # a paragraph this long identifies its block in the extracted text
PROBE = 200            # characters of a paragraph looked for in the text
NOT_BODY = re.compile(r"comment|reply|review|testimonial|disqus|faq|question|answer|card|"
                      r"teaser|excerpt|product|widget|quote", re.I)


def _norm(s: str) -> str:
    return " ".join(s.split())


def chunks(tree: Any) -> list[list[list[str]]]:
    """Groups of blocks (each a list of its paragraphs' texts) sharing tag and class."""
    groups: dict[tuple[str, str], list[list[str]]] = {}
    for el in tree.iter("div", "section", "article"):
        cls = el.get("class")
        if not cls or NOT_BODY.search(cls):
            continue
        paragraphs = [t for t in (_norm(p.text_content()) for p in el if p.tag == "p") if t]
        if sum(map(len, paragraphs)) >= MIN_CHUNK:
            groups.setdefault((el.tag, cls), []).append(paragraphs)
    return [blocks for blocks in groups.values() if len(blocks) > 1]


def complete(tree: Any, text: str) -> str:
    """``text`` with the paragraphs of the blocks of a split body it misses."""
    flat = _norm(text)
    missing: list[str] = []
    for blocks in chunks(tree):
        found = [any(len(p) >= MIN_PARAGRAPH and p[:PROBE] in flat for p in block)
                 for block in blocks]
        if True not in found:
            continue
        start = found.index(True)
        for block, inside in zip(blocks[start:], found[start:], strict=True):
            if not inside:
                missing += [p for p in block if p[:PROBE] not in flat and p not in missing]
    return "\n".join([text, *missing]) if missing else text
