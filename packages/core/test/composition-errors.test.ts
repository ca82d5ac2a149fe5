/**
 * Bad composed input: each mistake is a typed error whose path goes through the nesting, and
 * nothing is written.
 */
import { describe, expect, it } from "vitest";
import {
  CompositionLimitError,
  EnvironmentError,
  ParameterError,
  MissingTemplateFileError,
  TemplateRecursionError,
  TemplateValidationError,
  createEngine,
  createMemoryRuntime,
} from "@converge/core";
import type { Engine, StackOperationOptions, Template } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType } from "@converge/core/testing";
import { silentLogger } from "./support/protocol-kit.js";

const engine = (limits?: { maxNestingDepth?: number; maxResources?: number }): Engine =>
  createEngine({
    runtime: createMemoryRuntime({ mode: "manual" }),
    types: [createScenarioType(new Reality())],
    logger: silentLogger,
    ...(limits === undefined ? {} : { compositionLimits: limits }),
  });

const child = `
parameters:
  size: { type: string, constraints: [{ allowed_values: [small, large] }] }
resources:
  db: { type: ${SCENARIO_TYPE}, properties: { a: { get_param: size } } }
outputs:
  out: { value: { get_attr: [db, a] } }
`;

/** The error `fn` throws, checked to be a `cls` at `path`. */
function failure<E extends TemplateValidationError>(fn: () => unknown, cls: abstract new (...args: never[]) => E, path: string): E {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(cls);
    expect((error as E).path).toBe(path);
    return error as E;
  }
  throw new Error("expected the call to throw");
}

const app = (props: Record<string, unknown>, type = "child.yaml"): Template => ({ resources: { app: { type, properties: props } } });

describe("composition errors", () => {
  const e = engine();
  const files = { "child.yaml": child };
  const check = (template: Template, opts: StackOperationOptions) => () => e.validateTemplate(template, opts);

  it("a per-resource provider must offer what the global registry's facade declares (Heat's facade check)", () => {
    const facade = "parameters:\n  size: { type: string }\n  zone: { type: string, default: a }\noutputs:\n  out: { value: x }\n";
    const environment = (provider: string) => ({ resource_registry: { "My::Db": "facade.yaml", resources: { app: { "My::Db": provider } } } });
    const withFacade = { ...files, "facade.yaml": facade, "no-out.yaml": child.replace(/outputs:[\s\S]*$/, ""), "no-size.yaml": "resources: {}\noutputs:\n  out: { value: 1 }\n" };
    // child.yaml has `size` and `out` (and need not declare the facade's optional `zone`).
    expect(() => e.validateTemplate(app({ size: "small" }, "My::Db"), { files: withFacade, environment: environment("child.yaml") })).not.toThrow();
    const noSize = failure(check(app({}, "My::Db"), { files: withFacade, environment: environment("no-size.yaml") }), TemplateValidationError, "resources.app.type");
    expect(noSize.message).toMatch(/required property size for facade My::Db \(facade\.yaml\) is missing in provider no-size\.yaml/);
    const noOut = failure(check(app({ size: "small" }, "My::Db"), { files: withFacade, environment: environment("no-out.yaml") }), TemplateValidationError, "resources.app.type");
    expect(noOut.message).toMatch(/attribute out for facade My::Db \(facade\.yaml\) is missing in provider no-out\.yaml/);
  });

  it("a missing file names the node and the files there are", () => {
    const error = failure(check(app({ size: "small" }, "nope.yaml"), { files }), MissingTemplateFileError, "resources.app.type");
    expect(error.message).toMatch(/file "nope\.yaml" is not in the stack's files \(files: child\.yaml\)/);
    failure(check({ resources: { x: { type: SCENARIO_TYPE, properties: { a: { get_file: "gone.txt" } } } } }, { files }), MissingTemplateFileError, "resources.x.properties.a");
  });

  it("a template that includes itself, directly or not, is a recursion error", () => {
    const a = `resources: { b: { type: b.yaml } }`;
    const b = `resources: { a: { type: a.yaml } }`;
    const error = failure(check({ resources: { top: { type: "a.yaml" } } }, { files: { "a.yaml": a, "b.yaml": b } }), TemplateRecursionError, "resources.top.resources.b.resources.a.type");
    expect(error.chain).toEqual(["a.yaml", "b.yaml", "a.yaml"]);
  });

  it("child parameters: undeclared, invalid and missing values are errors at the parent's property", () => {
    failure(check(app({ size: "small", colour: "red" }), { files }), ParameterError, "resources.app.properties.colour");
    failure(check(app({ size: "huge" }), { files }), ParameterError, "resources.app.properties.size");
    const stack = (parameters: Record<string, unknown>): Template => ({ resources: { s: { type: "OS::Heat::Stack", properties: { template: child, parameters } } } });
    failure(check(stack({ size: "huge" }), {}), ParameterError, "resources.s.properties.parameters.size");
    failure(check(stack({ size: "small", x: 1 }), {}), ParameterError, "resources.s.properties.parameters.x");
    failure(check(app({}), { files }), ParameterError, "resources.app.properties.size");
    // Inside the child, paths go through the nesting.
    const bad = child.replace("a: { get_param: size }", "a: { get_param: size }, zz: 1");
    failure(check(app({ size: "small" }), { files: { "child.yaml": bad } }), TemplateValidationError, "resources.app.resources.db.properties.zz");
  });

  it("an unknown output is an error naming the outputs", () => {
    const template: Template = { resources: { app: { type: "child.yaml", properties: { size: "small" } } }, outputs: { o: { value: { get_attr: ["app", "nope"] } } } };
    const error = failure(check(template, { files }), TemplateValidationError, "outputs.o.value");
    expect(error.message).toMatch(/nested stack "app" \(type child\.yaml\) has no output "nope"; its outputs are out/);
  });

  it("a group count must be a non-negative integer known at compile time", () => {
    const group = (count: unknown): Template => ({
      resources: {
        x: { type: SCENARIO_TYPE, properties: { a: "3" } },
        g: { type: "OS::Heat::ResourceGroup", properties: { count, resource_def: { type: SCENARIO_TYPE } } },
      },
    });
    for (const count of [-1, 1.5, "two", [1]]) failure(check(group(count), {}), TemplateValidationError, "resources.g.properties.count");
    const error = failure(check(group({ get_attr: ["x", "a"] }), {}), TemplateValidationError, "resources.g.properties.count");
    expect(error.message).toMatch(/count must be known when the template compiles .* it depends on a resource attribute/);
  });

  it("limits: nesting depth and expanded size, checked before expanding", () => {
    const deep = (n: number): Template => {
      let inner: unknown = { resources: { leaf: { type: SCENARIO_TYPE } } };
      for (let i = 0; i < n; i++) inner = { resources: { s: { type: "OS::Heat::Stack", properties: { template: inner } } } };
      return inner as Template;
    };
    expect(() => engine({ maxNestingDepth: 3 }).validateTemplate(deep(3))).not.toThrow();
    failure(() => engine({ maxNestingDepth: 3 }).validateTemplate(deep(4)), CompositionLimitError, "resources.s.properties.template.resources.s.properties.template.resources.s.properties.template.resources.s.type");
    const huge: Template = { resources: { g: { type: "OS::Heat::ResourceGroup", properties: { count: 1_000_000_000, resource_def: { type: SCENARIO_TYPE } } } } };
    failure(() => e.validateTemplate(huge), CompositionLimitError, "resources.g.properties.count");
  });

  it("environments: unknown sections and alias loops are typed errors", () => {
    failure(check(app({ size: "small" }), { files, environment: [{}, { resource_regsitry: {} } as never] }), EnvironmentError, "environment[1].resource_regsitry");
    const loop = { resource_registry: { "A::X": "A::Y", "A::Y": "A::X" } };
    const error = failure(check(app({ size: "small" }, "A::X"), { files, environment: loop }), EnvironmentError, "resources.app.type");
    expect(error.message).toMatch(/aliases loop: A::X -> A::Y -> A::X/);
  });

  it("a resource name cannot contain the path separator", () => {
    failure(check({ resources: { "a/b": { type: SCENARIO_TYPE } } }, {}), TemplateValidationError, "resources.a/b");
  });
});
