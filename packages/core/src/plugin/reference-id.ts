/**
 * The reference id of a resource: what `get_resource` resolves to. It is the physical id
 * unless the type computes another one (`referenceId`, Heat's `get_reference_id`).
 */
import type { AnyResourceType } from "./types.js";

/**
 * The reference id of a resource with `physicalId` and cached `attributes`: the type's
 * `referenceId` when it gives a non-empty string, else the physical id (null when none).
 */
export function referenceIdOf(
  type: AnyResourceType | undefined,
  physicalId: string | null,
  attributes: Readonly<Record<string, unknown>>,
): string | null {
  if (physicalId === null || type?.referenceId === undefined) return physicalId;
  const ref: unknown = type.referenceId(physicalId, attributes);
  return typeof ref === "string" && ref !== "" ? ref : physicalId;
}
