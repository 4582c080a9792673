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
