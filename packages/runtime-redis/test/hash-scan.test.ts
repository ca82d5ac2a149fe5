/**
 * `scanHash` reads a whole hash in HSCAN pages, asking for the next page before the one in hand
 * is decoded; a decoder that throws ends the read with its error, and the page then in flight
 * is left to settle without an unhandled rejection.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { Redis } from "ioredis";
import { scanHash } from "../src/hash-scan.js";
import type { StoreContext } from "../src/store-context.js";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

describe("scanHash", () => {
  it("gives every field of a hash read in many pages", async () => {
    const client = new Redis(redis.url);
    try {
      const key = `scan-${Date.now()}`;
      const fields = Array.from({ length: 950 }, (_, i) => [`f${i}`, `v${i}`]).flat();
      await client.hset(key, ...fields);
      const seen = new Map<string, string>();
      let pages = 0;
      await scanHash({ client }, "HSCAN test", key, 50, (flat) => {
        pages += 1;
        for (let i = 0; i + 1 < flat.length; i += 2) seen.set(flat[i] as string, flat[i + 1] as string);
      });
      assert.equal(seen.size, 950);
      assert.equal(seen.get("f949"), "v949");
      assert.ok(pages > 5, `${pages} pages`);
    } finally {
      client.disconnect();
    }
  });

  it("rejects with what the decoder throws; the page in flight then fails unnoticed", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      let calls = 0;
      // A client whose second page fails after the decoder has thrown on the first.
      const client = {
        hscan: (): Promise<[string, string[]]> => {
          calls += 1;
          return calls === 1 ? Promise.resolve(["7", ["a", "1"]]) : new Promise((_, reject) => setTimeout(() => reject(new Error("connection lost")), 5));
        },
      } as unknown as StoreContext["client"];
      await assert.rejects(
        scanHash({ client }, "HSCAN test", "k", 10, () => {
          throw new Error("corrupt field a");
        }),
        /corrupt field a/,
      );
      assert.equal(calls, 2, "the next page was not asked for before the decode");
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
