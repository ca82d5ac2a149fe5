/**
 * The error classes: each declares its name explicitly, so a minifier that renames classes
 * changes neither `error.name` nor `instanceof` (brands are registered by that name); a bad
 * stack name is its own class, not a template error.
 */
import { describe, expect, it } from "vitest";
import * as core from "@converge/core";
import { ConvergeError, ErrorCode, InvalidOptionsError, InvalidStackNameError, ResourceError, RuntimeStateError, StackNotFoundError, TemplateValidationError, createEngine, createMemoryRuntime } from "@converge/core";
import { MemoryStore } from "@converge/core/internal";
import { silentLogger } from "./support/protocol-kit.js";

type ErrorClass = (abstract new (...args: never[]) => ConvergeError) & { readonly errorName: string };

const errorClasses = (Object.entries(core) as [string, unknown][]).filter(
  (entry): entry is [string, ErrorClass] =>
    typeof entry[1] === "function" && (entry[1] === ConvergeError || Object.prototype.isPrototypeOf.call(ConvergeError.prototype, (entry[1] as { prototype: object }).prototype)),
);

/** Give `ctor` the name a minifier would, run `body`, and restore it. */
function minified<T>(ctor: { readonly name: string }, body: () => T): T {
  const original = Object.getOwnPropertyDescriptor(ctor, "name");
  Object.defineProperty(ctor, "name", { value: "e", configurable: true });
  try {
    return body();
  } finally {
    if (original !== undefined) Object.defineProperty(ctor, "name", original);
  }
}

describe("error names", () => {
  it("every exported error class declares its own name, the one it is exported as", () => {
    expect(errorClasses.length).toBeGreaterThan(20);
    for (const [exported, ctor] of errorClasses) {
      expect(Object.getOwnPropertyDescriptor(ctor, "errorName")?.value, exported).toBe(exported);
    }
  });

  it("a renamed (minified) class keeps its error name and its instanceof brand", () => {
    const error = minified(StackNotFoundError, () => new StackNotFoundError("s"));
    expect(error.name).toBe("StackNotFoundError");
    expect(error).toBeInstanceOf(StackNotFoundError);
    expect(error).toBeInstanceOf(ConvergeError);
    expect(minified(StackNotFoundError, () => error instanceof StackNotFoundError)).toBe(true);
    expect(minified(ConvergeError, () => new InvalidStackNameError("9") instanceof StackNotFoundError)).toBe(false);
  });

  it("a plugin's subclass without a declared name is known by its class name", () => {
    class QuotaError extends ResourceError {}
    const error = new QuotaError("over quota");
    expect(error.name).toBe("QuotaError");
    expect(error).toBeInstanceOf(QuotaError);
    expect(error).toBeInstanceOf(ResourceError);
    expect(new ResourceError("x")).not.toBeInstanceOf(QuotaError);
  });
});

describe("InvalidStackNameError", () => {
  it("is what createStack throws for a bad name, before anything is written", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const engine = createEngine({ runtime, types: [], logger: silentLogger });
    for (const name of ["9bad", "a b", ""]) {
      const error: unknown = await engine.createStack(name, { resources: {} }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidStackNameError);
      expect(error).not.toBeInstanceOf(TemplateValidationError);
      expect((error as ConvergeError).code).toBe(ErrorCode.STACK_NAME_INVALID);
      expect((error as Error).name).toBe("InvalidStackNameError");
    }
    expect(await engine.listStacks()).toEqual([]);
    await runtime.close();
  });

  it("names the rejected value, a non-string too", () => {
    expect(new InvalidStackNameError("9bad")).toMatchObject({ stackName: "9bad", message: expect.stringContaining('invalid stack name "9bad"') as unknown });
    expect(new InvalidStackNameError(42).stackName).toBe("42");
  });
});

describe("RuntimeStateError", () => {
  it("is what a runtime throws for a call its state refuses, not an InvalidOptionsError", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    await runtime.registerWorker("e1", async () => undefined);
    const error: unknown = await runtime.registerWorker("e1", async () => undefined).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RuntimeStateError);
    expect(error).not.toBeInstanceOf(InvalidOptionsError);
    expect(error).toMatchObject({ code: ErrorCode.RUNTIME_STATE, name: "RuntimeStateError", subject: 'engine "e1"' });
    expect((error as Error).message).toContain('engine "e1" is already registered');
    await runtime.close();
  });

  it("names a step with no live engine to deliver to", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    await runtime.enqueue([{ kind: "watchdog", stackId: "s", traversalId: "t" } as never]);
    await expect(runtime.step()).rejects.toMatchObject({ code: ErrorCode.RUNTIME_STATE, subject: "engine" });
    await runtime.close();
  });

  it("refuses a snapshot loaded into a memory store that holds stacks", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const engine = createEngine({ runtime, types: [], logger: silentLogger });
    await engine.createStack("s", { heat_template_version: "2018-08-31", resources: {} });
    await runtime.runUntilIdle();
    const snapshot = runtime.snapshot();
    const store = runtime.store as MemoryStore;
    expect(() => store.importStacks(snapshot.stacks)).toThrow(RuntimeStateError);
    expect(() => new MemoryStore({ fused: true, maxEventsPerStack: 10 }).importStacks(snapshot.stacks)).not.toThrow();
    await engine.close();
    await runtime.close();
  });
});
