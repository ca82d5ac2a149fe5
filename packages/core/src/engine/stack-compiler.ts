/**
 * How the engine compiles a stack's template: with the stack's parameters, environment and
 * files, its identity (`OS::stack_name`, `OS::stack_id`), the engine's project id and limits.
 */
import type { StackRecord } from "../model/types.js";
import type { EnvironmentInput } from "../template/compose/environment.js";
import type { TemplateFiles } from "../template/compose/files.js";
import { compileTemplate, parseTemplate } from "../template/index.js";
import type { CompiledTemplate, Template } from "../template/types.js";
import type { ResolvedEngineOptions, StackOperationOptions } from "./options.js";
import { resolveStackOptions } from "./options.js";
import { openEnvironment } from "./stored-environment.js";

/** The stack a template is compiled for. */
export interface CompileTarget {
  /** Stack name (`OS::stack_name`). */
  readonly name: string;
  /** Stack id (`OS::stack_id`; nested stacks' ids derive from it). */
  readonly id: string;
  /** Whether it is an update (a group's rolling update shapes it). */
  readonly update: boolean;
}

/** The engine's compile functions. */
export interface StackCompiler {
  /** Compile `template` with `opts` for `stack` (none: a bare validation). */
  compile(template: Template | string, opts: StackOperationOptions | undefined, stack?: CompileTarget): CompiledTemplate;
  /** The environment and files an update uses: the given ones, else the stack's stored ones. */
  composition(previous: StackRecord, opts: StackOperationOptions | undefined): Pick<StackOperationOptions, "environment" | "files">;
}

/** The compile functions of an engine with `resolved` options. */
export function stackCompiler(resolved: ResolvedEngineOptions): StackCompiler {
  return {
    compile(template, opts, stack) {
      const object = typeof template === "string" ? parseTemplate(template) : template;
      const stackOptions = resolveStackOptions(opts);
      return compileTemplate(object, {
        types: resolved.types,
        parameters: stackOptions.parameters as Record<string, unknown>,
        ...(stackOptions.environment === undefined ? {} : { environment: stackOptions.environment as EnvironmentInput }),
        ...(stackOptions.files === undefined ? {} : { files: stackOptions.files as TemplateFiles }),
        ...(stack === undefined ? {} : { stackName: stack.name, stackId: stack.id, update: stack.update }),
        projectId: resolved.projectId,
        limits: resolved.compositionLimits,
      });
    },
    composition(previous, opts) {
      const stored = previous.options.environment;
      const environment = opts?.environment ?? (stored === undefined ? undefined : openEnvironment(stored));
      const files = opts?.files ?? (previous.options.files as TemplateFiles | undefined);
      return { ...(environment === undefined ? {} : { environment }), ...(files === undefined ? {} : { files }) };
    },
  };
}
