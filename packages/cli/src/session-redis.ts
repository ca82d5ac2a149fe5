/**
 * Redis sessions (pending: written against @converge/runtime-redis once it exists).
 */
import { InvalidOptionsError } from "@converge/core";
import type { Session, SessionRequest } from "./session.js";

/** The Redis runtime chosen with `--redis`. */
export interface RedisChoice {
  readonly kind: "redis";
  readonly url: string;
  readonly prefix: string | undefined;
  readonly queue: string | undefined;
}

/** Open a Redis session. */
export async function openRedisSession(choice: RedisChoice, request: SessionRequest): Promise<Session> {
  void request;
  throw new InvalidOptionsError("--redis", `PENDING ${choice.url}`);
}
