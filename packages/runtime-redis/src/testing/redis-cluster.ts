/**
 * A throw-away Redis Cluster on loopback ports: N `redis-server --cluster-enabled yes`
 * masters joined with `redis-cli --cluster create`, waited on until every node reports
 * `cluster_state:ok`.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { startRedisServer } from "./redis-server.js";
import type { RedisServerHandle } from "./redis-server.js";

/** A running cluster. */
export interface RedisClusterHandle {
  /** Startup nodes for `{ cluster: nodes }`. */
  readonly nodes: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  /** Stop every node. */
  stop(): Promise<void>;
}

/** Options of {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** Number of masters (no replicas). @default 3 */
  readonly masters?: number;
  /** `redis-cli` binary. @default "redis-cli" */
  readonly cli?: string;
  /** How long to wait for the cluster to be ready, ms. @default 20000 */
  readonly readyTimeoutMs?: number;
}

async function run(binary: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [...args], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`${binary} ${args.join(" ")} exited with ${code}: ${output}`))));
  });
}

async function clusterOk(server: RedisServerHandle): Promise<boolean> {
  const client = new Redis({ host: server.host, port: server.port, maxRetriesPerRequest: 1, lazyConnect: true });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const info = String(await client.call("CLUSTER", "INFO"));
    return info.includes("cluster_state:ok");
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Start a Redis Cluster of `masters` masters on free loopback ports. */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const masters = options.masters ?? 3;
  const dir = await mkdtemp(join(tmpdir(), "converge-cluster-"));
  const servers: RedisServerHandle[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const nodeDir = await mkdtemp(join(dir, `node-${i}-`));
      servers.push(await startRedisServer({ dir: nodeDir, args: ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"] }));
    }
    await run(options.cli ?? "redis-cli", ["--cluster", "create", ...servers.map((s) => `${s.host}:${s.port}`), "--cluster-replicas", "0", "--cluster-yes"]);
    const until = Date.now() + (options.readyTimeoutMs ?? 20_000);
    while (!(await Promise.all(servers.map(clusterOk))).every(Boolean)) {
      if (Date.now() > until) throw new Error(`the Redis Cluster on ports ${servers.map((s) => s.port).join(", ")} did not become ready`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: servers.map((s) => ({ host: s.host, port: s.port })), stop };
}
