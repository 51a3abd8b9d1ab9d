"""When to poll a feed next (pure: the clock and the random source are parameters).

- A healthy feed is polled every ``interval`` seconds, stretched to the publisher's own hint
  (``<ttl>``, ``sy:updatePeriod``) when that is longer, but never beyond ``CEILING``.
- A failing feed backs off exponentially: interval x 2^(errors-1), capped at ``MAX_BACKOFF``;
  a ``Retry-After`` from the server is honoured when longer.
- Every delay gets up to 10% of random jitter, so feeds of one host do not fire together.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

CEILING = 6 * 3600
MAX_BACKOFF = 24 * 3600


def next_poll_delay(interval: int, *, errors: int = 0, retry_after: float | None = None,
                    ttl: int | None = None, rng: random.Random | None = None) -> float:
    r = rng or random
    if errors > 0:
        delay = min(interval * 2 ** min(errors - 1, 20), MAX_BACKOFF)
        if retry_after:
            delay = max(delay, min(retry_after, MAX_BACKOFF))
    else:
        delay = interval
        if ttl and ttl > interval:
            delay = min(ttl, max(interval, CEILING))
    return float(delay + r.uniform(0, 0.1 * delay))


def next_poll_at(now: datetime, interval: int, **kw: object) -> datetime:
    return now + timedelta(seconds=next_poll_delay(interval, **kw))  # type: ignore[arg-type]
