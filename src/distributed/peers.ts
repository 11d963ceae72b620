/**
 * The peer dependencies of `asyncio-ts/distributed`, loaded only when that module is imported:
 * BullMQ (the queue) and ioredis (its Redis client, also the cancellation channel's).
 */
import { importPeer } from "../core/peerDependency.js";

/** The BullMQ module. */
export const bullmq = await importPeer<typeof import("bullmq")>("bullmq", "distributed", "^6.0.0");

type IORedisModule = typeof import("ioredis");

const ioredisModule = await importPeer<IORedisModule>("ioredis", "distributed", "^5.0.0");

/** ioredis' client class. */
export const Redis: IORedisModule["Redis"] =
  ioredisModule.Redis ?? (ioredisModule as unknown as { default: IORedisModule["Redis"] }).default;
