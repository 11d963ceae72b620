/** The entry point of a thread pool's worker thread. */
import { parentPort, receiveMessageOnPort } from "node:worker_threads";
import type { ToWorker } from "../protocol.js";
import { JobRunner } from "./jobRunner.js";

const port = parentPort;
if (port === null) throw new Error("the thread pool's worker entry runs only in a worker thread");
const runner = new JobRunner(
  (message) => port.postMessage(message),
  () => receiveMessageOnPort(port)?.message as ToWorker | undefined,
);
port.on("message", (message: ToWorker) => runner.handle(message));
