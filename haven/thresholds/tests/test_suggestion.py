"""The suggestion rules, as a pure function: highest level, cluster, always escalate."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from haven.thresholds.suggestion import Tick, suggest

TOP = 3  # universal, early help, child in need, child protection


def s(*ticks, cluster=3, top=TOP):
    return suggest(ticks, top=top, cluster_domains=cluster).level


def test_nothing_ticked_suggests_the_lowest_level():
    assert s() == 0


def test_the_highest_ticked_level_is_suggested():
    assert s(Tick(1, "health"), Tick(2, "home")) == 2


def test_early_help_indicators_in_three_domains_suggest_child_in_need():
    ticks = [Tick(1, "development"), Tick(1, "parenting"), Tick(1, "family")]
    result = suggest(ticks, top=TOP, cluster_domains=3)
    assert result.level == 2
    assert result.cluster_from == 1
    assert "span 3 domains" in result.reason


def test_several_indicators_in_two_domains_are_not_a_cluster_of_three():
    ticks = [Tick(1, "development"), Tick(1, "development"), Tick(1, "family")]
    assert s(*ticks) == 1


def test_the_cluster_size_is_configurable_and_zero_switches_it_off():
    ticks = [Tick(1, "development"), Tick(1, "family")]
    assert s(*ticks, cluster=2) == 2
    assert s(*ticks, cluster=0) == 1
    assert s(Tick(1, "a"), Tick(1, "b"), Tick(1, "c"), cluster=0) == 1


def test_a_cluster_at_the_top_level_stays_at_the_top():
    assert s(Tick(3, "a"), Tick(3, "b"), Tick(3, "c")) == 3


def test_an_always_escalate_indicator_gives_the_top_level_whatever_its_own_level():
    assert s(Tick(0, "development", always_escalate=True)) == TOP
    assert s(Tick(1, "a"), Tick(2, "outside", always_escalate=True), top=5) == 5


ticks = st.builds(
    Tick,
    level=st.integers(min_value=0, max_value=TOP),
    domain=st.sampled_from(["a", "b", "c", "d", "e"]),
    always_escalate=st.booleans() | st.just(False),
)


@given(st.lists(ticks, max_size=12), ticks, st.integers(min_value=0, max_value=6))
def test_adding_an_indicator_never_lowers_the_suggestion(before, extra, cluster):
    assert s(*before, extra, cluster=cluster) >= s(*before, cluster=cluster)


@given(st.lists(ticks, min_size=1, max_size=12), st.integers(min_value=0, max_value=6))
def test_the_suggestion_is_never_below_the_highest_ticked_level_nor_above_the_top(tks, cluster):
    level = s(*tks, cluster=cluster)
    assert max(t.level for t in tks) <= level <= TOP


@given(st.lists(ticks, max_size=12), st.integers(min_value=0, max_value=6))
def test_any_always_escalate_indicator_gives_the_top_level(tks, cluster):
    escalated = [*tks, Tick(0, "a", always_escalate=True)]
    assert s(*escalated, cluster=cluster) == TOP


@given(
    st.integers(min_value=0, max_value=TOP - 1),
    st.integers(min_value=3, max_value=5),
)
def test_indicators_at_one_level_in_n_domains_raise_it_by_exactly_one(level, n):
    domains = [f"d{i}" for i in range(n)]
    assert s(*(Tick(level, d) for d in domains), cluster=n) == level + 1
    assert s(*(Tick(level, d) for d in domains[:-1]), cluster=n) == level


@given(st.lists(ticks, max_size=12), st.integers(min_value=0, max_value=6))
def test_the_order_of_ticking_does_not_matter(tks, cluster):
    assert s(*tks, cluster=cluster) == s(*reversed(tks), cluster=cluster)
