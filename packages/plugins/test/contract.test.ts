/**
 * The plugin author's kit (`runResourceTypeContract`) over every type of this package.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { runResourceTypeContract } from "@converge/core/testing";
import { HttpResource, LocalFile, None, RandomString, TestResource, Value } from "@converge/plugins";
import type { JsonServer } from "./support/json-server.js";
import { startJsonServer } from "./support/json-server.js";

let server: JsonServer;
let dir: string;
beforeAll(async () => {
  server = await startJsonServer();
  dir = await mkdtemp(join(tmpdir(), "converge-contract-"));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const registrar = { describe, it };

runResourceTypeContract(
  TestResource,
  { create: { value: "a" }, update: { value: "b", wait_secs: 0 }, replace: { value: "b", update_replace: true }, hang: { wait_secs: -1 }, exists: "stateless" },
  registrar,
);

runResourceTypeContract(RandomString, { create: { length: 12 }, replace: { length: 12, salt: "2" }, exists: "stateless" }, registrar);

runResourceTypeContract(None, { create: { anything: { goes: [1] } }, exists: "stateless" }, registrar);

runResourceTypeContract(Value, { create: { value: "x" }, update: { value: 42, type: "number" }, exists: "stateless" }, registrar);

runResourceTypeContract(
  LocalFile,
  {
    create: () => ({ path: join(dir, "a.txt"), content: "one", mode: "0640" }),
    update: () => ({ path: join(dir, "a.txt"), content: "two", mode: "0600" }),
    replace: () => ({ path: join(dir, "b.txt"), content: "two" }),
  },
  registrar,
);

runResourceTypeContract(
  HttpResource,
  {
    create: () => ({ url: `${server.url}/items`, body: { name: "one" }, token: "tok-create-1", headers: { "x-api-key": "key-create-1" } }),
    update: () => ({ url: `${server.url}/items`, body: { name: "two" }, update_method: "PATCH", token: "tok-update-2", headers: { "x-api-key": "key-update-2" } }),
    replace: () => ({ url: `${server.url}/others`, body: { name: "two" }, token: "tok-replace-3", headers: { "x-api-key": "key-replace-3" } }),
    hang: () => ({ url: `${server.url}/hang`, retries: 0 }),
  },
  registrar,
);
