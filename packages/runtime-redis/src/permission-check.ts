/**
 * The start-up permission check: once per runtime, before its first write (and before a
 * worker registers), prove that the Redis user may run every command the runtime and BullMQ
 * use, on the runtime's keys and channel - so a restricted user fails at once, naming what
 * to grant, instead of half-way through a traversal.
 *
 * How: each command is called once, harmlessly, with the user's own rights, on probe keys
 * that match the runtime's key patterns - commands of scripts inside one probe script (run
 * by EVAL, then again by EVALSHA on the queue's key pattern), the others directly on a
 * short-lived connection of their own. `ACL DRYRUN` is not used: it needs Redis 7 and the
 * `acl` permission itself, which a restricted user should not have; `COMMAND` tells nothing
 * about permissions. A probe exercises exactly what the runtime will do: commands, key
 * patterns and the channel.
 */
import type { RedisOptions } from "ioredis";
import { RuntimeError, errorMessage } from "@converge/core";
import { SCRIPT_COMMANDS, minimalRedisAcl } from "./acl.js";
import type { RedisRole } from "./acl.js";
import type { RuntimeKeys } from "./keys.js";
import { luaScripts } from "./lua/scripts.js";
import { RedisPermissionError, describeRefusals, isPermissionRefusal, refusalFromMessage } from "./permission-error.js";
import type { RedisRefusal } from "./permission-error.js";
import { redisFailure } from "./script-codes.js";
import { scriptSha } from "./script-loader.js";
import type { RedisClient } from "./script-loader.js";

/** What the check needs from the runtime. */
export interface PermissionTarget {
  /** A new connection with the runtime's settings (closed by the check). */
  readonly connect: () => RedisClient;
  readonly keys: RuntimeKeys;
  readonly queueName: string;
}

const userOf = (client: RedisClient): string => {
  const options = ((client as { isCluster?: boolean }).isCluster === true ? (client.options as { redisOptions?: RedisOptions }).redisOptions : client.options) as RedisOptions | undefined;
  return options?.username ?? "default";
};

/**
 * Verify that the connection's user may run every command a process of `role` needs.
 * @throws RedisPermissionError naming every refused command, the key patterns and the rule to grant
 * @throws RuntimeError when Redis cannot be reached
 */
export async function verifyRedisPermissions(target: PermissionTarget, role: RedisRole): Promise<void> {
  const { keys } = target;
  const client = target.connect();
  const refused: RedisRefusal[] = [];
  const note = (command: string, error: unknown): void => {
    const message = errorMessage(error);
    if (isPermissionRefusal(message)) refused.push({ ...refusalFromMessage(message, command), command });
    else if (!message.startsWith("NOSCRIPT")) throw redisFailure(`permission check (${command})`, error);
  };
  const attempt = async (command: string, run: () => Promise<unknown>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      note(command, error);
    }
  };
  const scriptRefusals = (reply: unknown): void => {
    if (!Array.isArray(reply)) throw new RuntimeError(`the permission probe answered ${JSON.stringify(reply)}`);
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const [command, message] = [String(reply[i]), String(reply[i + 1])];
      if (message === "unprobed") throw new RuntimeError(`the permission probe cannot try ${command} (a bug of the runtime)`);
      if (isPermissionRefusal(message) && !refused.some((r) => r.command === command)) note(command, new Error(message));
    }
  };
  const probe = luaScripts.probePermissions.lua;
  const stackProbe = `${keys.prefix}:{permission-probe}:probe`;
  const queueProbe = `${keys.queuePrefix}:${target.queueName}:permission-probe`;
  try {
    await attempt("INFO", () => client.info("server"));
    await attempt("PING", () => client.ping());
    await attempt("EVAL", async () => scriptRefusals(await client.eval(probe, 1, stackProbe, ...SCRIPT_COMMANDS)));
    await attempt("EVALSHA", async () => scriptRefusals(await client.evalsha(scriptSha("probePermissions"), 1, queueProbe, ...SCRIPT_COMMANDS)));
    await attempt("XREAD", () => client.xread("COUNT", 1, "STREAMS", `${stackProbe}:x`, "0-0"));
    // A valid cancellation of no traversal: listeners of other processes ignore it.
    await attempt("PUBLISH", () => client.publish(keys.cancelChannel, JSON.stringify({ origin: "permission-probe", stackId: "", traversalId: "" })));
    if (role === "worker") {
      await attempt("BZPOPMIN", () => client.bzpopmin(`${queueProbe}:z`, 0.01));
      await attempt("CLIENT|SETNAME", () => client.client("SETNAME", "converge-permission-probe"));
      await attempt("SUBSCRIBE", () => client.subscribe(keys.cancelChannel));
    }
  } finally {
    client.disconnect();
  }
  if (refused.length === 0) return;
  const user = userOf(client);
  const prefix = keys.prefix;
  throw new RedisPermissionError(
    `the Redis user "${user}" may not run ${describeRefusals(refused)}, which a Converge ${role} needs on keys ${prefix}:* and {${prefix}}:* ` +
      `(channel ${prefix}:cancel); grant them, e.g. ACL SETUSER ${user} ${minimalRedisAcl({ prefix, role })} (the runtime's README, "Minimal ACL")`,
    refused,
  );
}
