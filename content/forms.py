from __future__ import annotations

from typing import Any

from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms

from communities.models import Community
from contacts.forms import NoFormTagMixin, https_urls, split_values
from contacts.models import Contact
from content.models import Piece
from networkcrm.forms import picked_contacts

NOT_NEGATIVE = "A count cannot be below zero."


class PieceForm(NoFormTagMixin, forms.ModelForm):
    topic_names = forms.CharField(
        label="Topics",
        required=False,
        max_length=500,
        help_text="Separated by commas, e.g. payments, product management.",
    )
    engaged = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        label="People you know who engaged",
        help_text="Each gets a social interaction on the day you shared it.",
        error_messages={
            "invalid_choice": "One of the chosen contacts is not in your network.",
            "invalid_pk_value": "One of the chosen contacts is not in your network.",
        },
    )

    class Meta:
        model = Piece
        formfield_callback = https_urls
        fields = [
            "title",
            "kind",
            "platform",
            "published_on",
            "url",
            "community",
            "reactions",
            "comments",
            "shares",
            "new_followers",
            "engaged",
        ]
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "title": forms.TextInput(attrs={"maxlength": 200}),
            **{
                name: forms.NumberInput(attrs={"min": 0})
                for name in ("reactions", "comments", "shares", "new_followers")
            },
        }
        help_texts = {"title": "Up to 200 characters."}
        error_messages = {
            "title": {
                "required": "Give it a title, or its first words.",
                "max_length": "Keep the title to 200 characters.",
            },
            "published_on": {
                "required": "Say when you shared it.",
                "invalid": "Enter the date as YYYY-MM-DD.",
            },
            "url": {"invalid": "Enter a web address starting with http:// or https://."},
            "community": {"invalid_choice": "Pick one of your communities."},
            **{
                name: {"min_value": NOT_NEGATIVE, "invalid": "Enter a whole number."}
                for name in ("reactions", "comments", "shares", "new_followers")
            },
        }

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.owner = owner
        self.fields["community"].queryset = Community.objects.owned_by(owner).only("name")
        self.fields["community"].empty_label = "None"
        contacts = Contact.objects.owned_by(owner).only("first_name", "last_name", "display_name")
        self.fields["engaged"].queryset = contacts
        saved = self.instance.engaged.values_list("pk", flat=True) if self.instance.pk else ()
        self.fields["engaged"].widget = forms.CheckboxSelectMultiple(
            choices=picked_contacts(self, "engaged", contacts, saved)
        )
        if self.instance.pk:
            self.fields["topic_names"].initial = ", ".join(
                t.name for t in self.instance.topics.all()
            )
        self.helper.layout = Layout(
            "title",
            Row(
                Column("kind", css_class="col-sm-4"),
                Column("platform", css_class="col-sm-4"),
                Column("published_on", css_class="col-sm-4"),
            ),
            Row(Column("url", css_class="col-sm-7"), Column("community", css_class="col-sm-5")),
            "topic_names",
            Fieldset(
                "Engagement (type it now or update it later)",
                Row(
                    Column("reactions", css_class="col-6 col-sm-3"),
                    Column("comments", css_class="col-6 col-sm-3"),
                    Column("shares", css_class="col-6 col-sm-3"),
                    Column("new_followers", css_class="col-6 col-sm-3"),
                ),
            ),
        )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give it a title, or its first words.")
        return title

    def clean_topic_names(self) -> list[str]:
        names = split_values(self.cleaned_data["topic_names"])
        if any(len(name) > 50 for name in names):
            raise forms.ValidationError("Keep each topic to 50 characters.")
        return names
