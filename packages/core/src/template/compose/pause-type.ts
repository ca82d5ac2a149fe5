/**
 * The pause between two batches of a group's rolling update or batch create
 * (`update_policy: { rolling_update: { pause_time } }`): an internal node that the members of
 * batch k+1 depend on and that depends on the members of batch k. Its create and update wait
 * `seconds` on the runtime's clock (`runtime.sleep`, the timed wait retry back-off uses: virtual
 * time on the manual memory runtime), so they can be aborted by a cancel or the stack timeout;
 * an engine that dies mid-pause leaves it to the next delivery, which pauses again. Its
 * properties change only when the group's member definition does, so a no-op update or a
 * scale does not pause.
 */
import { z } from "zod";
import { defineResourceType } from "../../plugin/define-resource-type.js";
import type { AnyResourceType } from "../../plugin/types.js";

/** Type name of a pause node. */
export const PAUSE_TYPE = "Converge::Pause";

/**
 * The pause type of an engine, waiting with `sleep` (the runtime's).
 * @param sleep resolves after `ms` (rejects when `signal` aborts).
 */
export function createPauseType(sleep: (ms: number, signal?: AbortSignal) => Promise<void>): AnyResourceType {
  return defineResourceType({
    type: PAUSE_TYPE,
    description: "A pause between two batches of a ResourceGroup update or create (update_policy pause_time)",
    properties: z.object({
      /** How long to wait, seconds. */
      seconds: z.number().nonnegative(),
      /** A hash of what the group's members are made of: a change pauses again. */
      definition: z.string(),
    }),
    updatable: "all",
    idempotentCreate: true,
    create: async (ctx) => {
      await sleep(ctx.properties.seconds * 1000, ctx.signal);
      return { physicalId: `pause-${ctx.rowId}` };
    },
    update: async (ctx) => {
      await sleep(ctx.properties.seconds * 1000, ctx.signal);
      return {};
    },
    delete: async () => undefined,
    // Nothing exists outside: a pause is what its row says (lets an abandoned stack be adopted).
    read: async (ctx) => ({ exists: true, physicalId: ctx.physicalId ?? `pause-${ctx.rowId}`, properties: ctx.properties }),
  }) as AnyResourceType;
}
