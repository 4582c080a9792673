"""Uploads at and past the limits (imports/sniff.py): a header of too many columns or too long
a name, a first line of one enormous field, and whatever else a file holds, are answered with
a sentence on the upload page, never a server error; the mapping page's size follows from the
header limits, not from the file; the worker ends a job whose file no longer reads with words.
"""

from __future__ import annotations

import csv
import io
import time

import pytest
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from imports import services
from imports.models import Format, ImportJob, JobStatus, RowStatus
from imports.sniff import HEADER_SEARCH_LINES, MAX_COLUMN_NAME, MAX_COLUMNS, MAX_HEADER_LINE
from imports.views import PREVIEW_CHARS
from tests.imports.conftest import TODAY, create_job, uploaded

pytestmark = pytest.mark.django_db

# The widest mapping page there can be: MAX_COLUMNS rows whose names and values all escape to
# six characters each (measured at about 0.7 MB); a page over it grew with the file.
MAPPING_PAGE_MAX = 1_000_000
SECONDS = 5  # per request, generous: a couple of seconds at most on a loaded machine
FIELD_LIMIT = csv.field_size_limit()
LINKEDIN_NOTES = b'Notes:\n"When exporting your connection data, you may notice..."\n\n'


def upload(client, content: bytes, name: str = "any.csv", **data):
    started = time.monotonic()
    response = client.post(reverse("imports:home"), {"file": uploaded(name, content), **data})
    assert time.monotonic() - started < SECONDS
    return response


def refusal(response) -> str:
    """The upload form's message about the file, shown on the page; fails if it was taken."""
    assert response.status_code == 200
    errors = response.context["form"].errors.get("file")
    assert errors, "the upload was neither taken nor refused in words"
    page = response.content.decode()
    for error in errors:
        assert escape(error) in page
        assert error.endswith(".")
        assert "Error" not in error
    return " ".join(errors)


def mapping_page(client, job: ImportJob) -> str:
    started = time.monotonic()
    response = client.get(reverse("imports:mapping", args=[job.pk]))
    assert time.monotonic() - started < SECONDS
    assert response.status_code == 200
    assert len(response.content) < MAPPING_PAGE_MAX
    return response.content.decode()


def header(count: int, width: int = 3, delimiter: str = ",") -> bytes:
    return delimiter.join(f"c{i}".rjust(width, "x") for i in range(count)).encode()


# --- Columns and header names ----------------------------------------------------------------


@pytest.mark.parametrize("count", [MAX_COLUMNS + 1, 1_000, 60_000])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("before", [b"", LINKEDIN_NOTES + b"First Name,Last Name,"])
def test_it_refuses_a_header_over_the_column_limit(alice_client, queued, count, delimiter, before):
    content = before.replace(b",", delimiter.encode()) + header(count, delimiter=delimiter)
    message = refusal(upload(alice_client, content + b"\nDana,Reyes\n"))
    assert f"columns; the limit is {MAX_COLUMNS}" in message
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("length", [MAX_COLUMN_NAME + 1, 5_000, 100_000])
@pytest.mark.parametrize("position", ["first", "last"])
@pytest.mark.parametrize("quoted", [False, True])
def test_it_refuses_a_header_name_over_the_length_limit(
    alice_client, queued, length, position, quoted
):
    name = ("long name\n" if quoted else "long name ") * (length // 10 + 1)
    cell = f'"{name}"' if quoted else name
    cells = [cell, "Email"] if position == "first" else ["Name", "Email", cell]
    content = ",".join(cells).encode() + b"\nDana,dana@example.com\n"
    message = refusal(upload(alice_client, content))
    assert f"at most {MAX_COLUMN_NAME} characters" in message or "longer than" in message
    assert not ImportJob.objects.exists()


def test_it_takes_the_widest_header_within_the_limits(alice_client, alice, queued):
    # Every name at the length limit and made of quotes, each doubled in the file.
    names = ['"' * (MAX_COLUMN_NAME - 3) + f"{i:03}" for i in range(MAX_COLUMNS)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([names, ["x" * 100] * MAX_COLUMNS])
    assert len(buffer.getvalue().splitlines()[0]) <= MAX_HEADER_LINE
    response = upload(alice_client, buffer.getvalue().encode())
    job = ImportJob.objects.get(owner=alice)
    assert response.url == reverse("imports:mapping", args=[job.pk])
    assert job.columns == names
    page = mapping_page(alice_client, job)
    assert page.count("<select") == MAX_COLUMNS


@pytest.mark.parametrize(
    "rows",
    [
        [["<" * 5_000] * MAX_COLUMNS] * 3,  # long values
        [["<"] * 300_000] * 3,  # rows far wider than the header
        [[""] * MAX_COLUMNS] * 500 + [["<" * 100] * MAX_COLUMNS] * 3,  # blank rows first
    ],
    ids=["long values", "wide rows", "blank rows first"],
)
def test_the_mapping_page_does_not_grow_with_the_rows(alice_client, alice, queued, rows):
    sizes = []
    for body in ([["<" * (PREVIEW_CHARS + 1)] * MAX_COLUMNS] * 3, rows):
        buffer = io.StringIO()
        csv.writer(buffer).writerows(body)
        content = header(MAX_COLUMNS, width=MAX_COLUMN_NAME) + b"\n" + buffer.getvalue().encode()
        job = create_job(alice, "wide.csv", content)
        sizes.append(len(mapping_page(alice_client, job).replace(f"/{job.pk}/", "/")))
    assert sizes[1] <= sizes[0]


def test_the_mapping_page_of_a_job_kept_before_the_limits_says_so(alice_client, alice, queued):
    job = create_job(alice, "generic.csv")
    ImportJob.objects.filter(pk=job.pk).update(columns=[f"c{i}" for i in range(60_000)])
    page = mapping_page(alice_client, job)
    assert "60,000 columns; the limit is 200" in page
    assert "<select" not in page
    response = alice_client.post(reverse("imports:mapping", args=[job.pk]), {"column_0": "email"})
    assert response.status_code == 200
    assert queued == []


def test_it_does_not_read_a_file_of_blank_lines_to_its_end(alice_client, queued):
    content = b"\n" * (HEADER_SEARCH_LINES + 1) + b"Name,Email\n" * 10 + b"\n" * 5_000_000
    message = refusal(upload(alice_client, content))
    assert f"first {HEADER_SEARCH_LINES} lines are blank" in message


def test_a_nul_in_a_header_name_is_dropped(alice, queued):
    job = create_job(alice, "c.csv", b"Na\x00me,E\x00mail\nDana,dana@example.com\n")
    job.refresh_from_db()
    assert job.columns == ["Name", "Email"]


# --- A first line the sniffer reads as one field ---------------------------------------------

ONE_FIELD_LINES = {
    "unquoted": b"x" * 300_000 + b"\n",
    "quoted": b'"' + b"x" * 300_000 + b'"\nDana\n',
    "unclosed quote over commas": b'"' + b"x," * 150_000 + b"\n",
    "unclosed quote over lines": b'"Name,Email\n' + b"Dana,dana@example.com\n" * 20_000,
    "quoted line breaks": b'"' + b"x\n" * 150_000 + b'",y\n',
    "no line break at all": b"Name;" + b"x" * (2 * MAX_HEADER_LINE),
    "over the field limit by one": b'"' + b"x" * (FIELD_LIMIT + 1) + b'",y\n',
}


@pytest.mark.parametrize("content", ONE_FIELD_LINES.values(), ids=ONE_FIELD_LINES.keys())
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_it_refuses_a_first_line_of_one_enormous_field_in_words(
    alice_client, queued, content, encoding
):
    refusal(upload(alice_client, content.decode().encode(encoding)))
    assert not ImportJob.objects.exists()


def test_a_row_with_an_enormous_value_is_reported_and_the_others_imported(alice, queued):
    content = (
        b"Name,Email\nDana Reyes,dana@example.com\n"
        + b'Sam Lee,"'
        + b"x" * (FIELD_LIMIT + 10)
        + b'"\nAda Byron,ada@example.com\n'
    )
    job = create_job(alice, "big.csv", content)
    services.import_map(job=job, mapping={"0": "full_name", "1": "email"})
    assert services.import_run(job_id=job.pk, today=TODAY) == services.Outcome.DONE
    job.refresh_from_db()
    assert (job.status, job.created, job.errors) == (JobStatus.DONE, 2, 1)
    error = job.rows.get(status=RowStatus.ERROR)
    assert f"longer than {FIELD_LIMIT:,} characters" in error.message


# --- The worker -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "replacement",
    [b"Name,Email\n\xff\xfe\xfa broken\n", b"\x00"],
    ids=["not utf-8", "truncated utf-16"],
)
def test_a_job_whose_file_no_longer_reads_ends_failed_in_words(
    alice_client, alice, queued, replacement
):
    content = "Name,Email\nDana Reyes,dana@example.com\n"
    encoding = "utf-16" if replacement == b"\x00" else "utf-8"
    job = create_job(alice, "c.csv", content.encode(encoding))
    services.import_map(job=job, mapping={"0": "full_name", "1": "email"})
    with open(job.file.path, "ab" if encoding == "utf-16" else "wb") as changed:
        changed.write(replacement)
    assert services.import_run(job_id=job.pk, today=TODAY) == services.Outcome.DONE
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "cannot be read as it was when it was uploaded" in job.error
    page = alice_client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert escape(job.error) in page


@pytest.mark.parametrize(
    "error", [csv.Error("field larger than field limit (131072)"), ValueError("odd"), LookupError()]
)
def test_a_job_stopped_by_any_reading_error_ends_failed_in_words(alice, queued, monkeypatch, error):
    # No real file reaches this today (the reader reports its errors row by row), so the
    # reader is made to fail: whatever it raises, the job ends with a sentence, not stuck.
    def failing(*args, **kwargs):
        raise error

    job = create_job(alice, "linkedin_connections.csv")
    monkeypatch.setattr(services, "rows_of", failing)
    assert services.import_run(job_id=job.pk, today=TODAY) == services.Outcome.DONE
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.endswith(".")
    assert "Error" not in job.error


# --- Anything at all --------------------------------------------------------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1"]
cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(['"', '""', '"""', "\r", "\n", "\r\n", ",", ";", "\t", "\x00", "\ufeff"]),
    # Huge fields and long runs of quotes, separators or line breaks.
    st.builds(
        lambda char, count: char * count,
        st.sampled_from(["x", '"', ",", ";", "\n", " ", "é"]),
        st.integers(0, 300_000),
    ),
)
lines = st.one_of(
    st.lists(cells, max_size=6),
    # Many columns, short or long names.
    st.builds(
        lambda count, width: [f"c{i}".rjust(width, "n") for i in range(count)],
        st.integers(0, 61_000),
        st.sampled_from([1, 5, MAX_COLUMN_NAME, MAX_COLUMN_NAME + 1]),
    ),
)


@st.composite
def files(draw) -> bytes:
    rows = draw(st.lists(lines, min_size=1, max_size=5))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|", " "]))
    buffer = io.StringIO()
    if draw(st.booleans()):
        csv.writer(buffer, delimiter=delimiter).writerows(rows)
    else:  # joined without quoting: broken structure on purpose
        buffer.write("\n".join(delimiter.join(row) for row in rows))
    text = draw(st.sampled_from(["", "Notes:\n", "BEGIN:VCARD\r\n", "First Name,Last Name\n"]))
    encoded = (text + buffer.getvalue()).encode(draw(st.sampled_from(ENCODINGS)), "replace")
    noise = draw(st.binary(max_size=300))
    return draw(st.sampled_from([encoded, noise + encoded, encoded + noise, noise]))


@hypothesis_settings(
    max_examples=100,
    deadline=None,  # each request is timed on its own, generously, by the helpers above
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(
    content=files(),
    name=st.one_of(
        st.sampled_from(["c.csv", "c.vcf", "c.txt", "no extension", "x" * 300]),
        # Django keeps a name's last part, printable characters only, and reads a file left
        # without a name as a plain field (a 400): a browser sends only what it keeps.
        st.text(st.characters(blacklist_characters="/\\&"), min_size=1, max_size=30).filter(
            lambda name: name.isprintable() and name not in (".", "..")
        ),
    ),
    chosen=st.sampled_from(["", *Format.values]),
)
def test_it_answers_any_upload_in_words_and_in_bounded_time(
    alice_client, alice, queued, content, name, chosen
):
    response = upload(alice_client, content, name, format=chosen)
    if response.status_code != 302:
        refusal(response)
        return
    job = ImportJob.objects.filter(owner=alice).latest("pk")
    if job.status == JobStatus.MAPPING:
        mapping_page(alice_client, job)
        response = alice_client.post(
            reverse("imports:mapping", args=[job.pk]), {"column_0": "full_name"}
        )
        assert response.url == reverse("imports:job", args=[job.pk])
    assert services.import_run(job_id=job.pk, today=TODAY) == services.Outcome.DONE
    job.refresh_from_db()
    assert job.status == JobStatus.DONE or (job.status == JobStatus.FAILED and job.error)
    assert alice_client.get(reverse("imports:job", args=[job.pk])).status_code == 200
    job.file.delete(save=False)  # hundreds of examples would otherwise fill the disk
