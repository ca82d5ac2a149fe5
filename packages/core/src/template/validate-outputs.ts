/**
 * Validation and compilation of a template's `outputs` section.
 */
import { TemplateValidationError } from "../errors.js";
import { isPlainObject, joinPath, kindOf, setOwn } from "./plain-data.js";
import type { PlainObject } from "./plain-data.js";
import type { Conditions } from "./conditions.js";
import { sealMarker } from "../secrets/seal.js";
import type { CompiledOutput } from "./types.js";
import { OMITTED, checkData } from "./validate-value.js";
import type { ValueCompiler } from "./validate-value.js";

/** What compiling the outputs produced. */
export interface CompiledOutputs {
  /** Compiled outputs in template key order. */
  readonly outputs: Record<string, CompiledOutput>;
  /** Output paths (`outputs.X.value`) a hidden parameter flowed into. */
  readonly hiddenPaths: readonly string[];
}

/**
 * Validate and compile every output, in key order: each is `{ value, description?,
 * condition? }`, and its value's intrinsics are validated like property values (paths
 * `outputs.X.value…`). An output whose condition is false has the value null (as in Heat);
 * its value is only checked to be data. An `if` that leaves the value out also gives null.
 * @throws TemplateValidationError at the offending node.
 */
export function compileOutputs(section: PlainObject, compiler: ValueCompiler, conditions: Conditions): CompiledOutputs {
  const outputs: Record<string, CompiledOutput> = {};
  const hiddenPaths: string[] = [];
  for (const name of Object.keys(section)) {
    const path = joinPath("outputs", name);
    const decl = section[name];
    if (!isPlainObject(decl)) throw new TemplateValidationError(path, `an output must be a mapping with a value, got ${kindOf(decl)}`);
    for (const key of Object.keys(decl)) {
      if (key !== "value" && key !== "description" && key !== "condition") {
        throw new TemplateValidationError(joinPath(path, key), `unknown key "${key}" in an output (allowed: value, description, condition)`);
      }
    }
    const valuePath = joinPath(path, "value");
    if (decl.value === undefined) throw new TemplateValidationError(valuePath, "an output needs a value");
    const description = decl.description;
    if (description !== undefined && typeof description !== "string") {
      throw new TemplateValidationError(joinPath(path, "description"), "description must be a string");
    }
    const condition = decl.condition;
    let value: unknown = null;
    if (condition === undefined || condition === null || conditions.decide(condition, joinPath(path, "condition"))) {
      const compiled = compiler.compile(decl.value, valuePath);
      if (compiled.value !== OMITTED) value = compiled.value;
      if (compiler.usedHidden) {
        hiddenPaths.push(valuePath);
        value = sealMarker(value);
      }
    } else {
      checkData(decl.value, valuePath);
    }
    setOwn(outputs, name, description === undefined ? { value } : { value, description });
  }
  return { outputs, hiddenPaths };
}
