// The import page. Loaded from our origin, so the Content-Security-Policy allows it; a bar's
// width is set here because the policy blocks inline styles.
"use strict";

function drawProgress(root) {
  root.querySelectorAll("[data-progress]").forEach((bar) => {
    const percent = Math.max(0, Math.min(100, Number(bar.dataset.progress) || 0));
    bar.style.width = `${percent}%`;
  });
}

document.addEventListener("DOMContentLoaded", () => drawProgress(document));
document.addEventListener("htmx:afterSettle", () => drawProgress(document));
