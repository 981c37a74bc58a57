// The console's entry: a hash router over the views, the token dialog, notices and
// keyboard shortcuts. Served by the Worker as static assets (dist/console).

import { Api } from "./api.js";
import { h } from "./dom.js";
import { openDialog, type View, type ViewContext } from "./view.js";
import { groupView } from "./views/group.js";
import { groupsView } from "./views/groups.js";
import { overviewView } from "./views/overview.js";
import { topicView } from "./views/topic.js";
import { topicsView } from "./views/topics.js";

const ROUTES: [RegExp, View][] = [
  [/^#?\/?$/, overviewView],
  [/^#\/topics$/, topicsView],
  [/^#\/topics\/([^/]+)$/, topicView],
  [/^#\/groups$/, groupsView],
  [/^#\/groups\/([^/]+)$/, groupView],
];

const SHORTCUTS: Record<string, string> = { o: "#/", t: "#/topics", g: "#/groups" };

const api = new Api(location.origin);
const main = document.getElementById("main") as HTMLElement;
const notices = document.getElementById("notices") as HTMLElement;
let leave: AbortController | null = null;
/** The first page keeps the browser's focus (Tab reaches the skip link first); later
 * navigations focus the new page's heading, so a screen reader announces it. */
let navigated = false;

function notify(message: string, kind: "ok" | "error" = "ok"): void {
  const notice = h("p", { class: `notice ${kind}` }, message);
  notices.append(notice);
  setTimeout(() => notice.remove(), 6_000);
}

async function show(): Promise<void> {
  leave?.abort();
  // A dialog left open would act on the page it was opened for (Back while confirming).
  for (const dialog of document.querySelectorAll<HTMLDialogElement>("dialog[open]")) dialog.close("cancel");
  const current = new AbortController();
  leave = current;
  const hash = location.hash || "#/";
  const route = ROUTES.find(([pattern]) => pattern.test(hash));
  for (const a of document.querySelectorAll<HTMLAnchorElement>("nav a")) {
    const active = hash === a.getAttribute("href") || hash.startsWith(`${a.getAttribute("href")}/`);
    if (active) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const context: ViewContext = {
    main,
    api,
    signal: current.signal,
    every: (intervalMs, task) => repeat(current.signal, intervalMs, task),
    notify,
    askForToken,
  };
  if (!route) {
    main.replaceChildren(
      h("h1", { tabindex: -1 }, "Not found"),
      h("p", null, h("a", { href: "#/" }, "Back to the cluster")),
    );
  } else {
    const params = (route[0].exec(hash) ?? []).slice(1).map(decodeURIComponent);
    await route[1](context, ...params);
  }
  if (navigated) main.querySelector<HTMLElement>("h1")?.focus({ preventScroll: true });
  navigated = true;
}

/** Runs `task` now and then every `intervalMs` after it finishes, skipping while the
 * tab is hidden, until `signal` aborts. */
function repeat(signal: AbortSignal, intervalMs: number, task: () => Promise<void>): void {
  const tick = async () => {
    if (signal.aborted) return;
    if (document.visibilityState !== "hidden") await task();
    if (!signal.aborted) setTimeout(tick, intervalMs);
  };
  void tick();
}

function askForToken(): void {
  const dialog = document.getElementById("token-dialog") as HTMLDialogElement;
  const field = dialog.querySelector("input") as HTMLInputElement;
  field.value = api.token ?? "";
  openDialog(dialog, field);
}

function setUpTokenDialog(): void {
  const dialog = document.getElementById("token-dialog") as HTMLDialogElement;
  const field = dialog.querySelector("input") as HTMLInputElement;
  dialog.addEventListener("close", () => {
    if (dialog.returnValue === "save") api.setToken(field.value.trim() || null);
    if (dialog.returnValue === "forget") api.setToken(null);
    if (dialog.returnValue === "save" || dialog.returnValue === "forget") void show();
  });
  document.getElementById("token-button")?.addEventListener("click", askForToken);
}

function setUpShortcuts(): void {
  let pending = false;
  document.addEventListener("keydown", (event) => {
    const target = event.target as HTMLElement;
    if (event.ctrlKey || event.metaKey || event.altKey || target.closest("input, textarea, select, dialog")) return;
    if (event.key === "?") {
      openDialog(document.getElementById("help-dialog") as HTMLDialogElement);
    } else if (pending && SHORTCUTS[event.key]) {
      location.hash = SHORTCUTS[event.key]!;
    } else if (event.key === "/") {
      const first = main.querySelector<HTMLElement>("input, select, textarea");
      if (first) {
        event.preventDefault();
        first.focus();
      }
    }
    pending = event.key === "g" && !pending;
  });
}

setUpTokenDialog();
setUpShortcuts();
window.addEventListener("hashchange", () => void show());
void show();
