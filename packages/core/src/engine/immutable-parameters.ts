/**
 * Immutable parameters (Heat's `immutable: true`): an update may not change their values.
 */
import { ImmutableParameterError } from "../errors.js";
import { unsealDeep } from "../secrets/seal.js";
import { jsonEqual, ownValue } from "../template/plain-data.js";
import type { CompiledTemplate } from "../template/types.js";

/**
 * The parameters the update from `current` to `next` may not make: those declared
 * `immutable` in `next` that `current` declares too, whose values differ (as in Heat, the
 * new template decides immutability and a parameter new to the stack is free).
 * @throws ImmutableParameterError naming every such parameter.
 */
export function checkImmutableParameters(current: CompiledTemplate | null, next: CompiledTemplate): void {
  const before = current?.parameters;
  const after = next.parameters;
  if (before === undefined || after === undefined || next.immutableParameters === undefined) return;
  const changed = next.immutableParameters.filter(
    (name) =>
      Object.prototype.hasOwnProperty.call(before, name) &&
      !jsonEqual(unsealDeep(ownValue(before, name)), unsealDeep(ownValue(after, name))),
  );
  if (changed.length > 0) throw new ImmutableParameterError(changed);
}
