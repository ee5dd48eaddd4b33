"""A framework as plain data: the JSON that administrators export, edit and import, and the
form the example frameworks ship in.

``parse`` checks a whole definition and either returns it cleaned or raises
``DefinitionError`` with every problem found, each in words an administrator can act on;
nothing is saved until a definition has passed.
"""

from __future__ import annotations

import json
import re

from haven.core.errors import DomainError
from haven.thresholds.models import ConcernOutcome, RagRating

FORMAT = "haven-threshold-framework"
FORMAT_VERSION = 1
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_LEVELS, MAX_DOMAINS, MAX_INDICATORS = 10, 30, 600


class DefinitionError(DomainError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _text(item, name, where, problems, *, required=True, limit=None) -> str:
    value = item.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems.append(f"{where}: “{name}” must be text.")
        return ""
    value = value.strip()
    if required and not value:
        problems.append(f"{where}: give it a {name.replace('_', ' ')}.")
    if limit and len(value) > limit:
        problems.append(f"{where}: the {name.replace('_', ' ')} is longer than {limit} characters.")
    return value


def _key(item, where, problems, seen) -> str:
    key = item.get("key")
    if not isinstance(key, str) or not KEY.match(key):
        problems.append(
            f"{where}: the key must be short lower-case letters, digits and hyphens (got {key!r})."
        )
        return ""
    if key in seen:
        problems.append(f"{where}: the key “{key}” is used twice.")
    seen.add(key)
    return key


def _list(data, name, problems, limit) -> list:
    items = data.get(name)
    if not isinstance(items, list) or not items:
        problems.append(f"The framework needs a list of {name} (at least one).")
        return []
    if len(items) > limit:
        problems.append(f"The framework has more than {limit} {name}.")
        return []
    bad = [i for i, item in enumerate(items, 1) if not isinstance(item, dict)]
    if bad:
        problems.append(f"Each of the {name} must be an object (see number {bad[0]}).")
        return []
    return items


def parse(data) -> dict:
    """Check a framework definition; return it cleaned, or raise ``DefinitionError``."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise DefinitionError(["The file must hold one framework (a JSON object)."])
    if data.get("format", FORMAT) != FORMAT:
        problems.append(f"This is not a threshold framework (format should be “{FORMAT}”).")
    name = _text(data, "name", "The framework", problems, limit=120)
    description = _text(data, "description", "The framework", problems, required=False)
    cluster = data.get("cluster_domains", 0)
    if isinstance(cluster, bool) or not isinstance(cluster, int) or not 0 <= cluster <= 20:
        problems.append(
            "“cluster_domains” must be a whole number from 0 (off) to 20: how many domains "
            "the indicators at one level must span to suggest the level above."
        )
        cluster = 0

    levels, seen = [], set()
    for i, item in enumerate(_list(data, "levels", problems, MAX_LEVELS), 1):
        where = f"Level {i}"
        level = {
            "key": _key(item, where, problems, seen),
            "name": _text(item, "name", where, problems, limit=80),
            "description": _text(item, "description", where, problems, required=False),
            "colour": _text(item, "colour", where, problems, required=False) or "#555555",
            "response": _text(item, "response", where, problems, required=False),
            "case_threshold": _text(item, "case_threshold", where, problems, required=False),
            "rag_rating": _text(item, "rag_rating", where, problems, required=False),
            "early_help": bool(item.get("early_help", False)),
            "concern_outcome": _text(item, "concern_outcome", where, problems, required=False),
        }
        if not COLOUR.match(level["colour"]):
            problems.append(f"{where}: the colour must look like #1a6b3c.")
        if level["rag_rating"] and level["rag_rating"] not in RagRating.values:
            allowed = ", ".join(RagRating.values)
            problems.append(f"{where}: the RAG rating must be one of {allowed}, or left out.")
        if level["concern_outcome"] and level["concern_outcome"] not in ConcernOutcome.values:
            allowed = ", ".join(ConcernOutcome.values)
            problems.append(
                f"{where}: the triage decision on a concern must be one of {allowed}, or left out."
            )
        if len(level["case_threshold"]) > 60:
            problems.append(f"{where}: the case threshold name is longer than 60 characters.")
        levels.append(level)

    domains, seen = [], set()
    for i, item in enumerate(_list(data, "domains", problems, MAX_DOMAINS), 1):
        where = f"Domain {i}"
        domains.append(
            {
                "key": _key(item, where, problems, seen),
                "name": _text(item, "name", where, problems, limit=120),
                "description": _text(item, "description", where, problems, required=False),
            }
        )

    level_keys = {level["key"] for level in levels}
    domain_keys = {domain["key"] for domain in domains}
    indicators = []
    for i, item in enumerate(_list(data, "indicators", problems, MAX_INDICATORS), 1):
        where = f"Indicator {i}"
        indicator = {
            "domain": item.get("domain"),
            "level": item.get("level"),
            "text": _text(item, "text", where, problems, limit=300),
            "always_escalate": bool(item.get("always_escalate", False)),
        }
        if indicator["domain"] not in domain_keys:
            problems.append(f"{where}: there is no domain with the key {indicator['domain']!r}.")
        if indicator["level"] not in level_keys:
            problems.append(f"{where}: there is no level with the key {indicator['level']!r}.")
        indicators.append(indicator)

    if problems:
        raise DefinitionError(problems)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name,
        "description": description,
        "cluster_domains": cluster,
        "levels": levels,
        "domains": domains,
        "indicators": indicators,
    }


def parse_json(text: str | bytes) -> dict:
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as problem:
        raise DefinitionError(
            [f"The file is not valid JSON ({problem}).".replace("..", ".")]
        ) from None
    return parse(data)


def export(version) -> dict:
    """The definition of one published version (what ``parse`` accepts back)."""
    levels = list(version.levels.all())
    domains = list(version.domains.all())
    by_level = {level.pk: level.key for level in levels}
    by_domain = {domain.pk: domain.key for domain in domains}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": version.name,
        "description": version.description,
        "cluster_domains": version.cluster_domains,
        "levels": [
            {
                "key": level.key,
                "name": level.name,
                "description": level.description,
                "colour": level.colour,
                "response": level.response,
                "case_threshold": level.case_threshold,
                "rag_rating": level.rag_rating,
                "early_help": level.early_help,
                "concern_outcome": level.concern_outcome,
            }
            for level in levels
        ],
        "domains": [{"key": d.key, "name": d.name, "description": d.description} for d in domains],
        "indicators": [
            {
                "domain": by_domain[i.domain_id],
                "level": by_level[i.level_id],
                "text": i.text,
                "always_escalate": i.always_escalate,
            }
            for i in version.indicators.order_by("domain__position", "level__position", "position")
        ],
    }
