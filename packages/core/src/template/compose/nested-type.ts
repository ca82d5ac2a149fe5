/**
 * The resource type of the one internal node each nested stack has in the compiled template.
 * It depends on every member of the nested stack, so `depends_on: app`, `get_resource: app`
 * (without an `OS::stack_id` output) and a delete of the whole nested stack order against all
 * of it; its physical id is the nested stack's stable id. It calls nothing outside.
 */
import { z } from "zod";
import { defineResourceType } from "../../plugin/define-resource-type.js";

/** Type name of the internal node of a nested stack. */
export const NESTED_STACK_TYPE = "Converge::NestedStack";

/** The internal node of a nested stack (registered by every engine). */
export const NestedStackType = defineResourceType({
  type: NESTED_STACK_TYPE,
  description: "The node of a nested stack (template resource, OS::Heat::Stack, ResourceGroup, ResourceChain): done when all its members are",
  properties: z.object({
    /** The type as the template names it (`db.yaml`, `OS::Heat::ResourceGroup`, ...). */
    type: z.string(),
    /** The nested stack's stable id. */
    stack_id: z.string(),
    /** Values read with a key known only at run time (`get_attr: [group, attr, { get_attr: ... }]`). */
    exports: z.record(z.string(), z.unknown()).optional(),
  }),
  attributes: ["exports"],
  updatable: "all",
  idempotentCreate: true,
  create: async (ctx) => ({ physicalId: ctx.properties.stack_id, attributes: { exports: ctx.properties.exports ?? {} } }),
  update: async (ctx) => ({ attributes: { exports: ctx.properties.exports ?? {} } }),
  delete: async () => undefined,
  read: async (ctx) => ({ exists: true, physicalId: ctx.properties.stack_id, properties: ctx.properties, attributes: { exports: ctx.properties.exports ?? {} } }),
});
