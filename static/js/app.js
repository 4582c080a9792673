// NetworkCRM's own script. Loaded from our origin, so the Content-Security-Policy allows it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Preselect the browser's time zone on a form shown for the first time.
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll('select[data-browser-timezone="true"]').forEach((select) => {
    const untouched = !select.closest("form")?.querySelector(".is-invalid");
    if (untouched && browserZone && [...select.options].some((o) => o.value === browserZone)) {
      select.value = browserZone;
    }
  });
});

// Quick log modal: focus the first useful field once htmx has loaded the form.
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id === "quick-log-body") {
    const field = event.detail.target.querySelector("[autofocus], input[type=search], select, input");
    field?.focus();
  }
});
document.addEventListener("shown.bs.modal", (event) => {
  event.target.querySelector("[autofocus], input[type=search]")?.focus();
});
