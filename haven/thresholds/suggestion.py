"""The suggested level for a set of ticked indicators: a pure function, so it can be tested
on its own and run the same way in the service, the page and the reports.

The rules, in order of strength:

1. the highest level among the ticked indicators (none ticked: the lowest level);
2. a cluster: when the ticked indicators at one level span ``cluster_domains`` or more
   domains, that level counts as the one above it (a cluster of early help needs across
   several parts of a child's life may mean the child is in need). 0 switches it off;
3. any indicator marked "always escalate" gives the top level.

Each rule only ever raises, and ticking one more indicator only adds to the levels and
domains seen, so a suggestion never falls when an indicator is added.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Tick:
    level: int  # the indicator's level position (0 = lowest)
    domain: str  # the indicator's domain key
    always_escalate: bool = False


@dataclass(frozen=True)
class Suggestion:
    level: int
    # Why, in a sentence for the page: which rule decided.
    reason: str
    cluster_from: int | None = None  # the level whose cluster raised it, if one did


def suggest(ticks: Iterable[Tick], *, top: int, cluster_domains: int) -> Suggestion:
    """The suggested level position for ``ticks`` in a framework whose top level is ``top``."""
    ticks = list(ticks)
    if top < 0:
        raise ValueError("A framework has at least one level.")
    if not ticks:
        return Suggestion(0, "No indicators ticked yet.")
    if any(t.always_escalate for t in ticks):
        return Suggestion(top, "An indicator that always calls for the top level is ticked.")
    domains_at: dict[int, set[str]] = defaultdict(set)
    for tick in ticks:
        domains_at[min(max(tick.level, 0), top)].add(tick.domain)
    highest = max(domains_at)
    best = Suggestion(highest, "The highest level among the ticked indicators.")
    if cluster_domains > 0:
        for level, domains in domains_at.items():
            raised = min(level + 1, top)
            if len(domains) >= cluster_domains and raised > best.level:
                best = Suggestion(
                    raised,
                    f"Indicators at one level span {len(domains)} domains: "
                    "together they point to the level above.",
                    cluster_from=level,
                )
    return best
