import { it } from "vitest";
import { Reality, memoryScenarioHarness, scenarios } from "@converge/core/testing";
import { dump } from "../src/testing/scenarios/helpers.js";

it("scratch", async () => {
  for (const name of ["15", "16", "21", "03"]) {
    const s = scenarios.find((x) => x.name.startsWith(name))!;
    const reality = new Reality();
    let rt: any;
    const h = await memoryScenarioHarness({ duplicate: true, onRuntime: (r) => (rt = r) })(reality);
    await s.run(h);
    console.log(s.name, rt.stats(), "\n", dump(h), reality.calls.map((c) => c.op + ":" + c.name).join(" "));
  }
});
