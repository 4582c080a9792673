// "Who you met": another row for a new person, from the formset's empty form.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-person]");
  if (!button) return;
  const fieldset = button.closest("fieldset");
  const total = fieldset.querySelector('input[name$="-TOTAL_FORMS"]');
  const template = fieldset.querySelector("template[data-new-person-template]");
  const index = Number(total.value);
  const row = template.content.firstElementChild.cloneNode(true);
  row.querySelectorAll("[name], [id], [for]").forEach((el) => {
    for (const attr of ["name", "id", "for"]) {
      if (el.hasAttribute(attr)) el.setAttribute(attr, el.getAttribute(attr).replace("__prefix__", index));
    }
  });
  fieldset.querySelector('[data-testid="new-people"]').append(row);
  total.value = String(index + 1);
  row.querySelector("input")?.focus();
});
