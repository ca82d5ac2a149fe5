/**
 * Port of Heat's `heat_integrationtests/functional/test_validation.py`.
 *
 * Ported: SimpleStackValidationTest.test_validate_json_content. Not ported:
 * StackValidationTest (OS::Nova::Server, OS::Heat::SoftwareConfig/SoftwareDeployment).
 */
import { describe, it } from "vitest";
import { HeatKit } from "./support/heat-kit.js";

describe("SimpleStackValidationTest", () => {
  it("test_validate_json_content", async () => {
    const heat = new HeatKit();
    const template = `
heat_template_version: rocky
resources:
  server:
    type: OS::Heat::TestResource
    properties:
      value: =%da
`;
    await heat.stackCreate(template, { expectedStatus: "CREATE_COMPLETE" });
  });
});
