/**
 * @internal How the default exception handler writes a report: asyncio's
 * `default_exception_handler` format, on `asyncio.logger`, with the creation stack of the
 * Future, Task or Handle involved in debug mode.
 */
import { inspect } from "node:util";
import type { ExceptionContext } from "../core/loop.js";
import { logger } from "./logger.js";
import {
  formatSourceTraceback,
  type SourceTraceback,
  sourceTracebackOf,
} from "./sourceTraceback.js";

/**
 * @internal Logs `context` at ERROR on `asyncio.logger` as asyncio's default exception handler
 * does: the message, then each other key on a line, the exception as the record's `error`.
 */
export function logExceptionContext(context: ExceptionContext): void {
  const lines = [context.message || "Unhandled exception in event loop"];
  const keys = Object.keys(context);
  const source = creationStackOf(context);
  if (source !== null && !keys.includes("sourceTraceback")) keys.push("sourceTraceback");
  for (const key of keys.sort()) {
    if (key === "message" || key === "exception") continue;
    if (key === "sourceTraceback" && source !== null) {
      lines.push(`${key}: ${formatSourceTraceback(source)}`);
      continue;
    }
    lines.push(`${key}: ${inspect(context[key], { depth: 1, breakLength: Infinity })}`);
  }
  logger.error(
    lines.join("\n"),
    "exception" in context ? { error: context.exception, context } : { context },
  );
}

/** The creation stack a report shows: its own, or that of its task, future or handle. */
export function creationStackOf(context: ExceptionContext): SourceTraceback | null {
  const own = context["sourceTraceback"];
  if (Array.isArray(own)) return own as SourceTraceback;
  for (const key of ["task", "future", "handle"] as const) {
    const value = context[key];
    if (value !== null && typeof value === "object") {
      const frames = sourceTracebackOf(value);
      if (frames !== null) return frames;
    }
  }
  return null;
}
