import type { Logger } from "../log/logger.ts";
import type { Component, ComponentContext, ComponentDefinition } from "./component.ts";
import { errComponentStart } from "./errors.ts";

interface Running {
  definition: ComponentDefinition;
  component: Component;
}

/**
 * Runs a set of components: constructs and starts them in order, reports their readiness,
 * and stops them in reverse order. A failed start stops the ones already started.
 */
export class ComponentHost {
  readonly #running: Running[] = [];
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  async start(
    definitions: readonly ComponentDefinition[],
    context: Omit<ComponentContext, "logger">,
  ): Promise<void> {
    for (const definition of definitions) {
      if (!definition.create) continue;
      const logger = this.#logger.child({ component: definition.name });
      try {
        const component = definition.create({ ...context, logger });
        await component.start();
        this.#running.push({ definition, component });
        logger.info({ title: definition.title }, "component started");
      } catch (error) {
        await this.stop();
        throw errComponentStart.create(
          { name: definition.name, reason: (error as Error).message },
          error,
        );
      }
    }
  }

  /** Readiness of each running component, by name. */
  readiness(): Record<string, boolean> {
    return Object.fromEntries(
      this.#running.map(({ definition, component }) => [definition.name, component.isReady()]),
    );
  }

  /** The names of the running components, in start order. */
  names(): string[] {
    return this.#running.map(({ definition }) => definition.name);
  }

  /** Stops every running component, last started first; one failure does not stop the rest. */
  async stop(): Promise<void> {
    while (this.#running.length > 0) {
      const { definition, component } = this.#running.pop() as Running;
      try {
        await component.stop();
        this.#logger.info({ component: definition.name }, "component stopped");
      } catch (error) {
        this.#logger.error(
          { component: definition.name, err: error },
          "component failed to stop cleanly",
        );
      }
    }
  }
}
