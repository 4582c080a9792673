// Today page and follow-up forms (their contact picker is picker.js). Loaded from our origin,
// so the Content-Security-Policy allows it.
"use strict";

// One snooze menu open at a time; a click elsewhere closes it.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.snooze[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
