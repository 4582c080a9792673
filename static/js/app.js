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

// Alt+L (Option+L on a Mac) opens the quick log: a keydown handler rather than an accesskey,
// which browsers map to different keys, or not at all. Not while typing in a field, where
// the keys belong to the text (Option+L types "¬" on a Mac). event.code names the key
// whatever the keyboard layout or the character Option makes of it.
const onApple = /Mac|iPhone|iPad|iPod/.test(navigator.userAgent);

document.addEventListener("DOMContentLoaded", () => {
  const key = onApple ? "⌥L" : "Alt+L";
  document.querySelectorAll("[data-shortcut-hint]").forEach((hint) => {
    hint.textContent = key;
  });
  document.querySelectorAll("[data-quick-log-shortcut]").forEach((button) => {
    button.title = `Quick log (${key})`;
  });
});

document.addEventListener("keydown", (event) => {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.code !== "KeyL") {
    return;
  }
  const typing = event.target.closest?.("input, textarea, select, [contenteditable]:not([contenteditable=false])");
  const button = document.querySelector("[data-quick-log-shortcut]");
  if (typing || !button || event.repeat) {
    return;
  }
  event.preventDefault();
  const open = document.querySelector("#quick-log.show");
  if (open) {
    open.querySelector("[autofocus], input[type=search], select, input")?.focus();
  } else {
    button.click();
  }
});
