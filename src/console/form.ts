// Form plumbing shared by the console's forms: labelled fields, reading values, and a
// submit that disables the form while the call runs and reports its outcome.

import { errorText } from "./api.js";
import { h, type Props } from "./dom.js";

let nextId = 0;

/** A labelled control; the label is tied to it by id, for screen readers and clicks. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `field-${++nextId}`;
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute("aria-describedby", hintId);
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    control,
    hint ? h("small", { id: hintId }, hint) : null,
  );
}

export function input(props: Props): HTMLInputElement {
  return h("input", props);
}

export function select(name: string, options: [value: string, label: string][], selected?: string): HTMLSelectElement {
  return h(
    "select",
    { name },
    options.map(([value, label]) => h("option", { value, selected: value === selected }, label)),
  );
}

/** A field's trimmed value, from the form or from a FormData taken of it. */
export function fieldValue(source: HTMLFormElement | FormData, name: string): string {
  const value = (source instanceof FormData ? source : new FormData(source)).get(name);
  return typeof value === "string" ? value.trim() : "";
}

/** Handles submit: runs `action` on the form's values with the form disabled, and
 * shows its error or its success message in `status`. The values are taken first: a
 * disabled control is left out of FormData. */
export function onSubmit(
  form: HTMLFormElement,
  status: HTMLElement,
  action: (values: FormData) => Promise<string | null>,
): void {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = new FormData(form);
    const fieldset = form.querySelector("fieldset");
    if (fieldset) fieldset.disabled = true;
    status.className = "status";
    status.textContent = "Working…";
    try {
      const done = await action(values);
      status.className = "status ok";
      status.textContent = done ?? "";
    } catch (error) {
      status.className = "status error";
      status.textContent = errorText(error);
    } finally {
      if (fieldset) fieldset.disabled = false;
    }
  });
}

/** A status line for a form's outcome, announced when it changes. */
export function statusLine(): HTMLElement {
  return h("p", { class: "status", role: "status", "aria-live": "polite" });
}

/** A form card named by its heading (for screen readers, and the tests find it so):
 * an optional intro, the fields in a grid, the action buttons, then what follows
 * (the status line). */
export function cardForm(
  title: string,
  parts: { intro?: string; fields: Node[]; actions: Node[]; after?: Node[] },
): HTMLFormElement {
  const id = `${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-title`;
  return h(
    "form",
    { class: "card", "aria-labelledby": id },
    h("h2", { id }, title),
    parts.intro ? h("p", null, parts.intro) : null,
    h("fieldset", { class: "grid" }, ...parts.fields, h("div", { class: "actions" }, ...parts.actions)),
    ...(parts.after ?? []),
  );
}
