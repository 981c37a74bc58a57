// What every page of the console gets: where to draw, the API, a signal that aborts
// when the user navigates away, timers that stop with it, and the shared widgets
// (notices, error boxes, confirmation dialogs).

import { type Api, describeError, needsToken } from "./api.js";
import { h, mount } from "./dom.js";

export interface ViewContext {
  main: HTMLElement;
  api: Api;
  /** Aborted when the page is left: streams and polls stop. */
  signal: AbortSignal;
  /** Runs `task` now and every `intervalMs` while the page is shown and the tab visible. */
  every(intervalMs: number, task: () => Promise<void>): void;
  notify(message: string, kind?: "ok" | "error"): void;
  askForToken(): void;
}

export type View = (context: ViewContext, ...params: string[]) => Promise<void>;

/** The page's title, focused after navigation so a screen reader announces it. */
export function heading(text: string, ...extra: (Node | string)[]): HTMLElement {
  return h("header", { class: "page-head" }, h("h1", { tabindex: -1 }, text), ...extra);
}

export function errorBox(context: ViewContext, error: unknown): HTMLElement {
  const { code, message } = describeError(error);
  const box = h("div", { class: "error", role: "alert" }, h("strong", null, code), " ", message);
  if (needsToken(error)) {
    box.append(" ", h("button", { type: "button", on: { click: () => context.askForToken() } }, "Enter a token"));
  }
  return box;
}

/** Draws `render()` into `target`, or the error it threw. */
export async function load(context: ViewContext, target: Element, render: () => Promise<Node | Node[]>) {
  try {
    const content = await render();
    if (!context.signal.aborted) mount(target, content);
  } catch (error) {
    if (!context.signal.aborted) mount(target, errorBox(context, error));
  }
}

/** Opens a modal dialog; when it closes, focus goes back where it was (or to the
 * page), never left on a control of the closed dialog. */
export function openDialog(dialog: HTMLDialogElement, focus?: HTMLElement): void {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  dialog.addEventListener(
    "close",
    () => {
      const back = opener && opener !== document.body && opener.isConnected ? opener : document.getElementById("main");
      back?.focus({ preventScroll: true });
    },
    { once: true },
  );
  dialog.showModal();
  focus?.focus();
}

/** A modal confirmation. With `typeToConfirm`, the button stays disabled until that
 * text is typed, for what cannot be undone. */
export function confirmAction(question: string, action: string, typeToConfirm?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const confirmButton = h("button", { type: "submit", class: "danger", disabled: Boolean(typeToConfirm) }, action);
    const input = typeToConfirm
      ? h("input", {
          "aria-label": `Type ${typeToConfirm} to confirm`,
          autocomplete: "off",
          on: {
            input: (event) => {
              confirmButton.disabled = (event.target as HTMLInputElement).value !== typeToConfirm;
            },
          },
        })
      : null;
    const dialog = h(
      "dialog",
      { "aria-labelledby": "confirm-title" },
      h(
        "form",
        { method: "dialog" },
        h("h2", { id: "confirm-title" }, question),
        typeToConfirm ? h("label", null, "Type ", h("code", null, typeToConfirm), " to confirm", input) : null,
        h(
          "div",
          { class: "actions" },
          h("button", { type: "button", on: { click: () => dialog.close("cancel") } }, "Cancel"),
          confirmButton,
        ),
      ),
    );
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "confirm");
      dialog.remove();
    });
    confirmButton.value = "confirm";
    document.body.append(dialog);
    openDialog(dialog, input ?? confirmButton);
  });
}

/** "Open by name": how a scoped token, which may not list topics or groups, still
 * reaches the ones it may see. */
export function jumpForm(label: string, hashPrefix: string, placeholder: string): HTMLElement {
  const name = h("input", { name: "name", required: true, autocomplete: "off", "aria-label": label, placeholder });
  const form = h(
    "form",
    { class: "jump", role: "search", "aria-label": label },
    name,
    h("button", { type: "submit", class: "quiet" }, "Open"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = `${hashPrefix}${encodeURIComponent(name.value.trim())}`;
  });
  return form;
}
