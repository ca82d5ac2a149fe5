/**
 * The runtime's further connections (`resolveConnection(...).connect(use)`): BullMQ's get
 * `maxRetriesPerRequest: null`, and neither BullMQ's nor a blocking reader's are
 * auto-pipelined (a waiting `XREAD BLOCK` alone on its connection gains nothing from it);
 * other connections keep the main client's settings.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import type { Redis } from "ioredis";
import { resolveConnection } from "../src/connection.js";

const quiet = { warn: (): void => undefined };

describe("further connections", () => {
  it("take the main client's settings, with the overrides of their use", async () => {
    const connections = resolveConnection({ host: "127.0.0.1", port: 1, lazyConnect: true }, true, quiet);
    try {
      const options = (use: "bullmq" | "blocking" | "plain"): Redis["options"] => (connections.connect(use) as Redis).options;
      assert.equal((connections.main as Redis).options.enableAutoPipelining, true);
      assert.equal(options("plain").enableAutoPipelining, true);
      assert.equal(options("blocking").enableAutoPipelining, false);
      assert.equal(options("bullmq").enableAutoPipelining, false);
      assert.equal(options("bullmq").maxRetriesPerRequest, null);
      assert.notEqual(options("blocking").maxRetriesPerRequest, null);
      assert.equal(options("blocking").port, 1);
    } finally {
      await connections.close();
    }
  });

  it("are not auto-pipelined when the main client is not", async () => {
    const connections = resolveConnection({ host: "127.0.0.1", port: 1, lazyConnect: true }, false, quiet);
    try {
      assert.equal((connections.main as Redis).options.enableAutoPipelining, false);
      assert.equal((connections.connect("plain") as Redis).options.enableAutoPipelining, false);
    } finally {
      await connections.close();
    }
  });
});
