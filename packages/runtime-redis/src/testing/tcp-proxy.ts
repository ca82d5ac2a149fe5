/**
 * A TCP proxy in front of a redis-server, for fault injection in tests: every client
 * connection is forwarded as is, while the proxy follows the RESP commands and replies of
 * each connection. Told to, it drops the *reply* to the next command matching a predicate
 * and resets that client connection - the command was executed, the client never learns
 * it, and ioredis sends it again once it has reconnected (a lost reply).
 */
import { createServer, connect } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";

/** A command as the client sent it: its arguments, as text. */
export type RedisCommandArgs = readonly string[];

/** A running proxy. */
export interface TcpProxy {
  /** Port the proxy listens on (127.0.0.1). */
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /**
   * Drop the reply to the next command (on any connection) for which `match` holds, and
   * reset that client connection. Resolves with the command once its reply was dropped.
   */
  dropReplyTo(match: (command: RedisCommandArgs) => boolean): Promise<RedisCommandArgs>;
  /** Replies dropped so far. */
  dropped(): number;
  /** Close the listener and every connection. */
  close(): Promise<void>;
}

/** Where a complete RESP value that starts at `at` ends (exclusive), or -1 when incomplete. */
function respEnd(buf: Buffer, at: number): number {
  if (at >= buf.length) return -1;
  const line = buf.indexOf("\r\n", at);
  if (line < 0) return -1;
  const type = String.fromCharCode(buf[at] as number);
  const header = buf.toString("utf8", at + 1, line);
  const next = line + 2;
  if ("$!=".includes(type)) {
    const length = Number(header);
    if (length < 0) return next;
    return buf.length >= next + length + 2 ? next + length + 2 : -1;
  }
  if ("*~>%|".includes(type)) {
    const count = Number(header) * ("%|".includes(type) ? 2 : 1);
    let pos = next;
    for (let i = 0; i < count; i++) {
      pos = respEnd(buf, pos);
      if (pos < 0) return -1;
    }
    return count < 0 ? next : pos;
  }
  return next; // + - : _ , # ( and anything on one line
}

/** The arguments of a client command (a RESP array of bulk strings) in buf[at, end). */
function commandArgs(buf: Buffer, at: number, end: number): string[] {
  const args: string[] = [];
  let pos = buf.indexOf("\r\n", at) + 2;
  while (pos < end) {
    const line = buf.indexOf("\r\n", pos);
    const length = Number(buf.toString("utf8", pos + 1, line));
    args.push(buf.toString("utf8", line + 2, line + 2 + length));
    pos = line + 2 + length + 2;
  }
  return args;
}

interface Armed {
  readonly match: (command: RedisCommandArgs) => boolean;
  readonly resolve: (command: RedisCommandArgs) => void;
}

/** What the proxy's connections share: open sockets, the armed drop, the count of drops. */
interface ProxyState {
  readonly sockets: Set<Socket>;
  armed: Armed | null;
  dropped: number;
}

/** Target of the proxy. */
type ProxyTarget = { readonly host?: string; readonly port: number };

/**
 * Proxy one client connection to a new server connection: commands pass through (the armed
 * matcher sees each), replies pass back in order except the reply to a matched command,
 * which is dropped with the connection reset.
 */
function proxyConnection(state: ProxyState, target: ProxyTarget, client: Socket): void {
  const server = connect({ host: target.host ?? "127.0.0.1", port: target.port });
  state.sockets.add(client).add(server);
  /** One entry per command sent and not yet answered: what to do when its reply is dropped, if it is to be. */
  const waiting: Array<(() => void) | null> = [];
  let fromClient = Buffer.alloc(0);
  let fromServer = Buffer.alloc(0);
  const reset = (): void => {
    client.destroy();
    server.destroy();
  };
  client.on("data", (chunk: Buffer) => {
    server.write(chunk);
    fromClient = Buffer.concat([fromClient, chunk]);
    for (;;) {
      const end = respEnd(fromClient, 0);
      if (end < 0) break;
      let drop: (() => void) | null = null;
      if (state.armed !== null && fromClient[0] === 0x2a) {
        const args = commandArgs(fromClient, 0, end);
        const hit = state.armed;
        if (hit.match(args)) {
          state.armed = null;
          drop = () => hit.resolve(args);
        }
      }
      waiting.push(drop);
      fromClient = fromClient.subarray(end);
    }
  });
  server.on("data", (chunk: Buffer) => {
    fromServer = Buffer.concat([fromServer, chunk]);
    let forward = 0;
    for (;;) {
      const end = respEnd(fromServer, forward);
      if (end < 0) break;
      const owner = waiting.shift() ?? null;
      if (owner !== null) {
        // The reply to the matched command: never delivered; the connection is reset.
        if (forward > 0) client.write(fromServer.subarray(0, forward));
        state.dropped += 1;
        reset();
        owner();
        return;
      }
      forward = end;
    }
    if (forward > 0) client.write(fromServer.subarray(0, forward));
    fromServer = fromServer.subarray(forward);
  });
  for (const socket of [client, server]) {
    socket.on("error", reset);
    socket.on("close", () => {
      state.sockets.delete(socket);
      reset();
    });
  }
}

/** Start a proxy forwarding to `target` (a redis-server). */
export async function startTcpProxy(target: { readonly host?: string; readonly port: number }): Promise<TcpProxy> {
  const state: ProxyState = { sockets: new Set(), armed: null, dropped: 0 };
  const listener: Server = createServer((client) => proxyConnection(state, target, client));
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (listener.address() as AddressInfo).port;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dropReplyTo(match) {
      return new Promise((resolve) => {
        state.armed = { match, resolve };
      });
    },
    dropped: () => state.dropped,
    async close() {
      for (const socket of state.sockets) socket.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}
