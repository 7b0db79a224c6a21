import type { Command } from "commander";
import { clusterConfig } from "../../cluster/config.ts";
import { instanceIdentity } from "../../cluster/identity.ts";
import { resolveComponents } from "../../components/index.ts";
import { readSection } from "../../config/index.ts";
import { createLogger } from "../../log/logger.ts";
import { componentCatalog } from "../../program/catalog.ts";
import { startRuntime } from "../../runtime/runtime.ts";
import { loadCommandConfig } from "../config-options.ts";
import type { CommandIO } from "../io.ts";

/** `lorastack start [component...]`: runs the stack until SIGINT or SIGTERM. */
export async function startStack(
  requested: string[],
  command: Command,
  io: CommandIO,
): Promise<void> {
  const { config, file, warnings } = loadCommandConfig(command, io.env);
  const components = resolveComponents(requested, componentCatalog);
  // The instance's name goes on every line, from the first.
  const identity = instanceIdentity(readSection(clusterConfig, config).cluster.id);
  const logger = createLogger(config.log, undefined, { instance: identity.name });
  for (const warning of warnings) logger.warn(warning);
  logger.info({ config: file ?? "(none)", data_dir: config.data_dir }, "starting lorastack");
  if (components.length === 0)
    logger.info("no components are built yet; serving health and metrics only");

  // Signals are handled from here on: one arriving while the stack starts stops it as soon
  // as it has started; a second one exits at once.
  let signalled: NodeJS.Signals | undefined;
  let wake: () => void = () => {};
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, "second signal: exiting without finishing the shutdown");
      process.exit(130);
    }
    signalled = signal;
    logger.info({ signal }, "shutting down");
    wake();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const runtime = await startRuntime({ config, logger, components, identity });
  if (!signalled) {
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  await runtime.stop();
}
