/**
 * Port of Heat's `heat_integrationtests/functional/test_immutable_parameters.py`.
 *
 * Ported: every test of ImmutableParametersTest. Heat answers the refused update with HTTP
 * 400 "The following parameters are immutable and may not be updated: param1"; Converge
 * throws `ImmutableParameterError` naming the parameter, and the stack is left as it was.
 */
import { ImmutableParameterError } from "@converge/core";
import { describe, expect, it } from "vitest";
import { HeatKit } from "./support/heat-kit.js";

const noImmutableField = `
heat_template_version: 2014-10-16
parameters:
  param1:
    type: string
    default: default_value
outputs:
  param1_output:
    description: 'parameter 1 details'
    value: { get_param: param1 }
`;

const immutableField = `
heat_template_version: 2014-10-16
parameters:
  param1:
    type: string
    default: default_value
    immutable: false
outputs:
  param1_output:
    description: 'parameter 1 details'
    value: { get_param: param1 }
`;

describe("ImmutableParametersTest", () => {
  it("test_no_immutable_param_field", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(noImmutableField, { parameters: { param1: "value1" } });
    expect(await heat.output(stack, "param1_output")).toBe("value1");
    await heat.updateStack(stack, noImmutableField, { parameters: { param1: "value2" } });
    expect(await heat.output(stack, "param1_output")).toBe("value2");
  });

  it("test_immutable_param_field_allowed", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(immutableField, { parameters: { param1: "value1" } });
    expect(await heat.output(stack, "param1_output")).toBe("value1");
    const updated = await heat.updateStack(stack, immutableField, { parameters: { param1: "value2" } });
    expect(await heat.output(stack, "param1_output")).toBe("value2");
    expect(updated.state).toBe("UPDATE_COMPLETE");
  });

  it("test_immutable_param_field_error", async () => {
    const heat = new HeatKit();
    const immutableTrue = immutableField.replace("immutable: false", "immutable: true");
    const stack = await heat.stackCreate(immutableTrue, { parameters: { param1: "value1" } });
    expect(await heat.output(stack, "param1_output")).toBe("value1");
    const error = await heat.updateStack(stack, immutableTrue, { parameters: { param1: "value2" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImmutableParameterError);
    expect((error as ImmutableParameterError).names).toEqual(["param1"]);
    expect((error as Error).message).toContain('"param1" is immutable and may not be changed by an update');
    expect((await heat.engine.getStack(stack)).state).toBe("CREATE_COMPLETE");
    expect(await heat.output(stack, "param1_output")).toBe("value1");
  });
});
