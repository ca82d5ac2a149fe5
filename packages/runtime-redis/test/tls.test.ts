/**
 * `rediss://` end to end: a redis-server serving TLS only, with a certificate signed by a CA
 * made here with openssl. A worker and an API process whose runtimes trust the CA through the
 * `tls: { ca }` option converge and delete a stack; without the CA, the runtime does not trust
 * the server.
 */
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createEngine } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType, silentLogger, verify } from "@converge/core/testing";
import { createRedisRuntime, startWorker } from "@converge/runtime-redis";
import { createTestCertificates, startRedisServer, uniquePrefix } from "@converge/runtime-redis/testing";
import type { RedisServerHandle, TestCertificates } from "@converge/runtime-redis/testing";

let certificates: TestCertificates;
let server: RedisServerHandle;
beforeAll(async () => {
  certificates = createTestCertificates();
  server = await startRedisServer({ tls: certificates });
});
afterAll(async () => {
  await server?.stop();
  certificates?.remove();
});

const T0 = {
  resources: {
    A: { type: SCENARIO_TYPE, properties: {} },
    B: { type: SCENARIO_TYPE, properties: { c: { get_resource: "A" } } },
  },
};

describe("Redis over TLS", () => {
  it("a worker and an API process trusting the test CA converge and delete a stack over rediss://", async () => {
    assert.match(server.url, /^rediss:\/\//);
    const prefix = uniquePrefix("tls");
    const reality = new Reality();
    const options = { connection: server.url, prefix, logger: silentLogger, tls: { ca: certificates.ca } };
    const w = createRedisRuntime(options);
    const a = createRedisRuntime(options);
    const worker = await startWorker({ runtime: w, types: [createScenarioType(reality)], logger: silentLogger });
    const api = createEngine({ runtime: a, types: [createScenarioType(reality)], worker: false, logger: silentLogger });
    try {
      await api.createStack("s", T0);
      assert.equal((await api.waitForStack("s")).state, "CREATE_COMPLETE");
      assert.ok(verify(reality, T0).ok);
      await api.deleteStack("s");
      assert.equal((await api.waitForStack("s")).state, "DELETE_COMPLETE");
    } finally {
      await worker.close();
      await Promise.all([w.close(), a.close()]);
    }
  });

  it("without the CA the server is not trusted", async () => {
    const errors: string[] = [];
    const runtime = createRedisRuntime({ connection: server.url, prefix: uniquePrefix("tls"), logger: { warn: (m) => void errors.push(m), error: (m) => void errors.push(m) } });
    try {
      for (let i = 0; !errors.some((e) => /self[- ]signed certificate/i.test(e)); i++) {
        assert.ok(i < 500, `no certificate error: ${errors.join("; ")}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await runtime.close();
    }
  });
});
