/**
 * Secrets in the CLI: a hidden parameter and a secret property are never printed (apply,
 * show, show --json without the types loaded, list, events) nor stored in clear in the
 * state file; Redis URLs never show their password; `--redis-url-file` keeps it off the
 * command line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "@converge/cli";
import { captureIo } from "./support/capture-io.js";
import { redactUrl } from "../src/redact-url.js";

const SECRET = "pw-Zq81-hidden-value";
const NOTE_SECRET = "note-Kx72-secret-prop";
const NOTE_TYPES = join(import.meta.dirname, "fixtures/note-types.ts");

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});


const TEMPLATE = `parameters:
  pw: { type: string, hidden: true }
resources:
  v:
    type: OS::Heat::Value
    properties: { value: { str_replace: { template: "user:$pw", params: { $pw: { get_param: pw } } } } }
  echo:
    type: OS::Heat::TestResource
    properties: { value: { get_attr: [v, value] } }
  note:
    type: test:cli:Note
    properties: { text: hello, secret: ${NOTE_SECRET} }
outputs:
  value: { value: { get_attr: [v, value] } }
  echoed: { value: { get_attr: [echo, output] } }
  direct: { value: { get_param: pw } }
`;

describe("secrets in the CLI", () => {
  it("never prints a hidden parameter or a secret property, with or without the types, nor stores them in clear", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "converge-secrets-"));
    dirs.push(cwd);
    writeFileSync(join(cwd, "t.yaml"), TEMPLATE);
    const run = async (argv: string[]): Promise<string> => {
      const out = captureIo(cwd);
      const code = await runCli(argv, out);
      expect(code, out.err).toBe(0);
      return out.out + out.err;
    };
    const printed = [
      await run(["apply", "t.yaml", "--stack", "s", "--param", `pw=${SECRET}`, "--types", NOTE_TYPES]),
      await run(["show", "s", "--json", "--types", NOTE_TYPES]),
      await run(["show", "s", "--json", "--no-default-types"]),
      await run(["show", "s", "--all"]),
      await run(["list", "--json"]),
      await run(["events", "s"]),
    ];
    const state = readFileSync(join(cwd, ".converge/state.json"), "utf8");
    for (const text of [...printed, state]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(NOTE_SECRET);
    }
    const shown = JSON.parse(printed[2] ?? "") as { stack: { outputs: Record<string, unknown> }; resources: Array<{ name: string; properties: Record<string, unknown> }> };
    expect(shown.stack.outputs).toEqual({ value: "user:******", echoed: "user:******", direct: "******" });
    expect(shown.resources.find((r) => r.name === "note")?.properties).toEqual({ text: "hello", secret: "******" });
    // Applying again with the same value: the state's sealed values compare equal, nothing changes.
    const again = await run(["apply", "t.yaml", "--stack", "s", "--param", `pw=${SECRET}`, "--types", NOTE_TYPES]);
    expect(again).not.toContain(SECRET);
    const rows = JSON.parse(await run(["show", "s", "--json", "--types", NOTE_TYPES])) as { resources: Array<{ name: string; state: string }> };
    expect(rows.resources.map((r) => `${r.name}:${r.state}`).sort()).toEqual(["echo:CREATE_COMPLETE", "note:CREATE_COMPLETE", "v:CREATE_COMPLETE"]);
  });

  it("redacts the password of a Redis URL, in the authority or the query", () => {
    expect(redactUrl("redis://user:secret@host:6379/0")).toBe("redis://user:***@host:6379/0");
    expect(redactUrl("rediss://:secret@host")).toBe("rediss://:***@host");
    expect(redactUrl("redis://host:6379")).toBe("redis://host:6379");
    expect(redactUrl("redis://host:6379/0?password=secret&db=1")).toBe("redis://host:6379/0?password=***&db=1");
    expect(redactUrl("rediss://u@host?tls=1&Password=secret")).toBe("rediss://u@host?tls=1&Password=***");
  });

  it("shows no password in errors, and reads the URL from --redis-url-file", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "converge-secrets-"));
    dirs.push(cwd);
    const bad = captureIo(cwd);
    expect(await runCli(["list", "--redis", "http://u:secret1@host?password=secret2"], bad)).toBe(2);
    expect(bad.err).toMatch(/expected a redis:\/\/ or rediss:\/\/ URL/);
    const unreachable = captureIo(cwd);
    expect(await runCli(["list", "--redis", "redis://127.0.0.1:1/0?password=secret3"], unreachable)).not.toBe(0);
    expect(unreachable.err).toContain("redis://127.0.0.1:1/0?password=***");
    writeFileSync(join(cwd, "redis-url"), "redis://:secret4@127.0.0.1:1\n");
    const fromFile = captureIo(cwd);
    expect(await runCli(["list", "--redis-url-file", "redis-url"], fromFile)).not.toBe(0);
    expect(fromFile.err).toContain("redis://:***@127.0.0.1:1");
    const both = captureIo(cwd);
    expect(await runCli(["list", "--redis-url-file", "redis-url", "--redis", "redis://127.0.0.1:1"], both)).toBe(2);
    expect(both.err).toMatch(/--redis-url-file.*cannot be used with --redis/);
    for (const text of [bad.err, unreachable.err, fromFile.err, both.err, bad.out, unreachable.out, fromFile.out]) {
      expect(text).not.toMatch(/secret[1-4]/);
    }
  });
});
