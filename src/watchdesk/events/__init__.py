"""Event grouping (pure): which matched articles report the same event.

``terms`` turns an article into weighted terms (title and lead, folded, lightly stemmed),
with the language-independent *keys* of ``keys`` (names across scripts, numbers, days);
``similarity`` says how alike two articles are (TF-IDF cosine, keys across languages, facts,
time decay, reciprocal neighbours); ``index`` keeps recent matched articles and decides, for
a new one, the story it joins (average link); ``settle`` merges the open stories a batch
shows to be one event; ``breaking`` decides when an event has
been picked up by enough outlets fast enough to alert. The store loads and saves; nothing here
touches the database, the network or the clock.
"""

from .breaking import Broke, breaking
from .index import EventIndex, decay, epoch, event_time
from .terms import Terms, dumps, loads, terms_of

__all__ = ["Broke", "EventIndex", "Terms", "breaking", "decay", "dumps", "epoch",
           "event_time", "loads", "terms_of"]
