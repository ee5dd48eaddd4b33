import datetime

import pytest
from django.core.management import call_command

from haven.chronology.models import Entry, Kind
from haven.chronology.projection import rebuild
from haven.people import services
from haven.people.merge import person_merge

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _snapshot(org):
    return sorted(
        (
            e.child_id,
            e.kind,
            e.occurred_at.isoformat(),
            e.summary,
            e.source_type,
            e.source_id,
            e.recorded_by_id,
            e.scope,
        )
        for e in Entry.objects.for_org(org)
    )


@pytest.fixture
def history(add_person, dsl):
    """A child with statuses, relationships, a move and a merge behind them."""
    bugs = add_person("Bugs", "Bunny")
    babs = add_person("Babs", "Bunny", household=bugs.household)
    mum = add_person("Lola", "Bunny", kind="adult", born=None, household=bugs.household)
    cp = services.flag_start(
        person=bugs, actor=dsl, flag="cp_plan", start_date=TODAY - datetime.timedelta(days=40)
    )
    services.flag_end(status=cp, actor=dsl, end_date=TODAY - datetime.timedelta(days=2))
    services.relationship_add(person=bugs, related=mum, actor=dsl, type="mother")
    sib = services.relationship_add(person=bugs, related=babs, actor=dsl, type="sibling")
    services.relationship_end(relationship=sib, actor=dsl, reason="recorded twice")
    services.person_move(person=bugs, actor=dsl, address={"postcode": "M1 1AE"})
    twin = add_person("Bugs", "Bunnie")
    services.flag_start(person=twin, actor=dsl, flag="sen_support", start_date=TODAY)
    person_merge(survivor=bugs, duplicate=twin, actor=dsl, reason="same child")
    return bugs, babs, mum


def test_the_services_write_the_chronology_as_things_happen(history):
    bugs, babs, mum = history
    kinds = list(
        Entry.objects.for_org(bugs.organisation).filter(child=bugs).values_list("kind", flat=True)
    )
    assert sorted(kinds) == sorted(
        [
            Kind.STATUS_STARTED,
            Kind.STATUS_ENDED,
            Kind.RELATIONSHIP_ADDED,
            Kind.RELATIONSHIP_ADDED,
            Kind.RELATIONSHIP_ENDED,
            Kind.HOUSEHOLD_MOVE,
            Kind.STATUS_STARTED,
            Kind.RECORDS_MERGED,
        ]
    )
    summaries = set(Entry.objects.for_org(bugs.organisation).values_list("summary", flat=True))
    assert "Lola Bunny recorded as mother" in summaries
    assert "Bugs Bunny recorded as sibling" in summaries  # on Babs's chronology
    assert not Entry.objects.for_org(bugs.organisation).filter(child=mum).exists()


def test_a_rebuild_equals_what_the_services_wrote(history):
    org = history[0].organisation
    before = _snapshot(org)
    Entry.objects.for_org(org).delete()
    call_command("rebuild_chronology")
    assert _snapshot(org) == before
    rebuild()
    assert _snapshot(org) == before


def test_significant_marks_survive_a_rebuild(history, dsl, sign_in):
    bugs = history[0]
    entry = Entry.objects.for_org(bugs.organisation).filter(child=bugs).first()
    sign_in(dsl).post("/chronology/significant/", {"mark": entry.pk})
    rebuild()
    entry.refresh_from_db()
    assert entry.significant


def test_the_chronology_tab_pages_by_keyset_with_a_fixed_number_of_queries(
    add_person, dsl, sign_in, django_assert_max_num_queries
):
    bugs = add_person("Bugs", "Bunny")
    client = sign_in(dsl)
    url = f"/people/{bugs.pk}/?tab=chronology"
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    for n in range(60):
        status = services.flag_start(
            person=bugs,
            actor=dsl,
            flag="young_carer",
            start_date=TODAY - datetime.timedelta(days=200 - n),
        )
        services.flag_end(
            status=status, actor=dsl, end_date=TODAY - datetime.timedelta(days=200 - n)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url)
    assert len(page.context["chronology"].entries) == 50
    after = page.context["chronology"].next_cursor
    second = client.get(f"/people/{bugs.pk}/", {"tab": "chronology", "after": after}).context[
        "chronology"
    ]
    first_ids = {e.pk for e in page.context["chronology"].entries}
    assert len(second.entries) == 50 and not first_ids & {e.pk for e in second.entries}


def test_filters_narrow_the_chronology(history, dsl, sign_in):
    bugs = history[0]
    client = sign_in(dsl)
    page = client.get(f"/people/{bugs.pk}/", {"tab": "chronology", "kind": Kind.HOUSEHOLD_MOVE})
    assert [e.kind for e in page.context["chronology"].entries] == [Kind.HOUSEHOLD_MOVE]
    oldest = client.get(f"/people/{bugs.pk}/", {"tab": "chronology", "order": "oldest"})
    times = [e.occurred_at for e in oldest.context["chronology"].entries]
    assert times == sorted(times)
    text = client.get(f"/people/{bugs.pk}/", {"tab": "chronology", "text": "mother"})
    assert [e.summary for e in text.context["chronology"].entries] == [
        "Lola Bunny recorded as mother"
    ]
    bad = client.get(
        f"/people/{bugs.pk}/",
        {
            "tab": "chronology",
            "date_from": "31/12/2026",
            "date_to": "01/01/2026",
            "after": "nonsense",
        },
    )
    assert bad.status_code == 200 and "before the start date" in bad.content.decode()


def test_a_dsl_marks_and_unmarks_an_entry_from_the_chronology_tab(history, dsl, sign_in):
    bugs = history[0]
    entry = Entry.objects.for_org(bugs.organisation).filter(child=bugs).first()
    client = sign_in(dsl)
    page = f"/people/{bugs.pk}/?tab=chronology"
    assert f'name="mark" value="{entry.pk}"' in client.get(page).content.decode()

    done = client.post("/chronology/significant/", {"mark": entry.pk, "next": page})
    assert done.status_code == 302 and done["Location"] == page
    entry.refresh_from_db()
    assert entry.significant
    assert f'name="unmark" value="{entry.pk}"' in client.get(page).content.decode()

    client.post("/chronology/significant/", {"unmark": entry.pk, "next": page})
    entry.refresh_from_db()
    assert not entry.significant


@pytest.mark.parametrize("data", [{}, {"mark": ""}, {"mark": "abc"}, {"unmark": "0"}])
def test_marking_without_a_valid_entry_is_not_found(history, dsl, sign_in, data):
    assert sign_in(dsl).post("/chronology/significant/", data).status_code == 404
    assert not Entry.unscoped.filter(significant=True).exists()


def test_an_entry_of_another_organisation_cannot_be_marked(history, stranger, sign_in):
    entry = Entry.unscoped.filter(child=history[0]).first()
    response = sign_in(stranger).post("/chronology/significant/", {"mark": entry.pk})
    assert response.status_code == 404
    entry.refresh_from_db()
    assert not entry.significant


def test_only_dsls_mark_entries_significant(history, key_person, sign_in):
    bugs = history[0]
    entry = Entry.objects.for_org(bugs.organisation).filter(child=bugs).first()
    assert (
        sign_in(key_person).post("/chronology/significant/", {"mark": entry.pk}).status_code == 403
    )
    entry.refresh_from_db()
    assert not entry.significant


def test_category_and_author_filters_narrow_the_chronology(history, dsl, key_person, sign_in):
    bugs = history[0]
    services.flag_start(person=bugs, actor=key_person, flag="young_carer", start_date=TODAY)
    client = sign_in(dsl)
    mine = client.get(f"/people/{bugs.pk}/", {"tab": "chronology", "author": key_person.pk})
    entries = mine.context["chronology"].entries
    assert entries and {e.recorded_by for e in entries} == {key_person.full_name}
    Entry.objects.for_org(bugs.organisation).filter(pk=entries[0].pk).update(category="Carers")
    carers = client.get(f"/people/{bugs.pk}/", {"tab": "chronology", "category": "carer"})
    assert [e.pk for e in carers.context["chronology"].entries] == [entries[0].pk]


def test_service_deliveries_are_hidden_until_one_click_shows_them(history, dsl, sign_in):
    bugs = history[0]
    Entry.objects.create(
        organisation=bugs.organisation,
        child=bugs,
        occurred_at=datetime.datetime.now(datetime.UTC),
        kind=Kind.SERVICE_DELIVERY,
        summary="Attended stay and play",
        source_type="programmes.servicedelivery",
        source_id=1,
        routine=True,
    )
    client = sign_in(dsl)
    page = client.get(f"/people/{bugs.pk}/", {"tab": "chronology", "text": "stay"})
    assert not page.context["chronology"].entries
    link = page.context["with_routine"]
    assert "routine=on" in link and "text=stay" in link
    shown = client.get(f"/people/{bugs.pk}/?{link}")
    assert [e.summary for e in shown.context["chronology"].entries] == ["Attended stay and play"]
    assert "Hide service deliveries" in shown.content.decode()


def test_an_untouched_filter_form_is_drawn_once_and_the_same(history, dsl, sign_in):
    from haven.chronology.queries import ChronologyFilterForm, _draw_fields

    org = dsl.organisation
    for data in (None, {"tab": "chronology"}):
        form = ChronologyFilterForm(data, organisation=org)
        assert form.fields_html() == _draw_fields(ChronologyFilterForm(data, organisation=org))
    typed = ChronologyFilterForm({"category": "Neglect", "date_from": "nonsense"}, organisation=org)
    typed.is_valid()
    drawn = typed.fields_html()
    assert 'value="Neglect"' in drawn and 'value="nonsense"' in drawn and "valid date" in drawn


def test_a_reader_who_sees_every_record_of_a_kind_is_filtered_without_subqueries(
    history, dsl, key_person
):
    from haven.access import rules

    bugs = history[0]
    entries = Entry.objects.for_org(bugs.organisation)
    lead = str(entries.filter(rules.chronology_scope_q(dsl, child=bugs)).query)
    assert lead.count("SELECT") == 1 and "concern:" in lead and "case:" in lead
    worker = str(entries.filter(rules.chronology_scope_q(key_person, child=bugs)).query)
    assert worker.count("SELECT") > 1
