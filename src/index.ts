/**
 * asyncio-ts: Python's asyncio for TypeScript on Node.js.
 *
 * @example
 * import * as asyncio from "asyncio-ts";
 *
 * await asyncio.run(async () => {
 *   const task = asyncio.createTask(() => asyncio.sleep(1, "done"));
 *   console.log(await task);
 * });
 */

// Keeps the task snapshot `asyncio-ts ps` reads reachable from the moment the package loads.
import "./debug/snapshot.js";

export type { AwaitableLike, AwaitedResult } from "./core/awaitable.js";
export { ensureFuture, wrap } from "./core/awaitable.js";
export type { AlarmHost, Clock } from "./core/clock.js";
export { MonotonicClock } from "./core/clock.js";
export type { ContextVarOptions } from "./core/context.js";
export { Context, ContextVar, copyContext, Token } from "./core/context.js";
export { isCoroutineFunction } from "./core/coroutines.js";
export type { BlockedTask } from "./core/deadlock.js";
export { DeadlockError } from "./core/deadlock.js";
export type { Duration } from "./core/durations.js";
export {
  CancelledError,
  InvalidStateError,
  KeyboardInterrupt,
  LookupError,
  RuntimeError,
  TimeoutError,
} from "./core/errors.js";
export { getEventLoop, newEventLoop, setEventLoop } from "./core/events.js";
export type { ExceptionMatcher } from "./core/exceptionGroup.js";
export { ExceptionGroup } from "./core/exceptionGroup.js";
export type { DoneCallbackOptions, FutureOptions } from "./core/future.js";
export {
  Future,
  futureAddToAwaitedBy,
  futureDiscardFromAwaitedBy,
  isFuture,
} from "./core/future.js";
export type { Callback } from "./core/handle.js";
export { Handle, TimerHandle } from "./core/handle.js";
export type { InFlightKind, InFlightOptions, InFlightRecord } from "./core/inFlight.js";
export { InFlight } from "./core/inFlight.js";
export type {
  EventLoopOptions,
  ExceptionContext,
  ExceptionHandler,
  LoopStatistics,
  TaskFactory,
} from "./core/loop.js";
export { EventLoop, getRunningLoop } from "./core/loop.js";
export type { OSErrorOptions } from "./core/osErrors.js";
export {
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  FileNotFoundError,
  GaiError,
  OSError,
  PermissionError,
  ProcessLookupError,
} from "./core/osErrors.js";
export { ModuleNotFoundError } from "./core/peerDependency.js";
export type { RunnerRunOptions, RunOptions } from "./core/runner.js";
export { Runner, run } from "./core/runner.js";
export { sleep } from "./core/sleep.js";
export type { CoroutineFunction, TaskConstructorOptions, TaskOptions } from "./core/task.js";
export {
  allTasks,
  createTask,
  currentSignal,
  currentTask,
  eagerTaskFactory,
  Task,
} from "./core/task.js";
export type {
  CallGraphOptions,
  FrameCallGraphEntry,
  FutureCallGraph,
  PrintCallGraphOptions,
} from "./debug/callGraph.js";
export { captureCallGraph, formatCallGraph, printCallGraph } from "./debug/callGraph.js";
export type { LogExtra, LogHandler, LogLevelName, LogRecord } from "./debug/logger.js";
export { defaultLogHandler, Logger, logger } from "./debug/logger.js";
export type { WorkerExit } from "./executors/errors.js";
export {
  BrokenExecutor,
  BrokenProcessPool,
  BrokenThreadPool,
  WorkerCrashedError,
} from "./executors/errors.js";
export type { Executor, ExecutorShutdownOptions, MapOptions } from "./executors/executor.js";
export type { Job, JobFunction, ModuleJob } from "./executors/jobs.js";
export type { ProcessPoolOptions } from "./executors/processPoolExecutor.js";
export { ProcessPoolExecutor } from "./executors/processPoolExecutor.js";
export type { ThreadPoolOptions } from "./executors/threadPoolExecutor.js";
export { ThreadPoolExecutor } from "./executors/threadPoolExecutor.js";
export { toThread } from "./executors/toThread.js";
export type { MessagePortLike } from "./executors/transfer.js";
export { transfer } from "./executors/transfer.js";
export type { ExecutorStatistics, PoolOptions } from "./executors/workerPool.js";
export { WorkerPoolExecutor } from "./executors/workerPool.js";
export type {
  AsCompletedIterator,
  AsCompletedOptions,
  CompletedFuture,
} from "./flow/asCompleted.js";
export { asCompleted } from "./flow/asCompleted.js";
export type {
  GatheringFuture,
  GatherOptions,
  GatherOutcomes,
  GatherResults,
} from "./flow/gather.js";
export { gather } from "./flow/gather.js";
export { shield } from "./flow/shield.js";
export { TaskGroup, taskGroup } from "./flow/taskGroup.js";
export { Timeout, timeout, timeoutAt } from "./flow/timeout.js";
export type { ReturnWhen, WaitOptions } from "./flow/wait.js";
export { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, wait } from "./flow/wait.js";
export { waitFor } from "./flow/waitFor.js";
export type {
  CreateConnectionOptions,
  CreateUnixConnectionOptions,
} from "./net/createConnection.js";
export type { CreateServerOptions, CreateUnixServerOptions } from "./net/createServer.js";
export type { DatagramEndpointOptions } from "./net/datagram.js";
export type { AddrInfo, GetaddrinfoOptions } from "./net/dns.js";
export {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  AI_ADDRCONFIG,
  AI_ALL,
  AI_CANONNAME,
  AI_NUMERICHOST,
  AI_NUMERICSERV,
  AI_PASSIVE,
  AI_V4MAPPED,
  IPPROTO_TCP,
  IPPROTO_UDP,
  NI_DGRAM,
  NI_NAMEREQD,
  NI_NOFQDN,
  NI_NUMERICHOST,
  NI_NUMERICSERV,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_STREAM,
} from "./net/dns.js";
export type { SSLCertVerificationErrorOptions, SSLErrorOptions } from "./net/errors.js";
export {
  IncompleteReadError,
  LimitOverrunError,
  SSLCertVerificationError,
  SSLError,
} from "./net/errors.js";
export type { AddressFamily } from "./net/family.js";
export type { StreamProtocol } from "./net/protocols.js";
export { BaseProtocol, BufferedProtocol, DatagramProtocol, Protocol } from "./net/protocols.js";
export { Server } from "./net/server.js";
export type { SignalLike } from "./net/signals.js";
export type { LoopStartTlsOptions } from "./net/startTls.js";
export type { StreamReaderOptions } from "./net/streamReader.js";
export { StreamReader } from "./net/streamReader.js";
export type { ClientConnectedCallback } from "./net/streamReaderProtocol.js";
export type {
  OpenConnectionOptions,
  OpenUnixConnectionOptions,
  StartServerOptions,
  StartUnixServerOptions,
} from "./net/streams.js";
export {
  openConnection,
  openUnixConnection,
  startServer,
  startUnixServer,
} from "./net/streams.js";
export type { StartTlsOptions } from "./net/streamWriter.js";
export { StreamWriter } from "./net/streamWriter.js";
export type { SSLOption, SSLServerOption } from "./net/tls.js";
export type {
  BaseTransport,
  Data,
  DatagramTransport,
  ExtraInfo,
  SocketAddress,
  Transport,
} from "./net/transport.js";
export type { SocketFamily } from "./net/transportSocket.js";
export { TransportSocket } from "./net/transportSocket.js";
export { QueueEmpty, QueueFull, QueueShutDown } from "./queues/errors.js";
export { LifoQueue } from "./queues/lifoQueue.js";
export type { PriorityQueueOptions } from "./queues/priorityQueue.js";
export { PriorityQueue } from "./queues/priorityQueue.js";
export type { QueueOptions, QueueStatistics, ShutdownOptions } from "./queues/queue.js";
export { Queue } from "./queues/queue.js";
export type { CreateSubprocessOptions } from "./subprocess/createSubprocess.js";
export { createSubprocessExec, createSubprocessShell } from "./subprocess/createSubprocess.js";
export { Process } from "./subprocess/process.js";
export type { SubprocessOptions } from "./subprocess/spawn.js";
export type { StderrTarget, StdioTarget } from "./subprocess/stdio.js";
export { DEVNULL, PIPE, STDOUT } from "./subprocess/stdio.js";
export type { SubprocessProtocolLike } from "./subprocess/subprocessProtocol.js";
export { SubprocessProtocol } from "./subprocess/subprocessProtocol.js";
export type { SubprocessTransport } from "./subprocess/subprocessTransport.js";
export { Acquirable } from "./sync/acquirable.js";
export type { BarrierState, BarrierStatistics } from "./sync/barrier.js";
export { Barrier, BrokenBarrierError } from "./sync/barrier.js";
export type { ConditionStatistics } from "./sync/condition.js";
export { Condition } from "./sync/condition.js";
export type { EventStatistics } from "./sync/event.js";
export { Event } from "./sync/event.js";
export { Hold } from "./sync/hold.js";
export type { LockStatistics } from "./sync/lock.js";
export { Lock } from "./sync/lock.js";
export type { SemaphoreStatistics } from "./sync/semaphore.js";
export { BoundedSemaphore, Semaphore } from "./sync/semaphore.js";
