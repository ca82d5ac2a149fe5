/**
 * A socket that emits a second error (a failed TLS handshake, then the server's alert) does not
 * end the process: ioredis listens for the first with `once`; the runtime's connections, and
 * the connections duplicated from them (as BullMQ duplicates a worker's), keep a listener for
 * the rest (`socket-errors.ts`).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { Redis } from "ioredis";
import type { RedisOptions } from "ioredis";
import { resolveConnection } from "../src/connection.js";
import { guardedConnector, withGuardedConnector } from "../src/socket-errors.js";
import { quiet, useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

/** Wait until `client` is ready, then make its socket emit two errors; whether the second threw. */
async function secondErrorThrows(client: Redis): Promise<boolean> {
  client.on("error", () => undefined);
  await client.ping();
  const stream = client.stream;
  stream.emit("error", new Error("first (ioredis's own listener)"));
  try {
    stream.emit("error", new Error("second (tlsv1 alert decode error)"));
    return false;
  } catch {
    return true;
  } finally {
    client.disconnect();
  }
}

describe("socket errors after the first", () => {
  it("throw from a bare ioredis connection (what the runtime guards against)", async () => {
    assert.equal(await secondErrorThrows(new Redis(redis.url)), true);
  });

  it("are caught on the runtime's connections and their duplicates", async () => {
    const connections = resolveConnection(redis.url, false, quiet);
    try {
      assert.equal(await secondErrorThrows(connections.main as Redis), false, "main");
      const worker = connections.connect("bullmq") as Redis;
      assert.equal(await secondErrorThrows(worker.duplicate()), false, "a duplicate of a worker connection");
      assert.equal(await secondErrorThrows(worker), false, "a worker connection");
    } finally {
      await connections.close();
    }
  });

  it("are caught on the duplicates of a client the application gave", async () => {
    const given = new Redis(redis.url);
    const connections = resolveConnection(given, false, quiet);
    try {
      assert.equal(await secondErrorThrows(connections.connect("plain") as Redis), false);
    } finally {
      await connections.close();
      given.disconnect();
    }
  });

  it("leave sentinel connections and a connector the application named to ioredis", () => {
    const sentinels = { sentinels: [{ host: "127.0.0.1", port: 26379 }], name: "main" };
    assert.equal(withGuardedConnector(sentinels), sentinels);
    const own = { Connector: guardedConnector() ?? undefined, port: 1 };
    assert.equal(withGuardedConnector(own), own);
    assert.notEqual(withGuardedConnector<RedisOptions>({ port: 1 }).Connector, undefined);
  });
});
