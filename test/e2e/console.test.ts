// The web console in a real browser (Debian's Chromium through playwright-core),
// against the run's wrangler dev: create a topic, produce with the form, watch the
// record arrive in the live browser, watch a group's lag drop after a commit, delete
// with confirmation, reset offsets, keyboard shortcuts, a 360 px screen, and token
// entry on a cluster with auth on. EDGELOG_SCREENSHOTS=dir saves the README's images.

import { mkdir } from "node:fs/promises";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "./browser.js";
import { GroupMember } from "./group-client.js";
import { baseUrl, call, createTopic, produce, uniqueTopic } from "./http.js";
import { startOwnCluster } from "./own-cluster.js";

const SCREENSHOTS = process.env.EDGELOG_SCREENSHOTS;
const WAIT_MS = 15_000;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function openPage(path = "/", viewport?: { width: number; height: number }): Promise<Page> {
  const page = await browser.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  // A resource or inline style the Content-Security-Policy refuses is a bug.
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) errors.push(message.text());
  });
  page.on("close", () => expect(errors).toEqual([]));
  await page.goto(`${baseUrl()}${path}`);
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

it("serves the console at / with the cluster overview, under a strict CSP", async () => {
  const headers = (await fetch(`${baseUrl()}/`)).headers;
  expect(headers.get("content-security-policy")).toContain("default-src 'none'");
  expect(headers.get("x-content-type-options")).toBe("nosniff");
  const script = await fetch(`${baseUrl()}/console.js`);
  expect(script.headers.get("content-type")).toContain("text/javascript");
  const etag = script.headers.get("etag")!;
  expect((await fetch(`${baseUrl()}/console.js`, { headers: { "if-none-match": etag } })).status).toBe(304);
  const page = await openPage("/");
  await page.getByRole("heading", { level: 1, name: "Cluster" }).waitFor();
  await page.getByText(/ok · v\d/).waitFor({ timeout: WAIT_MS });
  await expect(page.getByRole("navigation", { name: "Sections" }).getByRole("link").allTextContents()).resolves.toEqual(
    ["Cluster", "Topics", "Groups"],
  );
  await page.close();
});

it("creates a topic, produces with the form and shows the record live", async () => {
  const topic = uniqueTopic("console");
  const page = await openPage("/#/topics");
  const create = page.getByRole("form", { name: "Create a topic" });
  await create.getByLabel("Name").fill(topic);
  await create.getByLabel("Partitions").fill("2");
  await create.getByLabel("Cleanup policy").selectOption("compact,delete");
  await create.getByRole("button", { name: "Create topic" }).click();
  await create.getByText(`Topic ${topic} created.`).waitFor({ timeout: WAIT_MS });
  const described = await call("GET", `/v1/topics/${topic}`);
  expect(described.body.partitions).toHaveLength(2);
  expect(described.body.config.cleanupPolicy).toBe("compact,delete");

  await page.getByRole("link", { name: topic }).click();
  await page.getByRole("heading", { level: 1, name: `Topic ${topic}` }).waitFor();
  const partitions = page.getByRole("region", { name: `Partitions of ${topic}` });
  await expect.poll(() => partitions.locator("tbody tr").count(), { timeout: WAIT_MS }).toBe(2);
  const browserForm = page.getByRole("form", { name: "Messages" });
  await browserForm.getByText("Live: all partitions.").waitFor({ timeout: WAIT_MS });

  const form = page.getByRole("form", { name: "Produce a record" });
  await form.getByLabel("Key").fill("alice");
  await form.getByLabel("Value", { exact: true }).fill('{"order": 42, "items": ["tea", "cake"]}');
  await form.getByLabel("Headers").fill("source: console\ntrace: t-1");
  await form.getByRole("button", { name: "Produce" }).click();
  const landed = form.getByText(/Produced to partition (\d) at offset 0\./);
  await landed.waitFor({ timeout: WAIT_MS });
  const partition = Number(/partition (\d)/.exec((await landed.textContent()) ?? "")?.[1]);

  const item = browserForm.locator(`li.message[data-offset="0"][data-partition="${partition}"]`);
  await item.waitFor({ timeout: WAIT_MS });
  await expect(item.locator(".key").textContent()).resolves.toBe("alice");
  await item.locator("summary").click();
  await expect(item.locator("pre").textContent()).resolves.toBe(
    JSON.stringify({ order: 42, items: ["tea", "cake"] }, null, 2),
  );
  await expect(item.getByText("source: console").count()).resolves.toBe(1);

  // Records produced elsewhere arrive too, on the partition they were sent to.
  await produce(topic, [{ key: "bob", value: "from curl", partition: 1 - partition }]);
  await browserForm.locator(`li.message[data-partition="${1 - partition}"]`).waitFor({ timeout: WAIT_MS });
  await screenshot(page, "console-topic");
  await page.close();
});

it("browses from an offset and from a time", async () => {
  const topic = uniqueTopic("console-browse");
  await createTopic(topic, 1);
  // Minutes apart, and recent: older records would fall to the 7-day retention.
  const firstMs = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
  await produce(
    topic,
    Array.from({ length: 5 }, (_, i) => ({ value: { i }, timestamp: firstMs + i * 60_000 })),
  );
  const page = await openPage(`/#/topics/${topic}`);
  const form = page.getByRole("form", { name: "Messages" });
  const offsets = () =>
    form.locator("li.message").evaluateAll((items) => items.map((li) => li.getAttribute("data-offset")));
  await expect.poll(offsets, { timeout: WAIT_MS }).toEqual(["4", "3", "2", "1", "0"]);
  // The filter hides what does not match, and shows it again when cleared.
  const visible = () =>
    form.locator("li.message:visible").evaluateAll((items) => items.map((li) => li.getAttribute("data-offset")));
  await form.getByLabel("Filter").fill('"i": 3');
  await expect.poll(visible).toEqual(["3"]);
  await form.getByLabel("Filter").fill("");
  await expect.poll(visible).toEqual(["4", "3", "2", "1", "0"]);

  await form.getByLabel("From").selectOption("offset");
  await form.getByLabel("Offset").fill("3");
  await form.getByRole("button", { name: "Start live view" }).click();
  await expect.poll(offsets, { timeout: WAIT_MS }).toEqual(["4", "3"]);

  await form.getByLabel("From").selectOption("time");
  // datetime-local is the browser's local time: build it from the record's timestamp.
  const local = await page.evaluate(
    (ms) => {
      const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
      // The browser drops ":00" seconds from the value it holds, and fill checks it.
      return d.toISOString().slice(0, 19).replace(/:00$/, "");
    },
    firstMs + 2 * 60_000,
  );
  await form.getByLabel("Time").fill(local);
  await form.getByRole("button", { name: "Start live view" }).click();
  await expect.poll(offsets, { timeout: WAIT_MS }).toEqual(["4", "3", "2"]);
  await page.close();
});

it("shows a group's lag falling after its consumer commits, and resets offsets once it is empty", async () => {
  const topic = uniqueTopic("console-lag");
  const group = uniqueTopic("console-group");
  await createTopic(topic, 1);
  await produce(
    topic,
    Array.from({ length: 6 }, (_, i) => ({ value: i })),
  );
  const member = await GroupMember.join(group, [topic], { clientId: "billing-worker" });
  await member.heartbeat();
  expect((await member.commit([{ topic, partition: 0, offset: 1 }])).status).toBe(200);

  const page = await openPage(`/#/groups/${group}`);
  const lag = page.locator(`[data-lag="${topic}/0"]`);
  await expect.poll(() => lag.textContent(), { timeout: WAIT_MS }).toBe("5");
  const members = page.getByRole("region", { name: "Members" });
  await expect(members.getByText(member.memberId).count()).resolves.toBe(1);
  // The member's client id and host, not only its UUID.
  await expect(members.locator("tbody tr td").allTextContents()).resolves.toEqual(
    expect.arrayContaining(["billing-worker", "127.0.0.1"]),
  );

  expect((await member.commit([{ topic, partition: 0, offset: 6 }])).status).toBe(200);
  await expect.poll(() => lag.textContent(), { timeout: WAIT_MS }).toBe("0");
  await expect.poll(() => page.locator(".lag-chart polyline").count(), { timeout: WAIT_MS }).toBe(1);
  const points = await page.locator(".lag-chart polyline").getAttribute("points");
  expect(points?.split(" ").length).toBeGreaterThanOrEqual(2);
  await expect(page.locator(".legend").textContent()).resolves.toContain(`${topic}/0: 0`);
  await screenshot(page, "console-group");

  // Reset and delete need an empty group: disabled, with the reason, while the member is in it.
  const reset = page.getByRole("form", { name: "Reset offsets" });
  const resetButton = reset.getByRole("button", { name: "Reset offsets" });
  const deleteButton = page.getByRole("button", { name: "Delete group" });
  await expect(resetButton.isDisabled()).resolves.toBe(true);
  await expect(deleteButton.isDisabled()).resolves.toBe(true);
  await reset.getByText("The group has 1 member: stop its consumers first.").waitFor();
  await expect(resetButton.getAttribute("aria-describedby")).resolves.toBe("reset-disabled");

  await member.leave();
  await expect.poll(() => resetButton.isDisabled(), { timeout: WAIT_MS }).toBe(false);
  await expect(deleteButton.isDisabled()).resolves.toBe(false);
  await expect(reset.getByText("stop its consumers first").isHidden()).resolves.toBe(true);
  await reset.getByLabel("To", { exact: true }).selectOption("earliest");
  await reset.getByRole("button", { name: "Reset offsets" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await reset.getByText("Not reset.").waitFor();
  await reset.getByRole("button", { name: "Reset offsets" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Reset offsets" }).click();
  await reset.getByText("Reset: p0 → 0.").waitFor({ timeout: WAIT_MS });
  await expect.poll(() => lag.textContent(), { timeout: WAIT_MS }).toBe("6");
  await page.close();
});

it("changes a topic's configuration and adds partitions", async () => {
  const topic = uniqueTopic("console-settings");
  await createTopic(topic, 1);
  const page = await openPage(`/#/topics/${topic}`);
  const config = page.getByRole("form", { name: "Change configuration" });
  await config.getByLabel("Retention (hours)").fill("2");
  await config.getByRole("button", { name: "Save configuration" }).click();
  await config.getByText("Configuration saved.").waitFor({ timeout: WAIT_MS });
  expect((await call("GET", `/v1/topics/${topic}`)).body.config.retentionMs).toBe(7_200_000);
  await page.getByText("2.0 h").waitFor({ timeout: WAIT_MS });

  const grow = page.getByRole("form", { name: "Add partitions" });
  await grow.getByLabel("Partitions in all").fill("3");
  await grow.getByRole("button", { name: "Add partitions" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Add partitions" }).click();
  await grow.getByText(`${topic} has 3 partitions.`).waitFor({ timeout: WAIT_MS });
  expect((await call("GET", `/v1/topics/${topic}`)).body.partitions).toHaveLength(3);
  const partitions = page.getByRole("region", { name: `Partitions of ${topic}` });
  await expect.poll(() => partitions.locator("tbody tr").count(), { timeout: WAIT_MS }).toBe(3);
  // The produce form and the browser now offer the new partitions.
  const produceTo = page.getByRole("form", { name: "Produce a record" }).getByLabel("Partition");
  await expect.poll(() => produceTo.locator("option").count(), { timeout: WAIT_MS }).toBe(4);
  await page.close();
});

it("merges all partitions' messages by timestamp, then partition and offset", async () => {
  const topic = uniqueTopic("console-merged");
  await createTopic(topic, 3);
  const firstMs = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
  // Record i goes to partition i % 3 at firstMs + i s; the last two share a timestamp.
  const stamps = [0, 1, 2, 3, 4, 5, 6, 7, 7];
  for (const partition of [2, 1, 0]) {
    const records = stamps
      .map((s, i) => ({ value: { i }, partition: i % 3, timestamp: firstMs + s * 1_000 }))
      .filter((r) => r.partition === partition);
    expect((await produce(topic, records)).status).toBe(200);
  }
  const page = await openPage(`/#/topics/${topic}`);
  const form = page.getByRole("form", { name: "Messages" });
  await form.getByText("Live: all partitions.").waitFor({ timeout: WAIT_MS });
  const order = () =>
    form
      .locator("li.message")
      .evaluateAll((items) =>
        items.map((li) => `p${li.getAttribute("data-partition")}#${li.getAttribute("data-offset")}`),
      );
  // Newest first: i = 8 (p2, same time as i = 7 on p1, so after it by partition) down to 0.
  await expect
    .poll(order, { timeout: WAIT_MS })
    .toEqual(["p2#2", "p1#2", "p0#2", "p2#1", "p1#1", "p0#1", "p2#0", "p1#0", "p0#0"]);
  // A record produced now goes on top.
  await produce(topic, [{ value: "late", partition: 1 }]);
  await expect.poll(async () => (await order())[0], { timeout: WAIT_MS }).toBe("p1#3");
  await page.close();
});

it("closes a confirmation dialog when the page changes, so it cannot act on the old page", async () => {
  const topic = uniqueTopic("console-dialog");
  await createTopic(topic, 1);
  const page = await openPage("/");
  await page.getByRole("heading", { level: 1, name: "Cluster" }).waitFor();
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Topics" }).click();
  await page.getByRole("button", { name: `Delete topic ${topic}` }).click();
  await page.getByRole("dialog").getByLabel(`Type ${topic} to confirm`).fill(topic);
  await page.goBack();
  await page.getByRole("heading", { level: 1, name: "Cluster" }).waitFor();
  await expect(page.locator("dialog[open]").count()).resolves.toBe(0);
  await expect(page.locator("dialog").count(), "the confirmation is gone, not hidden").resolves.toBe(2);
  expect((await call("GET", `/v1/topics/${topic}`)).status).toBe(200);
  // The "Open" boxes say what goes in them.
  await page.goForward();
  await expect(
    page.getByRole("search", { name: "Open a topic by name" }).getByRole("textbox").getAttribute("placeholder"),
  ).resolves.toBe("topic name");
  await page.close();
});

it("deletes a topic only after its name is typed", async () => {
  const topic = uniqueTopic("console-delete");
  await createTopic(topic, 1);
  const page = await openPage("/#/topics");
  await page.getByRole("button", { name: `Delete topic ${topic}` }).click();
  const dialog = page.getByRole("dialog");
  const confirm = dialog.getByRole("button", { name: "Delete topic" });
  await expect(confirm.isDisabled()).resolves.toBe(true);
  await dialog.getByLabel(`Type ${topic} to confirm`).fill("wrong");
  await expect(confirm.isDisabled()).resolves.toBe(true);
  await dialog.getByLabel(`Type ${topic} to confirm`).fill(topic);
  await confirm.click();
  await page.getByText(`Topic ${topic} deleted.`).waitFor({ timeout: WAIT_MS });
  expect((await call("GET", `/v1/topics/${topic}`)).status).toBe(404);
  await page.close();
});

it("is driven from the keyboard", async () => {
  const page = await openPage("/");
  await page.getByRole("heading", { level: 1, name: "Cluster" }).waitFor();
  await page.keyboard.press("g");
  await page.keyboard.press("t");
  await page.getByRole("heading", { level: 1, name: "Topics" }).waitFor();
  // The new page's heading has focus, so a screen reader announces it.
  await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Topics");
  await page.keyboard.press("/");
  await expect(page.evaluate(() => (document.activeElement as HTMLInputElement).name)).resolves.toBe("name");
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press("?");
  await page.getByRole("dialog", { name: "Keyboard" }).waitFor();
  await page.keyboard.press("Escape");
  await page.getByRole("dialog", { name: "Keyboard" }).waitFor({ state: "hidden" });
  // Closing a dialog hands focus back to the page (on its close event, a task later),
  // not to a control of the hidden dialog.
  await expect.poll(() => page.evaluate(() => document.activeElement?.closest("dialog")?.id ?? null)).toBeNull();
  await page.keyboard.press("g");
  await page.keyboard.press("g");
  await page.getByRole("heading", { level: 1, name: "Consumer groups" }).waitFor();
  await page.close();
  // On a fresh page, Tab reaches the skip link first, and Enter on it skips the header.
  const fresh = await openPage("/#/topics");
  await fresh.getByRole("heading", { level: 1, name: "Topics" }).waitFor();
  await fresh.keyboard.press("Tab");
  await expect(fresh.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Skip to content");
  await fresh.keyboard.press("Enter");
  await fresh.keyboard.press("Tab");
  await expect(fresh.evaluate(() => document.activeElement?.closest("main") !== null)).resolves.toBe(true);
  await fresh.close();
});

describe("on a 360 px wide screen", () => {
  it("keeps every page within the width (tables scroll inside their frame)", async () => {
    const topic = uniqueTopic("console-narrow-topic-with-a-long-name");
    await createTopic(topic, 3, { replicationFactor: 3, minInsyncReplicas: 2 });
    await produce(topic, [{ key: "k", value: { long: "x".repeat(400) } }]);
    const page = await openPage("/", { width: 360, height: 740 });
    for (const path of ["#/", "#/topics", `#/topics/${topic}`, "#/groups"]) {
      await page.evaluate((hash) => {
        location.hash = hash;
      }, path);
      await page.locator("main h1").waitFor();
      await page.waitForLoadState("networkidle").catch(() => undefined);
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
      if (path.includes(topic)) await screenshot(page, "console-narrow");
    }
    await page.close();
  });
});

describe("with auth on", () => {
  it("asks for a token, then works with it", async () => {
    const cluster = await startOwnCluster("console-auth", { EDGELOG_ADMIN_TOKEN: "console-root-token" });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${cluster.url}/#/topics`);
      const alert = page.getByRole("alert");
      await alert.getByText("SASL_AUTHENTICATION_FAILED").waitFor({ timeout: WAIT_MS });
      await alert.getByRole("button", { name: "Enter a token" }).click();
      const dialog = page.getByRole("dialog", { name: "API token" });
      await dialog.getByLabel("Token").fill("console-root-token");
      await dialog.getByRole("button", { name: "Save" }).click();
      await page.getByText("No topics yet: create one above.").waitFor({ timeout: WAIT_MS });
      const create = page.getByRole("form", { name: "Create a topic" });
      await create.getByLabel("Name").fill("secured");
      await create.getByRole("button", { name: "Create topic" }).click();
      await create.getByText("Topic secured created.").waitFor({ timeout: WAIT_MS });

      // A token that may only read "secured" cannot list topics, but opens it by name
      // and tails it.
      const root = { authorization: "Bearer console-root-token" };
      await call("POST", "/v1/topics/secured/records", { records: [{ key: "s", value: "hidden" }] }, root, cluster.url);
      const minted = await call(
        "POST",
        "/v1/tokens",
        { name: "reader", scopes: ["consume:secured"] },
        root,
        cluster.url,
      );
      expect(minted.status).toBe(201);
      await page.getByRole("button", { name: "Token" }).click();
      await dialog.getByLabel("Token").fill(minted.body.token);
      await dialog.getByRole("button", { name: "Save" }).click();
      await alert.getByText("CLUSTER_AUTHORIZATION_FAILED").waitFor({ timeout: WAIT_MS });
      await page.getByRole("search", { name: "Open a topic by name" }).getByRole("textbox").fill("secured");
      await page.getByRole("search", { name: "Open a topic by name" }).getByRole("button", { name: "Open" }).click();
      const message = page.getByRole("form", { name: "Messages" }).locator('li.message[data-offset="0"]');
      await message.waitFor({ timeout: WAIT_MS });
      await expect(message.locator(".preview").textContent()).resolves.toBe("hidden");
      await page.close();
    } finally {
      await cluster.stop();
    }
  });
});
