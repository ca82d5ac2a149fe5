/**
 * Composition on Redis (issue 12): a nested template from `files`, a ResourceGroup scaled up
 * and down, the stored environment and files kept by an update, and one nested stack's view -
 * the protocol and the Redis runtime unchanged, the nesting compiled away.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { createEngine } from "@converge/core";
import type { NestedStackInfo, Template } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { quiet, useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

const member = `
parameters: { index: { type: string } }
resources:
  server: { type: ${SCENARIO_TYPE}, properties: { a: { get_param: index } } }
  port: { type: ${SCENARIO_TYPE}, properties: { a: { get_attr: [server, a] }, c: { get_resource: server } } }
outputs: { port: { value: { get_attr: [port, a] } } }
`;

const template = (count: number): Template => ({
  resources: {
    g: { type: "My::Member::Group", properties: { count, resource_def: { type: "My::Member", properties: { index: "%index%" } } } },
    user: { type: SCENARIO_TYPE, properties: { a: { list_join: [",", { get_attr: ["g", "port"] }] } } },
  },
  outputs: { ports: { value: { get_attr: ["g", "port"] } } },
});

describe("composition on Redis", () => {
  it("a group of template resources: create, scale, views", { timeout: 60_000 }, async () => {
    const reality = new Reality();
    const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("composition"), logger: quiet });
    const api = createEngine({ runtime, types: [createScenarioType(reality)], logger: quiet });
    try {
      const environment = { resource_registry: { "My::Member": "member.yaml", "My::Member::Group": "OS::Heat::ResourceGroup" } };
      await api.createStack("s", template(3), { environment, files: { "member.yaml": member } });
      const created = await api.waitForStack("s");
      assert.equal(created.state, "CREATE_COMPLETE", created.statusReason);
      assert.deepEqual(created.outputs.ports, ["0", "1", "2"]);
      assert.equal(reality.live("user")[0]?.entry.properties.a, "0,1,2");

      // The stored environment and files serve the update.
      await api.updateStack("s", template(1));
      const scaled = await api.waitForStack("s");
      assert.equal(scaled.state, "UPDATE_COMPLETE", scaled.statusReason);
      assert.deepEqual(scaled.outputs.ports, ["0"]);
      assert.deepEqual(reality.live("g/2/server"), []);

      const nested = (await api.getStack("s/g")) as NestedStackInfo;
      assert.equal(nested.kind, "group");
      assert.deepEqual(nested.members, ["g/0"]);
      const member0 = (await api.getStack("s/g/0")) as NestedStackInfo;
      assert.deepEqual(member0.outputs, { port: "0" });
      assert.deepEqual((await api.listResources("s/g/0")).map((r) => r.name).sort(), ["g/0/port", "g/0/server"]);
      await api.deleteStack("s");
      assert.equal((await api.waitForStack("s")).state, "DELETE_COMPLETE");
      assert.equal(reality.entries.size, 0);
    } finally {
      await api.close();
      await runtime.close();
    }
  });
});
