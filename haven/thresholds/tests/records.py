"""Helpers for threshold tests: the rows of a framework version by name."""

from __future__ import annotations

from haven.thresholds.models import Indicator


def level(version, name):
    return version.levels.get(name=name)


def indicators(version, level_name, *, domains: int, per_domain: int = 1) -> list[Indicator]:
    """``per_domain`` indicators at ``level_name`` from each of the first ``domains`` domains."""
    chosen = []
    for domain in version.domains.order_by("position"):
        rows = list(
            version.indicators.filter(domain=domain, level__name=level_name, always_escalate=False)
        )
        if len(rows) >= per_domain:
            chosen += rows[:per_domain]
        if len({i.domain_id for i in chosen}) == domains:
            return chosen
    raise AssertionError(f"not enough {level_name} indicators in {domains} domains")
