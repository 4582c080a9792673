"""Every page on a phone (390 x 844) in Debian's Chromium, with the demo's data: none scrolls
sideways. The pages come from the app's URL names, so a new page is visited or excused here
with a reason, never forgotten. At 1280 px the caseload fits without an inner scrollbar."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import CoachAssignment, User
from capture.models import CalendarFeed, Mailbox
from capture.sources import feed_save, mailbox_save
from coaching.models import CoachNote, Suggestion, SuggestionKind
from communities.models import Community
from contacts.demo import DEMO_USERS
from contacts.models import Contact, Interaction
from content.models import Piece
from events.models import Event
from followups.models import FollowUp
from goals.models import GoalPlan, Objective, Priority, Tactic
from imports import services as imports
from imports.sniff import sniff
from tests.browser.conftest import open_page, screenshot
from webhooks.services import event_emit

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

# Named URLs that are not pages a person looks at, each with the reason.
EXCUSED = {
    "accounts:logout": "POST only",
    "accounts:test_digest": "POST only",
    "contacts:bulk": "POST only (the contact list's form)",
    "contacts:picker": "an htmx fragment inside the log and follow-up forms",
    "contacts:map_data": "JSON for map.js, drawn on the map page",
    "followups:done": "POST only",
    "followups:snooze": "POST only",
    "followups:skip": "POST only",
    "followups:checkin_done": "POST only",
    "followups:checkin_snooze": "POST only",
    "followups:calendar": "an iCalendar feed, not a page",
    "followups:calendar_renew": "POST only",
    "followups:calendar_off": "POST only",
    "goals:review": "POST only",
    "webhooks:test": "POST only",
    "webhooks:secret": "POST only",
    "goals:priority_move": "POST only",
    "goals:priority_not_now": "POST only",
    "goals:tactic_active": "POST only",
    "goals:contact_picker": "an htmx fragment inside the objective form",
    "kpis:export": "a CSV download",
    "kpis:cards": "an htmx fragment of the KPI page",
    "imports:progress": "an htmx fragment of the import job page",
    "imports:errors": "a CSV download",
    "imports:file": "a file download",
    "imports:resume": "POST only",
    "imports:rerun": "POST only",
    "imports:export_csv": "a CSV download",
    "imports:export_vcard": "a vCard download",
    "imports:export_account": "POST only",
    "imports:export_status": "an htmx fragment of the import page",
    "imports:export_download": "a file download",
    "imports:export_delete": "POST only",
    "coaching:scope": "POST only",
    "coaching:answer": "POST only",
    "coaching:end": "POST only",
    "coaching:suggestion_accept": "POST only",
    "coaching:suggestion_decline": "POST only",
    "coaching:note_dismiss": "POST only",
    "healthz": "plain text for the load balancer",
    "capture:forward_renew": "POST only",
    "capture:rule_add": "POST only (the capture settings' form)",
    "capture:rule_delete": "POST only",
    "capture:review_act": "POST only",
    "capture:item_undo": "POST only",
    "events:dismiss": "POST only",
    "admin:logout": "POST only",
    "admin:jsi18n": "JavaScript",
    "admin:autocomplete": "JSON (and no coach model uses it)",
    "admin:view_on_site": "a redirect",
    "admin:login": "a redirect to the site's login page",
    "admin:index": "a redirect to the caseload for a coach",
    "admin:coaching_client_add": "client data is never added by a coach (403)",
    "admin:coaching_client_delete": "client data is never deleted by a coach (403)",
    "admin:coaching_client_history": "operators only (404 for a coach)",
    "admin:coaching_clientcontact_add": "client data is never added by a coach (403)",
    "admin:coaching_clientcontact_delete": "client data is never deleted by a coach (403)",
    "admin:coaching_clientcontact_history": "operators only (404 for a coach)",
    "admin:coaching_clientinteraction_add": "client data is never added by a coach (403)",
    "admin:coaching_clientinteraction_delete": "client data is never deleted by a coach (403)",
    "admin:coaching_clientinteraction_history": "operators only (404 for a coach)",
    "admin:coaching_coachnote_history": "operators only (404 for a coach)",
    "admin:coaching_suggestion_history": "operators only (404 for a coach)",
    "admin:coaching_accesslog_changelist": "operators only",
    "admin:coaching_accesslog_add": "operators only",
    "admin:coaching_accesslog_change": "operators only",
    "admin:coaching_accesslog_delete": "operators only",
    "admin:coaching_accesslog_history": "operators only",
    "api:token_revoke": "POST only",
    "api:schema": "the OpenAPI schema (YAML), not a page",
    "api:docs": "Swagger UI, not the site's layout (tests/browser/test_api_docs.py renders it)",
}
# The REST API's resources (api/): JSON, tested in tests/api.
API_JSON = "the REST API: JSON, tested in tests/api"
OPERATORS_ADMIN = "Django's admin for operators: a coach holds no permission for other apps"


def excused(name: str) -> str | None:
    """Why the page `name` is not visited, or None if it must be."""
    if name in EXCUSED:
        return EXCUSED[name]
    if name.startswith("api:") and name not in VISITED:
        return API_JSON
    if name.startswith("admin:"):
        rest = name.removeprefix("admin:")
        own = {"app_list", "password_change", "password_change_done"}
        if rest not in own and not rest.startswith("coaching_"):
            return OPERATORS_ADMIN
    return None


@dataclass
class Demo:
    """The demo's people and one of each thing, to fill the pages' URL arguments."""

    owner: User
    coach: User
    newcomer: User
    operator: User
    contact: Contact
    other_contact: Contact
    interaction: Interaction
    followup: FollowUp
    plan: GoalPlan
    objective: Objective
    priority: Priority
    tactic: Tactic
    import_mapping: int
    import_done: int
    client: CoachAssignment
    client_contact: Contact
    note: CoachNote
    suggestion: Suggestion
    reset: tuple[str, str]
    community: Community
    event: Event
    piece: Piece
    mailbox: Mailbox
    feed: CalendarFeed


def no_arguments(demo: Demo) -> list[Any]:
    return []


@dataclass(frozen=True)
class Page:
    """Who looks at a named page, how its URL's arguments (and query) are filled from the demo
    data, and the status it answers."""

    who: str
    args: Callable[[Demo], list[Any]] = no_arguments
    query: Callable[[Demo], str] | None = None
    status: int = 200

    def path(self, name: str, demo: Demo) -> str:
        path = reverse(name, args=self.args(demo))
        return f"{path}?{self.query(demo)}" if self.query else path


# Named GET pages and who looks at them: the demo's owner, a newcomer without a plan, nobody
# logged in, or the demo's coach; and how to fill the URL's arguments.
VISITED: dict[str, Page] = {
    "today": Page("owner"),
    "status": Page("operator"),
    "accounts:signup": Page("anonymous"),
    "accounts:login": Page("anonymous"),
    "accounts:password_reset": Page("anonymous"),
    "accounts:password_reset_sent": Page("anonymous"),
    "accounts:password_reset_confirm": Page("anonymous", lambda d: list(d.reset)),
    "accounts:password_reset_complete": Page("anonymous"),
    "accounts:settings": Page("owner"),
    "accounts:delete": Page("owner"),
    "contacts:list": Page("owner"),
    "contacts:create": Page("owner"),
    "contacts:merge": Page(
        "owner", query=lambda d: f"contact={d.contact.pk}&with={d.other_contact.pk}"
    ),
    "contacts:detail": Page("owner", lambda d: [d.contact.pk]),
    "contacts:edit": Page("owner", lambda d: [d.contact.pk]),
    "contacts:delete": Page("owner", lambda d: [d.contact.pk]),
    "contacts:log": Page("owner"),
    "contacts:interactions": Page("owner"),
    "contacts:interaction_edit": Page("owner", lambda d: [d.interaction.pk]),
    "contacts:interaction_delete": Page("owner", lambda d: [d.interaction.pk]),
    "contacts:strength_help": Page("owner"),
    "contacts:map": Page("owner"),
    "followups:list": Page("owner"),
    "followups:create": Page("owner"),
    "followups:edit": Page("owner", lambda d: [d.followup.pk]),
    "followups:log": Page("owner", lambda d: [d.followup.pk]),
    # A signed link with a bad signature: the page that says so.
    "followups:digest_action": Page("anonymous", lambda d: ["not-a-signed-link"], status=400),
    "followups:digest_unsubscribe": Page("anonymous", lambda d: ["not-a-signed-link"], status=400),
    "goals:plan": Page("owner"),
    "goals:history": Page("owner"),
    "goals:plan_detail": Page("owner", lambda d: [d.plan.pk]),
    "goals:purpose_edit": Page("owner"),
    "goals:objective_create": Page("owner"),
    "goals:objective_edit": Page("owner", lambda d: [d.objective.pk]),
    "goals:objective_delete": Page("owner", lambda d: [d.objective.pk]),
    "goals:priority_create": Page("owner"),
    "goals:priority_edit": Page("owner", lambda d: [d.priority.pk]),
    "goals:priority_delete": Page("owner", lambda d: [d.priority.pk]),
    "goals:tactic_create": Page("owner"),
    "goals:tactic_edit": Page("owner", lambda d: [d.tactic.pk]),
    "goals:tactic_delete": Page("owner", lambda d: [d.tactic.pk]),
    # The set-up wizard, for someone without a plan (its steps after a starting point).
    "goals:setup": Page("newcomer"),
    "goals:setup_purpose": Page("newcomer"),
    "goals:setup_objectives": Page("newcomer"),
    "goals:setup_priorities": Page("newcomer"),
    "goals:setup_tactics": Page("newcomer"),
    "communities:list": Page("owner"),
    "communities:create": Page("owner"),
    "communities:detail": Page("owner", lambda d: [d.community.pk]),
    "communities:edit": Page("owner", lambda d: [d.community.pk]),
    "communities:delete": Page("owner", lambda d: [d.community.pk]),
    "events:list": Page("owner"),
    "events:create": Page("owner"),
    "events:detail": Page("owner", lambda d: [d.event.pk]),
    "events:edit": Page("owner", lambda d: [d.event.pk]),
    "events:delete": Page("owner", lambda d: [d.event.pk]),
    "events:met": Page("owner", lambda d: [d.event.pk]),
    "capture:sources": Page("owner"),
    "capture:mailbox_create": Page("owner"),
    "capture:mailbox_edit": Page("owner", lambda d: [d.mailbox.pk]),
    "capture:mailbox_delete": Page("owner", lambda d: [d.mailbox.pk]),
    "capture:feed_create": Page("owner"),
    "capture:feed_edit": Page("owner", lambda d: [d.feed.pk]),
    "capture:feed_delete": Page("owner", lambda d: [d.feed.pk]),
    "content:list": Page("owner"),
    "content:create": Page("owner"),
    "content:edit": Page("owner", lambda d: [d.piece.pk]),
    "content:delete": Page("owner", lambda d: [d.piece.pk]),
    "kpis:page": Page("owner"),
    "kpis:summary_unsubscribe": Page("anonymous", lambda d: ["not-a-signed-link"], status=400),
    "imports:home": Page("owner"),
    "imports:mapping": Page("owner", lambda d: [d.import_mapping]),
    "imports:job": Page("owner", lambda d: [d.import_done]),
    "imports:delete": Page("owner", lambda d: [d.import_done]),
    "coaching:settings": Page("owner"),
    "webhooks:list": Page("owner"),
    "webhooks:create": Page("owner"),
    "webhooks:detail": Page("owner", lambda d: [webhook(d)[0]]),
    "webhooks:edit": Page("owner", lambda d: [webhook(d)[0]]),
    "webhooks:delete": Page("owner", lambda d: [webhook(d)[0]]),
    "webhooks:delivery": Page("owner", lambda d: webhook(d)[1:]),
    "api:tokens": Page("owner"),
    "capture:settings": Page("owner"),
    "capture:review": Page("owner"),
    "capture:items": Page("owner"),
    "coaching:invitation": Page("owner", lambda d: ["not-a-signed-link"], status=400),
    "admin:app_list": Page("coach", lambda d: ["coaching"]),
    "admin:password_change": Page("coach"),
    "admin:password_change_done": Page("coach"),
    "admin:coaching_client_changelist": Page("coach"),
    "admin:coaching_client_change": Page("coach", lambda d: [d.client.pk]),
    "admin:coaching_client_request_access": Page("coach"),
    "admin:coaching_clientcontact_changelist": Page("coach"),
    "admin:coaching_clientcontact_change": Page("coach", lambda d: [d.client_contact.pk]),
    "admin:coaching_clientinteraction_changelist": Page("coach"),
    "admin:coaching_clientinteraction_change": Page("coach", lambda d: [d.interaction.pk]),
    "admin:coaching_coachnote_changelist": Page("coach"),
    "admin:coaching_coachnote_add": Page("coach"),
    "admin:coaching_coachnote_change": Page("coach", lambda d: [d.note.pk]),
    "admin:coaching_coachnote_delete": Page("coach", lambda d: [d.note.pk]),
    "admin:coaching_suggestion_changelist": Page("coach"),
    "admin:coaching_suggestion_add": Page("coach"),
    "admin:coaching_suggestion_change": Page("coach", lambda d: [d.suggestion.pk]),
    "admin:coaching_suggestion_delete": Page("coach", lambda d: [d.suggestion.pk]),
}


def webhook(demo: Demo) -> list[int]:
    """The demo owner's webhook endpoint and a delivery of it (the demo seeds none): made on
    first use."""
    endpoint, made = demo.owner.webhook_endpoints.get_or_create(
        url="https://93.184.215.14/networkcrm", defaults={"events": ["interaction.logged"]}
    )
    if made:
        event_emit(owner_id=demo.owner.pk, event="interaction.logged", data={"id": 1})
    return [endpoint.pk, endpoint.deliveries.get().pk]


# Pages with no URL name of their own.
NOT_FOUND = "/contacts/999999999/"


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str]:
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_it_visits_or_excuses_every_named_page():
    names = set(url_names())
    forgotten = sorted(name for name in names if name not in VISITED and not excused(name))
    assert forgotten == [], "visit these pages in VISITED, or say in EXCUSED why not"
    assert sorted(set(VISITED) & set(EXCUSED)) == []
    assert sorted(set(VISITED) - names) == [], "these names are gone: drop them"
    assert sorted(set(EXCUSED) - names) == [], "these names are gone: drop them"


# --- The browser ------------------------------------------------------------------------------


def demo_data(newcomer: User, media: Any) -> Demo:
    call_command("seed_demo", stdout=io.StringIO())
    owner = User.objects.get(email=DEMO_USERS["owner"][0])
    coach = User.objects.get(email=DEMO_USERS["coach"][0])
    contact, other_contact = Contact.objects.filter(owner=owner).order_by("-strength")[:2]
    interaction = (
        Interaction.objects.filter(owner=owner, private=False).order_by("-occurred_on").first()
    )
    plan = GoalPlan.objects.filter(owner=owner).latest("pk")
    assignment = CoachAssignment.objects.get(client=owner, coach=coach)
    consultant = CoachAssignment.objects.filter(coach=coach, scope="contacts").get().client
    header = b"Full name,Employer,Role\n"
    rows = b"Ada Byron,Analytical Engines,Mathematician\nGrace Hopper,Navy,Rear admiral\n"
    jobs = []
    for name in ("people.csv", "more-people.csv"):
        upload = SimpleUploadedFile(name, header + rows)
        sniffed = sniff(upload, size=upload.size, max_bytes=settings.IMPORT_MAX_BYTES)
        jobs.append(imports.import_create(owner=owner, upload=upload, sniffed=sniffed))
    done = jobs[1]
    done.__class__.objects.filter(pk=done.pk).update(
        mapping={"Full name": "name", "Employer": "company", "Role": "title"}, status="queued"
    )
    imports.import_run(job_id=done.pk, today=owner.profile.today())
    captured_demo(owner, contact)
    return Demo(
        owner=owner,
        coach=coach,
        newcomer=newcomer,
        operator=User.objects.get(email=DEMO_USERS["operator"][0]),
        contact=contact,
        other_contact=other_contact,
        interaction=interaction,
        followup=FollowUp.objects.filter(owner=owner).first(),
        plan=plan,
        objective=Objective.objects.filter(plan=plan).first(),
        priority=Priority.objects.filter(plan=plan).first(),
        tactic=Tactic.objects.filter(plan=plan).first(),
        import_mapping=jobs[0].pk,
        import_done=done.pk,
        client=assignment,
        client_contact=Contact.objects.filter(owner=consultant).first(),
        note=CoachNote.objects.create(
            coach=coach, client=owner, text="Two coffees with former colleagues next week?"
        ),
        suggestion=Suggestion.objects.create(
            coach=coach,
            client=owner,
            kind=SuggestionKind.TACTIC,
            title="One coffee a week with a former colleague",
            platform="in_person",
            minutes_per_week=60,
        ),
        reset=(
            urlsafe_base64_encode(force_bytes(newcomer.pk)),
            default_token_generator.make_token(newcomer),
        ),
        community=Community.objects.filter(owner=owner).first(),
        event=Event.objects.filter(owner=owner).order_by("starts_at").first(),
        piece=Piece.objects.filter(owner=owner).first(),
        mailbox=mailbox_save(
            user=owner,
            mailbox=None,
            fields={"host": "imap.example.com", "username": owner.email},
            password="app-password",
        ),
        feed=feed_save(
            user=owner,
            feed=None,
            fields={"name": "Work"},
            url="https://calendar.example.com/private-token/basic.ics",
        ),
    )


def captured_demo(owner: User, contact: Contact) -> None:
    """The capture pages with rows in them: the forwarding address on, with a last error, two
    captured messages (one logged with a contact, one with a long address waiting for review),
    one undone, and an ignore rule."""
    from capture.services import capture_log, capture_undo, ignore_rule_add, settings_for

    prefs = settings_for(owner)
    prefs.forward_enabled = True
    prefs.save()
    prefs.failed("The message has no sender address that could be read.", timezone.now())
    address = contact.emails.values_list("address", flat=True).first() or ""
    if not address:
        address = f"{contact.first_name.lower()}@demo.example"
        contact.emails.create(address=address, is_primary=True)
    today = owner.profile.today()
    long_address = "a.very.long.address.of.a.stranger.on.a.thread@subsidiary.example-holdings.com"
    for n, people in enumerate([[(address, "")], [(long_address, "A Stranger With A Long Name")]]):
        capture_log(
            user=owner,
            source="forward",
            source_id=None,
            external_id=f"demo-{n}@example.com",
            occurred_at=timezone.now(),
            people=people,
            kind="email",
            channel="email",
            direction="out",
            summary="Catching up after the conference, and a question",
            today=today,
        )
    undone = capture_log(
        user=owner,
        source="forward",
        source_id=None,
        external_id="demo-undone@example.com",
        occurred_at=timezone.now(),
        people=[(address, "")],
        kind="email",
        channel="email",
        direction="in",
        summary="Newsletter",
        today=today,
    )
    capture_undo(user=owner, item=undone, today=today)
    ignore_rule_add(user=owner, kind="domain", value="newsletters.example.com")


def logged_in(browser, live_server, user: User | None, **options: Any):
    page = open_page(browser, **options)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
    return page


def overflow(page) -> dict[str, Any] | None:
    """How far the page scrolls sideways, and the widest element past the right edge. (A
    mobile browser zooms out to show a page wider than the screen, which widens innerWidth
    with it: the screen's own width is the measure.)"""
    return page.evaluate(
        """(screen) => {
          const width = Math.min(window.innerWidth, screen);
          const scroll = document.documentElement.scrollWidth;
          if (scroll <= width) return null;
          let widest = null;
          for (const el of document.body.querySelectorAll("*")) {
            const right = el.getBoundingClientRect().right;
            if (right > width + 0.5 && (!widest || right > widest.right)) {
              widest = { right, what: el.tagName + (el.id ? "#" + el.id : "")
                + (el.className && el.className.baseVal === undefined ? "." + el.className : "") };
            }
          }
          return { scrollWidth: scroll, innerWidth: window.innerWidth, widest };
        }""",
        page.viewport_size["width"],
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_fits_every_page_on_a_phone(browser_context, live_server, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo = demo_data(alice, settings.MEDIA_ROOT)
    people = {
        "owner": demo.owner,
        "newcomer": demo.newcomer,
        "coach": demo.coach,
        "operator": demo.operator,
        "anonymous": None,
    }
    pages = {
        who: logged_in(browser_context, live_server, user, **PHONE) for who, user in people.items()
    }
    # The set-up wizard's steps need a starting point first.
    newcomer = pages["newcomer"]
    newcomer.goto(f"{live_server.url}{reverse('goals:setup')}")
    newcomer.locator("form[data-testid^=starter-] button[type=submit]").first.click()
    newcomer.wait_for_url(f"**{reverse('goals:setup_purpose')}")

    problems: list[str] = []
    visits = [
        (name, page.who, page.path(name, demo), page.status) for name, page in VISITED.items()
    ]
    visits.append(("404", "owner", NOT_FOUND, 404))
    for name, who, path, expected in visits:
        page = pages[who]
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        if response is None or response.status != expected:
            problems.append(f"{name} ({path}) answered {response and response.status}")
            continue
        if page.url != f"{live_server.url}{path}":
            problems.append(f"{name} ({path}) went on to {page.url}")
        screenshot(page, f"phone-{name.replace(':', '-')}")
        if wide := overflow(page):
            problems.append(f"{name} ({path}) scrolls sideways: {wide}")
    assert problems == [], "\n".join(problems)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_contact_list_usable_on_a_phone(browser_context, live_server, alice):
    call_command("seed_demo", stdout=io.StringIO())
    owner = User.objects.get(email=DEMO_USERS["owner"][0])
    page = logged_in(browser_context, live_server, owner, **PHONE)
    page.goto(f"{live_server.url}{reverse('contacts:list')}")
    assert overflow(page) is None
    boxes = page.locator("#bulk-form input[name=ids]")
    assert boxes.count() > 1
    first, second = boxes.nth(0), boxes.nth(1)
    first.tap()
    second.tap()
    assert first.is_checked()
    assert second.is_checked()
    page.select_option("#bulk-action", "circle")
    page.select_option("#bulk-circle", "inner")
    apply = page.get_by_role("button", name="Apply")
    assert apply.is_visible()
    # Each card shows the name, the circle and the check-in status in the phone's width.
    card = page.locator("[data-testid=contact-row]").first
    box = card.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    assert card.get_by_role("link", name="Log").is_visible()
    screenshot(page, "phone-contact-list-selected")
    # Choosing the bulk action leaves the list (and the ticks) alone: it is not a filter.
    assert first.is_checked()
    chosen = [int(first.get_attribute("value")), int(second.get_attribute("value"))]
    apply.tap()
    page.get_by_text("2 contacts updated").wait_for()
    assert set(Contact.objects.filter(pk__in=chosen).values_list("circle", flat=True)) == {"inner"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_fits_the_caseload_at_1280_pixels(browser_context, live_server, alice):
    call_command("seed_demo", stdout=io.StringIO())
    coach = User.objects.get(email=DEMO_USERS["coach"][0])
    page = logged_in(browser_context, live_server, coach, viewport={"width": 1280, "height": 800})
    page.goto(f"{live_server.url}{reverse('admin:coaching_client_changelist')}")
    sizes = page.evaluate(
        """() => {
          const table = document.querySelector("#result_list");
          const box = table.parentElement;
          return { table: table.getBoundingClientRect().width, box: box.clientWidth,
                   scroll: box.scrollWidth };
        }"""
    )
    assert sizes["table"] <= sizes["box"], sizes
    assert sizes["scroll"] <= sizes["box"], sizes
    for column in ("objectives", "last_interaction", "last_login"):
        header = page.locator(f"#result_list th.column-{column}")
        box = header.bounding_box()
        assert box is not None, column
        assert box["x"] + box["width"] <= 1280, column
    assert overflow(page) is None
    screenshot(page, "caseload-1280")

    page.get_by_role("link", name=DEMO_USERS["owner"][1]).first.click()
    page.get_by_role("heading", name="Goal plan").wait_for()
    tools = page.get_by_test_id("client-tools").bounding_box()
    heading = page.locator("#content h1").bounding_box()
    assert tools is not None
    assert heading is not None
    assert tools["y"] >= heading["y"] + heading["height"], "the buttons overlap the header"
    assert overflow(page) is None
    screenshot(page, "coach-client-1280")
