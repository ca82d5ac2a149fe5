/**
 * A TCP proxy in front of Redis that can lose a reply: armed with a marker (e.g. a script's
 * sha), it lets the next client chunk that contains the marker through to Redis, then drops
 * whatever Redis answers on that connection and resets the client's socket - the command ran,
 * its reply never arrived, and ioredis sends it again after reconnecting.
 */
import { createServer, connect } from "node:net";
import type { Server, Socket } from "node:net";

/** A running proxy. */
export interface DropProxy {
  readonly url: string;
  /** Lose the reply to the next command whose request contains `marker`. */
  dropNextReply(marker: string): void;
  /** How many replies were dropped. */
  dropped(): number;
  close(): Promise<void>;
}

/** Start a proxy to `target` (host:port) on a free loopback port. */
export async function startDropProxy(target: { readonly host: string; readonly port: number }): Promise<DropProxy> {
  let armed: string | null = null;
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let swallow = false;
    client.on("data", (chunk: Buffer) => {
      if (armed !== null && chunk.includes(armed, 0, "latin1")) {
        armed = null;
        swallow = true;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!swallow) {
        client.write(chunk);
        return;
      }
      dropped += 1;
      client.resetAndDestroy();
      upstream.destroy();
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    dropNextReply: (marker) => void (armed = marker),
    dropped: () => dropped,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
