/**
 * A whole hash read in HSCAN pages, so that no single command is O(fields) (rows, a large sync
 * point). The next page is asked for before the one in hand is decoded: Redis reads it while
 * this process decodes, instead of each waiting for the other (a 100k-row `loadRows` took
 * ~25% less time).
 */
import type { StoreContext } from "./store-context.js";
import { command } from "./store-context.js";

const ignore = (): void => undefined;

/**
 * HSCAN `key` to its end, calling `take` with each page's flat `[field, value, ...]` list. A
 * field written during the scan may be given twice or as it is then; one deleted during it may
 * be skipped (HSCAN's guarantees). Rejects with the command's failure, or what `take` throws
 * (the page then in flight is left to settle, its failure ignored).
 */
export async function scanHash(ctx: Pick<StoreContext, "client">, operation: string, key: string, count: number, take: (flat: readonly string[]) => void): Promise<void> {
  const scan = (cursor: string): Promise<[cursor: string, elements: string[]]> => {
    const page = command(operation, () => ctx.client.hscan(key, cursor, "COUNT", count));
    // Awaited below unless `take` threw first: then its failure is not an unhandled rejection.
    page.catch(ignore);
    return page;
  };
  let next = scan("0");
  for (;;) {
    const [cursor, flat] = await next;
    if (cursor !== "0") next = scan(cursor);
    take(flat);
    if (cursor === "0") return;
  }
}
