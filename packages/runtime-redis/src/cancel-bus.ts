/**
 * The cancel broadcast: `publishCancel` calls this runtime's listeners at once and publishes
 * on a Redis channel, so listeners of every other runtime over the same prefix (other worker
 * processes) are called too. Each runtime ignores its own messages.
 */
import { randomUUID } from "node:crypto";
import type { CancelListener, Logger } from "@converge/core";
import type { RedisClient } from "./script-loader.js";
import { command } from "./store-context.js";
import { errorMessage } from "@converge/core";

interface CancelMessage {
  readonly origin: string;
  readonly stackId: string;
  readonly traversalId: string;
}

const isCancelMessage = (value: unknown): value is CancelMessage => {
  const v = value as Partial<CancelMessage> | null;
  return typeof v === "object" && v !== null && typeof v.origin === "string" && typeof v.stackId === "string" && typeof v.traversalId === "string";
};

/** Cancellation listeners and the channel that links them across processes. */
export class CancelBus {
  private readonly listeners = new Set<CancelListener>();
  private readonly origin = randomUUID();
  private subscriber: RedisClient | null = null;
  private subscribed: Promise<void> | null = null;

  constructor(
    private readonly client: RedisClient,
    private readonly channel: string,
    private readonly connect: () => RedisClient,
    private readonly logger: Pick<Logger, "warn">,
  ) {}

  /** Add a listener; returns its unsubscribe function. Subscribes to the channel on first use. */
  onCancel(listener: CancelListener): () => void {
    this.listeners.add(listener);
    void this.ready().catch((error: unknown) => this.logger.warn(`cannot subscribe to cancellations: ${errorMessage(error)}`));
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolve once the channel subscription is active. */
  ready(): Promise<void> {
    if (this.subscribed !== null) return this.subscribed;
    const subscriber = this.connect();
    this.subscriber = subscriber;
    subscriber.on("message", (channel: string, text: string) => {
      if (channel !== this.channel) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
      if (!isCancelMessage(parsed)) return this.logger.warn("ignoring a malformed cancellation message", { channel });
      // The start-up permission check publishes a cancellation of no stack: nothing to do.
      if (parsed.origin !== this.origin && parsed.stackId !== "") this.notify(parsed.stackId, parsed.traversalId);
    });
    this.subscribed = command("SUBSCRIBE cancel", async () => {
      await subscriber.subscribe(this.channel);
    });
    return this.subscribed;
  }

  /** Call local listeners, then publish to the other runtimes. */
  async publish(stackId: string, traversalId: string): Promise<void> {
    this.notify(stackId, traversalId);
    const message: CancelMessage = { origin: this.origin, stackId, traversalId };
    await command("PUBLISH cancel", () => this.client.publish(this.channel, JSON.stringify(message)));
  }

  /** Drop the subscription. */
  async close(): Promise<void> {
    this.listeners.clear();
    this.subscriber?.disconnect();
    this.subscriber = null;
  }

  private notify(stackId: string, traversalId: string): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(stackId, traversalId);
      } catch (error) {
        this.logger.warn(`a cancel listener threw: ${errorMessage(error)}`);
      }
    }
  }
}
