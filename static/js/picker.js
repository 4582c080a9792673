// The people picker (templates/contacts/_picker_field.html), on every form that picks
// contacts. Loaded from our origin, so the Content-Security-Policy allows it.
//
// The chosen people are chips, each holding a ticked checkbox named after the form's field;
// the search results (htmx, contacts:picker) are options beside them, never inputs, so a new
// search cannot drop anyone already chosen. Keyboard: type to search, arrow keys to move,
// Enter or Tab to add, Escape to close the results; Backspace in an empty search removes the
// last chip; on a chip's remove button, Enter, Space, Backspace or Delete removes it.
"use strict";

(() => {
  const parts = (picker) => ({
    input: picker.querySelector("[data-picker-input]"),
    results: picker.querySelector("[data-picker-results]"),
    chips: picker.querySelector("[data-picker-chips]"),
    status: picker.querySelector("[data-picker-status]"),
  });

  const chosenValues = (picker) =>
    new Set([...parts(picker).chips.querySelectorAll("input")].map((box) => box.value));

  const options = (picker) => [...parts(picker).results.querySelectorAll("[data-picker-option]")];

  const activeOption = (picker) =>
    parts(picker).results.querySelector("[data-picker-option][aria-selected=true]");

  function announce(picker, text) {
    const { status } = parts(picker);
    status.textContent = "";
    // A fresh node each time, so a screen reader reads the same sentence twice if need be.
    window.setTimeout(() => { status.textContent = text; }, 50);
  }

  function setActive(picker, option) {
    const { input } = parts(picker);
    options(picker).forEach((each) => {
      const on = each === option;
      each.setAttribute("aria-selected", on ? "true" : "false");
      each.classList.toggle("active", on);
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function closeResults(picker) {
    const { input, results } = parts(picker);
    results.replaceChildren();
    results.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  // Results arrived: leave out the people already chosen, light up the first one.
  function showResults(picker) {
    const { input, results } = parts(picker);
    // Late results for a search already used or left are not shown.
    if (!input.value.trim() || !picker.contains(document.activeElement)) {
      closeResults(picker);
      return;
    }
    const chosen = chosenValues(picker);
    options(picker).forEach((option) => {
      if (chosen.has(option.dataset.value)) option.remove();
      else option.id = `${results.id}-${option.dataset.value}`;
    });
    const left = options(picker);
    results.hidden = results.children.length === 0;
    input.setAttribute("aria-expanded", results.hidden ? "false" : "true");
    setActive(picker, left[0] || null);
  }

  function addChip(picker, value, name) {
    const { chips } = parts(picker);
    if (!chosenValues(picker).has(value)) {
      const chip = picker.querySelector("template[data-picker-chip-template]")
        .content.firstElementChild.cloneNode(true);
      const box = chip.querySelector("input");
      const label = chip.querySelector("label");
      chip.dataset.value = value;
      box.value = value;
      box.id = `${picker.id}-chip-${value}`;
      box.checked = true;
      label.htmlFor = box.id;
      label.textContent = name;
      chip.querySelector("[data-picker-remove]").setAttribute("aria-label", `Remove ${name}`);
      chips.append(chip);
    }
    announce(picker, `Added ${name}. ${chips.children.length} chosen.`);
  }

  function pick(picker, option) {
    const { input } = parts(picker);
    addChip(picker, option.dataset.value, option.dataset.name);
    input.value = "";
    closeResults(picker);
    input.focus();
  }

  // Remove a chip; the keyboard goes to the next chip, else the previous, else the search.
  function removeChip(picker, chip, { refocus }) {
    const { input, chips } = parts(picker);
    const name = chip.querySelector("label").textContent.trim();
    const next = chip.nextElementSibling || chip.previousElementSibling;
    chip.remove();
    announce(picker, `Removed ${name}. ${chips.children.length} chosen.`);
    if (refocus) (next?.querySelector("[data-picker-remove]") || input).focus();
  }

  function move(picker, step) {
    const list = options(picker);
    if (!list.length) return;
    const at = list.indexOf(activeOption(picker));
    setActive(picker, list[(at + step + list.length) % list.length]);
  }

  function ready(root) {
    const pickers = root.matches?.("[data-picker]") ? [root] : [];
    pickers.push(...(root.querySelectorAll?.("[data-picker]") || []));
    pickers.forEach((picker) => picker.classList.add("picker-ready"));
  }

  document.addEventListener("DOMContentLoaded", () => ready(document));
  document.addEventListener("htmx:load", (event) => ready(event.detail.elt));

  document.addEventListener("htmx:afterSwap", (event) => {
    const results = event.detail.target;
    if (results.matches?.("[data-picker-results]")) showResults(results.closest("[data-picker]"));
  });

  // Capture, so Escape closes the results before a surrounding modal sees it.
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const picker = target.closest?.("[data-picker]");
    if (!picker) return;
    if (target.matches("[data-picker-input]")) {
      const open = !parts(picker).results.hidden;
      const active = activeOption(picker);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) return;
        event.preventDefault();
        move(picker, event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Enter") {
        event.preventDefault(); // Enter in the search adds someone; it never sends the form
        if (open && active) pick(picker, active);
      } else if (event.key === "Tab" && !event.shiftKey && open && active && target.value.trim()) {
        event.preventDefault();
        pick(picker, active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        event.stopPropagation();
        closeResults(picker);
      } else if (event.key === "Backspace" && !target.value) {
        const last = parts(picker).chips.lastElementChild;
        if (last) {
          event.preventDefault();
          removeChip(picker, last, { refocus: false });
        }
      }
    } else if (target.matches("[data-picker-remove]")) {
      if (event.key === "Backspace" || event.key === "Delete") {
        event.preventDefault();
        removeChip(picker, target.closest("[data-picker-chip]"), { refocus: true });
      }
    }
  }, true);

  document.addEventListener("click", (event) => {
    const target = event.target;
    const remove = target.closest?.("[data-picker-remove]");
    if (remove) {
      removeChip(remove.closest("[data-picker]"), remove.closest("[data-picker-chip]"), { refocus: true });
      return;
    }
    const option = target.closest?.("[data-picker-option]");
    if (option) pick(option.closest("[data-picker]"), option);
  });

  // Keep the focus in the search while an option is clicked, and light up what the mouse is on.
  document.addEventListener("mousedown", (event) => {
    if (event.target.closest?.("[data-picker-option]")) event.preventDefault();
  });
  document.addEventListener("mouseover", (event) => {
    const option = event.target.closest?.("[data-picker-option]");
    if (option) setActive(option.closest("[data-picker]"), option);
  });

  // Leaving the picker closes its results.
  document.addEventListener("focusout", (event) => {
    const picker = event.target.closest?.("[data-picker]");
    if (picker && !picker.contains(event.relatedTarget)) closeResults(picker);
  });
})();
