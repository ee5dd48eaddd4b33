"""Who may use every front-door page: one table, every front-door URL, every front-door persona.

The school personas' answers are in ``haven/access/tests/test_access_matrix.py`` (they are
refused everything here but their own referrals list). This table is for the people of a
front door: each role sees the pages of its stage of the work; the MASH's pages are for the
MASH team only; a partner agency member sees nothing but their own agency's requests. A
front-door URL with no row here fails the build.
"""

from __future__ import annotations

from functools import cached_property

import pytest
from django.urls import reverse

from haven.access import roles
from haven.core import clock
from haven.core.testing.urls import by_name, url_names
from haven.frontdoor import workflow
from haven.frontdoor.models import AgencyKind, InformationRequest, Rag, Status
from haven.frontdoor.services import consultations
from haven.frontdoor.testing import agency, make_contact, make_staff

pytestmark = pytest.mark.django_db

PERSONAS = (
    "screening_officer",
    "senior_practitioner",
    "social_worker",
    "mash_manager",
    "early_help_manager",
    "police_member",
    "health_member",
    "front_door_admin",
    "social_worker_outside_mash",
)
OK, FORBIDDEN, NOT_FOUND = 200, 403, 404


def answers(default, **by_persona) -> dict:
    return {persona: by_persona.get(persona, default) for persona in PERSONAS}


STAFF = ("screening_officer", "senior_practitioner", "social_worker", "mash_manager")
STAFF_ALL = (*STAFF, "early_help_manager", "social_worker_outside_mash")


def staff(answer=OK, **others) -> dict:
    """Every member of front-door staff (not partners, not the administrator)."""
    return answers(FORBIDDEN, **{**dict.fromkeys(STAFF_ALL, answer), **others})


def mash_team(**others) -> dict:
    """The MASH workflow: the MASH team only; other front-door staff are refused."""
    return staff(FORBIDDEN, **{"social_worker": OK, "mash_manager": OK, **others})


class World:
    def __init__(self, request):
        self.request = request
        self.front_door = request.getfixturevalue("front_door")
        self.child = request.getfixturevalue("fd_child")
        self.users = {p: self._user(p) for p in PERSONAS}
        self.contacts = {}

    def _user(self, persona):
        if persona == "social_worker_outside_mash":
            return make_staff(self.front_door, roles.SOCIAL_WORKER, "Otto Outside")
        return self.request.getfixturevalue(persona)

    def contact(self, status, rating=Rag.RED):
        if status not in self.contacts:
            contact = make_contact(
                self.front_door,
                children=[self.child],
                status=status,
                initial_rag=rating if status != Status.SCREENING else "",
                family_told_of_checks=True,
            )
            if status != Status.SCREENING:
                workflow.clock_start(
                    contact, workflow.clock_kind_for(rating), at=clock.now(), rating=rating
                )
                contact.save()
            self.contacts[status] = contact
        return self.contacts[status]

    @cached_property
    def police_request(self):
        return InformationRequest.objects.create(
            organisation=self.front_door,
            contact=self.contact(Status.INFORMATION_GATHERING),
            agency=agency(self.front_door, AgencyKind.POLICE),
            question="What do you hold?",
            due_at=clock.now(),
        )

    @cached_property
    def consultation(self):
        return consultations.consultation_record(
            actor=self.users["screening_officer"],
            data=consultations.ConsultationData(
                professional_name="Ada Nurse",
                professional_agency="Hillside Nursery",
                consulted_at=clock.now(),
                summary="A worry",
                advice="Some advice",
            ),
        )


def on(status):
    return lambda w: {"pk": w.contact(status).pk}


KWARGS = {
    "frontdoor:contact": on(Status.SCREENING),
    "frontdoor:contact_screen": on(Status.SCREENING),
    "frontdoor:contact_rate": on(Status.RATING),
    "frontdoor:contact_allocate": on(Status.ALLOCATION),
    "frontdoor:contact_early_help": on(Status.EARLY_HELP),
    "frontdoor:mash": on(Status.INFORMATION_GATHERING),
    "frontdoor:mash_review": on(Status.MASH_MANAGER),
    "frontdoor:mash_family_told": on(Status.INFORMATION_GATHERING),
    "frontdoor:mash_request_new": on(Status.INFORMATION_GATHERING),
    "frontdoor:mash_record": on(Status.INFORMATION_GATHERING),
    "frontdoor:mash_decide": on(Status.MASH_DECISION),
    "frontdoor:mash_send_back": on(Status.MASH_DECISION),
    "frontdoor:mash_request_withdraw": lambda w: {"pk": w.police_request.pk},
    "frontdoor:mash_request_answer_for_agency": lambda w: {"pk": w.police_request.pk},
    "frontdoor:contact_document_new": on(Status.SCREENING),
    "frontdoor:request": lambda w: {"pk": w.police_request.pk},
    "frontdoor:consultation": lambda w: {"pk": w.consultation.pk},
    "frontdoor:report": lambda w: {"slug": "contacts-by-source"},
    "frontdoor:report_csv": lambda w: {"slug": "contacts-by-source"},
}


LOGGERS = staff(FORBIDDEN, screening_officer=OK, senior_practitioner=OK, mash_manager=OK)
READERS = staff(FORBIDDEN, senior_practitioner=OK, mash_manager=OK, early_help_manager=OK)
EXPECTED = {
    "frontdoor:worklist": staff(),
    "frontdoor:contact": staff(),
    "frontdoor:contact_new": LOGGERS,
    "frontdoor:contact_people_found": LOGGERS,
    "frontdoor:consultations": staff(),
    "frontdoor:consultation": staff(),
    "frontdoor:consultation_new": {
        **LOGGERS,
        "social_worker": OK,
        "social_worker_outside_mash": OK,
    },
    "frontdoor:contact_screen": staff(FORBIDDEN, screening_officer=OK, senior_practitioner=OK),
    "frontdoor:contact_rate": staff(FORBIDDEN, senior_practitioner=OK),
    "frontdoor:contact_allocate": staff(FORBIDDEN, senior_practitioner=OK, mash_manager=OK),
    "frontdoor:contact_early_help": staff(FORBIDDEN, early_help_manager=OK),
    "frontdoor:mash": mash_team(),
    "frontdoor:mash_family_told": mash_team(),
    "frontdoor:mash_request_new": mash_team(),
    "frontdoor:mash_request_withdraw": mash_team(),
    "frontdoor:mash_request_answer_for_agency": mash_team(),
    "frontdoor:contact_document_new": LOGGERS,
    "frontdoor:mash_record": mash_team(),
    "frontdoor:mash_review": mash_team(social_worker=FORBIDDEN),
    "frontdoor:mash_decide": mash_team(social_worker=FORBIDDEN),
    "frontdoor:mash_send_back": mash_team(social_worker=FORBIDDEN),
    # A partner sees their own agency's requests; another agency's answer: "no such request".
    "frontdoor:requests": answers(FORBIDDEN, police_member=OK, health_member=OK),
    "frontdoor:request": answers(FORBIDDEN, police_member=OK, health_member=NOT_FOUND),
    # The referring school's list: nobody in a front door has one.
    "frontdoor:my_referrals": answers(FORBIDDEN),
    "frontdoor:reports": READERS,
    "frontdoor:report": READERS,
    "frontdoor:report_csv": READERS,
}


def test_every_front_door_url_has_a_row():
    ours = {name for name in url_names() if name.startswith("frontdoor:")}
    assert ours == set(EXPECTED), f"missing {sorted(ours - set(EXPECTED))}"
    assert set(KWARGS) <= ours
    for name in ours:
        kinds = set(by_name()[name].parameters.values())
        assert not kinds or name in KWARGS, f"{name} needs a record to point at"


@pytest.fixture
def world(request):
    return World(request)


@pytest.mark.parametrize("url_name", sorted(EXPECTED))
def test_each_front_door_persona_gets_the_decided_answer(url_name, world, sign_in):
    kwargs = KWARGS.get(url_name, lambda w: {})(world)
    url = reverse(url_name, kwargs=kwargs)
    wrong = {}
    for persona, expected in EXPECTED[url_name].items():
        client = sign_in(world.users[persona])
        client.raise_request_exception = False
        status = client.get(url).status_code
        if status != expected:
            wrong[persona] = f"expected {expected}, got {status}"
    assert not wrong, f"GET {url}: {wrong}"
