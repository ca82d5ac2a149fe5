import { describe, expect, it } from "vitest";
import { createEngine, createMemoryRuntime } from "@converge/core";
import { allTypes } from "@converge/plugins";
import { main, scenarios, templateText } from "../../examples/heat-templates/src/main.js";

describe("examples/heat-templates", () => {
  it("are HOT templates the engine validates as they are", async () => {
    const engine = createEngine({ runtime: createMemoryRuntime({ mode: "manual" }), types: allTypes });
    for (const { template } of scenarios) {
      const text = await templateText(template);
      expect(text).toMatch(/^heat_template_version: 20\d\d-\d\d-\d\d$/m);
      expect(() => engine.validateTemplate(text)).not.toThrow();
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
    expect(lines.filter((l) => l === "delete => deleted")).toHaveLength(4);
  });

  it("names an unknown template", async () => {
    await expect(main(["nope"], () => undefined)).rejects.toThrow(/unknown template nope \(known: random-password/);
  });
});
