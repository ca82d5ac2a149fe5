/**
 * A stack's outputs as the CLI shows them. While a traversal is in progress, an output that
 * reads a resource not yet converged to the target template is *pending*: its value is not
 * known yet (the engine would resolve it to null, or to a half-joined string), so the CLI says
 * `(pending)` instead of printing a misleading value.
 */
import { collectReferences } from "@converge/core";
import type { RuntimeStore, StackInfo } from "@converge/core";
import { formatValue } from "./render/format.js";
import type { Session } from "./session-types.js";

/** What `show`, `output` and the operations print. */
export interface StackOutputs {
  /** The stack. */
  readonly stack: StackInfo;
  /** Values by name (null for pending ones). */
  readonly values: Readonly<Record<string, unknown>>;
  /** Names of the pending outputs. */
  readonly pending: readonly string[];
}

/** The text shown for a pending output. */
export const PENDING = "(pending)";

/**
 * The outputs of `stack` that wait for a resource still in progress (none once the stack
 * settled).
 */
export async function pendingOutputs(store: RuntimeStore, stack: StackInfo): Promise<string[]> {
  if (stack.status !== "IN_PROGRESS") return [];
  const template = await store.loadTemplate(stack.id, stack.templateId);
  if (template === null) return [];
  const ready = new Set<string>();
  for (const row of await store.loadRows(stack.id)) {
    if (row.status === "COMPLETE" && row.action !== "INIT" && row.action !== "DELETE" && row.templateId === stack.templateId) ready.add(row.name);
  }
  return Object.entries(template.outputs)
    .filter(([, output]) => collectReferences(output.value).resources.some((name) => !ready.has(name)))
    .map(([name]) => name);
}

/** Read the stack's outputs, pending ones marked. @throws StackNotFoundError */
export async function readOutputs(session: Session, name: string): Promise<StackOutputs> {
  const stack = await session.engine.getStack(name);
  const pending = await pendingOutputs(session.runtime.store, stack);
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stack.outputs)) Object.defineProperty(values, key, { value: pending.includes(key) ? null : value, enumerable: true, writable: true, configurable: true });
  return { stack, values, pending };
}

/** One output value for a line of text: `(pending)`, a string as is, anything else as JSON. */
export function outputText(outputs: Pick<StackOutputs, "values" | "pending">, name: string): string {
  return outputs.pending.includes(name) ? PENDING : formatValue(outputs.values[name]);
}
