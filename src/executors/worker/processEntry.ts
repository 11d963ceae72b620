/** The entry point of a process pool's child process. */
import type { FromWorker, ToWorker } from "../protocol.js";
import { JobRunner } from "./jobRunner.js";

const send = process.send?.bind(process);
if (send === undefined) {
  throw new Error("the process pool's worker entry runs only as a forked child");
}
const runner = new JobRunner((message: FromWorker) => {
  send(message);
});
process.on("message", (message) => runner.handle(message as ToWorker));
