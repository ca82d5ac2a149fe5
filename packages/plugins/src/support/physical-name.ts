/**
 * Physical names in Heat's style (`<stack>-<resource>-<short id>`), derived from the row's
 * idempotency key so that a retried create gets the same name.
 */
import { createHash } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

/** 12 lowercase base-32 characters derived from `seed` (Heat's `short_id` shape). */
export function shortId(seed: string): string {
  const digest = createHash("sha256").update(seed).digest();
  let out = "";
  for (let i = 0; i < 12; i++) out += ALPHABET[(digest[i] as number) % 32];
  return out;
}

/** `<stack>-<resource>-<short id>`, stable for a row's create. */
export function physicalResourceName(ctx: { stackName: string; resourceName: string; idempotencyKey: string }): string {
  return `${ctx.stackName}-${ctx.resourceName}-${shortId(ctx.idempotencyKey)}`;
}

/** A UUID-shaped id (version 4 layout) derived from `seed`, stable for a row's create. */
export function stableUuid(seed: string): string {
  const hex = createHash("sha256").update(`uuid:${seed}`).digest("hex");
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
