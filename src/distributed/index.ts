/**
 * `asyncio-ts/distributed`: the executor interface over a BullMQ queue on Redis, with workers
 * (`asyncio-ts worker`) on any number of machines. Needs the optional peer dependencies `bullmq`
 * and `ioredis`.
 */
export type { QueueConnection, RedisConnectionOptions } from "./connection.js";
export { JobFailedError, JobRemovedError, WorkerLostError } from "./errors.js";
export type { QueueExecutorOptions, QueueJobOptions } from "./queueExecutor.js";
export { QueueExecutor } from "./queueExecutor.js";
export type { QueueWorkerOptions } from "./queueWorker.js";
export { QueueWorker } from "./queueWorker.js";
