// The goal plan's pages. Loaded from our origin, so the Content-Security-Policy allows it.
"use strict";

// An objective's measure: show the chosen metric's help, and only its own narrowing options.
function syncMetric(select) {
  const option = select.selectedOptions[0];
  const help = document.getElementById(`${select.id}_helptext`);
  if (help && option?.dataset.help) help.textContent = option.dataset.help;
  const detail = document.getElementById(select.id.replace(/metric$/, "detail"));
  if (!detail) return;
  const metric = select.value;
  const chosen = detail.value;
  let kept = false;
  detail.querySelectorAll("optgroup").forEach((group) => {
    const options = [...group.querySelectorAll("option")];
    const mine = options.some((o) => o.dataset.metric === metric);
    group.hidden = !mine;
    group.disabled = !mine;
    if (mine) {
      const same = options.find((o) => o.value === chosen);
      if (same) { same.selected = true; kept = true; }
    }
  });
  if (!kept) detail.value = "";
  detail.disabled = option?.dataset.details !== "true";
}

function wireMetrics(root) {
  root.querySelectorAll("select[data-metric-select]").forEach((select) => {
    if (select.dataset.wired) return;
    select.dataset.wired = "true";
    select.addEventListener("change", () => syncMetric(select));
    syncMetric(select);
  });
}

document.addEventListener("DOMContentLoaded", () => wireMetrics(document));

// A disabled select is not submitted: enable the details again just before a form is sent,
// so the server sees "" (any) rather than nothing.
document.addEventListener("submit", (event) => {
  event.target.querySelectorAll("select[name$=detail]:disabled").forEach((s) => { s.disabled = false; });
}, true);

// After moving a priority, keep the keyboard on the button that moved it.
document.addEventListener("htmx:afterSettle", () => {
  const section = document.querySelector("#priorities[data-moved]");
  if (!section) return;
  const row = document.getElementById(`priority-${section.dataset.moved}`);
  const button = row?.querySelector(`button[data-direction="${section.dataset.direction}"]`);
  (button && !button.disabled ? button : row?.querySelector("button:not([disabled])"))?.focus();
  delete section.dataset.moved;
});
