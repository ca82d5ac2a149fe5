/**
 * `createStack` answers its view from the template it just stored (not read back): the view is
 * the one `getStack` reads from Redis right after (a manual-mode runtime runs nothing in
 * between) - parameters given, defaulted, hidden and pseudo, and outputs alike.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { createEngine } from "@converge/core";
import type { Template } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { quiet, useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

const template: Template = {
  parameters: {
    size: { type: "number", default: 3 },
    label: { type: "string" },
    pw: { type: "string", hidden: true },
    flags: { type: "comma_delimited_list", default: "a,b" },
  },
  resources: {
    a: { type: SCENARIO_TYPE, properties: { a: { get_param: "label" } } },
    b: { type: SCENARIO_TYPE, properties: { a: { get_param: "pw" } }, depends_on: ["a"] },
  },
  outputs: {
    label: { value: { get_param: "label" } },
    size: { value: { get_param: "size" } },
    name: { value: { get_param: "OS::stack_name" } },
    attr: { value: { get_attr: ["a", "a"] } },
  },
};

describe("createStack's answer on Redis", () => {
  it("is the view getStack reads back, without reading the template back unless JSON would change it", { timeout: 30_000 }, async () => {
    const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("created"), mode: "manual", checkPermissions: false, logger: quiet });
    const engine = createEngine({ runtime, types: [createScenarioType(new Reality())], logger: quiet });
    const loadTemplate = runtime.store.loadTemplate.bind(runtime.store);
    let loads = 0;
    runtime.store.loadTemplate = async (stackId, templateId) => {
      loads++;
      return loadTemplate(stackId, templateId);
    };
    try {
      const created = await engine.createStack("s", template, { parameters: { label: "x", pw: "secret-pw" } });
      assert.equal(loads, 0, "the template in hand gives the view");
      assert.deepEqual(created, await engine.getStack("s"));
      assert.notEqual(created.parameters.pw, "secret-pw", "a hidden value is redacted");
      // -0 reads back from JSON as 0: that view reads the stored template.
      const negativeZero = await engine.createStack("z", template, { parameters: { label: "x", pw: "secret-pw", size: -0 } });
      assert.equal(loads, 2, "read back (getStack's read counted)");
      assert.deepEqual(negativeZero, await engine.getStack("z"));
    } finally {
      await engine.close();
      await runtime.close();
    }
  });
});
