/**
 * Exit codes of the `converge` command.
 */
import {
  AbandonedStackError,
  InvalidOptionsError,
  InvalidStackNameError,
  TemplateValidationError,
} from "@converge/core";
import { TemplateFileError } from "./template-file.js";

/** Exit codes. */
export const EXIT = {
  /** The command did what it was asked (an operation ended in the wanted state). */
  OK: 0,
  /** The operation failed (a FAILED or rolled-back stack), or a runtime/state error. */
  FAILED: 1,
  /** Bad usage or bad input: unknown option, invalid stack name, template or parameter. */
  USAGE: 2,
  /**
   * A plan that needed a confirmation did not get it (answered no, or no terminal to ask and
   * no `--yes`): nothing was changed.
   */
  NOT_CONFIRMED: 3,
  /** Following was interrupted (Ctrl-C); the stack keeps its state. */
  INTERRUPTED: 130,
} as const;

/** The exit code an error maps to. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof InvalidOptionsError || error instanceof InvalidStackNameError || error instanceof TemplateValidationError || error instanceof TemplateFileError || error instanceof AbandonedStackError) {
    return EXIT.USAGE;
  }
  return EXIT.FAILED;
}
