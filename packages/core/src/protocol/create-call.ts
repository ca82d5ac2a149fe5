/**
 * The call of a type's `create` under this attempt's lock - once, for every caller: a fresh
 * create (`create-row.ts`), the retry of an interrupted create with the same idempotency key
 * (`create-row.ts` resuming it, `delete-row.ts` learning what to delete). An id the plugin
 * records early (`setPhysicalId`) is written under the lock at once; a result without a
 * physical id breaks the plugin contract.
 */
import { FencedError, PluginContractError } from "../errors.js";
import type { ResourceRow, StackRecord } from "../model/types.js";
import type { AnyResourceType, CreateResult } from "../plugin/types.js";
import type { CheckEnv } from "./env.js";
import { handlerContext, invokePlugin } from "./invoke-plugin.js";
import { lockedWrite } from "./row-writes.js";

/** One call of `create` (see the module comment). */
export interface CreateCall {
  readonly env: CheckEnv;
  readonly stack: StackRecord;
  readonly traversalId: string;
  /** The row, locked by this attempt. */
  readonly row: ResourceRow;
  readonly type: AnyResourceType;
  /** The properties to create with (a retry: the ones the interrupted attempt used). */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Runs once the plugin's early id is recorded on the row. */
  readonly onRecorded?: () => void;
}

/** What a create made, known even when the call then fails: the id the plugin gave (early, or as its result). */
export interface MadeResource {
  id: string | null;
}

/**
 * Call the type's create. `made.id` holds the id the plugin gave - a resource that exists
 * even when the create then fails.
 * @throws PluginContractError when the result has no non-empty `physicalId`
 * @throws FencedError when the row is no longer this attempt's (the early id cannot be recorded)
 */
export async function callCreate(call: CreateCall, made: MadeResource = { id: null }): Promise<CreateResult> {
  const { env, stack, row, type } = call;
  const result = await invokePlugin(env, { stack, traversalId: call.traversalId, row, type, handler: "create" }, (base) =>
    type.create(
      handlerContext(base, {
        properties: call.properties,
        setPhysicalId: async (id: string) => {
          made.id = id;
          const w = await lockedWrite(env, stack.id, row.id, { physicalId: id }, false);
          if (!w.ok) throw new FencedError(`create of ${row.name} made ${id}, but row ${row.id} is no longer locked by this check`);
          call.onRecorded?.();
        },
      }),
    ),
  );
  const valid = typeof result === "object" && result !== null && typeof result.physicalId === "string" && result.physicalId !== "";
  if (!valid) throw new PluginContractError(type.type, "create must return { physicalId: non-empty string }");
  made.id = result.physicalId;
  return result;
}
