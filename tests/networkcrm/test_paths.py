"""networkcrm.paths: reversed once per process and script prefix, the same paths as reverse."""

from django.urls import reverse, set_script_prefix

from networkcrm.paths import path, path_for


def test_it_gives_what_reverse_gives_for_any_primary_key():
    assert path("goals:plan") == reverse("goals:plan")
    detail = path_for("contacts:detail")
    assert detail(7) == reverse("contacts:detail", args=[7])
    assert detail(1200) == reverse("contacts:detail", args=[1200])


def test_it_follows_the_script_prefix():
    try:
        set_script_prefix("/crm/")
        assert path("goals:plan") == "/crm/goals/"
        assert path_for("contacts:detail")(3) == "/crm/contacts/3/"
    finally:
        set_script_prefix("/")
    assert path("goals:plan") == "/goals/"
