/**
 * The string work of `list_join` and the `str_replace` family, shared by compile-time folding
 * and run-time resolution so both give the same result.
 */

/** How a non-string item becomes text (as Heat): null → "", other non-strings → JSON. */
export function toText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  return JSON.stringify(value) ?? String(value);
}

/** `list_join`: join the items of every list, in order, with `delimiter`. */
export function joinLists(delimiter: string, lists: readonly (readonly unknown[])[]): string {
  const items: string[] = [];
  for (const list of lists) for (const item of list) items.push(toText(item));
  return items.join(delimiter);
}

/**
 * `str_replace`: replace every occurrence of every placeholder. Like Heat, longer
 * placeholders go first (ties in code-unit order), and text produced by a replacement is
 * never scanned again:
 *
 * ```
 *   template "$HOST:$HOST_PORT", params { $HOST: "db", $HOST_PORT: 5432 }
 *   split by "$HOST_PORT" → ["$HOST:", ""] → replace "$HOST" in each piece → "db:5432"
 * ```
 *
 * @param found when given, receives every placeholder that occurred (and was replaced); a
 *   placeholder only inside a longer one's occurrences does not count (`str_replace_strict`).
 */
export function replacePlaceholders(template: string, params: Readonly<Record<string, unknown>>, found?: Set<string>): string {
  const keys = placeholderOrder(params);
  const values = keys.map((k) => toText(params[k]));
  const replace = (text: string, k: number): string => {
    const key = keys[k];
    if (key === undefined) return text;
    if (!text.includes(key)) return replace(text, k + 1);
    found?.add(key);
    return text
      .split(key)
      .map((piece) => replace(piece, k + 1))
      .join(values[k] as string);
  };
  return replace(template, 0);
}

/** The placeholders of `params` in the order `str_replace` replaces them: longest first, ties in code-unit order. */
export function placeholderOrder(params: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(params)
    .filter((k) => k !== "")
    .sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
}
