"""The configurable picklists, declared by the apps that use them.

Each organisation's administrator edits the options; the defaults below are what a new
organisation starts with, written in our own words.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Picklist:
    key: str
    title: str
    description: str
    defaults: tuple[str, ...]


PICKLISTS: dict[str, Picklist] = {}


def register(key: str, title: str, description: str, defaults: list[str]) -> Picklist:
    picklist = Picklist(key, title, description, tuple(defaults))
    PICKLISTS[key] = picklist
    return picklist
