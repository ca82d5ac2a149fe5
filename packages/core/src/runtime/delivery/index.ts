/**
 * The delivery kit: what every runtime (memory, Redis) uses to hand a check to an engine -
 * the fenced view of one delivery, manual stepping, the test controls with one signature and
 * the conformance wait loop.
 *
 * The contract between a runtime and `processCheck` for the claim's read-ahead is explicit:
 * a runtime whose claim of a job already read the check's first state (stack, row, sync
 * point, report mark) passes it as `Delivery.claim` (runtime/contract.ts); `processCheck`
 * reads through `claimedStore` (`claimed-store.ts`), which answers the first read of each
 * claimed value from it, until the check's first write. No proxy keyed on method names.
 */
export { deliveryGuard, fencedView } from "./fenced-view.js";
export type { FenceState, FencedViewOptions, InterceptOperation, LoseReply } from "./fenced-view.js";
export { runUntil, runUntilIdle } from "./scheduler.js";
export type { RunOptions, SteppableScheduler } from "./scheduler.js";
export { deliverUntil } from "./test-controls.js";
export type { BaseStepOptions, DeliverUntilOptions, DeliveryTestControls } from "./test-controls.js";
