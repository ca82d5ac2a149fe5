/**
 * A Heat-style HOT template using conditions and the functions over data, converged by the
 * engine on a manual-mode memory runtime: values folded at compile time, values computed at
 * run time from other resources' attributes, a resource that exists only under a condition,
 * and a preview whose unknown values flow through the functions.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createEngine, createMemoryRuntime, defineResourceType } from "@converge/core";
import type { ResourceInfo } from "@converge/core";
import { silentLogger } from "@converge/core/testing";

const TEMPLATE = `
heat_template_version: 2018-08-31
description: A web tier in front of a database, with a backup in production
parameters:
  env: { type: string, default: test, constraints: [{ allowed_values: [test, prod] }] }
  app: { type: string, default: shop }
  ports: { type: comma_delimited_list, default: "80,443" }
  extra_tags: { type: comma_delimited_list, default: "web,blue" }
  backups: { type: boolean, default: true }
  db_password: { type: string, hidden: true, default: s3cret }
conditions:
  is_prod: { equals: [{ get_param: env }, prod] }
  with_backups: { and: [is_prod, { get_param: backups }] }
resources:
  db:
    type: hot:test:Service
    properties:
      name: { str_replace_strict: { template: $APP-db-$ENV, params: { $APP: { get_param: app }, $ENV: { get_param: env } } } }
      password_hash: { digest: [sha256, { get_param: db_password }] }
      replicas: { if: [is_prod, 3, 1] }
      settings: { map_merge: [{ engine: postgres, tls: false }, { if: [is_prod, { tls: true }, {}] }] }
  backup:
    type: hot:test:Service
    condition: with_backups
    properties:
      name: { list_join: ["-", [{ get_param: app }, backup]] }
      source: { get_attr: [db, endpoint] }
  web:
    type: hot:test:Service
    depends_on: db
    properties:
      name: { list_join: ["-", [{ get_param: app }, web]] }
      db_host: { str_split: [":", { get_attr: [db, endpoint] }, 0] }
      db_hosts: { str_split: [",", { get_attr: [db, hosts] }] }
      rules:
        repeat:
          for_each: { <%port%>: { get_param: ports } }
          template: { protocol: tcp, port: <%port%> }
      tags: { list_concat_unique: [[web, { get_param: env }], { get_param: extra_tags }] }
      labels: { map_replace: [{ tier: front, color: blue }, { keys: { color: colour }, values: { blue: { get_param: env } } }] }
      backup: { if: [with_backups, { get_resource: backup }, none] }
      replicated: { not: { equals: [{ get_attr: [db, config, replicas] }, 1] } }
      extra: [{ if: [is_prod, monitored] }, { filter: [[blue], { get_param: extra_tags }] }]
outputs:
  web_url: { value: { str_replace: { template: "http://$HOST/", params: { $HOST: { get_attr: [web, endpoint] } } } } }
  db_port: { value: { str_split: [":", { get_attr: [db, endpoint] }, 1] } }
  backup_endpoint: { value: { get_attr: [backup, endpoint] }, condition: with_backups }
  prod: { value: { if: [is_prod, true, false] } }
`;

/** A fake service: its endpoint and hosts come from its properties, like a cloud would report them. */
function serviceType(cloud: Map<string, Record<string, unknown>>) {
  let created = 0;
  const attributes = (properties: Record<string, unknown>) => ({
    endpoint: `${String(properties.name)}.internal:5432`,
    hosts: "10.0.0.1,10.0.0.2",
    config: { replicas: properties.replicas ?? 1 },
  });
  return defineResourceType({
    type: "hot:test:Service",
    properties: z.object({ name: z.string() }).loose(),
    attributes: ["endpoint", "hosts", "config"],
    updatable: "all",
    async create({ properties }) {
      const physicalId = `svc-${++created}`;
      cloud.set(physicalId, properties);
      return { physicalId, attributes: attributes(properties) };
    },
    async update({ physicalId, properties }) {
      cloud.set(physicalId, properties);
      return { attributes: attributes(properties) };
    },
    async delete({ physicalId }) {
      if (physicalId !== null) cloud.delete(physicalId);
    },
  });
}


function setup() {
  const cloud = new Map<string, Record<string, unknown>>();
  const runtime = createMemoryRuntime({ mode: "manual", order: "random", seed: 3 });
  const engine = createEngine({ runtime, types: [serviceType(cloud)], logger: silentLogger });
  const live = async (): Promise<Map<string, ResourceInfo>> =>
    new Map((await engine.listResources("site")).filter((r) => r.state !== "DELETE_COMPLETE").map((r) => [r.name, r]));
  return { cloud, runtime, engine, live };
}

describe("a HOT template with conditions and functions over data", () => {
  it("converges in test, then in prod (adding the backup), then back (removing it)", async () => {
    const { cloud, runtime, engine, live } = setup();
    await engine.createStack("site", TEMPLATE);
    await runtime.runUntilIdle();
    let stack = await engine.getStack("site");
    expect(stack.state).toBe("CREATE_COMPLETE");
    let rows = await live();
    expect([...rows.keys()].sort()).toEqual(["db", "web"]);

    const db = rows.get("db") as ResourceInfo;
    expect(db.properties).toEqual({
      name: "shop-db-test",
      password_hash: createHash("sha256").update("s3cret").digest("hex"),
      replicas: 1,
      settings: { engine: "postgres", tls: false },
    });
    expect(rows.get("web")?.properties).toEqual({
      name: "shop-web",
      db_host: "shop-db-test.internal",
      db_hosts: ["10.0.0.1", "10.0.0.2"],
      rules: [
        { protocol: "tcp", port: "80" },
        { protocol: "tcp", port: "443" },
      ],
      tags: ["test", "web", "blue"],
      labels: { tier: "front", colour: "test" },
      backup: "none",
      replicated: false,
      extra: [["web"]],
    });
    expect(stack.outputs).toEqual({ web_url: "http://shop-web.internal:5432/", db_port: "5432", backup_endpoint: null, prod: false });

    const preview = await engine.previewUpdate("site", TEMPLATE, { parameters: { env: "prod" } });
    const verdicts = Object.fromEntries(preview.resources.map((e) => [e.name, e.action]));
    expect(verdicts).toEqual({ db: "update", backup: "create", web: "unknown" });
    const web = preview.resources.find((e) => e.name === "web");
    expect(web?.reason).toMatch(/backup/);
    expect(web?.reason).toMatch(/replicated/);

    await engine.updateStack("site", TEMPLATE, { parameters: { env: "prod" } });
    await runtime.runUntilIdle();
    stack = await engine.getStack("site");
    expect(stack.state).toBe("UPDATE_COMPLETE");
    rows = await live();
    expect([...rows.keys()].sort()).toEqual(["backup", "db", "web"]);
    expect(rows.get("db")?.physicalId).toBe(db.physicalId);
    expect(rows.get("db")?.properties).toMatchObject({ name: "shop-db-prod", replicas: 3, settings: { engine: "postgres", tls: true } });
    const backup = rows.get("backup") as ResourceInfo;
    expect(backup.properties).toEqual({ name: "shop-backup", source: "shop-db-prod.internal:5432" });
    expect(rows.get("web")?.properties).toMatchObject({
      db_host: "shop-db-prod.internal",
      tags: ["prod", "web", "blue"],
      labels: { tier: "front", colour: "prod" },
      backup: backup.physicalId,
      replicated: true,
      extra: ["monitored", ["web"]],
    });
    expect(stack.outputs).toEqual({ web_url: "http://shop-web.internal:5432/", db_port: "5432", backup_endpoint: "shop-backup.internal:5432", prod: true });

    await engine.updateStack("site", TEMPLATE, { parameters: { env: "prod", backups: "false" } });
    await runtime.runUntilIdle();
    expect((await engine.getStack("site")).state).toBe("UPDATE_COMPLETE");
    rows = await live();
    expect([...rows.keys()].sort()).toEqual(["db", "web"]);
    expect(cloud.has(backup.physicalId as string)).toBe(false);
    expect(rows.get("web")?.properties).toMatchObject({ backup: "none", replicated: true });
  });

  it("rejects, before anything is written, a template that refers to a resource its condition drops", async () => {
    const { engine, runtime } = setup();
    const broken = TEMPLATE.replace("backup: { if: [with_backups, { get_resource: backup }, none] }", "backup: { get_resource: backup }");
    await expect(engine.createStack("site", broken)).rejects.toThrow(
      /resources\.web\.properties\.backup: get_resource refers to resource "backup", which is not part of the stack: its condition "with_backups" is false/,
    );
    await runtime.runUntilIdle();
    await expect(engine.getStack("site")).rejects.toThrow(/site/);
    await engine.createStack("site", broken, { parameters: { env: "prod" } });
    await runtime.runUntilIdle();
    expect((await engine.getStack("site")).state).toBe("CREATE_COMPLETE");
  });
});
