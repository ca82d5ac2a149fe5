/**
 * The runtime's permission check, once per role: a worker's covers an API process's, and a
 * check that failed for another reason than a refusal (Redis unreachable) is tried again.
 */
import type { RedisRole } from "./acl.js";
import type { RuntimeKeys } from "./keys.js";
import { verifyRedisPermissions } from "./permission-check.js";
import { RedisPermissionError } from "./permission-error.js";
import type { RedisClient } from "./script-loader.js";

/** What the gate needs. */
export interface PermissionGateOptions {
  /** A new connection for the probe. */
  readonly connect: () => RedisClient;
  readonly keys: RuntimeKeys;
  readonly queueName: string;
  /** Whether the runtime checks before its first write (`checkPermissions`). */
  readonly enabled: boolean;
}

/** The permission checks of one runtime. */
export interface PermissionGate {
  /** The check of `role` (run once). @throws RedisPermissionError naming the refused commands */
  verify(role: RedisRole): Promise<void>;
  /** The check of `role` when the runtime checks by itself, else undefined. */
  permitted(role: RedisRole): Promise<void> | undefined;
}

/** Make the permission gate of a runtime. */
export function permissionGate(options: PermissionGateOptions): PermissionGate {
  const verified = new Map<RedisRole, Promise<void>>();
  const verify = (role: RedisRole): Promise<void> => {
    const known = verified.get(role) ?? (role === "api" ? verified.get("worker") : undefined);
    if (known !== undefined) return known;
    const check = verifyRedisPermissions({ connect: options.connect, keys: options.keys, queueName: options.queueName }, role);
    verified.set(role, check);
    check.catch((error: unknown) => {
      if (!(error instanceof RedisPermissionError)) verified.delete(role);
    });
    return check;
  };
  return { verify, permitted: (role) => (options.enabled ? verify(role) : undefined) };
}
