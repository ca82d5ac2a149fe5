/**
 * The file names a template or an environment mentions, found the way python-heatclient's
 * `template_utils` finds them (so a tree that works with `openstack stack create -t -e` works
 * here): in a template, every `get_file: NAME` and every `type: NAME` whose name ends in
 * `.yaml` or `.template` (a template resource, at any depth: a ResourceGroup's `resource_def`
 * too), plus - beyond heatclient - `.yml` and `.json` names (the engine reads them as template
 * files too), the template names of an `OS::Heat::ResourceChain`'s
 * `resources` list and a CloudFormation-dialect `Resources.X.Type`; in an environment's
 * `resource_registry`, every value that is not a type name (`::`), at the top level and under
 * `resources` (per-resource registries, at any depth), except `hooks` and
 * `restricted_actions`. Each walker returns a copy with every name replaced by what
 * `rename` answers (the name the engine gets); the input is not changed.
 */

/** One file name found in a template or an environment. */
export interface FileReference {
  /** `template`: read as a template (its own references followed); `file`: `get_file` text. */
  readonly kind: "template" | "file";
  /** The name as written. */
  readonly written: string;
  /** Dotted path of the node that holds it, e.g. `resources.app.type`. */
  readonly path: string;
}

/** Answers the name the engine gets for a reference (it may read the file, or throw). */
export type Rename = (reference: FileReference) => string;

type Data = Record<string, unknown>;

/** Heat's suffixes (`.yaml`, `.template`) and those the engine also reads as template files. */
const TEMPLATE_NAME = /\.(ya?ml|template|json)$/i;
const CHAIN = "OS::Heat::ResourceChain";
const CFN_VERSIONS = ["HeatTemplateFormatVersion", "AWSTemplateFormatVersion"] as const;
const HOT_VERSION = "heat_template_version";

function isData(value: unknown): value is Data {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const join = (path: string, key: string | number): string => (path === "" ? String(key) : `${path}.${key}`);

/** A mapping built key by key (keys such as `__proto__` stay plain keys). */
function mapping(entries: Iterable<readonly [string, unknown]>): Data {
  const out: Data = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** Whether parsed text is a template (a mapping with a template version key), as heatclient's `is_template`. */
export function isTemplateDocument(value: unknown): value is Data {
  return isData(value) && (Object.hasOwn(value, HOT_VERSION) || CFN_VERSIONS.some((key) => Object.hasOwn(value, key)));
}

/** Replace every file name `template` mentions by `rename`'s answer (in a copy). */
export function renameTemplateReferences(template: Data, rename: Rename): Data {
  const cfn = CFN_VERSIONS.some((key) => Object.hasOwn(template, key));
  return walkTemplate(template, "", rename, cfn ? "cfn-root" : "plain") as Data;
}

/**
 * Where the walk is: `cfn-resources` is the `Resources` mapping of a CloudFormation-dialect
 * template (its values are resources, whose `Type` counts), `chain-*` the `properties` of a
 * ResourceChain and its `resources` list (template names as list items).
 */
type Context = "plain" | "cfn-root" | "cfn-resources" | "cfn-resource" | "chain-properties" | "chain-resources";

function walkTemplate(value: unknown, path: string, rename: Rename, context: Context): unknown {
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      const at = join(path, index);
      if (context === "chain-resources" && typeof item === "string" && TEMPLATE_NAME.test(item)) return rename({ kind: "template", written: item, path: at });
      return walkTemplate(item, at, rename, "plain");
    });
  }
  if (!isData(value)) return value;
  const chain = value.type === CHAIN || (context === "cfn-resource" && value.Type === CHAIN);
  return mapping(
    Object.entries(value).map(([key, item]): [string, unknown] => {
      const at = join(path, key);
      if (key === "get_file" && typeof item === "string") return [key, rename({ kind: "file", written: item, path: at })];
      const typeKey = key === "type" || (context === "cfn-resource" && key === "Type");
      if (typeKey && typeof item === "string" && TEMPLATE_NAME.test(item)) return [key, rename({ kind: "template", written: item, path: at })];
      return [key, walkTemplate(item, at, rename, childContext(context, key, chain))];
    }),
  );
}

function childContext(context: Context, key: string, chain: boolean): Context {
  if (context === "cfn-root") return key === "Resources" ? "cfn-resources" : "plain";
  if (context === "cfn-resources") return "cfn-resource";
  if (chain && (key === "properties" || key === "Properties")) return "chain-properties";
  if (context === "chain-properties" && key === "resources") return "chain-resources";
  return "plain";
}

/** Keys of a registry that name no template (heatclient skips them too). */
const REGISTRY_SKIP = new Set(["hooks", "restricted_actions"]);

/** How the names of a registry are resolved. */
export interface RegistryRenaming {
  /** The base the names of a registry mapping are relative to, given its `base_url` (as written) and the enclosing base. */
  base(written: string, path: string, enclosing: string): string;
  /** The engine's name of one template file name, relative to `base`. */
  rename(reference: FileReference, base: string): string;
}

/**
 * Replace every template file name of an environment's `resource_registry` (at `path`) by
 * the renaming's answer, in a copy. The top-level registry's `resources` maps resource names
 * to per-resource registries, whose mappings are the registries of a nested stack's
 * resources, at any depth. A `base_url` (top-level or per-resource, as heatclient reads it)
 * sets the base of its mapping and is dropped: the names are resolved.
 */
export function renameRegistryReferences(registry: Data, path: string, renaming: RegistryRenaming, base: string, top = true): Data {
  const here = typeof registry.base_url === "string" ? renaming.base(registry.base_url, join(path, "base_url"), base) : base;
  return mapping(
    Object.entries(registry).flatMap(([key, item]): [string, unknown][] => {
      const at = join(path, key);
      if (key === "base_url") return [];
      if (REGISTRY_SKIP.has(key)) return [[key, item]];
      if (top && key === "resources" && isData(item)) {
        return [[key, mapping(Object.entries(item).map(([name, sub]) => [name, isData(sub) ? renameRegistryReferences(sub, join(at, name), renaming, here, false) : sub]))]];
      }
      if (isData(item)) return [[key, top ? item : renameRegistryReferences(item, at, renaming, here, false)]];
      if (typeof item === "string" && !item.includes("::")) return [[key, renaming.rename({ kind: "template", written: item, path: at }, here)]];
      return [[key, item]];
    }),
  );
}
