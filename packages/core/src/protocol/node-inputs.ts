/**
 * Inputs of an update node: the predecessors' data read from the node's sync point, and the
 * row's properties resolved from them (never by loading other resources).
 */
import { ProtocolError } from "../errors.js";
import { errorMessage } from "../error-message.js";
import type { GraphNode, NodeKey, NodePayload, SyncKey, SyncPayload, TraversalGraph } from "../model/types.js";
import type { AnyResourceType } from "../plugin/types.js";
import { openSealedProperties } from "../secrets/template-secrets.js";
import type { ResolveContext } from "../template/index.js";
import { resolveValue } from "../template/index.js";
import { ownValue } from "../template/plain-data.js";
import type { CompiledResource } from "../template/types.js";

/**
 * The update payloads of every predecessor of `node`, by resource name, or null when some
 * predecessor has not reported (the node is not ready: a spurious or early delivery).
 * `spec`: the node as the caller looked it up already (a lookup in a 200,000-key graph is
 * ~0.5 µs of memory latency).
 */
export function collectInputs(
  graph: TraversalGraph,
  node: NodeKey,
  sync: ReadonlyMap<SyncKey, SyncPayload>,
  spec: GraphNode | undefined = graph.nodes[node],
): Map<string, NodePayload> | null {
  if (spec === undefined) return null;
  const inputs = new Map<string, NodePayload>();
  for (const pred of spec.requires) {
    if (!sync.has(pred)) return null;
    const payload = sync.get(pred);
    if (payload !== null && payload !== undefined) inputs.set(payload.name, payload);
  }
  return inputs;
}

/** Outcome of resolving and validating a row's properties. */
export type ResolvedProperties =
  | { readonly ok: true; readonly properties: Record<string, unknown>; readonly requires: string[] }
  | { readonly ok: false; readonly message: string };

/** Each compiled resource's properties with their sealed values opened (templates are immutable). */
const openedProperties = new WeakMap<Readonly<Record<string, unknown>>, Readonly<Record<string, unknown>>>();

/** `resource`'s properties with their sealed values opened (once per compiled resource). */
function openedPropertiesOf(resource: CompiledResource): Readonly<Record<string, unknown>> {
  let opened = openedProperties.get(resource.properties);
  if (opened === undefined) {
    opened = openSealedProperties(resource.properties);
    openedProperties.set(resource.properties, opened);
  }
  return opened;
}

/** Resolve the intrinsics of a resource's properties with its inputs and validate them. */
export function resolveProperties(
  resource: CompiledResource,
  type: AnyResourceType,
  inputs: ReadonlyMap<string, NodePayload>,
): ResolvedProperties {
  let resolved: unknown;
  try {
    resolved = resolveValue(openedPropertiesOf(resource), new InputsContext(inputs));
  } catch (error) {
    return { ok: false, message: `cannot resolve properties: ${errorMessage(error)}` };
  }
  const parsed = type.properties.safeParse(resolved);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? "" : ` at properties.${issue.path.join(".")}`;
    return { ok: false, message: `invalid resolved properties${where}: ${issue?.message ?? "rejected by schema"}` };
  }
  const requires = inputs.size === 0 ? [] : [...new Set([...inputs.values()].map((p) => p.rowId))].sort();
  return { ok: true, properties: parsed.data as Record<string, unknown>, requires };
}

/** Resolution reads the predecessors' payloads (one object per check, no closures). */
class InputsContext implements ResolveContext {
  readonly #inputs: ReadonlyMap<string, NodePayload>;

  constructor(inputs: ReadonlyMap<string, NodePayload>) {
    this.#inputs = inputs;
  }

  getResource(name: string): unknown {
    return this.#inputs.get(name)?.refId ?? missing(name);
  }

  getAttr(name: string, attribute: string): unknown {
    return ownValue(this.#payload(name).attributes, attribute) ?? null;
  }

  #payload(name: string): NodePayload {
    return this.#inputs.get(name) ?? missing(name);
  }
}

function missing(name: string): never {
  throw new ProtocolError(`no data from "${name}" reached this resource`);
}

/** Structural equality of JSON-like values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Names of the properties whose values differ. */
export function changedProperties(oldProps: Readonly<Record<string, unknown>>, newProps: Readonly<Record<string, unknown>>): string[] {
  const keys = new Set([...Object.keys(oldProps), ...Object.keys(newProps)]);
  return [...keys].filter((k) => !deepEqual(oldProps[k], newProps[k])).sort();
}
