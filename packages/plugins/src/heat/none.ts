/**
 * `OS::Heat::None`: accepts any properties and does nothing - used to stub a resource out
 * (in Heat, by mapping a real type to it in the environment's resource registry).
 */
import { defineResourceType } from "@converge/core";
import type { ResourceType } from "@converge/core";
import { z } from "zod";
import { stableUuid } from "../support/physical-name.js";

/** Type name of {@link None}. */
export const NONE_TYPE = "OS::Heat::None";

const properties = z.object({}).loose();

/**
 * `OS::Heat::None`.
 *
 * - properties: any; they are stored at create and never looked at again.
 * - updates: none, as in Heat - a stack update never updates or replaces it, whatever
 *   changed (`diff` always answers "none", so the engine records the new template without
 *   calling a handler, and previews say `no_change`).
 * - attributes: any name, each null, as in Heat (`anyAttribute`): a template whose real type
 *   is stubbed out with it keeps its `get_attr`s.
 * - physical id (and `get_resource`): a UUID, stable for the row, so a retried create gives
 *   the same one.
 * - `read`: nothing exists outside the stack, so a resource with a physical id exists with
 *   the properties it is read with - a drift check always finds it in sync, and a stub can be
 *   imported under any physical id. With no physical id it reports gone.
 */
export const None: ResourceType<typeof properties, never> = defineResourceType({
  type: NONE_TYPE,
  description: "Accepts any properties and does nothing",
  properties,
  anyAttribute: true,
  updatable: "all",
  idempotentCreate: true,
  async create(ctx) {
    return { physicalId: stableUuid(ctx.idempotencyKey) };
  },
  // Never called (diff always answers "none"); declaring it makes every property count as
  // updatable, so nothing is ever predicted or forced to be a replacement.
  async update() {},
  async delete() {
    // Nothing exists outside the stack.
  },
  async read(ctx) {
    if (ctx.physicalId === null) return { exists: false };
    return { exists: true, physicalId: ctx.physicalId, properties: { ...ctx.properties } };
  },
  diff: () => "none",
});
