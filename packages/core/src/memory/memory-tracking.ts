/**
 * The memory runtime's change tracking (`trackChanges`): writes are noted by key as they
 * happen, and `takeChanges` turns what changed since the last take (or checkpoint) into a
 * {@link MemoryChanges} - how the CLI persists a runtime in O(changes).
 */
import { InvalidOptionsError } from "../errors.js";
import { ChangeTracker } from "./changes.js";
import type { MemoryChanges } from "./changes.js";
import type { Clock } from "./clock.js";
import type { MemoryStore } from "./memory-store.js";

/** Change tracking of one memory runtime (off until `start`). */
export class MemoryTracking {
  /** Notes writes once tracking started (after the initial state is loaded). */
  tracker: ChangeTracker | null = null;
  /** Events up to this sequence number were taken. */
  private takenSeq = 0;

  constructor(
    private readonly store: MemoryStore,
    private readonly clock: Clock,
  ) {}

  /** Start noting writes (what is in the store now counts as taken). */
  start(): void {
    this.tracker = new ChangeTracker();
    this.store.tracker = this.tracker;
    this.takenSeq = this.store.events.lastSeq;
  }

  /** A checkpoint was taken: what changed so far is in it. */
  checkpointed(): void {
    this.tracker?.reset();
    this.takenSeq = this.store.events.lastSeq;
  }

  /** What changed since the last take or checkpoint (null: nothing). @throws InvalidOptionsError when not tracking */
  take(): MemoryChanges | null {
    const tracker = this.tracker;
    if (tracker === null) throw new InvalidOptionsError("trackChanges", "takeChanges() needs a runtime made with trackChanges: true");
    if (tracker.isEmpty()) return null;
    const { store } = this;
    const events = store.events;
    const changes: MemoryChanges = {
      savedAt: this.clock.now(),
      stacks: store.stackChanges(tracker),
      events: { seq: events.lastSeq, appended: [...tracker.eventStreams].map((id) => [id, events.eventsAfter(id, this.takenSeq)] as const), retired: [...tracker.retired] },
      tombstones: [...tracker.tombstones],
      queue: { add: [...tracker.added.values()], done: [...tracker.done] },
      timers: { add: [...tracker.timersAdded.values()], done: [...tracker.timersDone] },
    };
    tracker.reset();
    this.takenSeq = events.lastSeq;
    return changes;
  }
}
