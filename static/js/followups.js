// Today page and follow-up forms. Loaded from our origin, so the Content-Security-Policy allows it.
"use strict";

// The contact picker: a contact ticked among the search results joins the chosen ones, so a
// new search does not drop it.
document.addEventListener("change", (event) => {
  const box = event.target;
  const results = box.closest?.("[data-picker-into]");
  if (!results || box.type !== "checkbox" || !box.checked) return;
  const chosen = document.getElementById(results.dataset.pickerInto);
  const row = box.closest(".form-check");
  if (!chosen || !row) return;
  if (chosen.querySelector(`input[value="${CSS.escape(box.value)}"]`)) {
    row.remove();
    return;
  }
  row.classList.add("form-check-inline");
  chosen.append(row);
});

// One snooze menu open at a time; a click elsewhere closes it.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.snooze[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
