"""From a file to rows: LinkedIn's Connections.csv, vCard 3.0 and 4.0, Google and Outlook CSV
exports, and any other CSV through the user's column mapping.

Each reader yields `Row`s lazily (a 10 MB file is never held in memory as rows), each with
the physical line it starts on. `Row.clean()` validates and normalises a row into contact
fields, or sets `Row.error` to a sentence saying why it cannot be imported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urlsplit

import vobject
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from contacts.models import Circle, Contact, Context, Source
from imports.models import Format
from imports.sniff import records

# Contact text fields a row may fill, with their lengths (the model's, read once).
TEXT_FIELDS = {
    name: Contact._meta.get_field(name).max_length
    for name in ("first_name", "last_name", "display_name", "company", "title")
    + ("industry", "location")
}
URL_FIELDS = ("linkedin_url", "x_url", "website_url", "other_url")
URL_MAX = 200
EMAIL_MAX = 254
PHONE_MAX = 40
LABEL_MAX = 30
TAG_MAX = 50
RAW_MAX = 2000  # of a bad row's text kept for the error report

# The generic CSV's choices: what a column can become.
MAPPING_CHOICES = [
    ("", "Ignore this column"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("full_name", "Full name (first and last)"),
    ("display_name", "Display name"),
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("company", "Company"),
    ("title", "Job title"),
    ("industry", "Industry"),
    ("location", "Location"),
    ("linkedin_url", "LinkedIn URL"),
    ("x_url", "X URL"),
    ("website_url", "Website"),
    ("other_url", "Other profile URL"),
    ("url", "A web address (sorted by site)"),
    ("birthday", "Birthday"),
    ("met_on", "Met on (date)"),
    ("source", "How we met"),
    ("circle", "Circle"),
    ("context", "Context (professional, personal, both)"),
    ("tags", "Tags"),
    ("notes", "Notes"),
]
MULTIPLE = {"email", "phone", "tags", "notes", "url"}
NAME_TARGETS = {"first_name", "last_name", "full_name", "display_name"}

# Header names (lower case, letters and digits only) that suggest a mapping; our own CSV
# export's columns are among them, so re-importing it needs no choices.
SUGGESTIONS = {
    "firstname": "first_name",
    "givenname": "first_name",
    "first": "first_name",
    "forename": "first_name",
    "lastname": "last_name",
    "familyname": "last_name",
    "surname": "last_name",
    "last": "last_name",
    "name": "full_name",
    "fullname": "full_name",
    "contact": "full_name",
    "displayname": "display_name",
    "email": "email",
    "emails": "email",
    "emailaddress": "email",
    "mail": "email",
    "phone": "phone",
    "phones": "phone",
    "mobile": "phone",
    "telephone": "phone",
    "phonenumber": "phone",
    "company": "company",
    "organization": "company",
    "organisation": "company",
    "employer": "company",
    "title": "title",
    "jobtitle": "title",
    "position": "title",
    "role": "title",
    "industry": "industry",
    "location": "location",
    "city": "location",
    "linkedin": "linkedin_url",
    "linkedinurl": "linkedin_url",
    "x": "x_url",
    "twitter": "x_url",
    "website": "website_url",
    "web": "website_url",
    "url": "url",
    "otherprofile": "other_url",
    "birthday": "birthday",
    "dateofbirth": "birthday",
    "meton": "met_on",
    "howwemet": "source",
    "source": "source",
    "circle": "circle",
    "context": "context",
    "tags": "tags",
    "labels": "tags",
    "notes": "notes",
    "note": "notes",
    "comments": "notes",
}

NO_BIRTHDAY = {"0/0/00", "0/0/0000", "00/00/0000", "1/1/4501"}  # Outlook's "none"
DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%m/%d/%Y", "%d-%b-%y", "%b %d, %Y", "%Y%m%d")
_SPACES = re.compile(r"\s+")


def text(value: Any) -> str:
    """A cell's text, its line breaks made plain: PostgreSQL refuses NUL characters, and
    nobody means them."""
    if value is None:
        return ""
    return str(value).replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()


def header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


# Words in a header that suggest a target when the whole header is not in SUGGESTIONS.
SUGGESTION_WORDS = [
    ("email", "email"),
    ("mail", "email"),
    ("phone", "phone"),
    ("mobile", "phone"),
    ("linkedin", "linkedin_url"),
    ("twitter", "x_url"),
    ("company", "company"),
    ("organi", "company"),
    ("jobtitle", "title"),
    ("position", "title"),
    ("birth", "birthday"),
    ("firstname", "first_name"),
    ("lastname", "last_name"),
    ("note", "notes"),
    ("tag", "tags"),
]


def _suggestion(name: str) -> str:
    key = header_key(name)
    if key in SUGGESTIONS:
        return SUGGESTIONS[key]
    return next((target for word, target in SUGGESTION_WORDS if word in key), "")


def suggest_mapping(columns: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, name in enumerate(columns):
        target = _suggestion(name)
        if target and (target in MULTIPLE or target not in taken):
            mapping[str(index)] = target
            taken.add(target)
    if {"first_name", "last_name"} & taken:
        # "Name" beside first and last names is usually the whole name again.
        mapping = {k: v for k, v in mapping.items() if v != "full_name"}
    return mapping


def parse_date(value: str) -> dt.date | None:
    value = _SPACES.sub(" ", value.strip())
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    return None


def parse_birthday(value: str) -> tuple[int | None, int, int] | None:
    """1985-04-23, 19850423, --0423, --04-23, 4/23/1985, 1604-04-23 (Apple's "no year")."""
    value = value.strip().split("T", 1)[0]
    if match := re.fullmatch(r"--(\d{2})-?(\d{2})", value):
        year, month, day = None, int(match[1]), int(match[2])
    elif match := re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})", value):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2,4})", value):
        month, day, year = int(match[1]), int(match[2]), int(match[3])
        if year < 100:
            year = None if year == 0 else 1900 + year if year > 30 else 2000 + year
    elif match := re.fullmatch(r"(\d{2})-(\d{2})", value):
        year, month, day = None, int(match[1]), int(match[2])
    else:
        return None
    if year in (1604, 1900, 0):  # Apple and Outlook write these when the year is unknown
        year = None
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: 02-29 is allowed
    except ValueError:
        return None
    return (year, month, day)


def normal_url(url: str) -> str:
    """The key two profile URLs are compared by: no scheme, no www, no query, no slash."""
    url = url.strip().lower()
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"


def url_kind(url: str) -> str:
    host = urlsplit(url if "://" in url else "https://" + url).netloc.lower()
    host = host.removeprefix("www.").removeprefix("mobile.")
    if host == "linkedin.com" or host.endswith(".linkedin.com"):
        return "linkedin_url"
    if host in ("x.com", "twitter.com"):
        return "x_url"
    return ""


def split_full_name(name: str) -> tuple[str, str]:
    name = _SPACES.sub(" ", name).strip()
    if "," in name:
        last, _, first = name.partition(",")
        return first.strip(), last.strip()
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (last, "")


def phone_digits(number: str) -> str:
    return re.sub(r"\D", "", number)


_url_validator = URLValidator(schemes=["http", "https"])


@dataclass
class Row:
    """One contact as read from the file, before it meets the database."""

    line: int
    raw: str = ""
    end_line: int = 0
    names: dict[str, str] = field(default_factory=dict)  # first/last/display/full name
    values: dict[str, str] = field(default_factory=dict)  # other text fields, as written
    emails: list[tuple[str, str]] = field(default_factory=list)  # (address, label)
    phones: list[tuple[str, str]] = field(default_factory=list)
    urls: list[tuple[str, str]] = field(default_factory=list)  # (field or "", url)
    tags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    birthday_text: str = ""
    met_on_text: str = ""
    source_text: str = ""
    circle_text: str = ""
    context_text: str = ""
    cadence_text: str = ""
    notices: list[str] = field(default_factory=list)
    error: str = ""
    # Set by clean():
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def lines(self) -> str:
        if self.end_line and self.end_line > self.line:
            return f"lines {self.line}–{self.end_line}"
        return f"line {self.line}"

    def fail(self, reason: str) -> Row:
        self.error = reason
        return self

    def clean(self, *, default_source: str = "") -> Row:
        """Validates and normalises into `fields` (the contact's), `emails`, `phones` and
        `tags`; or sets `error`. Over-long text is cut to fit and kept whole in the notes."""
        if self.error:
            return self
        fields: dict[str, Any] = {}
        names = {k: text(v) for k, v in self.names.items()}
        first, last = names.get("first_name", ""), names.get("last_name", "")
        if not (first or last) and names.get("full_name"):
            first, last = split_full_name(names["full_name"])
        display = names.get("display_name", "")
        if not first and last:
            first, last = last, ""
        if not first and display:
            first = display
        if not first:
            return self.fail("This row has no name (first name, last name or full name).")
        notes = [text(n) for n in self.notes if text(n)]
        for name, value in {
            "first_name": first,
            "last_name": last,
            "display_name": display if display != f"{first} {last}".strip() else "",
            **{k: text(v) for k, v in self.values.items() if k in TEXT_FIELDS},
        }.items():
            value = _SPACES.sub(" ", value) if name != "notes" else value
            limit = TEXT_FIELDS[name]
            if len(value) > limit:
                notes.append(f"{Contact._meta.get_field(name).verbose_name.capitalize()}: {value}")
                value = value[: limit - 1] + "…"
            if value:
                fields[name] = value
        emails: list[tuple[str, str]] = []
        for address, label in self.emails:
            for part in re.split(r"[;,\s]+| ::: ", text(address)):
                part = part.strip().strip("<>").removeprefix("mailto:").lower()
                if not part:
                    continue
                try:
                    validate_email(part)
                except ValidationError:
                    return self.fail(f"“{part[:80]}” is not an e-mail address.")
                if len(part) > EMAIL_MAX:
                    return self.fail("An e-mail address is longer than 254 characters.")
                if part not in (e for e, _ in emails):
                    emails.append((part, text(label)[:LABEL_MAX].lower()))
        phones: list[tuple[str, str]] = []
        for number, label in self.phones:
            for part in re.split(r" ::: |\n|;", text(number)):
                part = part.strip().removeprefix("tel:")
                if not part:
                    continue
                if len(phone_digits(part)) < 3 or len(part) > PHONE_MAX:
                    return self.fail(f"“{part[:60]}” does not look like a phone number.")
                if phone_digits(part) not in (phone_digits(p) for p, _ in phones):
                    phones.append((part, text(label)[:LABEL_MAX].lower()))
        if error := self._clean_urls(fields, notes):
            return self.fail(error)
        if self.birthday_text.strip() and self.birthday_text.strip() not in NO_BIRTHDAY:
            birthday = parse_birthday(text(self.birthday_text))
            if birthday is None:
                return self.fail(
                    f"“{text(self.birthday_text)[:40]}” is not a birthday we can read."
                )
            fields["birthday_year"], fields["birthday_month"], fields["birthday_day"] = birthday
        if self.met_on_text.strip():
            met_on = parse_date(text(self.met_on_text))
            if met_on is None:
                return self.fail(
                    f"“{text(self.met_on_text)[:40]}” is not a date we can read "
                    "(write it like 12 Mar 2024 or 2024-03-12)."
                )
            fields["met_on"] = met_on
        source = default_source
        if self.source_text.strip():
            wanted = text(self.source_text).lower()
            source = next((v for v, label in Source.choices if wanted in (v, label.lower())), "")
            if not source:
                notes.append(f"How we met: {text(self.source_text)}")
        if source:
            fields["source"] = source
        if self.circle_text.strip():
            wanted = text(self.circle_text).lower()
            circle = next((v for v, label in Circle.choices if wanted in (v, label.lower())), "")
            if circle:
                fields["circle"] = circle
            else:
                notes.append(f"Circle: {text(self.circle_text)}")
        if self.context_text.strip():
            wanted = text(self.context_text).lower()
            context = next((v for v, label in Context.choices if wanted in (v, label.lower())), "")
            if context:
                fields["context"] = context
            else:
                notes.append(f"Context: {text(self.context_text)}")
        if self.cadence_text.strip().isdigit() and int(self.cadence_text) <= 3650:
            fields["cadence_days"] = int(self.cadence_text)
        tags: list[str] = []
        for value in self.tags:
            for tag in re.split(r" ::: |[;,\n]", text(value)):
                tag = tag.strip().removeprefix("* ").strip()
                if not tag or tag.lower() in ("mycontacts", "starred"):
                    continue
                if len(tag) > TAG_MAX:
                    return self.fail(f"The tag “{tag[:60]}…” is longer than {TAG_MAX} characters.")
                if tag.lower() not in (t.lower() for t in tags):
                    tags.append(tag)
        if notes:
            fields["notes"] = "\n".join(notes)
        self.fields, self.emails, self.phones, self.tags = fields, emails, phones, tags
        return self

    def _clean_urls(self, fields: dict[str, Any], notes: list[str]) -> str:
        free = [f for f in URL_FIELDS if f not in fields]
        for kind, raw_url in self.urls:
            url = text(raw_url)
            if not url:
                continue
            if "://" not in url:
                url = "https://" + url
            try:
                _url_validator(url)
            except ValidationError:
                return f"“{url[:80]}” is not a web address."
            target = kind if kind in URL_FIELDS else url_kind(url)
            if target and target in free:
                pass
            elif not target and "website_url" in free:
                target = "website_url"
            elif "other_url" in free:
                target = "other_url"
            else:
                notes.append(f"Web address: {url}")
                continue
            if len(url) > URL_MAX:
                notes.append(f"Web address: {url}")
                continue
            fields[target] = url
            free.remove(target)
        return ""


# --- CSV ------------------------------------------------------------------------------------


def _raw(fields: list[str], delimiter: str) -> str:
    return delimiter.join(fields)[:RAW_MAX]


def csv_rows(
    text_stream: IO[str],
    *,
    delimiter: str,
    header_line: int,
    columns: list[str],
    mapping: dict[str, str],
) -> Iterator[Row]:
    """Rows of a CSV file, each column going where `mapping` ({index: target}) says."""
    width = len(columns)
    plan = [(int(index), target) for index, target in mapping.items() if target]
    for record in records(text_stream, delimiter):
        if record.line <= header_line:
            continue
        row = Row(line=record.line, end_line=record.end_line)
        if record.error:
            yield row.fail(f"The CSV cannot be read here: {record.error}.")
            continue
        values = record.fields
        if not any(v.strip() for v in values):
            continue  # a blank line is not a row
        row.raw = _raw(values, delimiter)
        spans = record.end_line > record.line
        if spans and len(values) != width:
            yield row.fail(
                f"This row runs over {row.lines} with {len(values)} values where the header has "
                f"{width} columns: a quote may be missing its closing quote. The rows on those "
                "lines were not imported."
            )
            continue
        if len(values) > width and any(v.strip() for v in values[width:]):
            yield row.fail(
                f"This row has {len(values)} values where the header has {width} columns "
                "(a stray comma, semicolon or quote?)."
            )
            continue
        values = values + [""] * (width - len(values))
        for index, target in plan:
            _put(row, target, values[index], columns[index])
        yield row


def _put(row: Row, target: str, value: str, column: str) -> None:
    value = value.strip()
    if not value:
        return
    kind, _, label = target.partition(":")
    match kind:
        case "first_name" | "last_name" | "full_name" | "display_name":
            row.names[kind] = value
        case "company" | "title" | "industry" | "location":
            if kind in row.values:
                row.values[kind] += ", " + value
            else:
                row.values[kind] = value
        case "email":
            row.emails.append((value, label))
        case "phone":
            row.phones.append((value, label))
        case "linkedin_url" | "x_url" | "website_url" | "other_url":
            row.urls.append((kind, value))
        case "url":
            row.urls.extend(("", part.strip()) for part in value.split(" ::: "))
        case "birthday":
            row.birthday_text = value
        case "met_on":
            row.met_on_text = value
        case "source":
            row.source_text = value
        case "circle":
            row.circle_text = value
        case "context":
            row.context_text = value
        case "tags":
            row.tags.append(value)
        case "notes":
            row.notes.append(
                value if header_key(column) in ("notes", "note") else f"{column}: {value}"
            )
        case "note":  # a column kept in the notes under its own name
            row.notes.append(f"{label or column}: {value}")


def linkedin_mapping(columns: list[str]) -> dict[str, str]:
    targets = {
        "first name": "first_name",
        "last name": "last_name",
        "url": "linkedin_url",
        "email address": "email",
        "company": "company",
        "position": "title",
        "connected on": "met_on",
    }
    return {str(i): targets[c.lower()] for i, c in enumerate(columns) if c.lower() in targets}


def google_mapping(columns: list[str]) -> dict[str, str]:
    """Google Contacts' CSV, in its current ("First Name", "Labels") and older ("Given Name",
    "Group Membership") forms. Multiple values in one cell are separated by " ::: "."""
    keys = [header_key(c) for c in columns]
    has_parts = any(k in ("firstname", "givenname", "lastname", "familyname") for k in keys)
    mapping: dict[str, str] = {}
    for index, key in enumerate(keys):
        target = ""
        if key in ("firstname", "givenname"):
            target = "first_name"
        elif key in ("lastname", "familyname"):
            target = "last_name"
        elif key == "name":
            target = "" if has_parts else "full_name"
        elif key in ("middlename", "additionalname"):
            target = "note:Middle name"
        elif key in ("nameprefix", "namesuffix", "nickname", "occupation"):
            target = f"note:{columns[index]}"
        elif key in ("organizationname", "organization1name"):
            target = "company"
        elif key in ("organizationtitle", "organization1title"):
            target = "title"
        elif key in ("organizationdepartment", "organization1department"):
            target = "note:Department"
        elif key == "birthday":
            target = "birthday"
        elif key == "notes":
            target = "notes"
        elif key in ("labels", "groupmembership"):
            target = "tags"
        elif key in ("location", "address1city", "address1region", "address1country"):
            target = "location"  # joined: "Lyon, Auvergne-Rhône-Alpes, France"
        elif re.fullmatch(r"email\d+value", key):
            target = "email"
        elif re.fullmatch(r"phone\d+value", key):
            target = "phone"
        elif re.fullmatch(r"website\d+value", key):
            target = "url"
        if target:
            mapping[str(index)] = target
    return mapping


OUTLOOK_PHONES = {
    "mobilephone": "mobile",
    "businessphone": "work",
    "businessphone2": "work",
    "homephone": "home",
    "homephone2": "home",
    "otherphone": "other",
    "primaryphone": "",
    "companymainphone": "work",
    "carphone": "car",
    "pager": "pager",
    "businessfax": "fax",
    "homefax": "fax",
    "otherfax": "fax",
    "assistantsphone": "assistant",
}


def outlook_mapping(columns: list[str]) -> dict[str, str]:
    """Outlook's CSV: "Title" is the honorific, "Job Title" the position."""
    mapping: dict[str, str] = {}
    for index, column in enumerate(columns):
        key = header_key(column)
        target = ""
        if key == "firstname":
            target = "first_name"
        elif key == "lastname":
            target = "last_name"
        elif key in ("middlename", "title", "suffix", "nickname", "department", "spouse"):
            target = f"note:{column}"
        elif key == "jobtitle":
            target = "title"
        elif key == "company":
            target = "company"
        elif re.fullmatch(r"email(\d)?address", key):
            target = "email"
        elif key in OUTLOOK_PHONES:
            target = f"phone:{OUTLOOK_PHONES[key]}"
        elif key in ("webpage", "personalwebpage"):
            target = "url"
        elif key == "birthday":
            target = "birthday"
        elif key == "notes":
            target = "notes"
        elif key == "categories":
            target = "tags"
        elif key in ("businesscity", "businesscountryregion"):
            target = "location"
        elif key in ("homecity", "homecountryregion"):
            target = f"note:{column}"
        if target:
            mapping[str(index)] = target
    return mapping


def mapping_for(format: str, columns: list[str], chosen: dict[str, str]) -> dict[str, str]:
    if format == Format.LINKEDIN:
        return linkedin_mapping(columns)
    if format == Format.GOOGLE:
        return google_mapping(columns)
    if format == Format.OUTLOOK:
        return outlook_mapping(columns)
    return chosen


# --- vCard ----------------------------------------------------------------------------------

PHONE_TYPES = {"cell": "mobile", "mobile": "mobile", "work": "work", "home": "home", "fax": "fax"}
EMAIL_TYPES = {"work": "work", "home": "home", "other": "other"}
URL_TYPES = {"linkedin": "linkedin_url", "x": "x_url", "twitter": "x_url", "x-twitter": "x_url"}
URL_TYPES |= {"website": "website_url", "home": "website_url", "work": "website_url"}
URL_TYPES |= {"other": "other_url", "profile": "other_url"}
X_PREFIX = "X-NETWORKCRM-"


def vcard_chunks(text_stream: IO[str]) -> Iterator[tuple[int, int, list[str], str]]:
    """(first line, last line, lines, problem) of each BEGIN:VCARD … END:VCARD block; text
    outside a card is reported once per stretch, a card cut short by the next BEGIN too."""
    card: list[str] = []
    start = 0
    stray_start = 0
    number = 0
    for number, physical in enumerate(text_stream, start=1):
        line = physical.rstrip("\r\n")
        marker = line.strip().upper()
        if marker.startswith("BEGIN:VCARD"):
            if stray_start:
                yield stray_start, number - 1, [], "stray"
                stray_start = 0
            if card:
                yield start, number - 1, card, "unfinished"
            card, start = [line], number
        elif card:
            card.append(line)
            if marker.startswith("END:VCARD"):
                yield start, number, card, ""
                card = []
        elif marker and not stray_start:
            stray_start = number
    if card:
        yield start, number, card, "unfinished"
    if stray_start:
        yield stray_start, number, [], "stray"


def vcard_rows(text_stream: IO[str]) -> Iterator[Row]:
    # Lines are read with universal newlines here (vCards have no quoted line breaks).
    for start, end, lines, problem in vcard_chunks(text_stream):
        row = Row(line=start, end_line=end, raw="\n".join(lines)[:RAW_MAX])
        if problem == "stray":
            yield row.fail(f"Text outside any vCard ({row.lines}) was ignored.")
            continue
        if problem == "unfinished":
            yield row.fail("This vCard has no END:VCARD before the next card or the end.")
            continue
        try:
            card = vobject.readOne("\n".join(lines) + "\n", allowQP=True)
        except Exception as error:  # vobject raises many kinds on bad input
            yield row.fail(_vcard_problem(error, start, lines))
            continue
        try:
            yield _from_vcard(row, card)
        except Exception as error:
            yield row.fail(_vcard_problem(error, start, lines))


def _vcard_problem(error: Exception, start: int, lines: list[str]) -> str:
    message = str(error).split(": ", 1)[-1] if "Failed to parse line" in str(error) else ""
    bad = str(error).partition("Failed to parse line: ")[2].strip()
    where = start
    if bad:
        for offset, line in enumerate(lines):
            if line.strip() == bad or line.startswith(bad[:40]):
                where = start + offset
                break
        return f"This vCard could not be read: line {where} is not a vCard property ({bad[:60]})."
    return f"This vCard could not be read: {message or type(error).__name__}."


def _params(item: Any) -> list[str]:
    found = []
    for value in item.params.get("TYPE", []):
        found += [v.strip().lower() for v in str(value).split(",")]
    found += [v.lower() for v in item.singletonparams]
    return found


def _preference(item: Any, types: list[str]) -> int:
    """vCard 4.0's PREF=1 (most preferred) to 100, or 3.0's TYPE=pref; lower comes first."""
    pref = item.params.get("PREF")
    if pref:
        return int(pref[0]) if str(pref[0]).isdigit() else 1
    return 1 if "pref" in types else 101


NOISE_TYPES = {"pref", "internet", "voice", "text", "uri", "x400"}


def _label(types: list[str], known: dict[str, str]) -> str:
    mapped = next((known[t] for t in types if t in known), "")
    return mapped or next((t for t in types if t not in NOISE_TYPES and t.isalpha()), "")


def _value(item: Any) -> str:
    value = item.value
    if isinstance(value, list):
        return ", ".join(text(v) for v in value if text(v))
    return text(value)


def _from_vcard(row: Row, card: Any) -> Row:
    contents = card.contents
    if "n" in contents:
        name = contents["n"][0].value
        row.names["first_name"] = " ".join(
            p for p in (text(name.given), text(name.additional)) if p
        )
        row.names["last_name"] = text(name.family)
        for part, label in ((name.prefix, "Name prefix"), (name.suffix, "Name suffix")):
            if text(part):
                row.notes.append(f"{label}: {text(part)}")
    if "fn" in contents:
        full = _value(contents["fn"][0])
        if row.names.get("first_name") or row.names.get("last_name"):
            row.names["display_name"] = full
        else:
            row.names["full_name"] = full
    for key, target in (("title", "title"), ("role", "title")):
        if key in contents and target not in row.values:
            row.values[target] = _value(contents[key][0])
    if "org" in contents:
        org = contents["org"][0].value
        parts = [text(p) for p in (org if isinstance(org, list) else [org]) if text(p)]
        if parts:
            row.values["company"] = parts[0]
            if parts[1:]:
                row.notes.append(f"Department: {', '.join(parts[1:])}")
    if "adr" in contents:
        address = contents["adr"][0].value
        place = [text(getattr(address, p, "")) for p in ("city", "region", "country")]
        row.values["location"] = ", ".join(p for p in place if p)
    emails = [(item, _params(item)) for item in contents.get("email", [])]
    emails.sort(key=lambda pair: _preference(*pair))
    row.emails = [(_value(i), _label(t, EMAIL_TYPES)) for i, t in emails]
    phones = [(item, _params(item)) for item in contents.get("tel", [])]
    phones.sort(key=lambda pair: _preference(*pair))
    row.phones = [(_value(i), _label(t, PHONE_TYPES)) for i, t in phones]
    for item in contents.get("url", []):
        row.urls.append((_label(_params(item), URL_TYPES), _value(item)))
    for item in contents.get("x-socialprofile", []):
        row.urls.append((_label(_params(item), URL_TYPES), _value(item)))
    if "bday" in contents:
        row.birthday_text = _value(contents["bday"][0])
    for item in contents.get("note", []):
        row.notes.append(_value(item))
    for item in contents.get("categories", []):
        values = item.value if isinstance(item.value, list) else [item.value]
        row.tags.extend(text(v) for v in values)
    if "nickname" in contents:
        row.notes.append(f"Nickname: {_value(contents['nickname'][0])}")
    ours = {
        key.upper(): items[0] for key, items in contents.items() if key.upper().startswith(X_PREFIX)
    }
    if item := ours.get(X_PREFIX + "INDUSTRY"):
        row.values["industry"] = _value(item)
    if item := ours.get(X_PREFIX + "SOURCE"):
        row.source_text = _value(item)
    if item := ours.get(X_PREFIX + "MET-ON"):
        row.met_on_text = _value(item)
    if item := ours.get(X_PREFIX + "CIRCLE"):
        row.circle_text = _value(item)
    if item := ours.get(X_PREFIX + "CONTEXT"):
        row.context_text = _value(item)
    if item := ours.get(X_PREFIX + "CADENCE"):
        row.cadence_text = _value(item)
    if "photo" in contents or "logo" in contents:
        row.notices.append("Its photo was not imported.")
    return row
