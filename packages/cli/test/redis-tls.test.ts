/**
 * The CLI over `rediss://`: a redis-server serving TLS only with a certificate of a CA made
 * here with openssl; `converge worker` and `converge apply` trust it through Node's
 * `NODE_EXTRA_CA_CERTS` and converge a stack; without it the worker refuses the server.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestCertificates, startRedisServer, uniquePrefix } from "@converge/runtime-redis/testing";
import type { RedisServerHandle, TestCertificates } from "@converge/runtime-redis/testing";
import type { Project } from "./support/cli-process.js";
import { project } from "./support/cli-process.js";
import { BASIC } from "./support/templates.js";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

let certificates: TestCertificates;
let server: RedisServerHandle;
let p: Project;
beforeAll(async () => {
  certificates = createTestCertificates();
  server = await startRedisServer({ tls: certificates });
  p = project();
  p.write("site.yaml", BASIC);
});
afterAll(async () => {
  p?.cleanup();
  await server?.stop();
  certificates?.remove();
});

describe("converge over rediss://", () => {
  it("a worker and apply trusting the CA through NODE_EXTRA_CA_CERTS converge a stack", async () => {
    const prefix = uniquePrefix("clitls");
    const env = { NODE_EXTRA_CA_CERTS: certificates.caFile };
    const worker = p.start(["worker", "--redis", server.url, "--prefix", prefix], { env });
    try {
      await worker.waitFor(/^worker \S+ ready: rediss:\/\//m, 60_000);
      const applied = await p.run(["apply", "site.yaml", "--stack", "site", "--redis", server.url, "--prefix", prefix], { env });
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toMatch(/CREATE_COMPLETE/);
    } finally {
      worker.child.kill("SIGTERM");
      const stopped = await worker.done;
      expect(stopped.code, stopped.stderr).toBe(0);
    }
  });

  it("without the CA the worker does not trust the server and exits 1", async () => {
    const result = await p.run(["worker", "--redis", server.url, "--prefix", uniquePrefix("clitls")], { env: { NODE_EXTRA_CA_CERTS: undefined }, timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/certificate/i);
    expect(result.stdout).not.toMatch(/ready/);
  });
});
