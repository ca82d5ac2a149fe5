/**
 * Loggers for tests: one that drops everything, one that shows only errors.
 */
import type { Logger } from "../plugin/types.js";

const drop = (): undefined => undefined;

/** A logger that drops every line (an engine or runtime under test that should stay quiet). */
export const silentLogger: Logger = { debug: drop, info: drop, warn: drop, error: drop };

/** A logger that drops all but errors, which go to `console.error` (a failing test shows why). */
export const errorsOnlyLogger: Logger = { debug: drop, info: drop, warn: drop, error: (message: string) => console.error(message) };
