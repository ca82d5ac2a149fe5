import { describe, expect, it } from "vitest";
import { createEngine, createMemoryRuntime } from "@converge/core";
import { allTypes } from "@converge/plugins";
import { main, scenarioInputs, scenarios, templateText } from "../../examples/heat-templates/src/main.js";

describe("examples/heat-templates", () => {
  it("are HOT templates the engine validates as they are", async () => {
    const engine = createEngine({ runtime: createMemoryRuntime({ mode: "manual" }), types: allTypes });
    for (const scenario of scenarios) {
      const text = await templateText(scenario.template);
      expect(text).toMatch(/^heat_template_version: 20\d\d-\d\d-\d\d$/m);
      const inputs = await scenarioInputs(scenario);
      expect(() => engine.validateTemplate(text, inputs)).not.toThrow();
    }
    await engine.close();
  });

  it("run each scenario: create, updates (in place or replacing, as Heat would), delete", async () => {
    const lines: string[] = [];
    const results = await main([], (line) => lines.push(line));
    expect([...results.keys()]).toEqual(scenarios.map((s) => s.template));

    const [pwCreate, pwUser, pwRotate] = results.get("random-password") ?? [];
    const password = pwCreate?.outputs.password as string;
    expect(password).toHaveLength(24);
    expect(password.replace(/[^0-9]/g, "").length).toBeGreaterThanOrEqual(2);
    expect(password).toMatch(/[!#%+-]/);
    expect(pwCreate?.outputs.connection_url).toBe(`postgresql://app:${password}@db.internal/app`);
    expect(pwUser?.outputs).toEqual({ password, connection_url: `postgresql://reporting:${password}@db.internal/app` });
    expect(pwUser?.ids).toEqual(pwCreate?.ids);
    expect(pwRotate?.outputs.password).not.toBe(password);
    expect(pwRotate?.ids.db_password).not.toBe(pwCreate?.ids.db_password);
    expect(pwRotate?.ids.connection).toBe(pwCreate?.ids.connection);

    const [chainCreate, chainInPlace, chainReplace] = results.get("test-resource-chain") ?? [];
    const second = chainCreate?.ids.second as string;
    expect(chainCreate?.outputs.chain).toBe(`one -> after-one -> one+${second}`);
    expect(chainInPlace?.outputs).toEqual({ chain: `two -> after-two -> two+${second}`, second_id: second });
    expect(chainInPlace?.ids).toEqual(chainCreate?.ids);
    const replaced = chainReplace?.ids.second as string;
    expect(replaced).not.toBe(second);
    expect(chainReplace?.outputs.chain).toBe(`three -> after-three -> three+${replaced}`);
    expect(chainReplace?.ids.third).toBe(chainCreate?.ids.third);

    const [stubCreate, stubUpdate] = results.get("stubbed-server") ?? [];
    const server = stubCreate?.ids.server as string;
    expect(stubCreate?.outputs).toEqual({ server_id: server, first_network: "private", marker: `${server}:m1.small` });
    expect(stubUpdate?.outputs).toEqual({ server_id: server, first_network: "admin", marker: `${server}:m1.large` });
    expect(stubUpdate?.ids).toEqual(stubCreate?.ids);
    const [appTest, appProd, appBack] = results.get("conditional-app") ?? [];
    const rules = [
      { protocol: "tcp", port: "80" },
      { protocol: "tcp", port: "443" },
    ];
    expect(Object.keys(appTest?.ids ?? {}).sort()).toEqual(["app", "rules", "settings"]);
    expect(appTest?.outputs).toEqual({ rules, app: "db.internal with 1 replicas (unmonitored)", monitor: null, tags: ["test", "app", "web"] });
    const monitor = appProd?.ids.monitor as string;
    expect(monitor).toMatch(/^conditional-app-monitor-/);
    expect(appProd?.outputs).toEqual({ rules, app: "db.internal with 3 replicas (monitor of 3 replicas)", monitor, tags: ["prod", "app", "web"] });
    expect(appProd?.ids.app).toBe(appTest?.ids.app);
    expect(appBack?.ids).toEqual(appTest?.ids);
    expect(appBack?.outputs).toEqual(appTest?.outputs);

    // Composition: a nested database behind a registry alias, a group of nested web servers.
    const [webCreate, webScaled, webResized] = results.get("composed/web-tier") ?? [];
    const dbUrl = webCreate?.outputs.db_url as string;
    expect(dbUrl).toMatch(/^mysql:\/\/app:\S{16}@db\.internal\/app\?size=10$/);
    expect(webCreate?.outputs).toEqual({ db_url: dbUrl, web_names: ["web-0", "web-1", "web-2"], first_web: "web-0" });
    expect(Object.keys(webCreate?.ids ?? {})).toEqual(expect.arrayContaining(["db/password", "db/server", "web/2/config", "web/2/server"]));
    expect(webScaled?.outputs.web_names).toEqual(["web-0", "web-1", "web-2", "web-3"]);
    for (const [name, id] of Object.entries(webCreate?.ids ?? {})) expect(webScaled?.ids[name]).toBe(id);
    expect(webResized?.outputs.db_url).toBe(dbUrl.replace("size=10", "size=20"));
    // In place: the password and every server keep their physical id.
    expect(webResized?.ids).toEqual(webScaled?.ids);
    expect(lines).toContain("update {\"web_count\":4,\"db_size\":20} => UPDATE_COMPLETE: " + Object.keys(webResized?.ids ?? {}).map((r) => `${r} kept`).join(", "));
    expect(lines.filter((l) => l === "delete => deleted")).toHaveLength(5);
  });

  it("names an unknown template", async () => {
    await expect(main(["nope"], () => undefined)).rejects.toThrow(/unknown template nope \(known: random-password/);
  });
});
