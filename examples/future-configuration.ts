/**
 * Three coroutines wait, under `gather`, for one Future that a background task completes
 * with the configuration.
 *
 * Python: `future.set_result(configuration)` in `load_configuration`, and
 * `await asyncio.gather(use_configuration("Task 1", future), ...)`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

interface Configuration {
  url: string;
  timeout: number;
}

async function loadConfiguration(future: asyncio.Future<Configuration>): Promise<void> {
  console.log("Loading configuration...");
  await asyncio.sleep(2); // Simulates reading a configuration file
  const configuration = { url: "http://example.com", timeout: 5 };
  future.setResult(configuration); // Sets the result of the Future
}

async function useConfiguration(
  name: string,
  future: asyncio.Future<Configuration>,
): Promise<void> {
  console.log(`${name} waiting for the configuration...`);
  const configuration = await future; // Waits for the Future to be completed
  console.log(
    `${name} using the configuration: ${configuration.url} with a timeout of ${configuration.timeout} seconds.`,
  );
}

export async function main(): Promise<void> {
  const futureConfiguration = new asyncio.Future<Configuration>();

  // Load the configuration in the background
  asyncio.createTask(() => loadConfiguration(futureConfiguration));

  // Multiple coroutines wait for the configuration
  await asyncio.gather(
    () => useConfiguration("Task 1", futureConfiguration),
    () => useConfiguration("Task 2", futureConfiguration),
    () => useConfiguration("Task 3", futureConfiguration),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
