from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from contacts.models import Circle, Context
from imports.importers import MAPPING_CHOICES, MULTIPLE, NAME_TARGETS
from imports.models import Format
from imports.sniff import FileProblem, Sniffed, sniff


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        error_messages={"required": "Choose the file to import.", "empty": "The file is empty."},
    )
    format = forms.ChoiceField(
        label="What it is",
        required=False,
        choices=[("", "Recognise it for me"), *Format.choices],
    )
    circle = forms.ChoiceField(
        label="Circle for new contacts",
        required=False,
        choices=Circle.choices,
        initial=Circle.ACQUAINTANCE,
        help_text="Acquaintance lets strength move them up as you log conversations; any other "
        "circle is kept.",
    )

    context = forms.ChoiceField(
        label="These people are",
        required=False,
        choices=Context.choices,
        initial=Context.PROFESSIONAL,
        help_text="Their context, unless the file says it for someone (a Context column). "
        "Personal contacts can be kept out of your networking numbers.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sniffed: Sniffed | None = None
        limit = filesizeformat(settings.IMPORT_MAX_BYTES)
        self.fields[
            "file"
        ].help_text = f"LinkedIn's Connections.csv, a vCard (.vcf) or any CSV; up to {limit}."
        self.fields["file"].widget.attrs["accept"] = ".csv,.vcf,.vcard,.txt,text/csv,text/vcard"

    def clean_circle(self) -> str:
        return self.cleaned_data["circle"] or Circle.ACQUAINTANCE

    def clean_context(self) -> str:
        return self.cleaned_data["context"] or Context.PROFESSIONAL

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is not None:
            try:
                self.sniffed = sniff(
                    upload,
                    size=upload.size,
                    max_bytes=settings.IMPORT_MAX_BYTES,
                    chosen=cleaned.get("format", ""),
                )
            except FileProblem as problem:
                self.add_error("file", str(problem))
        return cleaned


class MappingForm(forms.Form):
    """One choice per column of the file: which contact field it holds, if any. The page
    draws the choices itself (the same on every row), not through the widget."""

    def __init__(self, *args: Any, columns: list[str], initial_mapping: dict[str, str], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.columns = columns
        for index, name in enumerate(columns):
            field = forms.ChoiceField(
                label=name or f"Column {index + 1}",
                choices=MAPPING_CHOICES,
                required=False,
                initial=initial_mapping.get(str(index), ""),
            )
            self.fields[f"column_{index}"] = field

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("column_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("column_") and value
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [v for k, v in cleaned.items() if k.startswith("column_") and v]
        if not NAME_TARGETS & set(chosen):
            raise forms.ValidationError(
                "Choose the column that holds the name: first name, last name or full name."
            )
        labels = dict(MAPPING_CHOICES)
        twice = sorted({v for v in chosen if v not in MULTIPLE and chosen.count(v) > 1})
        if twice:
            names = ", ".join(str(labels[v]) for v in twice)
            raise forms.ValidationError(
                f"More than one column is set to {names}; choose one, or ignore the others."
            )
        return cleaned
