/**
 * The set-up the Redis runtime's test files share: a throw-away Redis for the file (its own
 * `redis-server`, or `REDIS_URL`; see `testRedis`) and a logger that says nothing.
 */
import { afterAll, beforeAll } from "vitest";
import { testRedis } from "@converge/runtime-redis/testing";
import type { TestRedis } from "@converge/runtime-redis/testing";

/** A logger that drops every line (the shared one of `@converge/core/testing`). */
export { silentLogger as quiet } from "@converge/core/testing";

/** Start a Redis before the file's tests and stop it after them; `url` is valid inside the tests. */
export function useTestRedis(): { readonly url: string } {
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    redis = await testRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  return {
    get url(): string {
      if (redis === undefined) throw new Error("useTestRedis: the Redis is only there inside the tests");
      return redis.url;
    },
  };
}
