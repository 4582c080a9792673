"""Whatever the file holds, the importer never crashes: every row ends imported or reported.

Hypothesis writes CSV and vCard files with awkward text in every field (quotes, delimiters,
line breaks, NULs, non-ASCII, broken dates and addresses) and sometimes broken structure.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from contacts.models import Contact
from imports import services
from imports.models import ImportJob, JobStatus
from imports.sniff import FileProblem, sniff
from tests.imports.conftest import TODAY, uploaded

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
awkward = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs"], blacklist_characters=["\u2028", "\u2029", "\x85"]
    )
    | st.sampled_from(list(',;"\n\r\t\x00:=\\ ')),
    max_size=30,
)
names = st.text(alphabet="abcdeÅéü -'", min_size=0, max_size=12)
emails = st.one_of(st.just(""), st.emails().map(lambda e: e[:60]), awkward)
dates = st.one_of(st.just(""), st.dates().map(lambda d: d.strftime("%d %b %Y")), awkward)


def import_bytes(owner, content: bytes, name: str) -> ImportJob | None:
    upload = uploaded(name, content)
    try:
        found = sniff(upload, size=upload.size, max_bytes=settings.IMPORT_MAX_BYTES)
    except FileProblem:
        return None  # refused as a whole, in words, before anything was imported
    job = services.import_create(owner=owner, upload=upload, sniffed=found)
    if job.status == JobStatus.MAPPING:
        services.import_map(job=job, mapping={"0": "full_name", "1": "email", "2": "notes"})
    assert services.import_run(job_id=job.pk, today=TODAY) == services.Outcome.DONE
    job.refresh_from_db()
    return job


def assert_accounted_for(job: ImportJob, expected_rows: int) -> None:
    assert job.status == JobStatus.DONE
    assert job.rows.count() == job.rows_done == job.total_rows == expected_rows
    assert job.created + job.updated + job.merged + job.skipped + job.errors == expected_rows
    made = job.rows.filter(contact__isnull=False).values("contact").distinct().count()
    assert made <= Contact.objects.filter(owner=job.owner).count()


@FUZZ
@given(
    rows=st.lists(
        st.tuples(names, names, awkward, emails, awkward, awkward, dates), min_size=1, max_size=8
    ),
    delimiter=st.sampled_from([",", ";"]),
)
def test_any_linkedin_style_csv_is_imported_or_reported(alice, rows, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    header = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position"]
    writer.writerow([*header, "Connected On"])
    expected = 0
    for row in rows:
        writer.writerow(row)
        if any(value.strip() for value in row):
            expected += 1
    job = import_bytes(alice, buffer.getvalue().encode(), "Connections.csv")
    if job is not None:
        assert_accounted_for(job, expected)


@FUZZ
@given(content=st.binary(max_size=400))
def test_any_bytes_are_imported_reported_or_refused(alice, content):
    job = import_bytes(alice, b"Name,Email,Notes\n" + content, "any.csv")
    assert job is None or job.status == JobStatus.DONE
    assert job is None or job.rows.count() == job.rows_done


vcard_values = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"]) | st.sampled_from(list(",;:\\")),
    max_size=25,
)
properties = st.one_of(
    st.tuples(st.sampled_from(["FN", "NOTE", "TITLE", "ORG", "NICKNAME"]), vcard_values),
    st.tuples(st.just("N"), st.builds(lambda a, b: f"{a};{b};;;", names, names)),
    st.tuples(
        st.sampled_from(["EMAIL;TYPE=work", "EMAIL"]),
        st.one_of(st.emails().map(lambda e: e[:60]), vcard_values),
    ),
    st.tuples(st.sampled_from(["TEL;TYPE=cell", "TEL"]), vcard_values),
    st.tuples(st.just("BDAY"), st.one_of(vcard_values, st.sampled_from(["--0423", "19850423"]))),
    st.tuples(st.just("URL"), vcard_values),
    st.tuples(st.just("broken line without a colon"), st.just("")),
)


@FUZZ
@given(
    cards=st.lists(
        st.tuples(st.lists(properties, max_size=6), st.booleans()), min_size=1, max_size=5
    )
)
def test_any_vcard_file_is_imported_or_reported(alice, cards):
    lines = []
    for props, ended in cards:
        lines += ["BEGIN:VCARD", "VERSION:3.0"]
        for key, value in props:
            lines.append(key if key.startswith("broken") else f"{key}:{value}".replace("\n", " "))
        if ended:
            lines.append("END:VCARD")
    content = "\r\n".join(lines).encode() + b"\r\n"
    job = import_bytes(alice, content, "cards.vcf")
    assert job is not None
    assert_accounted_for(job, len(cards))
