/**
 * The errors the queues raise, as asyncio's `QueueEmpty`, `QueueFull` and `QueueShutDown`.
 */
import { named } from "../core/errors.js";

/** Raised by `Queue.getNowait()` when the queue is empty. */
export class QueueEmpty extends Error {}
named(QueueEmpty, "QueueEmpty");

/** Raised by `Queue.putNowait()` when the queue is full. */
export class QueueFull extends Error {}
named(QueueFull, "QueueFull");

/** Raised by queue operations after `Queue.shutdown()`. */
export class QueueShutDown extends Error {}
named(QueueShutDown, "QueueShutDown");
