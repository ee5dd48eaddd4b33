"""MIS import: dry run, apply, idempotence, rejected rows and leavers."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.gb import upn as upn_lib

from haven.jobs.services import run_all_jobs
from haven.people.models import ImportFile, ImportMapping, Person, Relationship

pytestmark = pytest.mark.django_db
HEADER = [
    "UPN",
    "Legal Surname",
    "Legal Forename",
    "DOB",
    "Gender",
    "Year",
    "Reg",
    "Address 1",
    "Post Town",
    "Postcode",
    "Contact 1 Forename",
    "Contact 1 Surname",
    "Contact 1 Relationship",
    "Contact 1 Phone",
    "Contact 1 Parental Responsibility",
]


def upn(n: int) -> str:
    body = f"80126{n:07d}"
    return upn_lib.calc_check_digit(body) + body


def make_csv(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


ROWS = [
    [
        upn(1),
        "Bunny",
        "Bugs",
        "25/06/2019",
        "M",
        "Year 2",
        "Otters",
        "12 Warren Lane",
        "Riverside",
        "rv1 2ab",
        "Lola",
        "Bunny",
        "Mother",
        "07700 900101",
        "Y",
    ],
    [
        upn(2),
        "Duck",
        "Daffy",
        "01/02/2018",
        "M",
        "3",
        "Badgers",
        "1 Pond Road",
        "Riverside",
        "RV2 3CD",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "NOT-A-UPN",
        "Pig",
        "Porky",
        "03/03/2018",
        "M",
        "3",
        "Badgers",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [upn(4), "Hen", "Henrietta", "31/02/2018", "F", "3", "", "", "", "", "", "", "", "", ""],
]


def _upload(client, raw, name="pupils.csv"):
    response = client.post("/people/import/", {"file": SimpleUploadedFile(name, raw, "text/csv")})
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportFile.unscoped.latest("pk")


def _check(client, upload):
    form = {"action": "check", **{k: v for k, v in upload.mapping.items()}}
    assert client.post(f"/people/import/{upload.pk}/", form).status_code == 302
    run_all_jobs()
    upload.refresh_from_db()
    return upload.check_job.result


def _apply(client, upload):
    assert client.post(f"/people/import/{upload.pk}/", {"action": "apply"}).status_code == 302
    run_all_jobs()
    upload.refresh_from_db()
    return upload.apply_job.result


def test_columns_are_guessed_from_common_mis_headings(admin, sign_in):
    upload = _upload(sign_in(admin), make_csv(ROWS))
    assert upload.mapping["upn"] == "UPN"
    assert upload.mapping["last_name"] == "Legal Surname"
    assert upload.mapping["date_of_birth"] == "DOB"
    assert upload.mapping["contact_1_relationship"] == "Contact 1 Relationship"


def test_a_dry_run_changes_nothing_and_explains_every_rejection(admin, sign_in):
    client = sign_in(admin)
    upload = _upload(client, make_csv(ROWS))
    result = _check(client, upload)
    assert result["counts"] == {"create": 2, "update": 0, "unchanged": 0, "reject": 2}
    reasons = {r["line"]: r["reasons"] for r in result["rows"] if r["action"] == "reject"}
    assert "UPN" in reasons[4][0]
    assert "not a date" in reasons[5][0]
    assert not Person.objects.for_org(admin.organisation).exists()
    page = client.get(f"/people/import/{upload.pk}/").content.decode()
    assert "What would happen" in page and "Apply this import" in page


def test_applying_creates_children_contacts_and_households_and_is_idempotent(admin, sign_in):
    client = sign_in(admin)
    upload = _upload(client, make_csv(ROWS))
    _check(client, upload)
    result = _apply(client, upload)
    assert result["counts"]["create"] == 2
    org = admin.organisation
    bugs = Person.objects.for_org(org).get(first_name="Bugs")
    assert bugs.year_group == "2" and bugs.class_group == "Otters"
    assert bugs.household.postcode == "RV1 2AB" and bugs.household.name == "Bunny Household"
    lola = Person.objects.for_org(org).get(first_name="Lola")
    rel = Relationship.objects.for_org(org).get(person=bugs, related=lola)
    assert rel.type == "mother" and rel.parental_responsibility

    again = _upload(client, make_csv(ROWS))
    second = _check(client, again)
    assert second["counts"] == {"create": 0, "update": 0, "unchanged": 2, "reject": 2}
    _apply(client, again)
    assert Person.objects.for_org(org).count() == 3


def test_changes_in_the_file_update_the_record(admin, sign_in):
    client = sign_in(admin)
    first = _upload(client, make_csv(ROWS[:1]))
    _check(client, first)
    _apply(client, first)
    moved = [list(ROWS[0])]
    moved[0][5], moved[0][7] = "Year 3", "99 New Street"
    second = _upload(client, make_csv(moved))
    result = _check(client, second)
    assert result["counts"]["update"] == 1
    assert "year_group" in result["rows"][0]["changes"]
    _apply(client, second)
    bugs = Person.objects.for_org(admin.organisation).get(first_name="Bugs")
    assert bugs.year_group == "3" and bugs.household.address_line_1 == "99 New Street"


def test_children_missing_from_the_file_are_listed_as_leavers_not_deleted(admin, sign_in):
    client = sign_in(admin)
    first = _upload(client, make_csv(ROWS[:2]))
    _check(client, first)
    _apply(client, first)
    second = _upload(client, make_csv(ROWS[:1]))
    result = _check(client, second)
    assert [leaver["name"] for leaver in result["leavers"]] == ["Daffy Duck"]
    assert Person.objects.for_org(admin.organisation).filter(first_name="Daffy").exists()


def test_a_child_already_recorded_without_a_upn_is_rejected_not_duplicated(
    admin, sign_in, add_person
):
    import datetime

    add_person("Bugs", "Bunny", born=datetime.date(2019, 6, 25))
    client = sign_in(admin)
    upload = _upload(client, make_csv(ROWS[:1]))
    _check(client, upload)
    result = _apply(client, upload)
    assert result["counts"]["reject"] == 1
    assert "Possibly already recorded" in result["rows"][0]["reasons"][0]
    assert Person.objects.for_org(admin.organisation).filter(first_name="Bugs").count() == 1


def test_rejected_rows_download_as_csv_with_reasons(admin, sign_in):
    client = sign_in(admin)
    upload = _upload(client, make_csv(ROWS))
    _check(client, upload)
    response = client.get(f"/people/import/{upload.pk}/rejected.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][-1] == "Why it was rejected"
    assert [r[0] for r in rows[1:]] == ["NOT-A-UPN", upn(4)]


def test_the_column_choices_are_remembered(admin, sign_in):
    client = sign_in(admin)
    header = ["Pupil UPN", "Family name", "Given name", "Birthday"]
    raw = make_csv([[upn(1), "Bunny", "Bugs", "25/06/2019"]], header=header)
    upload = _upload(client, raw)
    mapping = {
        "upn": "Pupil UPN",
        "last_name": "Family name",
        "first_name": "Given name",
        "date_of_birth": "Birthday",
    }
    client.post(f"/people/import/{upload.pk}/", {"action": "check", **mapping})
    assert ImportMapping.objects.for_org(admin.organisation).get().mapping == mapping
    assert _upload(client, raw).mapping == mapping


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "The submitted file is empty"),
        (b"\n\n", "no heading row"),
        (b"UPN,Surname\n", "no pupils"),
        (b"\x00\x01\x02binary", "not text"),
        (b"a" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
)
def test_an_unreadable_file_is_explained_and_nothing_is_kept(admin, sign_in, raw, message):
    response = sign_in(admin).post(
        "/people/import/", {"file": SimpleUploadedFile("x.csv", raw, "text/csv")}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportFile.objects.for_org(admin.organisation).exists()


def test_only_dsls_and_administrators_import(key_person, sign_in):
    assert sign_in(key_person).get("/people/import/").status_code == 403


def test_the_progress_bar_reports_a_queued_job(admin, sign_in):
    client = sign_in(admin)
    upload = _upload(client, make_csv(ROWS))
    client.post(f"/people/import/{upload.pk}/", {"action": "check", **upload.mapping})
    upload.refresh_from_db()
    page = client.get(f"/people/import/{upload.pk}/").content.decode()
    assert "<progress" in page
    bar = client.get(f"/jobs/{upload.check_job_id}/progress/", headers={"HX-Request": "true"})
    assert "Waiting to start" in bar.content.decode()
    run_all_jobs()
    done = client.get(f"/jobs/{upload.check_job_id}/progress/", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
