"""Keyset paging: "show older than this id", never OFFSET, so page one costs the same always."""

MAX_ID = 2**63 - 1
# A home page's "how many are waiting" counts this far and no further: past it the number
# says only that there is a backlog, and an exact count would read every row of it.
COUNT_LIMIT = 1000


def cursor(value: str | None) -> int | None:
    """The id in a ?before= parameter, or None if it is not a sensible positive number."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def keyset_page(rows, request, size: int):
    """One page of ``rows`` (ordered newest id first) and the cursor for the next, if any."""
    before = cursor(request.GET.get("before"))
    if before is not None:
        rows = rows.filter(id__lt=before)
    page = list(rows[: size + 1])
    more = len(page) > size
    page = page[:size]
    return page, (page[-1].pk if more and page else None)


def capped_count(rows, limit: int = COUNT_LIMIT) -> int:
    """How many ``rows`` there are, or ``limit + 1`` if there are more than ``limit``: one
    query that reads at most ``limit + 1`` index entries. Show it with ``|tally``."""
    return rows[: limit + 1].count()
