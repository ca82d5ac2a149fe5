/**
 * Parsing of the HTTP `Retry-After` header (RFC 9110 section 10.2.3).
 */

/**
 * Milliseconds to wait from a `Retry-After` value: delay-seconds (`"120"`) or an HTTP date.
 * Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
