/**
 * Engine ids of CLI processes.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";

/** A fresh engine id naming this process (never reused, so a restored lock of ours is stale). */
export function cliEngineId(): string {
  return `cli-${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
}
