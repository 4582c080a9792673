"""The sources a user captures from, listed the same way whatever their kind, for the
settings page's status lines.

Each source is a `Source`: its kind, a name, the row holding its `SourceStatus` fields, and the
template drawing what is particular to it (`capture/sources/_<kind>.html`, included in the
generic `capture/_source.html` line). A new kind of source (mailboxes, calendars) adds its
rows in `sources_for` and its template; the pages need nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from capture.models import CaptureSettings, SourceKind, SourceStatus


@dataclass(frozen=True)
class Source:
    kind: str
    name: str
    status: SourceStatus
    enabled: bool

    @property
    def template(self) -> str:
        return f"capture/sources/_{self.kind}.html"

    @property
    def kind_label(self) -> str:
        return SourceKind(self.kind).label


def sources_for(user: Any, prefs: CaptureSettings) -> list[Source]:
    """The user's sources: the forwarding address first. A fixed number of queries."""
    return [
        Source(
            kind=SourceKind.FORWARD,
            name=prefs.address,
            status=prefs,
            enabled=prefs.forward_enabled,
        ),
    ]
