"""The whole URL configuration as data, for tests that must cover every page.

The access matrix and the tenancy sweep both start from ``all_urls()``, so a page added to
any app's ``urls.py`` is picked up by them without anyone remembering to list it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls import converters as url_converters


@dataclass(frozen=True)
class NamedURL:
    """One routable page: ``name`` is "namespace:name" (None when the pattern has no name)."""

    name: str | None
    route: str
    callback: object
    # Parameter name -> the converter that parses it ("int", "str", ...), outermost first.
    converters: dict = field(default_factory=dict)

    @property
    def parameters(self) -> dict[str, str]:
        """Parameter name -> converter kind, e.g. ``{"pk": "int"}``."""
        return {name: converter_kind(conv) for name, conv in self.converters.items()}

    @property
    def is_public(self) -> bool:
        """Does Django's LoginRequiredMiddleware let anonymous visitors through?"""
        return getattr(self.callback, "login_required", True) is False


_KINDS = {
    url_converters.IntConverter: "int",
    url_converters.StringConverter: "str",
    url_converters.SlugConverter: "slug",
    url_converters.UUIDConverter: "uuid",
    url_converters.PathConverter: "path",
}


def converter_kind(converter) -> str:
    """The name a route uses for a converter: int, str, slug, uuid, path, or the class's own."""
    return _KINDS.get(type(converter), type(converter).__name__)


def _walk(patterns, namespaces: tuple[str, ...], route: str, outer: dict) -> Iterator:
    for entry in patterns:
        here = route + str(entry.pattern)
        found = {**outer, **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, inner, here, found)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            yield NamedURL(name=name, route=here, callback=entry.callback, converters=found)


def all_urls() -> list[NamedURL]:
    """Every URL pattern reachable from the root configuration, in resolver order."""
    return list(_walk(get_resolver().url_patterns, (), "", {}))


def url_names() -> list[str]:
    """Every named URL, as "namespace:name", sorted."""
    return sorted({url.name for url in all_urls() if url.name})


def by_name() -> dict[str, NamedURL]:
    return {url.name: url for url in all_urls() if url.name}
