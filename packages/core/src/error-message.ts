/**
 * The message of anything thrown: an `Error`'s message, else its string form. The one way
 * code reads a caught value's message (a caught value is `unknown`: it need not be an Error).
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
