"""The structured framework editor: a definition laid out as form fields, and read back.

Field names: ``level-<i>-<field>``, ``domain-<i>-<field>``, ``indicator-<i>-<field>`` (with
``-remove`` to drop one) and ``new-<i>-<field>`` for indicators being added. Levels and
domains keep their keys (hidden fields) so indicators can name them; adding or removing a
level or a domain is done in the JSON editor.
"""

from __future__ import annotations

from haven.thresholds.definitions import MAX_DOMAINS, MAX_INDICATORS, MAX_LEVELS

NEW_ROWS = 3
LEVEL_FIELDS = (
    "key",
    "name",
    "description",
    "colour",
    "response",
    "case_threshold",
    "rag_rating",
    "concern_outcome",
)
DOMAIN_FIELDS = ("key", "name", "description")


def _rows(data, prefix: str, limit: int):
    for i in range(limit):
        if f"{prefix}-{i}-text" not in data and f"{prefix}-{i}-name" not in data:
            return
        yield i


def from_post(data) -> dict:
    """The definition the form describes (``definitions.parse`` checks it)."""

    def value(name):
        return (data.get(name) or "").strip()

    try:
        cluster = int(value("cluster_domains") or 0)
    except ValueError:
        cluster = -1  # parse explains what is allowed
    definition = {
        "name": value("name"),
        "description": value("description"),
        "cluster_domains": cluster,
        "levels": [
            {
                **{f: value(f"level-{i}-{f}") for f in LEVEL_FIELDS},
                "early_help": data.get(f"level-{i}-early_help") == "on",
            }
            for i in _rows(data, "level", MAX_LEVELS)
        ],
        "domains": [
            {f: value(f"domain-{i}-{f}") for f in DOMAIN_FIELDS}
            for i in _rows(data, "domain", MAX_DOMAINS)
        ],
        "indicators": [],
    }
    for prefix, limit in (("indicator", MAX_INDICATORS), ("new", NEW_ROWS)):
        for i in _rows(data, prefix, limit):
            text = value(f"{prefix}-{i}-text")
            if data.get(f"{prefix}-{i}-remove") == "on" or (prefix == "new" and not text):
                continue
            definition["indicators"].append(
                {
                    "domain": value(f"{prefix}-{i}-domain"),
                    "level": value(f"{prefix}-{i}-level"),
                    "text": text,
                    "always_escalate": data.get(f"{prefix}-{i}-always_escalate") == "on",
                }
            )
    return definition


def as_post(definition: dict, note: str = "") -> dict:
    """The form fields for ``definition``, as a browser would send them unchanged."""
    data = {
        "name": definition["name"],
        "description": definition["description"],
        "cluster_domains": str(definition["cluster_domains"]),
        "note": note,
    }
    for i, level in enumerate(definition["levels"]):
        for f in LEVEL_FIELDS:
            data[f"level-{i}-{f}"] = level[f]
        if level["early_help"]:
            data[f"level-{i}-early_help"] = "on"
    for i, domain in enumerate(definition["domains"]):
        for f in DOMAIN_FIELDS:
            data[f"domain-{i}-{f}"] = domain[f]
    for i, indicator in enumerate(definition["indicators"]):
        data[f"indicator-{i}-domain"] = indicator["domain"]
        data[f"indicator-{i}-level"] = indicator["level"]
        data[f"indicator-{i}-text"] = indicator["text"]
        if indicator["always_escalate"]:
            data[f"indicator-{i}-always_escalate"] = "on"
    for i in range(NEW_ROWS):
        data[f"new-{i}-text"] = ""
    return data
