/**
 * Names of nested resources in the one compiled template a composed stack converges to.
 *
 * A resource of a nested stack is named by the path of nested-stack resources leading to it,
 * joined by {@link NESTED_SEPARATOR}: `app/db` is resource `db` of the template behind
 * resource `app`; `group/3/port` is resource `port` of member 3 of a ResourceGroup. User
 * templates cannot name a resource with the separator in it (`checkTopLevel` rejects it), so
 * a path never collides with a top-level name.
 */
import { createHash } from "node:crypto";
import { TemplateValidationError } from "../../errors.js";

/** Separator of the parts of a nested resource's name. */
export const NESTED_SEPARATOR = "/";

/** The parts of a (possibly nested) resource name: `"group/3/port"` → `["group", "3", "port"]`. */
export function splitResourcePath(name: string): string[] {
  return name.split(NESTED_SEPARATOR);
}

/**
 * The nested stack a resource belongs to: the path of its parent (`"app/db"` → `"app"`), or
 * null for a resource of the top-level template.
 */
export function parentStackPath(name: string): string | null {
  const at = name.lastIndexOf(NESTED_SEPARATOR);
  return at < 0 ? null : name.slice(0, at);
}

/** The stable id of the nested stack at `path` of the stack `stackId` (a UUID-shaped hash). */
export function nestedStackId(stackId: string, path: string): string {
  const hex = createHash("sha256").update(`${stackId}\u0000${path}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Marks an error path relative to the nested-stack resource rather than to its template (a
 * parameter value given in the parent: `properties.parameters.x` of an `OS::Heat::Stack`).
 */
export const PARENT_PATH = "^";

/**
 * The same error with its template path put under `prefix` (the path of the nested-stack
 * resource whose template it comes from, e.g. `resources.app`): an error at
 * `resources.db.properties.size` of the child reads `resources.app.resources.db.properties.size`.
 * A path marked {@link PARENT_PATH} goes under `parentPrefix` instead.
 */
export function underPath<E>(error: E, prefix: string, parentPrefix = prefix): E {
  if (!(error instanceof TemplateValidationError)) return error;
  let old = error.path;
  const message = old !== "" && error.message.startsWith(`${old}: `) ? error.message.slice(old.length + 2) : error.message;
  if (old.startsWith(PARENT_PATH)) {
    old = old.slice(PARENT_PATH.length);
    prefix = parentPrefix;
  }
  if (prefix === "") return error;
  const path = old === "" ? prefix : `${prefix}.${old}`;
  Object.defineProperty(error, "path", { value: path, enumerable: true, configurable: true, writable: false });
  error.message = `${path}: ${message}`;
  return error;
}
