/**
 * Templates of the multi-process and crash tests over the Redis cloud type: `chains` parallel
 * chains where each resource reads an attribute of the one before it, some resources with a
 * replacement property (`!a`), plus optional extra resources fanning in.
 */
import type { ResourceDefinition, Template } from "@converge/core";
import { CLOUD_TYPE } from "./redis-cloud.js";

/** Shape and values of a generated template. */
export interface ChainsSpec {
  /** Number of resources. */
  readonly size: number;
  /** Number of parallel chains. */
  readonly chains: number;
  /** Value of `a` of resource i. */
  readonly a: (i: number) => string;
  /** Value of `!a` (replacement property) of resource i, or undefined for none. */
  readonly bang?: (i: number) => string | undefined;
  /** Extra resources depending on every `every`-th resource of the chains (fan-in). */
  readonly extra?: { readonly count: number; readonly every: number };
}

/** Name of resource i. */
export const resourceName = (i: number): string => `r${String(i).padStart(4, "0")}`;
const name = resourceName;

/** Build the template. */
export function chainsTemplate(spec: ChainsSpec): Template {
  const resources: Record<string, ResourceDefinition> = {};
  for (let i = 0; i < spec.size; i++) {
    const properties: Record<string, unknown> = { a: spec.a(i) };
    const bang = spec.bang?.(i);
    if (bang !== undefined) properties["!a"] = bang;
    if (i >= spec.chains) properties.ca = { get_attr: [name(i - spec.chains), "a"] };
    resources[name(i)] = { type: CLOUD_TYPE, properties };
  }
  for (let x = 0; x < (spec.extra?.count ?? 0); x++) {
    const every = spec.extra?.every ?? 1;
    const deps: string[] = [];
    for (let i = x; i < spec.size; i += every * (spec.extra?.count ?? 1)) deps.push(name(i));
    resources[`x${x}`] = { type: CLOUD_TYPE, properties: { c: { get_resource: deps[0] ?? name(0) } }, depends_on: deps };
  }
  return { resources };
}
