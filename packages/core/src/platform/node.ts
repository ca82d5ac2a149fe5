/**
 * The Node.js built-ins core uses, behind one seam: the protocol, model, template, graph,
 * plugin, runtime and engine modules import these from here, never `node:*` directly (a lint
 * rule in `eslint.config.js` keeps it so). A port of core to another platform replaces this
 * one module.
 */
import { createHash, randomUUID as nodeRandomUUID } from "node:crypto";
import { isDeepStrictEqual as nodeIsDeepStrictEqual } from "node:util";

/** A fresh random (version 4) UUID. */
export function randomUUID(): string {
  return nodeRandomUUID();
}

/** Deep strict equality of two values (Node's `util.isDeepStrictEqual`). */
export function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return nodeIsDeepStrictEqual(a, b);
}

/**
 * The hex digest of `text`'s bytes read as latin1 under `algorithm` (a name `node:crypto`
 * knows, e.g. `sha256`). @throws Error from `node:crypto` for an unknown algorithm.
 */
export function hexDigest(algorithm: string, text: string): string {
  return createHash(algorithm).update(Buffer.from(text, "latin1")).digest("hex");
}

/** The SHA-256 hex digest of `text`'s UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
