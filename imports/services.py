"""Import jobs: create one from an upload, run it in batches, resume or run it again, delete it.

A job is run by whoever holds its lease (a conditional UPDATE claims it). Rows are applied a
batch at a time, each batch in one transaction together with its `ImportRow` records and the
job's counts: a worker that dies loses at most the batch in hand, and the next run skips every
line already recorded. When a batch fails in the database, it is applied again one row at a
time, so the one bad row is reported and the others are imported: a row is applied whole or
not at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format

from contacts import strength
from contacts.models import Circle, Contact, ContactEmail, ContactPhone, Context, Source
from contacts.search import SEARCHED_FIELDS, search_text
from contacts.services import checkins_refresh, tags_for
from imports.copy import copy_insert
from imports.dedupe import Index, folded
from imports.importers import (
    URL_FIELDS,
    Row,
    csv_rows,
    mapping_for,
    normal_url,
    phone_digits,
    suggest_mapping,
    vcard_chunks,
    vcard_rows,
)
from imports.models import Format, ImportJob, ImportRow, JobStatus, RowStatus
from imports.sniff import Sniffed, csv_problem, records, text_of

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
LEASE = dt.timedelta(seconds=60)  # renewed after every batch, which takes about a second
SLICE_SECONDS = 200  # then the task queues itself again, well inside its time limit
MERGE_FIELDS = ("last_name", "display_name", "company", "title", "industry", "location")


class Outcome:
    DONE = "done"
    BUSY = "busy"  # another worker holds the lease
    GONE = "gone"  # deleted, or not in a state to run
    CONTINUED = "continued"  # the time slice ran out; queued again
    STOPPED = "stopped"  # `stop_after` batches were applied (tests and the bench)


# --- Creating, mapping, resuming, running again, deleting ------------------------------------


def import_enqueue(job: ImportJob) -> None:
    from imports.tasks import import_run as task

    task.delay_on_commit(job.pk)


@transaction.atomic
def import_create(
    *,
    owner: Any,
    upload: UploadedFile,
    sniffed: Sniffed,
    circle: str = Circle.ACQUAINTANCE,
    context: str = Context.PROFESSIONAL,
) -> ImportJob:
    """Keeps the upload as a job; queues it, or waits for the column mapping of a CSV file
    that no known export's header matches."""
    needs_mapping = sniffed.format == Format.CSV
    job = ImportJob(
        owner=owner,
        original_name=(upload.name or "upload")[:255],
        size=upload.size or 0,
        format=sniffed.format,
        status=JobStatus.MAPPING if needs_mapping else JobStatus.QUEUED,
        encoding=sniffed.encoding,
        delimiter=sniffed.delimiter,
        header_line=sniffed.header_line,
        columns=sniffed.columns,
        mapping=suggest_mapping(sniffed.columns) if needs_mapping else {},
        notices=sniffed.notices,
        circle=circle,
        context=context,
    )
    upload.seek(0)
    job.file.save(upload.name or "upload", upload, save=False)
    job.save()
    if not needs_mapping:
        import_enqueue(job)
    return job


@transaction.atomic
def import_map(*, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    updated = ImportJob.objects.filter(pk=job.pk, status=JobStatus.MAPPING).update(
        mapping=mapping, status=JobStatus.QUEUED
    )
    if updated:
        import_enqueue(job)
    job.refresh_from_db()
    return job


def lease_expired(job: ImportJob, now: dt.datetime | None = None) -> bool:
    return job.lease_until is None or job.lease_until < (now or timezone.now())


@transaction.atomic
def import_resume(*, job: ImportJob) -> bool:
    """Queues a stopped or stalled job again; it continues after the last recorded line."""
    now = timezone.now()
    stalled = Q(status=JobStatus.FAILED) | (
        Q(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    )
    updated = (
        ImportJob.objects.filter(stalled, pk=job.pk)
        .exclude(status=JobStatus.MAPPING)
        .update(status=JobStatus.QUEUED, error="", finished_at=None)
    )
    if updated:
        import_enqueue(job)
    return bool(updated)


@transaction.atomic
def import_rerun(*, job: ImportJob) -> bool:
    """Imports the kept file again from the start. What each line became last time is kept,
    so the same contacts are updated rather than created twice."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status not in (JobStatus.DONE, JobStatus.FAILED):
        return False
    links = dict(
        job.rows.filter(contact__isnull=False).values_list("line", "contact_id").iterator()
    )
    job.rows.all().delete()
    job.previous_links = {str(line): pk for line, pk in {**job.previous_links, **links}.items()}
    job.status = JobStatus.QUEUED
    job.total_rows = None
    job.rows_done = job.created = job.updated = job.merged = job.skipped = job.errors = 0
    job.possible_duplicates = 0
    job.error = ""
    job.finished_at = None
    job.lease_until = None
    job.save()
    import_enqueue(job)
    return True


def import_delete(*, job: ImportJob) -> None:
    """Deletes the job, its row results and its file; imported contacts stay."""
    name = job.file.name
    storage = job.file.storage
    job.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Running ---------------------------------------------------------------------------------


def _claim(job_id: int, now: dt.datetime) -> bool:
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    return bool(
        ImportJob.objects.filter(
            free, pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ).update(
            status=JobStatus.RUNNING,
            lease_until=now + LEASE,
            started_at=now,
            runs=F("runs") + 1,
        )
    )


def import_run(
    *,
    job_id: int,
    today: dt.date | None = None,
    batch_size: int = BATCH_SIZE,
    max_seconds: float | None = None,
    stop_after: int | None = None,
) -> str:
    """Runs a job from the first line not yet recorded. Returns an `Outcome`."""
    now = timezone.now()
    if not _claim(job_id, now):
        job = ImportJob.objects.filter(pk=job_id).only("status", "lease_until").first()
        if job is None or job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
            return Outcome.GONE
        return Outcome.BUSY
    job = ImportJob.objects.select_related("owner__profile").get(pk=job_id)
    if today is None:
        from accounts.models import local_today

        today = local_today(job.owner)
    try:
        with job.file.open("rb") as stream:
            return _run(job, stream, today, batch_size, max_seconds, stop_after)
    except (FileNotFoundError, csv.Error, ValueError, LookupError) as error:
        # Rows are checked one by one as they are read, so these mean the file itself no
        # longer reads as it did at upload: the job stops with words, the rows so far kept.
        if not isinstance(error, FileNotFoundError):
            log.exception("Import %s: the file could not be read to the end", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED,
            error=_unreadable(error),
            lease_until=None,
            finished_at=timezone.now(),
        )
        return Outcome.DONE
    except DatabaseError:
        if not ImportJob.objects.filter(pk=job_id).exists():
            return Outcome.GONE  # deleted by its owner while it ran
        raise


def _unreadable(error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        return "The uploaded file is missing; delete this import and upload the file again."
    if isinstance(error, csv.Error):
        return (
            f"The file stopped reading as CSV: {csv_problem(error)}. The rows before it are kept."
        )
    if isinstance(error, UnicodeError | LookupError):
        return (
            "The file cannot be read as it was when it was uploaded. The rows before the problem "
            "are kept; upload the file again to import the rest."
        )
    return "Part of the file could not be read, so the import stopped; the rows before it are kept."


def rows_of(job: ImportJob, text: IO[str]) -> Iterator[Row]:
    if job.format == Format.VCARD:
        return vcard_rows(text)
    return csv_rows(
        text,
        delimiter=job.delimiter or ",",
        header_line=job.header_line,
        columns=job.columns,
        mapping=mapping_for(job.format, job.columns, job.mapping),
    )


def count_rows(job: ImportJob, text: IO[str]) -> int:
    if job.format == Format.VCARD:
        return sum(1 for _chunk in vcard_chunks(text))
    return sum(
        1
        for record in records(text, job.delimiter or ",")
        if record.line > job.header_line and (record.error or any(f.strip() for f in record.fields))
    )


def _run(
    job: ImportJob,
    stream: IO[bytes],
    today: dt.date,
    batch_size: int,
    max_seconds: float | None,
    stop_after: int | None,
) -> str:
    started = time.monotonic()
    text = text_of(stream, job.encoding)
    if job.total_rows is None:
        job.total_rows = count_rows(job, text)
        ImportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows)
        text.seek(0)
    done = set(job.rows.values_list("line", flat=True).iterator())
    state = RunState(
        job=job,
        index=Index.load(job.owner),
        today=today,
        job_lines=dict(
            job.rows.filter(status=RowStatus.CREATED, contact__isnull=False)
            .values_list("contact_id", "line")
            .iterator()
        ),
        previous={int(k): v for k, v in job.previous_links.items()},
    )
    source = Source.LINKEDIN if job.format == Format.LINKEDIN else ""
    batch: list[Row] = []
    batches = 0
    for row in rows_of(job, text):
        if row.line in done:
            continue
        batch.append(row.clean(default_source=source))
        if len(batch) < batch_size:
            continue
        _apply_batch(state, batch)
        batch, batches = [], batches + 1
        if stop_after is not None and batches >= stop_after:
            _release(job)
            return Outcome.STOPPED
        if max_seconds is not None and time.monotonic() - started > max_seconds:
            _release(job)
            import_enqueue(job)
            return Outcome.CONTINUED
    if batch:
        _apply_batch(state, batch)
    _finish(job)
    return Outcome.DONE


def _release(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk).update(lease_until=None)


def _finish(job: ImportJob) -> None:
    photos = job.rows.filter(message__contains="photo was not imported").count()
    notices = list(job.notices)
    if photos:
        notices.append(
            f"{photos} card{'s' if photos != 1 else ''} had a photo; photos are not imported."
        )
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, lease_until=None, finished_at=timezone.now(), notices=notices
    )


# --- Applying a batch ------------------------------------------------------------------------


@dataclass
class RunState:
    job: ImportJob
    index: Index
    today: dt.date
    job_lines: dict[int, int]  # contact id → the line of this job that created it
    previous: dict[int, int]  # line → contact id, from the run before a re-run


@dataclass
class Target:
    """A contact a batch writes: a new one (no pk yet) or one the user had."""

    contact: Contact
    emails: list[tuple[str, str]]
    phones: list[tuple[str, str]]
    tags: list[str]
    new: bool
    line: int = 0  # the row that made a new one
    changed: set[str] = field(default_factory=set)
    new_emails: list[tuple[str, str]] = field(default_factory=list)
    new_phones: list[tuple[str, str]] = field(default_factory=list)
    new_tags: list[str] = field(default_factory=list)


@dataclass
class Result:
    row: Row
    status: str
    message: str = ""
    target: int | None = None  # a contact id, negative while the contact is new
    duplicate_of: int | None = None


def _apply_batch(state: RunState, rows: list[Row]) -> None:
    try:
        with transaction.atomic():
            real_ids = _apply(state, rows)
    except DatabaseError:
        state.index.rollback()
        log.warning("Import %s: a batch failed; applying its rows one by one", state.job.pk)
        for row in rows:
            try:
                with transaction.atomic():
                    real_ids = _apply(state, [row])
            except DatabaseError as error:
                state.index.rollback()
                log.warning("Import %s, line %s: %s", state.job.pk, row.line, error)
                row.error = (
                    "This row could not be saved: "
                    f"{str(error).splitlines()[0][:200] if str(error) else type(error).__name__}."
                )
                with transaction.atomic():
                    real_ids = _apply(state, [row])
            state.index.commit(real_ids)
        return
    state.index.commit(real_ids)


def _origin(job: ImportJob) -> str:
    return f"from the {Format(job.format).label} import"


def _apply(state: RunState, rows: list[Row]) -> dict[int, int]:
    """Writes one batch: new contacts, additions to matched ones, the row records, the counts
    and the derived columns, in a fixed number of statements. Returns temp id → real id."""
    job, index = state.job, state.index
    origin = _origin(job)
    results: list[Result] = []
    new: dict[int, Target] = {}
    matched: dict[int, list[tuple[Result, Row]]] = defaultdict(list)
    for row in rows:
        if row.error:
            results.append(Result(row, RowStatus.ERROR, row.error))
            continue
        match_id, reason = _match(state, row)
        if match_id is None:
            duplicate = index.fuzzy(row.fields)
            temp = index.add(row.fields, row.emails)
            new[temp] = _new_target(job, row)
            result = Result(row, RowStatus.CREATED, target=temp)
            if duplicate is not None:
                result.duplicate_of = duplicate[0]
                result.message = (
                    f"Possible duplicate of {index.label(duplicate[0])}: a similar name and "
                    f"company ({duplicate[1]}%). Merge them if they are the same person."
                )
            results.append(result)
        elif match_id < 0:
            target = new[match_id]
            added = _merge(target, row, origin)
            index.extend(match_id, row.fields, row.emails)
            results.append(
                Result(
                    row,
                    RowStatus.MERGED if added else RowStatus.SKIPPED,
                    f"The same person as line {target.line}: {reason}"
                    + (f"; added {', '.join(added)}." if added else "; nothing new."),
                    target=match_id,
                )
            )
        else:
            result = Result(row, RowStatus.SKIPPED, reason, target=match_id)
            matched[match_id].append((result, row))
            index.extend(match_id, row.fields, row.emails)
            results.append(result)
    existing = _merge_existing(state, matched, origin)
    # Strength and circle are scored before the writes, so each contact is written once: a
    # new contact has no interactions; a changed one's are read in one grouped query.
    for target in new.values():
        _rescore(target, strength.Activity(), state.today)
    changed = {pk: t for pk, t in existing.items() if t.changed}
    activities = strength.activities(changed, today=state.today) if changed else {}
    for pk, target in changed.items():
        _rescore(target, activities.get(pk, strength.Activity()), state.today)
    real_ids = _save_new(job, new)
    _save_existing(job.owner, existing)
    _record(job, results, real_ids)
    # Check-in dates, set-based, where one can have changed: a new contact with a cadence
    # (due from the day it was added), a contact whose circle or cadence moved.
    due = [t.contact.pk for t in new.values() if t.contact.effective_cadence_days]
    due += [pk for pk, t in changed.items() if {"circle", "cadence_days"} & t.changed]
    if due:
        checkins_refresh(contacts=Contact.objects.filter(pk__in=due))
    for temp, pk in real_ids.items():
        state.job_lines[pk] = new[temp].line
    return real_ids


def _match(state: RunState, row: Row) -> tuple[int | None, str]:
    previous = state.previous.get(row.line)
    if previous is not None and previous in state.index.people:
        return previous, "imported from this line before"
    match = state.index.exact(row.fields, row.emails)
    if match is None:
        return None, ""
    return match.contact_id, match.reason


def _rescore(target: Target, activity: strength.Activity, today: dt.date) -> None:
    """What `strength_refresh` writes, from the same functions: the strength and, unless the
    circle is pinned, the circle it suggests."""
    contact = target.contact
    total = strength.score(
        activity, cadence_days=contact.effective_cadence_days, met_on=contact.met_on, today=today
    ).total
    circle = contact.circle if contact.circle_pinned else strength.suggested_circle(total)
    if (total, circle) != (contact.strength, contact.circle):
        contact.strength, contact.circle = total, circle
        target.changed |= {"strength", "circle"}


def _new_target(job: ImportJob, row: Row) -> Target:
    fields = dict(row.fields)
    circle = fields.pop("circle", None)
    fields.setdefault("context", job.context)
    contact = Contact(
        owner_id=job.owner_id,
        circle=circle or job.circle,
        # The acquaintance circle lets strength move them up as conversations are logged;
        # a circle the user (or our own vCard) chose is kept.
        circle_pinned=bool(circle) or job.circle != Circle.ACQUAINTANCE,
        **fields,
    )
    return Target(
        contact=contact,
        emails=list(row.emails),
        phones=list(row.phones),
        tags=list(row.tags),
        new=True,
        line=row.line,
    )


def _merge_existing(
    state: RunState, matched: dict[int, list[tuple[Result, Row]]], origin: str
) -> dict[int, Target]:
    """Loads the matched contacts with their e-mails, phones and tags (four queries) and
    merges each row into its contact."""
    if not matched:
        return {}
    ids = list(matched)
    # Locked for the batch: a contact deleted meanwhile must not come back with the upsert.
    contacts = Contact.objects.select_for_update().in_bulk(ids)
    emails: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for pk, address, label in ContactEmail.objects.filter(contact_id__in=ids).values_list(
        "contact_id", "address", "label"
    ):
        emails[pk].append((address.lower(), label))
    phones: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for pk, number, label in ContactPhone.objects.filter(contact_id__in=ids).values_list(
        "contact_id", "number", "label"
    ):
        phones[pk].append((number, label))
    tags: dict[int, list[str]] = defaultdict(list)
    for pk, name in Contact.tags.through.objects.filter(contact_id__in=ids).values_list(
        "contact_id", "tag__name"
    ):
        tags[pk].append(name)
    targets: dict[int, Target] = {}
    for pk, pairs in matched.items():
        contact = contacts.get(pk)
        if contact is None:  # deleted meanwhile: the rows make it anew
            for result, _row in pairs:
                result.status, result.message = (
                    RowStatus.ERROR,
                    (
                        "The contact this row matched was deleted during the import; "
                        "import the file again to add it."
                    ),
                )
                result.target = None
            continue
        target = Target(contact, emails[pk], phones[pk], tags[pk], new=False)
        targets[pk] = target
        for result, row in pairs:
            added = _merge(target, row, origin)
            first_line = state.job_lines.get(pk)
            if first_line is not None and first_line != row.line:
                result.status = RowStatus.MERGED if added else RowStatus.SKIPPED
                who = f"The same person as line {first_line}"
            else:
                result.status = RowStatus.UPDATED if added else RowStatus.SKIPPED
                who = f"Matched {state.index.label(pk)}"
            result.message = f"{who}: {result.message}" + (
                f"; added {', '.join(added)}." if added else "; nothing new."
            )
    return targets


def _note(target: Target, line: str) -> bool:
    contact = target.contact
    if line in contact.notes:
        return False
    contact.notes = f"{contact.notes}\n{line}" if contact.notes else line
    target.changed.add("notes")
    return True


def _merge(target: Target, row: Row, origin: str) -> list[str]:
    """Fills the contact's empty fields from the row and keeps both values where they differ
    (the row's in the notes, labelled); adds new e-mails, phones and tags. Never drops a value.
    Returns what was added, in words."""
    contact, fields, added = target.contact, row.fields, []
    meta = Contact._meta
    first, last = folded(fields.get("first_name", "")), folded(fields.get("last_name", ""))
    if (first and first != folded(contact.first_name)) or (
        last and contact.last_name and last != folded(contact.last_name)
    ):
        name = f"{fields.get('first_name', '')} {fields.get('last_name', '')}".strip()
        if _note(target, f"Also known as ({origin}): {name}"):
            added.append("another name")
    for name in (*MERGE_FIELDS, *URL_FIELDS):
        new = fields.get(name, "")
        if not new:
            continue
        old = getattr(contact, name)
        label = str(meta.get_field(name).verbose_name)
        if not old:
            setattr(contact, name, new)
            target.changed.add(name)
            added.append(label)
            continue
        same = (
            normal_url(old) == normal_url(new) if name in URL_FIELDS else folded(old) == folded(new)
        )
        # (A different surname was noted with the name.)
        noted = not same and name != "last_name"
        if noted and _note(target, f"{label.capitalize()} ({origin}): {new}"):
            added.append(f"another {label}")
    added += _merge_dates(target, fields, origin)
    if (notes := fields.get("notes", "")) and notes not in contact.notes:
        _note(target, notes)
        added.append("notes")
    if fields.get("cadence_days") is not None and contact.cadence_days is None:
        contact.cadence_days = fields["cadence_days"]
        target.changed.add("cadence_days")
    have = {address for address, _ in target.emails}
    for address, label in row.emails:
        if address not in have:
            target.emails.append((address, label))
            target.new_emails.append((address, label))
            have.add(address)
            added.append(f"e-mail {address}")
    digits = {phone_digits(number) for number, _ in target.phones}
    for number, label in row.phones:
        if phone_digits(number) not in digits:
            target.phones.append((number, label))
            target.new_phones.append((number, label))
            digits.add(phone_digits(number))
            added.append(f"phone {number}")
    tags = {tag.lower() for tag in target.tags}
    for tag in row.tags:
        if tag.lower() not in tags:
            target.tags.append(tag)
            target.new_tags.append(tag)
            tags.add(tag.lower())
            added.append(f"tag {tag}")
    return added


def _merge_dates(target: Target, fields: dict[str, Any], origin: str) -> list[str]:
    contact, added = target.contact, []
    source, met_on = fields.get("source", ""), fields.get("met_on")
    if source or met_on:
        if not contact.source and not contact.met_on:
            contact.source, contact.met_on = source, met_on
            target.changed |= {"source", "met_on"}
            added.append("how you met")
        elif (source or contact.source) == contact.source and not contact.met_on and met_on:
            contact.met_on = met_on
            target.changed.add("met_on")
            added.append("the date you met")
        elif (source and source != contact.source) or (met_on and met_on != contact.met_on):
            how = Source(source).label if source else "someone"
            when = f" on {date_format(met_on)}" if met_on else ""
            if _note(target, f"Met through {how}{when} ({origin})"):
                added.append("another way you met")
    if fields.get("birthday_month"):
        year, month, day = (fields.get(f"birthday_{p}") for p in ("year", "month", "day"))
        if not contact.birthday_month:
            contact.birthday_year, contact.birthday_month, contact.birthday_day = year, month, day
            target.changed |= {"birthday_year", "birthday_month", "birthday_day"}
            added.append("birthday")
        elif (contact.birthday_month, contact.birthday_day) == (month, day):
            if year and not contact.birthday_year:
                contact.birthday_year = year
                target.changed.add("birthday_year")
                added.append("birth year")
        else:
            written = f"{year}-{month:02d}-{day:02d}" if year else f"{month:02d}-{day:02d}"
            if _note(target, f"Birthday ({origin}): {written}"):
                added.append("another birthday")
    return added


def _save_new(job: ImportJob, new: dict[int, Target]) -> dict[int, int]:
    if not new:
        return {}
    temps = list(new)
    for t in temps:  # COPY writes the attributes as they are; no field sets this one
        new[t].contact.search_text = search_text(new[t].contact)
    copy_insert(Contact, [new[t].contact for t in temps])
    real_ids = {t: new[t].contact.pk for t in temps}
    ContactEmail.objects.bulk_create(
        [
            ContactEmail(contact_id=new[t].contact.pk, address=a, label=lbl, is_primary=i == 0)
            for t in temps
            for i, (a, lbl) in enumerate(new[t].emails)
        ],
        batch_size=BATCH_SIZE,
    )
    ContactPhone.objects.bulk_create(
        [
            ContactPhone(contact_id=new[t].contact.pk, number=n, label=lbl, is_primary=i == 0)
            for t in temps
            for i, (n, lbl) in enumerate(new[t].phones)
        ],
        batch_size=BATCH_SIZE,
    )
    _save_tags(job.owner, [(new[t].contact.pk, new[t].tags) for t in temps])
    return real_ids


def _save_tags(owner: Any, pairs: list[tuple[int, list[str]]]) -> None:
    names = {tag for _pk, tags in pairs for tag in tags}
    if not names:
        return
    by_name = {tag.name.lower(): tag.pk for tag in tags_for(owner=owner, names=names)}
    through = Contact.tags.through
    through.objects.bulk_create(
        [through(contact_id=pk, tag_id=by_name[t.lower()]) for pk, tags in pairs for t in tags],
        ignore_conflicts=True,
        batch_size=BATCH_SIZE,
    )


def _save_existing(owner: Any, targets: dict[int, Target]) -> None:
    changed = [t.contact for t in targets.values() if t.changed]
    if changed:
        # One INSERT … ON CONFLICT (id) DO UPDATE of the changed columns: the rows were read
        # whole and locked above, so this only updates; it costs what an INSERT costs, where
        # bulk_update's CASE per row and column grows slow with thousands.
        names = {name for t in targets.values() for name in t.changed} | {"updated_at"}
        if names & set(SEARCHED_FIELDS):  # the field folds the whole row on the INSERT side
            names.add("search_text")
        Contact.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=sorted(names),
            batch_size=BATCH_SIZE,
        )
    # A contact that had no e-mail (or phone) gets its first one as the primary.
    ContactEmail.objects.bulk_create(
        [
            ContactEmail(
                contact_id=pk,
                address=address,
                label=label,
                is_primary=i == 0 and len(t.emails) == len(t.new_emails),
            )
            for pk, t in targets.items()
            for i, (address, label) in enumerate(t.new_emails)
        ],
        batch_size=BATCH_SIZE,
    )
    ContactPhone.objects.bulk_create(
        [
            ContactPhone(
                contact_id=pk,
                number=number,
                label=label,
                is_primary=i == 0 and len(t.phones) == len(t.new_phones),
            )
            for pk, t in targets.items()
            for i, (number, label) in enumerate(t.new_phones)
        ],
        batch_size=BATCH_SIZE,
    )
    _save_tags(owner, [(pk, t.new_tags) for pk, t in targets.items() if t.new_tags])


def _record(job: ImportJob, results: list[Result], real_ids: dict[int, int]) -> None:
    def real(pk: int | None) -> int | None:
        return real_ids.get(pk) if pk is not None and pk < 0 else pk

    copy_insert(
        ImportRow,
        [
            ImportRow(
                job_id=job.pk,
                line=r.row.line,
                status=r.status,
                message=" ".join([r.message, *r.row.notices]).strip(),
                contact_id=real(r.target),
                duplicate_of_id=real(r.duplicate_of),
                raw=r.row.raw if r.status == RowStatus.ERROR else "",
            )
            for r in results
        ],
    )
    counts: dict[str, int] = defaultdict(int)
    for r in results:
        counts[r.status] += 1
    ImportJob.objects.filter(pk=job.pk).update(
        rows_done=F("rows_done") + len(results),
        created=F("created") + counts[RowStatus.CREATED],
        updated=F("updated") + counts[RowStatus.UPDATED],
        merged=F("merged") + counts[RowStatus.MERGED],
        skipped=F("skipped") + counts[RowStatus.SKIPPED],
        errors=F("errors") + counts[RowStatus.ERROR],
        possible_duplicates=F("possible_duplicates")
        + sum(1 for r in results if r.duplicate_of is not None),
        lease_until=timezone.now() + LEASE,
    )


def max_upload_bytes() -> int:
    return settings.IMPORT_MAX_BYTES
