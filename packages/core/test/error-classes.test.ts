/**
 * The error classes: each declares its name explicitly, so a minifier that renames classes
 * changes neither `error.name` nor `instanceof` (brands are registered by that name); a bad
 * stack name is its own class, not a template error.
 */
import { describe, expect, it } from "vitest";
import * as core from "@converge/core";
import { ConvergeError, ErrorCode, InvalidStackNameError, ResourceError, StackNotFoundError, TemplateValidationError, createEngine, createMemoryRuntime } from "@converge/core";
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
