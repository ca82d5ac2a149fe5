/**
 * `OS::Heat::None`: accepts any properties and does nothing - used to stub a resource out
 * (Heat maps a real type to it in the resource registry).
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
 * - properties: any; every change is accepted in place (as in Heat, it is never replaced).
 * - attributes: none. Heat answers `null` for any attribute; here `get_attr` on it is rejected
 *   when the template is validated, because attributes are declared per type.
 * - physical id: a UUID (stable for the row, so a retried create gives the same one).
 */
export const None: ResourceType<typeof properties, never> = defineResourceType({
  type: NONE_TYPE,
  description: "Accepts any properties and does nothing",
  properties,
  idempotentCreate: true,
  async create(ctx) {
    return { physicalId: stableUuid(ctx.idempotencyKey) };
  },
  async update() {
    // Nothing to change.
  },
  async delete() {
    // Nothing exists outside the stack.
  },
});
