"""Loads the demo network. Running it again changes nothing that is already there."""

from __future__ import annotations

import random

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Profile, User
from accounts.services import user_sign_up
from contacts.models import Circle, Contact

DEMO_PASSWORD = "networkcrm-demo"  # noqa: S105 (printed for the demo on purpose)
DEMO_USERS = {
    "owner": ("demo@example.com", "Demo Networker"),
    "coach": ("coach@example.com", "Demo Coach"),
    "operator": ("admin@example.com", "Demo Operator"),
}

# Invented names, built from syllables so no real person is meant.
GIVEN = ["Ar", "Bel", "Cor", "Dar", "El", "Fen", "Gal", "Hal", "Is", "Jor", "Kel", "Lin"]
GIVEN_END = ["a", "en", "is", "o", "an", "ie", "el", "yn"]
FAMILY = ["Ash", "Brook", "Clay", "Dale", "Fair", "Glen", "Hart", "Lake", "Oak", "Stone"]
FAMILY_END = ["ford", "ley", "ton", "wick", "field", "more"]
COMPANIES = [
    "Brightpath Labs",
    "Harbor Analytics",
    "Kestrel Ventures",
    "Lumen Health",
    "Northgate Capital",
    "Quillstone Media",
    "Riverbend Software",
    "Tidewater Consulting",
]
TITLES = ["Founder", "Engineering Manager", "Product Lead", "Recruiter", "Partner", "Designer"]
CIRCLE_WEIGHTS = [
    (Circle.INNER, 3),
    (Circle.CLOSE, 6),
    (Circle.ACTIVE, 12),
    (Circle.EXTENDED, 9),
    (Circle.ACQUAINTANCE, 6),
]


def demo_contacts(count: int, *, seed: int = 2026) -> list[dict[str, str]]:
    """The same `count` contacts every time (a seeded generator), with distinct names."""
    rng = random.Random(seed)
    circles = [circle for circle, weight in CIRCLE_WEIGHTS for _ in range(weight)]
    seen: set[tuple[str, str]] = set()
    rows: list[dict[str, str]] = []
    while len(rows) < count:
        first = rng.choice(GIVEN) + rng.choice(GIVEN_END)
        last = rng.choice(FAMILY) + rng.choice(FAMILY_END)
        if (first, last) in seen:
            continue
        seen.add((first, last))
        company = rng.choice(COMPANIES)
        rows.append(
            {
                "first_name": first,
                "last_name": last,
                "company": company,
                "title": rng.choice(TITLES),
                "circle": circles[len(rows) % len(circles)],
            }
        )
    return rows


class Command(BaseCommand):
    help = "Creates the demo accounts and their network (idempotent)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--contacts", type=int, default=36, help="Contacts for the demo user.")

    @transaction.atomic
    def handle(self, *args, contacts: int, **options):  # type: ignore[no-untyped-def]
        owner = self._user(*DEMO_USERS["owner"])
        coach = self._user(*DEMO_USERS["coach"], staff=True)
        Group.objects.get_or_create(name="Coaches")[0].user_set.add(coach)
        self._user(*DEMO_USERS["operator"], staff=True, superuser=True)

        existing = set(Contact.objects.filter(owner=owner).values_list("first_name", "last_name"))
        missing = [
            Contact(owner=owner, **row)
            for row in demo_contacts(contacts)
            if (row["first_name"], row["last_name"]) not in existing
        ]
        Contact.objects.bulk_create(missing)

        self.stdout.write(
            self.style.SUCCESS(f"Demo network ready ({len(missing)} contacts added).")
        )
        for role, (email, _) in DEMO_USERS.items():
            self.stdout.write(f"  {role:<9} {email} / {DEMO_PASSWORD}")

    def _user(self, email: str, name: str, *, staff: bool = False, superuser: bool = False) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_sign_up(email=email, password=DEMO_PASSWORD, name=name)
            User.objects.filter(pk=user.pk).update(is_staff=staff, is_superuser=superuser)
        Profile.objects.get_or_create(user=user)
        return user
