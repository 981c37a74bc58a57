// The gateway's TLS listener (--tls-cert/--tls-key): kcat connects with
// security.protocol=SSL, verifying a self-signed certificate made for 127.0.0.1, and
// produces and consumes; a plain-TCP client gets nowhere.

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { kcat, startTestGateway, type TestGateway } from "./gateway.js";
import { createTopic, uniqueTopic } from "./http.js";

let dir: string;
let gateway: TestGateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgelog-gateway-tls-"));
  const [cert, key] = [join(dir, "cert.pem"), join(dir, "key.pem")];
  await promisify(execFile)("openssl", [
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"],
    ...["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", cert],
  ]);
  gateway = await startTestGateway({ tls: { cert: await readFile(cert), key: await readFile(key) } });
});

afterAll(async () => {
  await gateway?.close();
  await rm(dir, { recursive: true, force: true });
});

it("serves kcat over TLS and nothing over plain TCP", async () => {
  const topic = uniqueTopic("gw-tls");
  await createTopic(topic, 1);
  const ssl = ["-b", gateway.broker, "-X", "security.protocol=SSL", "-X", `ssl.ca.location=${join(dir, "cert.pem")}`];
  const produced = await kcat([...ssl, "-P", "-t", topic, "-K:"], "k:over tls\n");
  expect(produced.code, produced.stderr).toBe(0);
  const consumed = await kcat([...ssl, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%k=%s\\n"]);
  expect(consumed.stdout.trim()).toBe("k=over tls");
  const plain = await kcat(["-b", gateway.broker, "-L", "-m", "3"], "", 15_000);
  expect(plain.code).not.toBe(0);
});
