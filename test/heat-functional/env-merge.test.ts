/**
 * Port of Heat's `heat_integrationtests/functional/test_env_merge.py`: two environment files
 * merged in order (later wins), parameters and registry entries, and a per-resource registry.
 *
 * Ported: EnvironmentMergingTests.test_server_environment_merging. Heat's client reads
 * `environment_files` from the files it uploads; here the two environments are given to the
 * engine as a list (Heat's merge order), their text taken from the same `files` mapping.
 */
import { describe, expect, it } from "vitest";
import { HeatKit } from "./support/heat-kit.js";

const TEMPLATE = `
    heat_template_version: 2015-04-30
    parameters:
      p0:
        type: string
        default: CORRECT
      p1:
        type: string
        default: INCORRECT
      p2:
        type: string
        default: INCORRECT
    resources:
      r1:
        type: test::R1
      r2:
        type: test::R2
      r3a:
        type: test::R3
      r3b:
        type: test::R3
`;

const ENV_1 = `
    parameters:
      p1: CORRECT
      p2: INCORRECT-E1
    resource_registry:
      test::R1: OS::Heat::RandomString
      test::R2: BROKEN
      test::R3: OS::Heat::None
`;

const ENV_2 = `
    parameters:
      p2: CORRECT
    resource_registry:
      test::R2: OS::Heat::RandomString
      resources:
        r3b:
          test::R3: OS::Heat::RandomString
`;

describe("EnvironmentMergingTests", () => {
  it("test_server_environment_merging", async () => {
    const heat = new HeatKit();
    const files: Record<string, string> = { "env1.yaml": ENV_1, "env2.yaml": ENV_2 };
    const environmentFiles = ["env1.yaml", "env2.yaml"];
    const stack = await heat.stackCreate(TEMPLATE, { files, environment: environmentFiles.map((f) => files[f] as string) });

    // Since there is no environment show, the registry overriding is partially verified by
    // there being no error. If it wasn't working, test::R2 would remain mapped to BROKEN in env1.
    const resources = await heat.listResources(stack);
    expect(Object.keys(resources).length).toBe(4);

    const parameters = await heat.parameters(stack);
    expect(parameters.p0).toBe("CORRECT");
    expect(parameters.p1).toBe("CORRECT");
    expect(parameters.p2).toBe("CORRECT");

    // r3b has been overridden into a RandomString: it has a value.
    const r3b = await heat.resource(stack, "r3b");
    expect(Object.keys(r3b.attributes)).toContain("value");
  });
});
