from __future__ import annotations

from typing import Any

from crispy_forms.layout import Column, Layout, Row
from django import forms

from communities.models import Community
from contacts.forms import NoFormTagMixin, https_urls
from contacts.models import Contact
from networkcrm.forms import picked_contacts


class CommunityForm(NoFormTagMixin, forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        label="Members you know",
        help_text="Type a name to add someone. Logging an interaction there adds its people.",
        error_messages={
            "invalid_choice": "One of the chosen contacts is not in your network.",
            "invalid_pk_value": "One of the chosen contacts is not in your network.",
        },
    )

    class Meta:
        model = Community
        formfield_callback = https_urls
        fields = ["name", "platform", "url", "role", "minutes_per_week", "notes", "members"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "minutes_per_week": forms.NumberInput(attrs={"min": 0, "step": 5}),
            "name": forms.TextInput(attrs={"maxlength": 120}),
        }
        help_texts = {
            "name": "Up to 120 characters, e.g. “Fintech founders Slack”.",
            "url": "Its page or invite link (http or https).",
        }
        error_messages = {
            "name": {
                "required": "Give the community a name.",
                "max_length": "Keep the name to 120 characters.",
            },
            "url": {"invalid": "Enter a web address starting with http:// or https://."},
            "minutes_per_week": {"min_value": "The time cannot be negative."},
        }

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.instance.owner = owner
        contacts = Contact.objects.owned_by(owner).only("first_name", "last_name", "display_name")
        self.fields["members"].queryset = contacts
        saved = self.instance.members.values_list("pk", flat=True) if self.instance.pk else ()
        self.fields["members"].widget = forms.CheckboxSelectMultiple(
            choices=picked_contacts(self, "members", contacts, saved)
        )
        self.helper.layout = Layout(
            "name",
            Row(Column("platform", css_class="col-sm-6"), Column("role", css_class="col-sm-6")),
            Row(
                Column("url", css_class="col-sm-8"),
                Column("minutes_per_week", css_class="col-sm-4"),
            ),
            "notes",
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the community a name.")
        # The database refuses a second community of the same name (any case); say it first.
        taken = Community.objects.owned_by(self.owner).filter(name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("You already have a community with this name.")
        return name
