"""django-axes, fitted: lockouts by e-mail and address together, with a higher limit for an
address alone."""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The e-mail a login attempt is for, lower-cased so case variants share one counter."""
    value = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(value).strip().lower()


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit for each of AXES_LOCKOUT_PARAMETERS, which axes
    itself does not have (one AXES_FAILURE_LIMIT, compared with the largest count):

    - an e-mail from one address: AXES_FAILURE_LIMIT failures. A guesser elsewhere cannot
      lock the owner out: only that e-mail from that address is refused;
    - an address, whatever the e-mails: AXES_ADDRESS_FAILURE_LIMIT failures, against trying a
      few passwords on many accounts.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # In the order of AXES_LOCKOUT_PARAMETERS: [["username", "ip_address"], "ip_address"].
        by_email_and_address, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(by_email_and_address, settings.AXES_FAILURE_LIMIT)
        return by_email_and_address

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """After a successful login, forgets the failures of that e-mail from that address
        only: logging in to one's own account between guesses must not clear the address's
        count."""
        by_email_and_address, _by_address = self.filter_user_attempts(request, credentials)
        count, _ = by_email_and_address.delete()
        return count
