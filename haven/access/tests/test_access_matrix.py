"""Who may use every page in Haven: one table, every URL, every persona.

``EXPECTED`` holds one access decision per named URL: how to build its arguments from
records in ``org``, which method to use, and the answer each persona must get. A new URL
with no row here fails the build (``test_every_url_has_an_access_decision``), and so does a
row for a URL that has gone. To add a page: add its row, choosing the answers on purpose.

Answers are a status code, or ``Redirect(path)`` for a 302 that stays on this site. Anyone
signed out is sent to sign in, except on the few public pages. Another organisation's
records answer 404: "you may not know it exists". Pages that change something also say
what to look at, so a refused request is seen to have changed nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import services as account_services
from haven.accounts.models import Invitation, Team, User
from haven.cases.tests.records import edit_form_data
from haven.configuration import services as configuration_services
from haven.configuration.models import Option
from haven.core import clock
from haven.core.testing.factories import TeamFactory, UserFactory
from haven.core.testing.urls import all_urls, by_name, url_names
from haven.drafts.models import Draft
from haven.drafts.services import draft_save
from haven.jobs.models import Job
from haven.jobs.services import job_enqueue, run_all_jobs
from haven.notifications.models import Kind, Notification
from haven.notifications.services import notify
from haven.people import imports
from haven.people import services as people_services
from haven.people.models import Identifier, ImportFile, Person, Relationship, StatusFlag

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "staff_member",  # no second factor, and their role needs none
    "key_person",
    "dsl",
    "deputy_dsl",
    "manager",
    "admin",
    "admin_not_elevated",  # an administrator who has not proved their second factor
    "leader",
    "stranger",  # another organisation's DSL
    "stranger_admin",  # another organisation's administrator
)
# Every other persona signs in with the second factor proved, if they have one.
NOT_ELEVATED = {"admin_not_elevated"}
# People of ``org``, as opposed to the two from the other organisation.
OURS = frozenset(PERSONAS) - {"anonymous", "stranger", "stranger_admin"}
# What a decided answer may be. 500 is never one (DESIGN.md, rule 9).
ALLOWED_STATUSES = {200, 302, 400, 403, 404, 410}


@dataclass(frozen=True)
class Redirect:
    """A 302 to ``path`` on this site (or to anywhere under it, with ``prefix``)."""

    path: str
    prefix: bool = False


SIGN_IN = Redirect("/sign-in/")
ELEVATE = Redirect("/account/elevate/")
SET_UP_TWO_FACTOR = Redirect("/account/two-factor/")
HOME = Redirect("/")
FORBIDDEN, NOT_FOUND, OK = 403, 404, 200


def today() -> date:
    return clock.today()


def mis_csv() -> bytes:
    """A two-pupil export from a school's MIS: one good row, one with a broken UPN."""
    from stdnum.gb import upn

    body = "801260000001"
    rows = [
        "UPN,Legal Surname,Legal Forename,DOB",
        f"{upn.calc_check_digit(body)}{body},Matrix,Milly,25/06/2019",
        "NOT-A-UPN,Matrix,Max,01/02/2018",
    ]
    return ("\n".join(rows) + "\n").encode()


# --- Records the pages are asked about ---------------------------------------------------


class World:
    """The records of ``org`` that URLs point at, made only when a test asks for them."""

    def __init__(self, request):
        self._request = request

    def _fixture(self, name):
        return self._request.getfixturevalue(name)

    @cached_property
    def org(self):
        return self._fixture("org")

    def user(self, persona: str) -> User | None:
        if persona == "anonymous":
            return None
        return self._fixture("admin" if persona == "admin_not_elevated" else persona)

    @cached_property
    def target(self) -> User:
        """An active member of staff that administrators act on."""
        return UserFactory(organisation=self.org, full_name="Tara Target", roles=["staff"])

    @cached_property
    def inactive(self) -> User:
        return UserFactory(
            organisation=self.org,
            full_name="Ian Inactive",
            roles=["staff"],
            is_active=False,
            deactivated_at=clock.now(),
        )

    @cached_property
    def secured(self) -> User:
        """A practitioner with an authenticator, for resetting the second factor."""
        return UserFactory(
            organisation=self.org,
            full_name="Pat Practitioner",
            roles=["practitioner"],
            authenticator=True,
        )

    @cached_property
    def team(self) -> Team:
        return TeamFactory(organisation=self.org, name="Matrix team")

    @cached_property
    def invitation_and_token(self) -> tuple[Invitation, str]:
        """An open invitation, and the secret token from the email it sent."""
        with TestCase.captureOnCommitCallbacks(execute=True):
            invitation = account_services.invitation_create(
                actor=self._fixture("admin"),
                email="ina.invitee@example.org",
                full_name="Ina Invitee",
                role_codes=["staff"],
            )
        (message,) = (m for m in mail.outbox if "ina.invitee@example.org" in m.to)
        token = re.search(r"/invitations/([^/\s]+)/", message.body).group(1)
        return invitation, token

    @property
    def invitation(self) -> Invitation:
        return self.invitation_and_token[0]

    def ours(self, user: User | None) -> User:
        """The user themselves if they are in ``org``; otherwise the DSL of ``org``, whose
        records are the ones a stranger tries to reach."""
        if user is not None and user.organisation_id == self.org.pk:
            return user
        return self._fixture("dsl")

    def note_for(self, user: User | None) -> Notification:
        owner = self.ours(user)
        cache = self.__dict__.setdefault("_notes", {})
        if owner.pk not in cache:
            (cache[owner.pk],) = notify(
                recipients=[owner],
                kind=Kind.SECURITY,
                title=f"A notification for {owner.full_name}",
                url=reverse("accounts:my_account"),
                email=False,
            )
        return cache[owner.pk]

    def draft_for(self, user: User | None) -> Draft:
        owner = self.ours(user)
        cache = self.__dict__.setdefault("_drafts", {})
        if owner.pk not in cache:
            cache[owner.pk] = draft_save(
                author=owner, form_key="matrix-draft", label="Matrix", url="/", data={"a": "b"}
            )
        return cache[owner.pk]

    @cached_property
    def child(self) -> Person:
        """A child of ours, with an identifier, a status, and a mother in their household."""
        return people_services.person_create(
            actor=self._fixture("dsl"),
            data={
                "kind": "child",
                "first_name": "Milo",
                "last_name": "Matrix",
                "date_of_birth": date(2018, 6, 25),
            },
            address={"address_line_1": "1 Matrix Row"},
            identifiers=[("other", "Admission number", "MX-1")],
            duplicate_reason="test data",
        )

    @cached_property
    def mother(self) -> Person:
        return people_services.person_create(
            actor=self._fixture("dsl"),
            data={"kind": "adult", "first_name": "Mara", "last_name": "Matrix"},
            household=self.child.household,
            duplicate_reason="test data",
        )

    @cached_property
    def relationship(self) -> Relationship:
        return people_services.relationship_add(
            person=self.child, related=self.mother, actor=self._fixture("dsl"), type="mother"
        )

    @cached_property
    def status(self) -> StatusFlag:
        return people_services.flag_start(
            person=self.child, actor=self._fixture("dsl"), flag="sen_support", start_date=today()
        )

    @property
    def chronology_entry(self):
        """An entry in the child's chronology (the status above, started)."""
        from haven.chronology.models import Entry

        return Entry.objects.for_org(self.org).filter(child=self.status.person).first()

    @property
    def identifier(self) -> Identifier:
        return Identifier.objects.for_org(self.org).get(person=self.child)

    @cached_property
    def option(self) -> Option:
        return configuration_services.option_add(
            actor=self._fixture("admin"), list_key="gender", label="Matrix option"
        )

    @cached_property
    def upload(self) -> ImportFile:
        """An MIS file of ours, checked (one row accepted, one rejected), not applied."""
        dsl = self._fixture("dsl")
        upload = imports.import_upload(actor=dsl, name="matrix.csv", raw=mis_csv())
        imports.import_check(actor=dsl, upload=upload, mapping=upload.mapping)
        run_all_jobs()
        return ImportFile.unscoped.get(pk=upload.pk)

    def job_for(self, user: User | None) -> Job:
        """A job the user started (if they are ours), or one our DSL started."""
        owner = self.ours(user)
        cache = self.__dict__.setdefault("_jobs", {})
        if owner.pk not in cache:
            cache[owner.pk] = job_enqueue(
                organisation=self.org, actor=owner, kind="people_import_check", payload={}
            )
        return cache[owner.pk]

    def export_token_for(self, user: User | None) -> str:
        """A fresh chronology export link of the user (if they may export), or of our DSL."""
        from haven.access import rules
        from haven.chronology.services import chronology_export_create

        owner = self.ours(user)
        if not rules.can_export_chronology(owner):
            owner = self._fixture("dsl")
        _, token = chronology_export_create(
            actor=owner, child=self.child, filters={}, fmt="csv", redact=False
        )
        return token

    # What the pages that change things change, read fresh from the database.

    def uploads_in_org(self) -> list[tuple]:
        return list(
            ImportFile.objects.for_org(self.org).order_by("pk").values_list("pk", "check_job")
        )

    def child_now(self) -> Person:
        return Person.unscoped.get(pk=self.child.pk)

    def people_in_org(self) -> list[int]:
        return list(Person.objects.for_org(self.org).order_by("pk").values_list("pk", flat=True))

    def options_in_org(self) -> list[tuple]:
        return list(
            Option.objects.for_org(self.org).order_by("pk").values_list("pk", "label", "is_active")
        )

    def is_active(self, user: User) -> bool:
        return User.unscoped.get(pk=user.pk).is_active

    def has_authenticator(self, user: User) -> bool:
        return TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    def invitations(self) -> list[tuple]:
        return list(
            Invitation.objects.for_org(self.org).order_by("pk").values_list("pk", "revoked_at")
        )

    def unread_in_org(self) -> int:
        return Notification.objects.for_org(self.org).filter(read_at__isnull=True).count()

    @cached_property
    def workforce(self):
        """A volunteer of ours (no sign-in) managed by our line manager, with a course, a
        certificate, a DBS check, induction and a learning-needs analysis."""
        from haven.workforce.tests.records import workforce_records

        return workforce_records(self._fixture("admin"), self._fixture("manager"))

    def workforce_session(self, user: User) -> dict:
        """The bulk-entry form for one attendee: ours, or the stranger's own."""
        from haven.access import rules
        from haven.workforce.tests.records import session_post, workforce_records

        if user is None or user.organisation_id == self.org.pk or not rules.can_administer(user):
            return session_post(self.workforce)
        return session_post(workforce_records(user, name="Olwen Otherside"))

    def workforce_rows(self, model_name: str) -> list:
        from django.apps import apps

        model = apps.get_model("workforce", model_name)
        return list(model.objects.for_org(self.org).order_by("pk").values_list("pk", flat=True))

    @cached_property
    def programmes(self):
        """A programme of ours with a service, an agency, and an engagement for the child
        opened by the DSL, with the key person (line-managed by the manager) as key person."""
        from haven.programmes.tests.records import programme_records

        return programme_records(
            self._fixture("admin"), self._fixture("dsl"), self._fixture("key_person"), self.child
        )

    def programme_row(self, model_name: str, record) -> dict:
        from django.apps import apps

        model = apps.get_model("programmes", model_name)
        return model.unscoped.filter(pk=record.pk).values().get()

    def deliveries_in_org(self) -> list[int]:
        from haven.programmes.models import ServiceDelivery

        rows = ServiceDelivery.objects.for_org(self.org).order_by("pk")
        return list(rows.values_list("pk", flat=True))

    @cached_property
    def document(self):
        """A photo of the child in their document vault, uploaded by the DSL."""
        from haven.documents.tests.records import document_records

        return document_records(self._fixture("dsl"), self.child).photo

    def documents_in_org(self) -> list[tuple]:
        from haven.documents.models import Document

        rows = Document.objects.for_org(self.org).order_by("pk")
        return list(rows.values_list("pk", "entered_in_error"))

    def drafts_in_org(self) -> list[tuple]:
        return list(
            Draft.objects.for_org(self.org).order_by("pk").values_list("author_id", "form_key")
        )

    @cached_property
    def alerted(self):
        """A concern about the child recorded by the member of staff, alerting the key person,
        for the alerts, actions and triage pages."""
        from haven.safeguarding.tests.records import concern_records

        return concern_records(
            self._fixture("staff_member"), self.child, alert_people=[self._fixture("key_person")]
        ).concern

    def alert_for(self, user: User | None):
        """An unread alert of the user's own on that concern (our DSL's, for a stranger)."""
        from haven.safeguarding.alerts import alerts_send
        from haven.safeguarding.models import Alert

        owner = self.ours(user)
        mine = Alert.objects.for_org(self.org).filter(concern=self.alerted, recipient=owner)
        return (
            mine.first()
            or alerts_send(
                concern=self.alerted, recipients=[owner], actor=self._fixture("staff_member")
            )[0]
        )

    def alert_read_at(self, user: User | None):
        from haven.safeguarding.models import Alert

        return Alert.unscoped.get(pk=self.alert_for(user).pk).read_at

    @cached_property
    def cumulative(self):
        """A cumulative concern alert: a concern about a child on a child protection plan."""
        from haven.safeguarding.models import CumulativeAlert
        from haven.safeguarding.tests.records import concern_records, make_child

        dsl = self._fixture("dsl")
        planned = make_child(dsl, "Cara", "Matrix")
        people_services.flag_start(person=planned, actor=dsl, flag="cp_plan", start_date=today())
        concern = concern_records(self._fixture("staff_member"), planned).concern
        return CumulativeAlert.objects.for_org(self.org).get(concern=concern)

    def alert_rows(self, model_name: str) -> list:
        from django.apps import apps

        model = apps.get_model("safeguarding", model_name)
        rows = model.objects.for_org(self.org).order_by("pk")
        return list(rows.values_list("pk", "modified_at"))

    @cached_property
    def cases(self):
        """Safeguarding cases in the programmes engagement, opened by the DSL with the key
        person as owner and the manager as manager: one open, one waiting for the manager
        to approve its closure, one closed; and a task the key person set themselves."""
        from haven.cases.tests.records import case_records

        return case_records(
            self._fixture("dsl"),
            self._fixture("key_person"),
            self._fixture("manager"),
            self.child,
            self.programmes.engagement,
        )

    def case_rows(self, model_name: str) -> list:
        from django.apps import apps

        model = apps.get_model("cases", model_name)
        rows = model.objects.for_org(self.org).order_by("pk")
        return list(rows.values_list("pk", "modified_at"))

    def task_now(self) -> tuple:
        from haven.tasks.models import Task

        task = Task.unscoped.get(pk=self.cases.task.pk)
        return task.done_at, task.modified_at

    @cached_property
    def concern(self):
        """A concern about the child recorded by the member of staff, alerting the key person
        (the DSL and the deputy see every concern; nobody else may know it exists)."""
        from haven.safeguarding.tests.records import concern_records

        return concern_records(
            self._fixture("staff_member"), self.child, alert_people=[self._fixture("key_person")]
        ).concern

    def concerns_in_org(self) -> list[tuple]:
        from haven.safeguarding.models import Concern

        rows = Concern.objects.for_org(self.org).order_by("pk")
        return list(rows.values_list("pk", "version", "entered_in_error"))

    @cached_property
    def concern_category(self):
        from haven.safeguarding.models import ConcernCategory
        from haven.safeguarding.taxonomy import seed_safeguarding

        seed_safeguarding(self.org)
        return ConcernCategory.objects.for_org(self.org).get(name="Wellbeing", parent=None)


@pytest.fixture
def stranger_admin(other_org):
    return UserFactory(
        organisation=other_org,
        full_name="Olive Otherside",
        email="olive.otherside@example.net",
        roles=["administrator"],
        authenticator=True,
    )


@pytest.fixture
def world(request):
    return World(request)


@pytest.fixture
def client_for(world, sign_in):
    def _client(persona: str) -> Client:
        user = world.user(persona)
        if user is None:
            return Client()
        return sign_in(user, elevated=persona not in NOT_ELEVATED)

    return _client


# --- The table ---------------------------------------------------------------------------

Builder = Callable[[World, User | None], dict]


def _nothing(world, user) -> dict:
    return {}


@dataclass(frozen=True)
class Form:
    """A form a page accepts by POST as well as showing it by GET.

    Whoever may see the form (their GET answer is 200) may send it, and then gets
    ``success``; everyone else gets their GET answer to the POST too. For people of ``org``
    who may send it, ``observe`` must change; for everyone else it must stay as it was (a
    stranger's form changes only their own organisation).
    """

    data: Builder
    observe: Callable[[World], object]
    success: Redirect

    def answers(self, page: Page) -> dict:
        return {p: self.success if a == OK else a for p, a in page.answers.items()}

    def changes_for(self, page: Page) -> frozenset:
        return frozenset(p for p in OURS if page.answers[p] == OK)


@dataclass(frozen=True)
class Page:
    answers: dict
    method: str = "get"
    kwargs: Builder = _nothing
    data: Builder = _nothing
    # For pages that change things: what to look at before and after the request...
    observe: Callable[[World, User | None], object] | None = None
    # ...and who may change it. For everyone else it must stay as it was.
    changes_for: frozenset = frozenset()
    form: Form | None = None


def answers(**by_persona) -> dict:
    missing = set(PERSONAS) - set(by_persona)
    assert not missing, f"no answer for {sorted(missing)}"
    return by_persona


def everyone(answer) -> dict:
    return dict.fromkeys(PERSONAS, answer)


def signed_in(answer, **exceptions) -> dict:
    """Any member of staff, of any organisation: their own things."""
    return {**dict.fromkeys(PERSONAS, answer), "anonymous": SIGN_IN, **exceptions}


def administrators(answer, *, stranger_admin=None) -> dict:
    """Administrators with their second factor proved. ``stranger_admin`` says what another
    organisation's administrator gets: the same answer on a page about their own
    organisation, 404 on a page about one of our records."""
    return answers(
        anonymous=SIGN_IN,
        staff_member=FORBIDDEN,
        key_person=FORBIDDEN,
        dsl=FORBIDDEN,
        deputy_dsl=FORBIDDEN,
        manager=FORBIDDEN,
        admin=answer,
        admin_not_elevated=ELEVATE,
        leader=FORBIDDEN,
        stranger=FORBIDDEN,
        stranger_admin=answer if stranger_admin is None else stranger_admin,
    )


def people(answer, *, editors_only: bool = False, strangers=NOT_FOUND) -> dict:
    """People's records: staff and every role that works with children, never leaders, and
    only with the second factor proved. ``editors_only``: a member of staff may not use it
    at all. ``strangers`` is what another organisation's DSL and administrator get: the
    same as ours on a page about their own organisation, 404 on one of our records."""
    return answers(
        anonymous=SIGN_IN,
        staff_member=FORBIDDEN if editors_only else ELEVATE,
        key_person=answer,
        dsl=answer,
        deputy_dsl=answer,
        manager=answer,
        admin=answer,
        admin_not_elevated=ELEVATE,
        leader=FORBIDDEN,
        stranger=strangers,
        stranger_admin=strangers,
    )


def leads_and_administrators(answer, *, strangers=NOT_FOUND) -> dict:
    """The DSL, their deputy and administrators, with the second factor proved."""
    return answers(
        anonymous=SIGN_IN,
        staff_member=FORBIDDEN,
        key_person=FORBIDDEN,
        dsl=answer,
        deputy_dsl=answer,
        manager=FORBIDDEN,
        admin=answer,
        admin_not_elevated=ELEVATE,
        leader=FORBIDDEN,
        stranger=strangers,
        stranger_admin=strangers,
    )


ADMIN_ONLY = frozenset({"admin"})
# Reports are about the reader's own organisation, so another organisation's DSL sees theirs.
REPORT_READERS = answers(
    anonymous=SIGN_IN,
    staff_member=FORBIDDEN,
    key_person=FORBIDDEN,
    dsl=OK,
    deputy_dsl=OK,
    manager=OK,
    admin=FORBIDDEN,
    admin_not_elevated=FORBIDDEN,
    leader=OK,
    stranger=OK,
    stranger_admin=FORBIDDEN,
)
PERSON_PAGE = Redirect("/people/", prefix=True)
IMPORT_PAGE = Redirect("/people/import/", prefix=True)
STAFF_PAGE = Redirect("/administration/staff/", prefix=True)


def _target(world, user):
    return {"pk": world.target.pk}


def _team(world, user):
    return {"pk": world.team.pk}


def _invitation(world, user):
    return {"pk": world.invitation.pk}


def _note(world, user):
    return {"pk": world.note_for(user).pk}


def _child(world, user):
    return {"pk": world.child.pk}


def _photographed(world, user):
    """The child, with a photo in their header."""
    from haven.people.photos import person_photo_set

    if not world.child_now().photo_name:
        person_photo_set(
            person=world.child_now(),
            actor=world._fixture("dsl"),
            upload=SimpleUploadedFile("matrix.png", _tiny_png(), content_type="image/png"),
        )
    return {"pk": world.child.pk}


def _household(world, user):
    return {"pk": world.child.household_id}


def _upload(world, user):
    return {"pk": world.upload.pk}


def _tiny_png() -> bytes:
    from haven.documents.demo import tiny_png

    return tiny_png()


def _volunteer(world, user):
    return {"pk": world.workforce.staff.pk}


def programme_workers(answer, *, strangers=NOT_FOUND) -> dict:
    """Programme work: practitioners, line managers and the safeguarding leads, with the
    second factor proved. Administrators configure programmes but see no engagement.
    ``strangers``: what another organisation's DSL gets (their own pages, or 404 on ours)."""
    return answers(
        anonymous=SIGN_IN,
        staff_member=FORBIDDEN,
        key_person=answer,
        dsl=answer,
        deputy_dsl=answer,
        manager=answer,
        admin=FORBIDDEN,
        admin_not_elevated=FORBIDDEN,
        leader=FORBIDDEN,
        stranger=strangers,
        stranger_admin=FORBIDDEN,
    )


def _programme(world, user):
    return {"pk": world.programmes.programme.pk}


def _engagement(world, user):
    return {"pk": world.programmes.engagement.pk}


ALERTS_PAGE = Redirect("/concerns/alerts/", prefix=True)
# The DSL and deputy, second factor proved; another organisation's DSL sees their own lists.
SAFEGUARDING_LEADS = answers(
    anonymous=SIGN_IN,
    staff_member=FORBIDDEN,
    key_person=FORBIDDEN,
    dsl=OK,
    deputy_dsl=OK,
    manager=FORBIDDEN,
    admin=FORBIDDEN,
    admin_not_elevated=FORBIDDEN,
    leader=FORBIDDEN,
    stranger=OK,
    stranger_admin=FORBIDDEN,
)


def _concern(world, user):
    return {"pk": world.concern.pk}


def _concern_post(world, **extra) -> dict:
    from django.utils import timezone

    when = timezone.localtime(world.concern.occurred_at)
    return {
        "child": world.child.pk,
        "category": world.concern.category_id,
        "occurred_date": when.strftime("%d/%m/%Y"),
        "occurred_time": when.strftime("%H:%M"),
        "account": "Matrix: what happened, corrected.",
        "status": "open",
        **extra,
    }


# Who may read a concern: whoever recorded it, whoever was alerted, the DSL and the deputy
# (with their second factor proved, as their roles read children's histories).
CONCERN_READERS = answers(
    anonymous=SIGN_IN,
    staff_member=OK,
    key_person=OK,
    dsl=OK,
    deputy_dsl=OK,
    manager=NOT_FOUND,
    admin=NOT_FOUND,
    admin_not_elevated=ELEVATE,
    leader=NOT_FOUND,
    stranger=NOT_FOUND,
    stranger_admin=NOT_FOUND,
)

# The compliance matrix, its exports and staff records: administrators and line managers,
# with the second factor proved (another organisation's administrator sees their own).
WORKFORCE_READERS = answers(
    anonymous=SIGN_IN,
    staff_member=FORBIDDEN,
    key_person=FORBIDDEN,
    dsl=FORBIDDEN,
    deputy_dsl=FORBIDDEN,
    manager=OK,
    admin=OK,
    admin_not_elevated=ELEVATE,
    leader=FORBIDDEN,
    stranger=FORBIDDEN,
    stranger_admin=OK,
)
WORKFORCE_STAFF_PAGE = Redirect("/workforce/staff/", prefix=True)


# Pages Django's LoginRequiredMiddleware lets through (decorated ``login_not_required``).
PUBLIC_PAGES = {
    "core:healthz",
    "accounts:sign_in",
    "accounts:sign_in_verify",
    "accounts:sign_out",
    "accounts:accept_invitation",
}

EXPECTED: dict[str, Page] = {
    # --- Public pages ---
    "core:healthz": Page(everyone(OK)),
    "accounts:sign_in": Page(everyone(HOME) | {"anonymous": OK}),
    # Nobody has a password step pending, so everyone is sent back to sign in.
    "accounts:sign_in_verify": Page(everyone(SIGN_IN)),
    "accounts:sign_out": Page(everyone(SIGN_IN), method="post"),
    # The token is the credential: whoever holds the link may see the form (and anyone
    # signed in is signed out first).
    "accounts:accept_invitation": Page(
        everyone(OK), kwargs=lambda w, u: {"token": w.invitation_and_token[1]}
    ),
    # --- Anyone signed in ---
    "core:home": Page(signed_in(OK)),
    "accounts:my_account": Page(signed_in(OK)),
    "accounts:password_change": Page(signed_in(OK)),
    # Replacing an authenticator needs the old one first.
    "accounts:two_factor_setup": Page(signed_in(OK, admin_not_elevated=ELEVATE)),
    "accounts:recovery_codes": Page(
        signed_in(OK, staff_member=ELEVATE, leader=ELEVATE, admin_not_elevated=ELEVATE)
    ),
    "accounts:elevate": Page(
        signed_in(
            HOME, staff_member=SET_UP_TWO_FACTOR, leader=SET_UP_TWO_FACTOR, admin_not_elevated=OK
        )
    ),
    "accounts:session_status": Page(signed_in(OK)),
    "accounts:keepalive": Page(signed_in(OK), method="post"),
    "notifications:inbox": Page(signed_in(OK)),
    "notifications:bell": Page(signed_in(OK)),
    "notifications:mark_all_read": Page(
        signed_in(Redirect("/notifications/")),
        method="post",
        observe=lambda w, u: (w.note_for(u), w.unread_in_org())[1],
        changes_for=OURS,
    ),
    # Only the recipient may open or mark a notification; a stranger asks for one of ours.
    "notifications:open": Page(
        signed_in(Redirect("/account/"), stranger=NOT_FOUND, stranger_admin=NOT_FOUND),
        method="post",
        kwargs=_note,
        observe=lambda w, u: Notification.unscoped.get(pk=w.note_for(u).pk).read_at,
        changes_for=OURS,
    ),
    "notifications:mark_read": Page(
        signed_in(Redirect("/notifications/"), stranger=NOT_FOUND, stranger_admin=NOT_FOUND),
        method="post",
        kwargs=_note,
        observe=lambda w, u: Notification.unscoped.get(pk=w.note_for(u).pk).read_at,
        changes_for=OURS,
    ),
    # Drafts belong to their author; a stranger's land in their own organisation.
    "drafts:save": Page(
        signed_in(OK),
        method="post",
        data=lambda w, u: {"_draft_key": "matrix-new", "_draft_label": "New", "field": "x"},
        observe=lambda w, u: w.drafts_in_org(),
        changes_for=OURS,
    ),
    "drafts:discard": Page(
        signed_in(HOME),
        method="post",
        data=lambda w, u: {"_draft_key": w.draft_for(u).form_key},
        observe=lambda w, u: (w.draft_for(u), w.drafts_in_org())[1],
        changes_for=OURS,
    ),
    # --- Administration: administrators only, second factor proved ---
    "administration:staff": Page(administrators(OK)),
    "administration:invite": Page(
        administrators(OK),
        form=Form(
            data=lambda w, u: {
                "full_name": "Nia Newcomer",
                "email": "nia.newcomer@example.org",
                "role_codes": ["staff"],
            },
            observe=lambda w: w.invitations(),
            success=STAFF_PAGE,
        ),
    ),
    "administration:staff_edit": Page(
        administrators(OK, stranger_admin=NOT_FOUND),
        kwargs=_target,
        form=Form(
            data=lambda w, u: {"full_name": "Tara Renamed", "role_codes": ["dsl"]},
            observe=lambda w: (
                User.unscoped.get(pk=w.target.pk).full_name,
                sorted(User.unscoped.get(pk=w.target.pk).role_codes),
            ),
            success=STAFF_PAGE,
        ),
    ),
    "administration:staff_deactivate": Page(
        administrators(STAFF_PAGE, stranger_admin=NOT_FOUND),
        method="post",
        kwargs=_target,
        observe=lambda w, u: w.is_active(w.target),
        changes_for=ADMIN_ONLY,
    ),
    "administration:staff_reactivate": Page(
        administrators(STAFF_PAGE, stranger_admin=NOT_FOUND),
        method="post",
        kwargs=lambda w, u: {"pk": w.inactive.pk},
        observe=lambda w, u: w.is_active(w.inactive),
        changes_for=ADMIN_ONLY,
    ),
    "administration:staff_reset_second_factor": Page(
        administrators(STAFF_PAGE, stranger_admin=NOT_FOUND),
        method="post",
        kwargs=lambda w, u: {"pk": w.secured.pk},
        observe=lambda w, u: w.has_authenticator(w.secured),
        changes_for=ADMIN_ONLY,
    ),
    "administration:invitation_resend": Page(
        administrators(STAFF_PAGE, stranger_admin=NOT_FOUND),
        method="post",
        kwargs=_invitation,
        observe=lambda w, u: w.invitations(),
        changes_for=ADMIN_ONLY,
    ),
    "administration:invitation_revoke": Page(
        administrators(STAFF_PAGE, stranger_admin=NOT_FOUND),
        method="post",
        kwargs=_invitation,
        observe=lambda w, u: w.invitations(),
        changes_for=ADMIN_ONLY,
    ),
    "administration:teams": Page(administrators(OK)),
    "administration:team_new": Page(
        administrators(OK),
        form=Form(
            data=lambda w, u: {"name": "Posted team"},
            observe=lambda w: list(Team.objects.for_org(w.org).values_list("name", flat=True)),
            success=Redirect("/administration/teams/"),
        ),
    ),
    "administration:team_edit": Page(
        administrators(OK, stranger_admin=NOT_FOUND),
        kwargs=_team,
        form=Form(
            data=lambda w, u: {"name": "Renamed team", "members": [w.target.pk]},
            observe=lambda w: (
                Team.unscoped.get(pk=w.team.pk).name,
                list(Team.unscoped.get(pk=w.team.pk).members.values_list("pk", flat=True)),
            ),
            success=Redirect("/administration/teams/"),
        ),
    ),
    "administration:organisation": Page(
        administrators(OK),
        form=Form(
            data=lambda w, u: {
                "two_factor_policy": "roles",
                "idle_timeout_minutes": "45",
                "always_alert_dsl_team": "on",
                "safeguarding_guidance": "Posted guidance",
            },
            observe=lambda w: type(w.org).objects.filter(pk=w.org.pk).values().get(),
            success=Redirect("/administration/organisation/"),
        ),
    ),
    # --- The audit trail ---
    "audit:log": Page(administrators(OK)),
    "audit:export": Page(administrators(OK)),
    # Who has seen a person's record: the safeguarding leads and administrators.
    "audit:person_access": Page(
        answers(
            anonymous=SIGN_IN,
            staff_member=FORBIDDEN,
            key_person=FORBIDDEN,
            dsl=OK,
            deputy_dsl=OK,
            manager=FORBIDDEN,
            admin=OK,
            admin_not_elevated=ELEVATE,
            leader=FORBIDDEN,
            stranger=NOT_FOUND,
            stranger_admin=NOT_FOUND,
        ),
        kwargs=lambda w, u: {"person_id": w.child.pk},
    ),
    # --- Picklists: administrators only ---
    "administration:picklists": Page(administrators(OK)),
    "administration:picklist": Page(
        administrators(OK),
        kwargs=lambda w, u: {"key": "gender"},
        form=Form(
            data=lambda w, u: {"label": "Posted option"},
            observe=lambda w: w.options_in_org(),
            success=Redirect("/administration/lists/gender/"),
        ),
    ),
    "administration:option_update": Page(
        administrators(Redirect("/administration/lists/gender/"), stranger_admin=NOT_FOUND),
        method="post",
        kwargs=lambda w, u: {"pk": w.option.pk},
        data=lambda w, u: {"label": "Renamed option", "is_active": "on"},
        observe=lambda w, u: (w.option, w.options_in_org())[1],
        changes_for=ADMIN_ONLY,
    ),
    # --- People: every role that works with children, with the second factor proved ---
    "people:search": Page(people(OK, strangers=OK)),
    "people:create": Page(
        people(OK, editors_only=True, strangers=OK),
        form=Form(
            data=lambda w, u: {
                "kind": "child",
                "first_name": "Nova",
                "last_name": "Newcomer",
                "date_of_birth": "01/02/2019",
            },
            observe=lambda w: w.people_in_org(),
            success=PERSON_PAGE,
        ),
    ),
    "people:detail": Page(people(OK), kwargs=_child),
    "people:edit": Page(
        people(OK),
        kwargs=_child,
        form=Form(
            data=lambda w, u: {
                "first_name": "Milo",
                "last_name": "Renamed",
                "date_of_birth": "25/06/2018",
            },
            observe=lambda w: w.child_now().last_name,
            success=PERSON_PAGE,
        ),
    ),
    # The photo: changed by whoever may edit the person, seen by whoever may see them.
    "people:photo": Page(
        people(OK),
        kwargs=_child,
        form=Form(
            data=lambda w, u: {
                "photo": SimpleUploadedFile("posted.png", _tiny_png(), content_type="image/png")
            },
            observe=lambda w: w.child_now().photo_name,
            success=PERSON_PAGE,
        ),
    ),
    "people:photo_remove": Page(
        people(PERSON_PAGE),
        method="post",
        kwargs=_photographed,
        observe=lambda w, u: w.child_now().photo_name,
        changes_for=OURS - {"staff_member", "admin_not_elevated", "leader"},
    ),
    "people:photo_image": Page(people(OK), kwargs=_photographed),
    "people:identifier_add": Page(
        people(OK),
        kwargs=_child,
        form=Form(
            data=lambda w, u: {"kind": "other", "label": "Locker", "value": "L-42"},
            observe=lambda w: list(w.child.identifiers.values_list("pk", flat=True)),
            success=PERSON_PAGE,
        ),
    ),
    "people:identifier_withdraw": Page(
        people(OK),
        kwargs=lambda w, u: {"pk": w.identifier.pk},
        form=Form(
            data=lambda w, u: {"reason": "Entered in error"},
            observe=lambda w: w.identifier.withdrawn_at,
            success=PERSON_PAGE,
        ),
    ),
    "people:flag_add": Page(
        people(OK),
        kwargs=_child,
        form=Form(
            data=lambda w, u: {"flag": "young_carer", "start_date": f"{today():%d/%m/%Y}"},
            observe=lambda w: list(w.child.flags.values_list("pk", flat=True)),
            success=PERSON_PAGE,
        ),
    ),
    "people:flag_end": Page(
        people(OK),
        kwargs=lambda w, u: {"pk": w.status.pk},
        form=Form(
            data=lambda w, u: {"end_date": f"{today():%d/%m/%Y}"},
            observe=lambda w: StatusFlag.unscoped.get(pk=w.status.pk).end_date,
            success=PERSON_PAGE,
        ),
    ),
    "people:relationship_add": Page(people(OK), kwargs=_child),
    "people:relationship_end": Page(
        people(PERSON_PAGE),
        method="post",
        kwargs=lambda w, u: {"pk": w.relationship.pk},
        data=lambda w, u: {"reason": "Recorded in error"},
        observe=lambda w, u: Relationship.unscoped.get(pk=w.relationship.pk).ended_on,
        changes_for=OURS - {"staff_member", "admin_not_elevated", "leader"},
    ),
    # Marking chronology entries as significant is the safeguarding leads' call.
    "chronology:significant": Page(
        answers(
            anonymous=SIGN_IN,
            staff_member=FORBIDDEN,
            key_person=FORBIDDEN,
            dsl=PERSON_PAGE,
            deputy_dsl=PERSON_PAGE,
            manager=FORBIDDEN,
            admin=FORBIDDEN,
            admin_not_elevated=FORBIDDEN,
            leader=FORBIDDEN,
            stranger=NOT_FOUND,
            stranger_admin=FORBIDDEN,
        ),
        method="post",
        kwargs=lambda w, u: {},
        data=lambda w, u: {"mark": str(w.chronology_entry.pk)},
        observe=lambda w, u: w.chronology_entry.significant,
        changes_for=frozenset({"dsl", "deputy_dsl"}),
    ),
    "people:move": Page(
        people(OK),
        kwargs=_child,
        form=Form(
            data=lambda w, u: {"address-address_line_1": "2 Elsewhere Road"},
            observe=lambda w: w.child_now().household_id,
            success=PERSON_PAGE,
        ),
    ),
    # Merging records, and importing them from the school's MIS, is for the safeguarding
    # leads and administrators.
    "people:merge": Page(leads_and_administrators(OK), kwargs=_child),
    "people:import": Page(
        leads_and_administrators(OK, strangers=OK),
        form=Form(
            data=lambda w, u: {"file": SimpleUploadedFile("posted.csv", mis_csv())},
            observe=lambda w: w.uploads_in_org(),
            success=IMPORT_PAGE,
        ),
    ),
    "people:import_detail": Page(
        leads_and_administrators(OK),
        kwargs=_upload,
        form=Form(
            data=lambda w, u: {"action": "check", **w.upload.mapping},
            observe=lambda w: w.uploads_in_org(),
            success=IMPORT_PAGE,
        ),
    ),
    "people:import_rejected": Page(leads_and_administrators(OK), kwargs=_upload),
    # The progress of a job: only whoever started it.
    "jobs:progress": Page(
        signed_in(OK, stranger=NOT_FOUND, stranger_admin=NOT_FOUND),
        kwargs=lambda w, u: {"pk": w.job_for(u).pk},
    ),
    "people:household": Page(people(OK), kwargs=_household),
    "chronology:household": Page(people(OK), kwargs=_household),
    "chronology:export": Page(people(OK), kwargs=_child),
    # A download link works once, for the person who made it: anyone else is not told of it.
    "chronology:download": Page(people(OK), kwargs=lambda w, u: {"token": w.export_token_for(u)}),
    "people:household_edit": Page(
        people(OK, editors_only=True),
        kwargs=_household,
        form=Form(
            data=lambda w, u: {"address_line_1": "9 Changed Street"},
            observe=lambda w: (
                type(w.child.household).unscoped.get(pk=w.child.household_id).address_line_1
            ),
            success=Redirect("/households/", prefix=True),
        ),
    ),
    # --- Documents: a person's vault ---
    # Downloaded by whoever may read the person's record; added by those who may edit it;
    # marked entered in error by a safeguarding lead or whoever uploaded it (the DSL here).
    "documents:upload": Page(
        people(OK, editors_only=True),
        kwargs=_child,
        form=Form(
            data=lambda w, u: {
                "file": SimpleUploadedFile("posted.png", _tiny_png(), content_type="image/png"),
                "kind": w.document.kind_id,
                "title": "Posted photo",
            },
            observe=lambda w: w.documents_in_org(),
            success=PERSON_PAGE,
        ),
    ),
    "documents:download": Page(people(OK), kwargs=lambda w, u: {"pk": w.document.pk}),
    "documents:entered_in_error": Page(
        answers(
            anonymous=SIGN_IN,
            staff_member=ELEVATE,
            key_person=FORBIDDEN,
            dsl=OK,
            deputy_dsl=OK,
            manager=FORBIDDEN,
            admin=FORBIDDEN,
            admin_not_elevated=ELEVATE,
            leader=FORBIDDEN,
            stranger=NOT_FOUND,
            stranger_admin=NOT_FOUND,
        ),
        kwargs=lambda w, u: {"pk": w.document.pk},
        form=Form(
            data=lambda w, u: {"reason": "Uploaded to the wrong record"},
            observe=lambda w: w.documents_in_org(),
            success=PERSON_PAGE,
        ),
    ),
    # --- Workforce: staff records, training, induction, DBS checks ---
    # The landing page: whoever may see counts or plan training.
    "workforce:home": Page(signed_in(OK, staff_member=FORBIDDEN, key_person=FORBIDDEN)),
    # The matrix and staff records: administrators (all) and line managers (their reports).
    "workforce:compliance": Page(WORKFORCE_READERS),
    "workforce:export_csv": Page(WORKFORCE_READERS),
    "workforce:export_pdf": Page(WORKFORCE_READERS),
    # Counts without names: leaders too, and no second factor needed.
    "workforce:counts": Page(
        answers(
            anonymous=SIGN_IN,
            staff_member=FORBIDDEN,
            key_person=FORBIDDEN,
            dsl=FORBIDDEN,
            deputy_dsl=FORBIDDEN,
            manager=OK,
            admin=OK,
            admin_not_elevated=OK,
            leader=OK,
            stranger=FORBIDDEN,
            stranger_admin=OK,
        )
    ),
    # Everyone's own training page (it says so when there is no record).
    "workforce:me": Page(signed_in(OK)),
    "workforce:staff_detail": Page(
        {**WORKFORCE_READERS, "stranger_admin": NOT_FOUND}, kwargs=_volunteer
    ),
    "workforce:staff_new": Page(
        administrators(OK),
        form=Form(
            data=lambda w, u: {
                "full_name": "Nell Newstarter",
                "post_title": "Driver",
                "kind": "paid",
                "level": "1",
                "started_on": f"{today():%d/%m/%Y}",
            },
            observe=lambda w: w.workforce_rows("StaffMember"),
            success=WORKFORCE_STAFF_PAGE,
        ),
    ),
    "workforce:staff_edit": Page(
        administrators(OK, stranger_admin=NOT_FOUND),
        kwargs=_volunteer,
        form=Form(
            data=lambda w, u: {
                "full_name": "Vera Volunteer",
                "post_title": "Senior play worker",
                "kind": "volunteer",
                "level": "3",
                "started_on": f"{today():%d/%m/%Y}",
            },
            observe=lambda w: type(w.workforce.staff).unscoped.get(pk=w.workforce.staff.pk).level,
            success=WORKFORCE_STAFF_PAGE,
        ),
    ),
    "workforce:dbs_add": Page(
        administrators(OK, stranger_admin=NOT_FOUND),
        kwargs=_volunteer,
        form=Form(
            data=lambda w, u: {
                "check_type": "enhanced_barred",
                "certificate_number": "0012 3456 7891",
                "issued_on": f"{today():%d/%m/%Y}",
            },
            observe=lambda w: w.workforce_rows("DbsCheck"),
            success=WORKFORCE_STAFF_PAGE,
        ),
    ),
    "workforce:training_add": Page(
        administrators(OK, stranger_admin=NOT_FOUND),
        kwargs=_volunteer,
        form=Form(
            data=lambda w, u: {
                "course": w.workforce.course.pk,
                "completed_on": f"{today() - timedelta(days=1):%d/%m/%Y}",
            },
            observe=lambda w: w.workforce_rows("TrainingRecord"),
            success=WORKFORCE_STAFF_PAGE,
        ),
    ),
    "workforce:induction": Page(
        administrators(OK, stranger_admin=NOT_FOUND),
        kwargs=_volunteer,
        form=Form(
            data=lambda w, u: {
                f"item-{o.pk}": "1"
                for o in Option.objects.for_org(w.org).filter(list_key="induction_items")
            },
            observe=lambda w: w.workforce_rows("InductionSignOff"),
            success=WORKFORCE_STAFF_PAGE,
        ),
    ),
    # A certificate: its owner, and whoever may see their record (the volunteer has no
    # sign-in, so here that is the line manager and administrators).
    "workforce:certificate": Page(
        answers(
            anonymous=SIGN_IN,
            staff_member=NOT_FOUND,
            key_person=NOT_FOUND,
            dsl=NOT_FOUND,
            deputy_dsl=NOT_FOUND,
            manager=OK,
            admin=OK,
            admin_not_elevated=ELEVATE,
            leader=NOT_FOUND,
            stranger=NOT_FOUND,
            stranger_admin=NOT_FOUND,
        ),
        kwargs=lambda w, u: {"pk": w.workforce.record.pk},
    ),
    "workforce:courses": Page(administrators(OK)),
    "workforce:course_new": Page(
        administrators(OK),
        form=Form(
            data=lambda w, u: {"name": "Posted course", "validity_months": "36", "levels": ["1"]},
            observe=lambda w: w.workforce_rows("Course"),
            success=Redirect("/workforce/courses/"),
        ),
    ),
    "workforce:course_edit": Page(
        administrators(OK, stranger_admin=NOT_FOUND),
        kwargs=lambda w, u: {"pk": w.workforce.course.pk},
        form=Form(
            data=lambda w, u: {"name": "Renamed course", "validity_months": "24"},
            observe=lambda w: (
                type(w.workforce.course)
                .unscoped.filter(pk=w.workforce.course.pk)
                .values_list("name", "validity_months")
                .get()
            ),
            success=Redirect("/workforce/courses/"),
        ),
    ),
    "workforce:session_new": Page(
        administrators(OK),
        form=Form(
            data=lambda w, u: w.workforce_session(u),
            observe=lambda w: w.workforce_rows("TrainingRecord"),
            success=Redirect("/workforce/compliance/"),
        ),
    ),
    "workforce:settings": Page(
        administrators(OK),
        form=Form(
            data=lambda w, u: {
                **{f"level_{n}_description": f"Posted level {n}" for n in range(1, 5)},
                "induction_months": "3",
                "dbs_renewal_years": "2",
            },
            observe=lambda w: w.workforce_rows("WorkforceSettings"),
            success=Redirect("/workforce/settings/"),
        ),
    ),
    # Learning-needs analyses: administrators and the safeguarding leads.
    "workforce:analyses": Page(leads_and_administrators(OK, strangers=OK)),
    "workforce:analysis_new": Page(
        leads_and_administrators(OK, strangers=OK),
        form=Form(
            data=lambda w, u: {
                "title": "Posted analysis",
                "whose_needs": "Drivers",
                "purpose": "A near miss",
                "methods": "Supervision notes",
                "findings": "Unsure whom to tell",
            },
            observe=lambda w: w.workforce_rows("LearningNeedsAnalysis"),
            success=Redirect("/workforce/analyses/", prefix=True),
        ),
    ),
    "workforce:analysis_detail": Page(
        leads_and_administrators(OK), kwargs=lambda w, u: {"pk": w.workforce.analysis.pk}
    ),
    "workforce:analysis_edit": Page(
        leads_and_administrators(OK),
        kwargs=lambda w, u: {"pk": w.workforce.analysis.pk},
        form=Form(
            data=lambda w, u: {
                "title": "Renamed analysis",
                "whose_needs": "Play workers",
                "purpose": "Refresher",
                "methods": "Appraisals",
                "findings": "Refresher needed",
            },
            observe=lambda w: (
                type(w.workforce.analysis).unscoped.get(pk=w.workforce.analysis.pk).title
            ),
            success=Redirect("/workforce/analyses/", prefix=True),
        ),
    ),
    "workforce:activity_add": Page(
        leads_and_administrators(OK),
        kwargs=lambda w, u: {"pk": w.workforce.analysis.pk},
        form=Form(
            data=lambda w, u: {
                "planned_for": f"{today():%d/%m/%Y}",
                "description": "Posted activity",
            },
            observe=lambda w: w.workforce_rows("PlannedActivity"),
            success=Redirect("/workforce/analyses/", prefix=True),
        ),
    ),
    # --- Programmes: need-to-know engagements ---
    "programmes:home": Page(programme_workers(OK, strangers=OK)),
    "programmes:mine": Page(programme_workers(OK, strangers=OK)),
    "programmes:bulk": Page(programme_workers(OK, strangers=OK)),
    "programmes:programme": Page(programme_workers(OK), kwargs=_programme),
    "programmes:register": Page(programme_workers(OK), kwargs=_programme),
    "programmes:open_access": Page(programme_workers(OK), kwargs=_programme),
    "programmes:report": Page(programme_workers(OK), kwargs=_programme),
    "programmes:report_csv": Page(
        programme_workers(OK), kwargs=_programme, data=lambda w, u: {"report": "children"}
    ),
    "programmes:engagement_new": Page(
        programme_workers(OK), kwargs=lambda w, u: {"person_pk": w.child.pk}
    ),
    # The engagement was opened by the DSL for the key person, whose line manager is the
    # manager: all of them (and the deputy) may see it; administrators may not.
    "programmes:engagement": Page(programme_workers(OK), kwargs=_engagement),
    "programmes:engagement_edit": Page(programme_workers(OK), kwargs=_engagement),
    "programmes:engagement_close": Page(programme_workers(OK), kwargs=_engagement),
    "programmes:consultation_new": Page(programme_workers(OK), kwargs=_engagement),
    "programmes:delivery_new": Page(
        programme_workers(OK),
        kwargs=_engagement,
        form=Form(
            data=lambda w, u: {
                "service": w.programmes.service.pk,
                "delivered_on": f"{today():%d/%m/%Y}",
                "attendance": "present",
            },
            observe=lambda w: w.deliveries_in_org(),
            success=Redirect("/engagements/", prefix=True),
        ),
    ),
    "programmes:admin_programmes": Page(administrators(OK)),
    "programmes:admin_programme": Page(
        administrators(OK, stranger_admin=NOT_FOUND), kwargs=_programme
    ),
    "programmes:admin_service": Page(
        administrators(OK, stranger_admin=NOT_FOUND),
        kwargs=lambda w, u: {"pk": w.programmes.service.pk},
    ),
    "programmes:admin_agencies": Page(administrators(OK)),
    "programmes:admin_agency": Page(
        administrators(OK, stranger_admin=NOT_FOUND),
        kwargs=lambda w, u: {"pk": w.programmes.agency.pk},
    ),
    "programmes:bulk_engagements": Page(programme_workers(OK, strangers=OK)),
    # Corrections: whoever may record in the engagement; open-access counts have no child.
    "programmes:delivery_edit": Page(
        programme_workers(OK),
        kwargs=lambda w, u: {"pk": w.programmes.delivery.pk},
        form=Form(
            data=lambda w, u: {"form": "error", "error-reason": "Matrix mistake"},
            observe=lambda w: w.programme_row("ServiceDelivery", w.programmes.delivery),
            success=Redirect("/engagements/", prefix=True),
        ),
    ),
    "programmes:consultation_edit": Page(
        programme_workers(OK),
        kwargs=lambda w, u: {"pk": w.programmes.consultation.pk},
        form=Form(
            data=lambda w, u: {"form": "error", "error-reason": "Matrix mistake"},
            observe=lambda w: w.programme_row("Consultation", w.programmes.consultation),
            success=Redirect("/engagements/", prefix=True),
        ),
    ),
    "programmes:open_access_edit": Page(
        programme_workers(OK),
        kwargs=lambda w, u: {"pk": w.programmes.open_access.pk},
        form=Form(
            data=lambda w, u: {"form": "error", "error-reason": "Matrix mistake"},
            observe=lambda w: w.programme_row("OpenAccessSession", w.programmes.open_access),
            success=Redirect("/programmes/", prefix=True),
        ),
    ),
    # The action is the key person's; the others who may see the engagement may mark it too.
    "programmes:follow_up_done": Page(
        programme_workers(Redirect("/engagements/", prefix=True)),
        method="post",
        kwargs=lambda w, u: {"pk": w.programmes.follow_up.pk},
        observe=lambda w, u: w.programme_row("FollowUpAction", w.programmes.follow_up),
        changes_for=frozenset({"key_person", "dsl", "deputy_dsl", "manager"}),
    ),
    # --- Alerts, actions and triage ---
    # Everyone has an alerts inbox; an alert is its recipient's alone.
    "safeguarding:alerts": Page(signed_in(OK)),
    "safeguarding:alerts_badge": Page(signed_in(OK)),
    "safeguarding:alert": Page(
        signed_in(OK, stranger=NOT_FOUND, stranger_admin=NOT_FOUND),
        kwargs=lambda w, u: {"pk": w.alert_for(u).pk},
    ),
    "safeguarding:alert_for_concern": Page(
        signed_in(ALERTS_PAGE, stranger=NOT_FOUND, stranger_admin=NOT_FOUND),
        kwargs=lambda w, u: {"concern_pk": w.alert_for(u).concern_id},
    ),
    "safeguarding:alert_read": Page(
        signed_in(ALERTS_PAGE, stranger=NOT_FOUND, stranger_admin=NOT_FOUND),
        method="post",
        kwargs=lambda w, u: {"pk": w.alert_for(u).pk},
        observe=lambda w, u: w.alert_read_at(u),
        changes_for=OURS,
    ),
    # Actions: the recorder (the member of staff), whoever holds an unread alert (the key
    # person) and the leads; nobody else may know the concern exists.
    "safeguarding:action_add": Page(
        answers(
            anonymous=SIGN_IN,
            staff_member=OK,
            key_person=OK,
            dsl=OK,
            deputy_dsl=OK,
            manager=NOT_FOUND,
            admin=NOT_FOUND,
            admin_not_elevated=NOT_FOUND,
            leader=NOT_FOUND,
            stranger=NOT_FOUND,
            stranger_admin=NOT_FOUND,
        ),
        kwargs=lambda w, u: {"pk": w.alerted.pk},
        form=Form(
            data=lambda w, u: {"children": [w.child.pk], "text": "Matrix action"},
            observe=lambda w: w.alert_rows("ConcernAction"),
            success=Redirect("/concerns/", prefix=True),
        ),
    ),
    # Re-alerts, triage and cumulative concern alerts: the DSL and deputy only.
    "safeguarding:realert": Page(
        SAFEGUARDING_LEADS | {"stranger": NOT_FOUND},
        kwargs=lambda w, u: {"pk": w.alerted.pk},
        form=Form(
            data=lambda w, u: {"recipient": w.target.pk, "message": "Matrix: please add"},
            observe=lambda w: w.alert_rows("Alert"),
            success=Redirect("/concerns/", prefix=True),
        ),
    ),
    "safeguarding:cumulative_alerts": Page(SAFEGUARDING_LEADS),
    "safeguarding:cumulative_acknowledge": Page(
        SAFEGUARDING_LEADS
        | {
            "dsl": Redirect("/concerns/cumulative/"),
            "deputy_dsl": Redirect("/concerns/cumulative/"),
            "stranger": NOT_FOUND,
        },
        method="post",
        kwargs=lambda w, u: {"pk": w.cumulative.pk},
        observe=lambda w, u: w.alert_rows("CumulativeAlert"),
        changes_for=frozenset({"dsl", "deputy_dsl"}),
    ),
    "safeguarding:triage": Page(SAFEGUARDING_LEADS),
    "safeguarding:triage_decide": Page(
        SAFEGUARDING_LEADS | {"stranger": NOT_FOUND},
        kwargs=lambda w, u: {"pk": w.alerted.pk},
        form=Form(
            data=lambda w, u: {"outcome": "monitor", "rationale": "Matrix: watch and wait"},
            observe=lambda w: w.alert_rows("TriageDecision"),
            success=Redirect("/concerns/triage/"),
        ),
    ),
    # --- Safeguarding cases: owner, manager, the leads and the engagement's people ---
    "cases:mine": Page(programme_workers(OK, strangers=OK)),
    "cases:all_open": Page(
        answers(
            anonymous=SIGN_IN,
            staff_member=FORBIDDEN,
            key_person=FORBIDDEN,
            dsl=OK,
            deputy_dsl=OK,
            manager=FORBIDDEN,
            admin=FORBIDDEN,
            admin_not_elevated=FORBIDDEN,
            leader=FORBIDDEN,
            stranger=OK,
            stranger_admin=FORBIDDEN,
        )
    ),
    "cases:new": Page(programme_workers(OK), data=lambda w, u: {"child": w.child.pk}),
    # The open case: the key person owns it, the manager manages it, the leads see all.
    "cases:case": Page(programme_workers(OK), kwargs=lambda w, u: {"pk": w.cases.case.pk}),
    "cases:monitoring_new": Page(
        programme_workers(OK),
        kwargs=lambda w, u: {"pk": w.cases.case.pk},
        form=Form(
            data=lambda w, u: {
                "given_by_name": "Matrix Person",
                "given_by_role": "Key person",
                "actions_taken": "Spoke with dad at pick-up.",
                "by_centre_staff": "on",
                "rationale": "Agreed at opening.",
            },
            observe=lambda w: w.case_rows("MonitoringAction"),
            success=Redirect("/cases/", prefix=True),
        ),
    ),
    "cases:edit": Page(
        programme_workers(OK),
        kwargs=lambda w, u: {"pk": w.cases.case.pk},
        form=Form(
            data=lambda w, u: edit_form_data(w.cases.case, description="Changed by the matrix."),
            observe=lambda w: w.case_rows("CaseEdit"),
            success=Redirect("/cases/", prefix=True),
        ),
    ),
    "cases:closure_request": Page(
        programme_workers(OK), kwargs=lambda w, u: {"pk": w.cases.case.pk}
    ),
    # The key person asked the manager: the manager and the leads decide, never the asker.
    "cases:closure_decide": Page(
        answers(
            anonymous=SIGN_IN,
            staff_member=FORBIDDEN,
            key_person=FORBIDDEN,
            dsl=OK,
            deputy_dsl=OK,
            manager=OK,
            admin=FORBIDDEN,
            admin_not_elevated=FORBIDDEN,
            leader=FORBIDDEN,
            stranger=NOT_FOUND,
            stranger_admin=FORBIDDEN,
        ),
        kwargs=lambda w, u: {"pk": w.cases.pending.pk},
        form=Form(
            data=lambda w, u: {"decision": "reject", "comment": "Keep going for now."},
            observe=lambda w: w.case_rows("ClosureRequest"),
            success=Redirect("/cases/", prefix=True),
        ),
    ),
    # Only the leads reopen a closed case or record the local authority's notification.
    "cases:reopen": Page(
        programme_workers(FORBIDDEN) | {"dsl": OK, "deputy_dsl": OK, "stranger": NOT_FOUND},
        kwargs=lambda w, u: {"pk": w.cases.closed.pk},
        form=Form(
            data=lambda w, u: {"reason": "A new worry from school."},
            observe=lambda w: w.case_rows("SafeguardingCase"),
            success=Redirect("/cases/", prefix=True),
        ),
    ),
    "cases:la_notified": Page(
        programme_workers(FORBIDDEN) | {"dsl": OK, "deputy_dsl": OK, "stranger": NOT_FOUND},
        kwargs=lambda w, u: {"pk": w.cases.case.pk},
    ),
    "cases:thresholds": Page(administrators(OK)),
    "cases:threshold": Page(
        administrators(OK, stranger_admin=NOT_FOUND),
        kwargs=lambda w, u: {"pk": w.cases.threshold.pk},
    ),
    # --- Tasks: for the person they are for, and whoever set them ---
    "tasks:list": Page(signed_in(OK)),
    "tasks:done": Page(
        signed_in(NOT_FOUND, key_person=Redirect("/tasks/"), dsl=Redirect("/tasks/")),
        method="post",
        kwargs=lambda w, u: {"pk": w.cases.task.pk},
        observe=lambda w, u: w.task_now(),
        changes_for=frozenset({"key_person", "dsl"}),
    ),
    "tasks:reopen": Page(
        signed_in(NOT_FOUND, key_person=Redirect("/tasks/"), dsl=Redirect("/tasks/")),
        method="post",
        kwargs=lambda w, u: {"pk": w.cases.task.pk},
    ),
    # --- Concerns: anyone records one, no second factor; reading is need-to-know ---
    "safeguarding:concern_new": Page(signed_in(OK)),
    "safeguarding:find_children": Page(signed_in(OK), data=lambda w, u: {"child_q": "Milo"}),
    "safeguarding:mine": Page(signed_in(OK, admin_not_elevated=ELEVATE)),
    # Recorded by the member of staff, alerting the key person.
    "safeguarding:concern": Page(CONCERN_READERS, kwargs=_concern),
    "safeguarding:concern_edit": Page(
        CONCERN_READERS | {"key_person": FORBIDDEN},
        kwargs=_concern,
        form=Form(
            data=lambda w, u: _concern_post(w, reason="Matrix correction"),
            observe=lambda w: w.concerns_in_org(),
            success=Redirect("/concerns/", prefix=True),
        ),
    ),
    "safeguarding:concern_error": Page(
        CONCERN_READERS | {"staff_member": FORBIDDEN, "key_person": FORBIDDEN},
        kwargs=_concern,
        form=Form(
            data=lambda w, u: {"reason": "Matrix: wrong child"},
            observe=lambda w: w.concerns_in_org(),
            success=Redirect("/concerns/", prefix=True),
        ),
    ),
    "safeguarding:admin_categories": Page(administrators(OK)),
    "safeguarding:admin_category": Page(
        administrators(OK, stranger_admin=NOT_FOUND),
        kwargs=lambda w, u: {"pk": w.concern_category.pk},
    ),
    "safeguarding:admin_permissions": Page(administrators(OK)),
    "safeguarding:admin_settings": Page(administrators(OK)),
    # --- Reports: leads, managers and leaders (counts only, no second factor needed) ---
    "reports:index": Page(REPORT_READERS),
    "reports:report": Page(REPORT_READERS, kwargs=lambda w, u: {"slug": "concerns-by-category"}),
    "reports:report_csv": Page(
        REPORT_READERS, kwargs=lambda w, u: {"slug": "concerns-by-category"}
    ),
}


# --- Transfer files: a leaving child's safeguarding file --------------------------------------
# The DSL and deputy, second factor proved (fresh for preparing the file); another
# organisation's DSL sees their own list but is not told of our child or transfer. Nobody
# else, administrators included, sees transfers.
TRANSFER_LEADS = SAFEGUARDING_LEADS | {"stranger": NOT_FOUND}
TRANSFER_PAGE = Redirect("/chronology/transfers/", prefix=True)


def _transfer_of(world, *, sent: bool):
    """A transfer of the child's file, started by our DSL (and recorded as sent)."""
    from haven.chronology import transfer_services

    cache = world.__dict__.setdefault("_transfer", {})
    if "record" not in cache:
        dsl = world._fixture("dsl")
        record, _, _ = transfer_services.transfer_file_start(
            actor=dsl, child=world.child, leaving_date=today(), destination="Matrix Academy"
        )
        if sent:
            record = transfer_services.transfer_file_record_sent(
                actor=dsl, transfer=record, method="by_hand", sent_at=clock.now(), sent_to="Office"
            )
        cache["record"] = record
    return cache["record"]


def _transfer(world, user):
    return {"pk": _transfer_of(world, sent=False).pk}


def _sent_transfer(world, user):
    return {"pk": _transfer_of(world, sent=True).pk}


def _transfers_now(world) -> list[tuple]:
    from haven.chronology.models import TransferFile

    rows = TransferFile.objects.for_org(world.org).order_by("pk")
    return list(rows.values_list("pk", "status", "export_id"))


def _now_fields(**extra) -> dict:
    from django.utils import timezone

    now = timezone.localtime(clock.now())
    return {"when_date": f"{now:%d/%m/%Y}", "when_time": f"{now:%H:%M}", **extra}


EXPECTED.update(
    {
        "chronology:transfers": Page(SAFEGUARDING_LEADS),
        "chronology:transfer_start": Page(
            TRANSFER_LEADS,
            kwargs=_child,
            form=Form(
                data=lambda w, u: {
                    "leaving_date": f"{today():%d/%m/%Y}",
                    "destination": "Matrix Academy",
                },
                observe=_transfers_now,
                success=OK,  # the page with the single-use link
            ),
        ),
        "chronology:transfer": Page(TRANSFER_LEADS, kwargs=_transfer),
        "chronology:transfer_rebuild": Page(
            TRANSFER_LEADS,
            kwargs=_transfer,
            form=Form(data=lambda w, u: {}, observe=_transfers_now, success=OK),
        ),
        "chronology:transfer_sent": Page(
            TRANSFER_LEADS,
            kwargs=_transfer,
            form=Form(
                data=lambda w, u: _now_fields(method="by_hand", sent_to="Matrix Office"),
                observe=_transfers_now,
                success=TRANSFER_PAGE,
            ),
        ),
        "chronology:transfer_receipt": Page(
            TRANSFER_LEADS,
            kwargs=_sent_transfer,
            form=Form(
                data=lambda w, u: _now_fields(confirmed_by="Matrix Lead", method="email"),
                observe=_transfers_now,
                success=TRANSFER_PAGE,
            ),
        ),
        "chronology:transfer_cancel": Page(
            TRANSFER_LEADS,
            kwargs=_transfer,
            form=Form(
                data=lambda w, u: {"reason": "Matrix: not leaving after all"},
                observe=_transfers_now,
                success=TRANSFER_PAGE,
            ),
        ),
    }
)


# --- Threshold frameworks (administrators) and guided threshold decisions (the leads) ---------


def _frameworks(world):
    from haven.thresholds import services as threshold_services

    threshold_services.seed_frameworks(world.org)
    return {f.name: f for f in threshold_services.queries_frameworks(world.org)}


def _four_tier(world, user):
    return {"pk": _frameworks(world)["Four-tier needs matrix"].pk}


def _high_low(world, user):
    return {"pk": _frameworks(world)["Family centre High and Low thresholds"].pk}


def _threshold_rows(world) -> list:
    from haven.thresholds.models import Framework, FrameworkVersion, ThresholdDecision

    return [
        list(model.objects.for_org(world.org).order_by("pk").values_list("pk", "modified_at"))
        for model in (Framework, FrameworkVersion, ThresholdDecision)
    ]


def _framework_file(world, user):
    import json as json_module

    from haven.thresholds.examples import HIGH_LOW

    body = json_module.dumps({**HIGH_LOW, "name": "Matrix import"}).encode()
    return {"file": SimpleUploadedFile("matrix.json", body, content_type="application/json")}


def _framework_definition(world, user):
    import json as json_module

    from haven.thresholds.definitions import export

    framework = _frameworks(world)["Four-tier needs matrix"]
    return {"definition": json_module.dumps(export(framework.current_version)), "note": "Matrix"}


def _framework_fields(world, user):
    from haven.thresholds.definitions import export
    from haven.thresholds.editor import as_post

    framework = _frameworks(world)["Four-tier needs matrix"]
    return as_post(export(framework.current_version), note="Matrix")


def _universal(world, user):
    framework = _frameworks(world)["Four-tier needs matrix"]
    level = framework.current_version.levels.get(position=0)
    return {"action": "save", "chosen_level": level.pk}


FRAMEWORKS_PAGE = Redirect("/thresholds/frameworks/", prefix=True)
EXPECTED.update(
    {
        "thresholds:frameworks": Page(administrators(OK)),
        "thresholds:framework": Page(
            administrators(OK, stranger_admin=NOT_FOUND), kwargs=_four_tier
        ),
        "thresholds:framework_export": Page(
            administrators(OK, stranger_admin=NOT_FOUND), kwargs=_four_tier
        ),
        "thresholds:framework_choose": Page(
            administrators(Redirect("/thresholds/frameworks/"), stranger_admin=NOT_FOUND),
            method="post",
            kwargs=_high_low,
            observe=lambda w, u: _threshold_rows(w),
            changes_for=ADMIN_ONLY,
        ),
        "thresholds:framework_copy": Page(
            administrators(OK, stranger_admin=NOT_FOUND),
            kwargs=_four_tier,
            form=Form(
                data=lambda w, u: {"name": "Matrix copy"},
                observe=_threshold_rows,
                success=FRAMEWORKS_PAGE,
            ),
        ),
        "thresholds:framework_edit": Page(
            administrators(OK, stranger_admin=NOT_FOUND),
            kwargs=_four_tier,
            form=Form(data=_framework_fields, observe=_threshold_rows, success=FRAMEWORKS_PAGE),
        ),
        "thresholds:framework_edit_json": Page(
            administrators(OK, stranger_admin=NOT_FOUND),
            kwargs=_four_tier,
            form=Form(data=_framework_definition, observe=_threshold_rows, success=FRAMEWORKS_PAGE),
        ),
        "thresholds:framework_import": Page(
            administrators(OK),
            form=Form(data=_framework_file, observe=_threshold_rows, success=FRAMEWORKS_PAGE),
        ),
        "thresholds:case_decide": Page(
            programme_workers(OK),
            kwargs=lambda w, u: (_frameworks(w), {"pk": w.cases.case.pk})[1],
            form=Form(
                data=_universal,
                observe=_threshold_rows,
                success=Redirect("/cases/", prefix=True),
            ),
        ),
        "thresholds:concern_decide": Page(
            SAFEGUARDING_LEADS | {"stranger": NOT_FOUND},
            kwargs=lambda w, u: (_frameworks(w), {"pk": w.alerted.pk})[1],
            form=Form(
                data=_universal,
                observe=_threshold_rows,
                success=Redirect("/concerns/", prefix=True),
            ),
        ),
    }
)


# --- The children's front door ---------------------------------------------------------------
# Its pages are for the staff of a front-door organisation, and none of the personas here is
# one: each is refused before anything is looked up. The front door's own table, with its
# own personas, is haven/frontdoor/tests/test_access.py.


def _any_ids(url_name: str) -> Builder:
    kinds = by_name()[url_name].parameters
    return lambda w, u: {key: 1 if kind == "int" else "x" for key, kind in kinds.items()}


# Referrals to the front door: the referring organisation's DSLs follow their own list.
FOR_REFERRING_DSLS = {"frontdoor:my_referrals": Page(SAFEGUARDING_LEADS)}
FRONT_DOOR_PAGES = {
    name: Page(signed_in(FORBIDDEN), kwargs=_any_ids(name))
    for name in url_names()
    if name.startswith("frontdoor:") and name not in FOR_REFERRING_DSLS
}
# The guided threshold decision on a contact is a front-door page under another name
# (its own tests: haven/thresholds/tests/test_contact_decisions.py).
FRONT_DOOR_PAGES["thresholds:contact_decide"] = Page(
    signed_in(FORBIDDEN), kwargs=_any_ids("thresholds:contact_decide")
)
EXPECTED.update(FRONT_DOOR_PAGES)
EXPECTED.update(FOR_REFERRING_DSLS)

# (url name, persona) -> why it is a known bug. Each is a strict xfail: fixing the bug
# makes the test pass, and then this entry must go.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def _cases(pages: dict[str, Page], *, known=KNOWN_BUGS):
    for name in sorted(pages):
        for persona in PERSONAS:
            marks = []
            if (name, persona) in known:
                marks.append(pytest.mark.xfail(strict=True, reason=known[name, persona]))
            yield pytest.param(name, persona, id=f"{name}-{persona}", marks=marks)


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def assert_answer(response, expected, where: str) -> None:
    status = response.status_code
    assert status != 500, f"{where}: 500"
    if isinstance(expected, Redirect):
        location = response.headers.get("Location", "")
        assert status == 302, f"{where}: expected a redirect to {expected.path}, got {status}"
        parts = urlsplit(location)
        assert not parts.scheme and not parts.netloc, f"{where}: redirect off site: {location}"
        if expected.prefix:
            assert parts.path.startswith(expected.path), f"{where}: redirect to {location}"
        else:
            assert parts.path == expected.path, f"{where}: redirect to {location}"
    else:
        assert status == expected, f"{where}: expected {expected}, got {status}"
    _body(response)  # a streamed page must stream without failing, too


def _request(client, method: str, url: str, data: dict):
    # Failures inside a view surface as exceptions from the test client; a 500 is never
    # an acceptable answer, so let them fail the test with their traceback.
    return getattr(client, method)(url, data)


# --- The rules about the table itself ----------------------------------------------------


def test_every_url_has_an_access_decision():
    missing = sorted(set(url_names()) - set(EXPECTED))
    assert not missing, (
        f"These URLs have no row in EXPECTED in {__file__}: {missing}. "
        "Decide who may use each page and add it."
    )


def test_every_access_decision_is_for_a_url_that_exists():
    stale = sorted(set(EXPECTED) - set(url_names()))
    assert not stale, f"EXPECTED names URLs that no longer exist: {stale}"


def test_every_url_pattern_has_a_name():
    unnamed = [url.route for url in all_urls() if not url.name]
    assert not unnamed, f"Name these URL patterns so that their access can be decided: {unnamed}"


def test_every_decision_answers_for_every_persona_and_never_expects_a_failure():
    for name, page in EXPECTED.items():
        assert set(page.answers) == set(PERSONAS), name
        tables = [page.answers] + ([page.form.answers(page)] if page.form else [])
        for table in tables:
            for persona, answer in table.items():
                status = 302 if isinstance(answer, Redirect) else answer
                assert status in ALLOWED_STATUSES, f"{name} for {persona}: {answer}"


def test_only_the_public_pages_are_open_to_anyone_signed_out():
    public = {name for name, url in by_name().items() if url.is_public}
    assert public == PUBLIC_PAGES
    for name, page in EXPECTED.items():
        if name not in PUBLIC_PAGES:
            assert page.answers["anonymous"] == SIGN_IN, name


def test_every_other_page_states_who_may_use_it_through_the_access_rules():
    # ``access.decorators.requires`` (and ``signed_in``) leave the predicate on the view.
    silent = [
        url.name
        for url in all_urls()
        if not url.is_public and getattr(url.callback, "access_predicate", None) is None
    ]
    assert not silent, f"Wrap these views in access.decorators.requires: {silent}"


# --- The matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(("url_name", "persona"), list(_cases(EXPECTED)))
def test_each_persona_gets_the_decided_answer(url_name, persona, world, client_for):
    page = EXPECTED[url_name]
    user = world.user(persona)
    url = reverse(url_name, kwargs=page.kwargs(world, user))
    data = page.data(world, user)
    before = page.observe(world, user) if page.observe else None
    client = client_for(persona)

    response = _request(client, page.method, url, data)

    assert_answer(response, page.answers[persona], f"{page.method.upper()} {url} as {persona}")
    if page.observe:
        after = page.observe(world, user)
        if persona in page.changes_for:
            assert after != before, f"{url} as {persona} should have changed something"
        else:
            assert after == before, f"{url} as {persona} changed something it may not"


FORMS = {name: page for name, page in EXPECTED.items() if page.form}


@pytest.mark.parametrize(("url_name", "persona"), list(_cases(FORMS, known={})))
def test_a_form_changes_nothing_for_anyone_refused_it(url_name, persona, world, client_for):
    page = EXPECTED[url_name]
    user = world.user(persona)
    url = reverse(url_name, kwargs=page.kwargs(world, user))
    data = page.form.data(world, user)
    before = page.form.observe(world)

    response = _request(client_for(persona), "post", url, data)

    assert_answer(response, page.form.answers(page)[persona], f"POST {url} as {persona}")
    after = page.form.observe(world)
    if persona in page.form.changes_for(page):
        assert after != before, f"{url} as {persona} should have changed something"
    else:
        assert after == before, f"{url} as {persona} changed something it may not"


# --- Rules the table cannot show ----------------------------------------------------------


def test_a_colleagues_notification_is_not_found_and_stays_unread(world, client_for, dsl):
    colleague_note = world.note_for(dsl)
    client = client_for("key_person")
    for name in ("notifications:open", "notifications:mark_read"):
        response = client.post(reverse(name, kwargs={"pk": colleague_note.pk}))
        assert response.status_code == 404, name
    assert Notification.unscoped.get(pk=colleague_note.pk).read_at is None


def test_a_colleagues_job_is_not_found(world, client_for, dsl):
    response = client_for("admin").get(
        reverse("jobs:progress", kwargs={"pk": world.job_for(dsl).pk})
    )
    assert response.status_code == 404


def test_an_administrator_cannot_deactivate_themselves(admin, client_for):
    response = client_for("admin").post(
        reverse("administration:staff_deactivate", kwargs={"pk": admin.pk})
    )
    assert response.status_code == 302
    assert User.unscoped.get(pk=admin.pk).is_active


def test_a_deactivated_account_is_treated_as_signed_out(admin, staff_member, client_for):
    client = client_for("staff_member")
    account_services.user_deactivate(user=staff_member, actor=admin)
    assert_answer(client.get(reverse("core:home")), SIGN_IN, "home after deactivation")


def test_the_audit_export_wants_a_recent_second_factor_even_from_an_administrator(admin, sign_in):
    from haven.access.decorators import VERIFIED_AT

    client = sign_in(admin)
    session = client.session
    session[VERIFIED_AT] = clock.now().timestamp() - 16 * 60
    session.save()
    response = client.get(reverse("audit:export"))
    assert_answer(response, ELEVATE, "stale export")
    assert "fresh=1" in response["Location"]


# --- Addresses nobody's page links to -----------------------------------------------------

IMPOSSIBLE_ID = 2**64  # larger than any database key


def _a_persona_let_in(page: Page) -> str:
    """Someone the page serves (prefer the widest access, so the view body runs)."""
    for persona in ("admin", "dsl", "staff_member", "anonymous"):
        if page.answers[persona] not in (FORBIDDEN, NOT_FOUND, SIGN_IN, ELEVATE):
            return persona
    return "anonymous"


ID_PAGES = {
    name: page
    for name, page in EXPECTED.items()
    if "int" in by_name()[name].parameters.values() and name not in FRONT_DOOR_PAGES
}
IMPOSSIBLE_ID_BUGS: dict[str, str] = {}


@pytest.mark.parametrize(
    "url_name",
    [
        pytest.param(
            name,
            marks=[pytest.mark.xfail(strict=True, reason=IMPOSSIBLE_ID_BUGS[name])]
            if name in IMPOSSIBLE_ID_BUGS
            else [],
        )
        for name in sorted(ID_PAGES)
    ],
)
def test_an_id_that_cannot_exist_is_not_found(url_name, world, client_for):
    page = EXPECTED[url_name]
    persona = _a_persona_let_in(page)
    user = world.user(persona)
    kinds = by_name()[url_name].parameters
    kwargs = {
        key: IMPOSSIBLE_ID if kinds[key] == "int" else value
        for key, value in page.kwargs(world, user).items()
    }
    client = client_for(persona)
    client.raise_request_exception = False
    response = _request(client, page.method, reverse(url_name, kwargs=kwargs), {})
    assert response.status_code == 404


GET_PAGES = {
    name: page
    for name, page in EXPECTED.items()
    if page.method == "get" and name not in FRONT_DOOR_PAGES
}
# Paging cursors, page numbers and return addresses that a hand-edited address might carry.
ODD_QUERY = {"before": "²", "page": "²", "next": "//evil.example/"}
ODD_QUERY_BUGS: dict[str, str] = {}


@pytest.mark.parametrize(
    "url_name",
    [
        pytest.param(
            name,
            marks=[pytest.mark.xfail(strict=True, reason=ODD_QUERY_BUGS[name])]
            if name in ODD_QUERY_BUGS
            else [],
        )
        for name in sorted(GET_PAGES)
    ],
)
def test_an_odd_query_string_gets_the_usual_answer_not_a_failure(url_name, world, client_for):
    page = EXPECTED[url_name]
    persona = _a_persona_let_in(page)
    user = world.user(persona)
    url = reverse(url_name, kwargs=page.kwargs(world, user))
    client = client_for(persona)
    client.raise_request_exception = False
    response = client.get(url, ODD_QUERY)
    assert_answer(response, page.answers[persona], f"GET {url}?… as {persona}")
