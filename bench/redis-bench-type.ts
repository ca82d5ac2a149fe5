/** The no-op resource type of `npm run bench:redis` (shared by the bench and its worker processes). */
import { defineResourceType } from "@converge/core";
import { z } from "zod";

/** A resource whose create, update and delete do nothing but answer. */
export const noop = defineResourceType({
  type: "bench:noop:Thing",
  properties: z.object({ n: z.number().optional() }),
  attributes: ["n"],
  async create(ctx) {
    return { physicalId: `${ctx.resourceName}-${ctx.rowId}`, attributes: { n: ctx.properties.n ?? 0 } };
  },
  async update() {
    return {};
  },
  async delete() {
    return undefined;
  },
});
