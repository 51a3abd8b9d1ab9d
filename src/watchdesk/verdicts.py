"""The analysts' verdicts, put to work: how a rule (or a draft of it) fares against them,
and the verdicts written out as the rule's ``examples:``.

An analyst marks an article, under one of the rules it matched, « pertinent » (``relevant``)
or « hors sujet » (``off_topic``) on the web pages (``watchdesk.web``); ``store.desk`` keeps
one verdict per person, article and rule. Here, pure functions of that data:

- ``decided``: one verdict per (article, rule): the latest, whoever gave it (a later
  judgement is better informed; the page shows who said what);
- ``score``: for each rule, how many articles judged relevant it keeps and how many judged
  off-topic it still matches (``rules test``, CLI and web), and which;
- ``examples_yaml``: the verdicts of a rule as an ``examples:`` block to paste into it
  (``watchdesk verdicts export --rule ID``): relevant -> ``match``, off-topic ->
  ``no_match``; each example carries the title and summary, and the body only when the rule's
  outcome depends on it (so the block stays readable).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from .rules import Document, Rule, RuleSet
from .search import Target, stored_targets

if TYPE_CHECKING:
    from .store import Store

RELEVANT, OFF_TOPIC = "relevant", "off_topic"

Decided = dict[tuple[int, str], str]   # (article id, rule id) -> relevant | off_topic


def decided(rows: Iterable[Any]) -> Decided:
    """The standing verdict of each (article, rule): the most recent one given."""
    out: dict[tuple[int, str], tuple[str, str]] = {}
    for r in rows:
        key = (int(r["article_id"]), str(r["rule_id"]))
        when = str(r["created_at"])
        if key not in out or when >= out[key][0]:
            out[key] = (when, str(r["verdict"]))
    return {k: v for k, (_, v) in out.items()}


@dataclass
class Score:
    """How one rule fares against the verdicts given under its id."""

    rule_id: str
    relevant: int = 0                      # articles judged relevant (still stored)
    kept: int = 0                          # ... that the rule matches
    off_topic: int = 0                     # articles judged off-topic (still stored)
    still: int = 0                         # ... that the rule still matches
    lost: list[Target] = field(default_factory=list)      # relevant, no longer matched
    wrong: list[Target] = field(default_factory=list)     # off-topic, still matched

    @property
    def judged(self) -> int:
        return self.relevant + self.off_topic

    def line(self) -> str:
        """« verdicts: keeps 3 of 4 judged relevant, still matches 1 of 2 judged off-topic »"""
        if not self.judged:
            return "verdicts: none yet"
        return (f"verdicts: keeps {self.kept} of {self.relevant} judged relevant, still "
                f"matches {self.still} of {self.off_topic} judged off-topic")


def _matches(rule: Rule, t: Target) -> bool:
    return bool(RuleSet([rule]).match(t.doc, t.feed, t.tags))


def score(rules: Sequence[Rule], verdicts: Decided,
          targets: Mapping[int, Target]) -> dict[str, Score]:
    """rule id -> Score, for each enabled rule. ``targets``: the judged articles by id (an
    article pruned since is left out)."""
    out: dict[str, Score] = {}
    for rule in rules:
        if not rule.enabled:
            continue
        s = out[rule.id] = Score(rule.id)
        for (aid, rid), v in sorted(verdicts.items()):
            t = targets.get(aid)
            if rid != rule.id or t is None:
                continue
            hit = _matches(rule, t)
            if v == RELEVANT:
                s.relevant += 1
                s.kept += hit
                if not hit:
                    s.lost.append(t)
            else:
                s.off_topic += 1
                s.still += hit
                if hit:
                    s.wrong.append(t)
    return out


def _example(rule: Rule, t: Target) -> dict[str, Any]:
    d = t.doc
    ex: dict[str, Any] = {"title": d.title}
    if d.summary:
        ex["summary"] = d.summary
    short = Document(d.title, d.summary, "", d.lang, d.url)
    full_hit = _matches(rule, t)
    if d.body and _matches(rule, Target(t.label, short, t.url, t.article_id, t.feed,
                                        t.tags)) != full_hit:
        ex["body"] = d.body
    if d.lang:
        ex["lang"] = d.lang
    if d.url:
        ex["url"] = d.url
    if rule.feeds and t.feed:
        ex["feed"] = t.feed
        if t.tags:
            ex["tags"] = list(t.tags)
    return ex


def examples_yaml(rule: Rule, verdicts: Decided, targets: Mapping[int, Target]) -> str:
    """The ``examples:`` block of ``rule`` from its verdicts (empty lists left out)."""
    block: dict[str, list[dict[str, Any]]] = {}
    for (aid, rid), v in sorted(verdicts.items()):
        t = targets.get(aid)
        if rid == rule.id and t is not None:
            block.setdefault("match" if v == RELEVANT else "no_match", []).append(
                _example(rule, t))
    ordered = {k: block[k] for k in ("match", "no_match") if k in block}
    return yaml.safe_dump({"examples": ordered}, allow_unicode=True, sort_keys=False,
                          width=100, default_flow_style=False)


def load(store: Store, rule_ids: Sequence[str]) -> tuple[Decided, dict[int, Target]]:
    """The standing verdicts under ``rule_ids`` and the judged articles still stored (the
    one function here that reads: the rest is pure)."""
    judged = decided(store.verdicts(rule_ids=list(rule_ids)))
    ids = sorted({aid for aid, _ in judged})
    targets = {t.article_id: t for t in stored_targets(store, "", ids=ids)
               if t.article_id is not None} if ids else {}
    return judged, targets
