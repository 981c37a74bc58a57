// The web console's three files (built by scripts/build-console.mjs and embedded in
// the Worker), served at / with a strict Content-Security-Policy: the console loads
// only its own script and style and talks only to its own origin. Public, like
// /v1/health: the files hold no data, and every API call they make is authenticated.

import { Hono } from "hono";
import { CONSOLE_FILES } from "../../dist/console/bundle.mjs";
import type { AppEnv } from "./context.js";

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

export const consoleRoutes = new Hono<AppEnv>();

for (const [path, file] of Object.entries(CONSOLE_FILES)) {
  consoleRoutes.get(path, (c) => {
    // File names carry no hash, so browsers revalidate each time (a 304 when unchanged).
    const headers = { ...SECURITY_HEADERS, etag: file.etag, "cache-control": "no-cache" };
    if (c.req.header("if-none-match") === file.etag) return c.body(null, 304, headers);
    return c.body(file.body, 200, { ...headers, "content-type": file.contentType });
  });
}
