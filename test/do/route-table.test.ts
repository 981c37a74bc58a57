// Deny by default: every route the app registers has a row in the route table, and no
// request reaches a handler the table does not let through. Runs the real app in
// workerd with auth on, over every route × every method.

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/router/app.js";
import { allowedMethods, METHODS, ROUTES } from "../../src/router/authorization.js";

const ROOT = "root-secret-for-route-tests";
const authOn = { ...env, EDGELOG_AUTH: "on", EDGELOG_ADMIN_TOKEN: ROOT, EDGELOG_FAULTS: "1" };
const SAMPLE_PARAMS: Record<string, string> = { topic: "orders", partition: "0", group: "g", id: "0123456789abcdef" };

function concrete(route: string): string {
  return route.replace(/:(\w+)/g, (_, name: string) => SAMPLE_PARAMS[name] ?? "x");
}

async function send(method: string, path: string, token?: string): Promise<Response> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const body = ["POST", "PUT", "PATCH"].includes(method) ? "{}" : undefined;
  if (body) headers["content-type"] = "application/json";
  return await app.request(`http://127.0.0.1${path}`, { method, headers, body }, authOn);
}

async function tokenWith(scopes: string[]): Promise<string> {
  const reply = await app.request(
    "http://127.0.0.1/v1/tokens",
    {
      method: "POST",
      headers: { authorization: `Bearer ${ROOT}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "route-table", scopes }),
    },
    authOn,
  );
  expect(reply.status).toBe(201);
  return ((await reply.json()) as { token: string }).token;
}

async function errorOf(reply: Response): Promise<{ code: string; message: string }> {
  return ((await reply.json()) as { error: { code: string; message: string } }).error;
}

/** The kind of what a route's rule needs, public included. */
function needOf(route: string, method: string): string | undefined {
  const rule = ROUTES[route]?.[(method === "HEAD" ? "GET" : method) as "GET"];
  const need = rule?.need({ req: { param: () => "", path: "" } } as never);
  return need === "public" ? need : need?.kind;
}

const isPublic = (route: string, method: string) => needOf(route, method) === "public";

describe("the route table", () => {
  it("has a row for every handler the app registers, and a handler for every row", () => {
    const handlers = app.routes.filter((r) => r.method !== "ALL");
    for (const { path, method } of handlers) {
      expect(ROUTES[path], `route ${path}`).toBeDefined();
      expect(Object.keys(ROUTES[path] ?? {}), `${method} ${path}`).toContain(method);
    }
    for (const [route, rules] of Object.entries(ROUTES)) {
      for (const method of Object.keys(rules)) {
        expect(
          handlers.some((h) => h.path === route && h.method === method),
          `a handler for ${method} ${route}`,
        ).toBe(true);
      }
    }
    console.log(`route table: ${Object.keys(ROUTES).length} routes, ${handlers.length} handlers`);
  });

  it("lets no request of any method reach a handler without the scope its row asks", async () => {
    const scopeless = await tokenWith(["group:matches-nothing-here"]);
    let requests = 0;
    for (const route of Object.keys(ROUTES)) {
      const path = concrete(route);
      const allowed = allowedMethods(route);
      for (const method of METHODS) {
        for (const token of [undefined, scopeless]) {
          const reply = await send(method, path, token);
          requests++;
          const where = `${method} ${path} ${token ? "scopeless token" : "no token"}`;
          if (!allowed.includes(method)) {
            expect(reply.status, where).toBe(405);
            expect(reply.headers.get("allow"), where).toBe(allowed.join(", "));
            if (method !== "HEAD") expect((await errorOf(reply)).code, where).toBe("METHOD_NOT_ALLOWED");
          } else if (isPublic(route, method)) {
            expect(reply.status, where).toBe(200);
          } else if (needOf(route, method) === "authenticated") {
            expect(reply.status, where).toBe(token ? 200 : 401);
          } else {
            expect(reply.status, where).toBe(token ? 403 : 401);
          }
          if (!reply.bodyUsed) await reply.body?.cancel();
        }
      }
    }
    console.log(
      `route × method: ${Object.keys(ROUTES).length} routes × ${METHODS.length} methods × 2 callers = ${requests} requests`,
    );
  });

  it("answers HEAD exactly as GET, status and headers, without a body", async () => {
    const scopeless = await tokenWith(["group:matches-nothing-here"]);
    let pairs = 0;
    for (const route of Object.keys(ROUTES).filter((r) => allowedMethods(r).includes("GET"))) {
      for (const token of [undefined, scopeless, ROOT]) {
        const path = concrete(route);
        const [get, head] = [await send("GET", path, token), await send("HEAD", path, token)];
        pairs++;
        expect(head.status, `HEAD ${path}`).toBe(get.status);
        expect(head.headers.get("content-type"), `HEAD ${path}`).toBe(get.headers.get("content-type"));
        expect(await head.text(), `HEAD ${path}`).toBe("");
        if (!get.bodyUsed) await get.body?.cancel();
      }
    }
    console.log(`HEAD = GET: ${pairs} pairs`);
  });

  it("refuses an unknown query parameter on every route and method it serves", async () => {
    let requests = 0;
    for (const [route, rules] of Object.entries(ROUTES)) {
      for (const [method, rule] of Object.entries(rules)) {
        if (rule.query === "ignored") continue;
        const reply = await send(method, `${concrete(route)}?bogus=1`, ROOT);
        requests++;
        const where = `${method} ${route}?bogus=1`;
        expect(reply.status, where).toBe(400);
        const body = await errorOf(reply);
        expect(body.code, where).toBe("INVALID_REQUEST");
        expect(body.message, where).toContain("bogus");
      }
    }
    console.log(`unknown query parameter: ${requests} requests refused`);
  });
});
