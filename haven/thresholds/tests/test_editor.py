"""The form editor reads back exactly what it shows."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from haven.thresholds import definitions, editor, examples


def _as_querydict(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query[key] = value
    return query


@pytest.mark.parametrize("example", examples.EXAMPLES, ids=lambda e: e["name"])
def test_an_unchanged_form_gives_back_the_same_framework(example):
    definition = definitions.parse(example)
    read_back = editor.from_post(_as_querydict(editor.as_post(definition)))
    assert definitions.parse(read_back) == definition


def test_blank_new_rows_are_ignored_and_removed_rows_dropped():
    definition = definitions.parse(examples.HIGH_LOW)
    data = editor.as_post(definition)
    data["indicator-0-remove"] = "on"
    data.update({"new-1-text": "Added", "new-1-domain": "home", "new-1-level": "low"})
    read_back = definitions.parse(editor.from_post(_as_querydict(data)))
    texts = [i["text"] for i in read_back["indicators"]]
    assert definition["indicators"][0]["text"] not in texts
    assert texts[-1] == "Added"
    assert len(texts) == len(definition["indicators"])
