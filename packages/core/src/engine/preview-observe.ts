/**
 * Observation for a converging preview (`previewUpdate(..., { converge: true })`): read each
 * settled row's resource through its type's `read`, outside any traversal, so the preview can
 * show what a converging update would do to drifted and missing resources.
 */
import type { ResourceRow, StackRecord } from "../model/types.js";
import type { TypeRegistry } from "../plugin/registry.js";
import type { Logger } from "../plugin/types.js";
import { isActiveRow, isSettledRow } from "../protocol/best-existing.js";
import { idempotencyKey, normalizeError } from "../protocol/invoke-plugin.js";
import type { Observation } from "../protocol/observe.js";
import { compareObserved } from "../protocol/observe.js";

/**
 * What reality looks like for every active, settled row whose type has `read`, by row id
 * (rows of types without `read` are left out: a preview assumes them as recorded).
 * @throws ResourceError naming the type when a read fails
 */
export async function observeForPreview(stack: StackRecord, rows: readonly ResourceRow[], types: TypeRegistry, logger: Logger): Promise<Map<string, Observation>> {
  const out = new Map<string, Observation>();
  const signal = new AbortController().signal;
  for (const row of rows) {
    const type = types.get(row.type);
    const read = type?.read?.bind(type);
    if (type === undefined || read === undefined || !isActiveRow(row) || !isSettledRow(row)) continue;
    try {
      const result = await read({
        stackName: stack.name,
        resourceName: row.name,
        rowId: row.id,
        signal,
        deadline: undefined,
        logger,
        idempotencyKey: idempotencyKey(stack.id, row.id),
        physicalId: row.physicalId,
        properties: row.properties,
      });
      if (!result.exists) out.set(row.id, { kind: "missing" });
      else out.set(row.id, result.properties === undefined ? { kind: "in_sync", observed: row.properties } : compareObserved(type, row.properties, result.properties));
    } catch (error) {
      throw normalizeError(error, type, "read");
    }
  }
  return out;
}
