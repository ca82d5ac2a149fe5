/**
 * The engine's public types: what `createEngine` returns (`create-engine.ts` builds it).
 */
import type { StackEvent } from "../model/types.js";
import type { CompiledTemplate, Template } from "../template/types.js";
import type { AbandonedResource, AbandonedStack } from "./abandon.js";
import type { StackOperationOptions } from "./options.js";
import type { PreviewResult } from "./preview.js";
import type { ResourceInfo, StackInfo } from "./stack-view.js";

/** A template given as an object or as JSON/YAML text. */
export type TemplateInput = Template | string;

/** Options of `events`. */
export interface EventsOptions {
  /** Keep following new events until `signal` aborts or the consumer stops. @default false */
  readonly follow?: boolean;
  /** Start after this sequence number (exclusive). @default from the beginning */
  readonly after?: string;
  /** Stops a following iteration. */
  readonly signal?: AbortSignal;
}

/** The engine. */
export interface Engine {
  /** This engine's id (lock holder name, liveness lease). */
  readonly engineId: string;
  /** Validate and compile a template without touching any stack. */
  validateTemplate(template: TemplateInput, options?: StackOperationOptions): CompiledTemplate;
  /** Create a stack; resolves once its traversal started. @throws StackExistsError, InvalidStackNameError, TemplateValidationError */
  createStack(name: string, template: TemplateInput, options?: StackOperationOptions): Promise<StackInfo>;
  /**
   * Converge a stack to a new template, superseding any traversal in flight. Options not
   * given keep the stack's previous values (parameters included).
   */
  updateStack(name: string, template: TemplateInput, options?: StackOperationOptions): Promise<StackInfo>;
  /**
   * Check a stack against reality (Heat's `stack check`): a CHECK traversal reads every
   * created resource through its type's `read` and records IN_SYNC, DRIFTED (which
   * properties), MISSING or UNCHECKED (no `read`) per row; it changes nothing and any update
   * or delete supersedes it. Resolves once started. @throws StackStateError while IN_PROGRESS
   */
  checkStack(name: string): Promise<StackInfo>;
  /** Delete a stack (converge to the empty template), superseding any traversal in flight. */
  deleteStack(name: string): Promise<StackInfo>;
  /** Roll back to the last completed template (or to empty if none). Allowed while IN_PROGRESS or FAILED. */
  rollbackStack(name: string): Promise<StackInfo>;
  /**
   * Cancel the traversal in flight: in-flight plugin calls are aborted; with `rollback`
   * (default) a rollback starts, without it the stack is marked `<ACTION>_FAILED` "cancelled".
   * A check is only stopped (`CHECK_FAILED` "cancelled"): it changed nothing to roll back.
   */
  cancelUpdate(name: string, options?: { rollback?: boolean }): Promise<StackInfo>;
  /** What an update to `template` would do to each resource, without doing it. */
  previewUpdate(name: string, template: TemplateInput, options?: StackOperationOptions): Promise<PreviewResult>;
  /**
   * The stack's state and outputs. `getStack("stack/app")` shows one nested stack (a
   * `NestedStackInfo`: its parameters, outputs, members and a status from its rows).
   * @throws StackNotFoundError
   */
  getStack(name: string): Promise<StackInfo>;
  /** Names of every stack. */
  listStacks(): Promise<string[]>;
  /**
   * Every row of the stack (all incarnations of every resource); `listResources("stack/app")`
   * only those of nested stack `app` (at any depth).
   */
  listResources(name: string): Promise<ResourceInfo[]>;
  /**
   * The stack's events (stack and resource state changes), optionally followed live. A
   * resource event of a nested resource carries `nestedStack`; `events("stack/app")` gives
   * the stack's events and those of nested stack `app`'s resources (at any depth).
   */
  events(name: string, options?: EventsOptions): AsyncIterable<StackEvent>;
  /** Resolve when the current traversal (and any rollback it starts) ends. */
  waitForStack(name: string, options?: { signal?: AbortSignal }): Promise<StackInfo>;
  /**
   * Adopt the existing resource `physicalId` as resource `name` of the stack (whose template
   * names it, and which has no live row for it): an update traversal to the current template
   * with `external_id` set on that resource, so it is read (never created), then managed.
   * @throws ImportError
   */
  importResource(stackName: string, name: string, physicalId: string): Promise<StackInfo>;
  /**
   * Stop managing a settled stack without deleting anything (Heat's abandon): its records are
   * removed (leaving a tombstone), no plugin is called; returns what `adoptStack` takes back.
   * @throws StackStateError while IN_PROGRESS
   */
  abandonStack(name: string): Promise<AbandonedStack>;
  /**
   * Stop managing one resource without deleting it (`terraform state rm`): an update to the
   * current template without it, whose cleanup forgets its row. A later template that names
   * it again creates a new one. @throws StackStateError when anything still refers to it
   */
  abandonResource(stackName: string, name: string): Promise<AbandonedResource>;
  /**
   * Create stack `name` from an abandoned stack, every resource imported through its
   * physical id (no create call), without automatic rollback. @throws AbandonedStackError
   */
  adoptStack(name: string, abandoned: AbandonedStack): Promise<StackInfo>;
  /**
   * Resolves once the engine's worker is registered with the runtime (lease held, checks
   * delivered to it) - at once for an engine made with `worker: false`.
   * @throws what the runtime's `registerWorker` threw (e.g. the engine id is alive elsewhere)
   */
  ready(): Promise<void>;
  /** Stop processing checks and release the liveness lease. */
  close(): Promise<void>;
}
