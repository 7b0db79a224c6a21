import { readSection } from "../config/index.ts";
import { type ListenerRegistry, ScopedListeners } from "../listeners/index.ts";
import type { Logger } from "../log/logger.ts";
import type { Component, ComponentContext, ComponentDefinition } from "./component.ts";
import { errComponentStart } from "./errors.ts";

interface Running {
  definition: ComponentDefinition;
  component: Component;
  listeners: ScopedListeners;
}

/** The parts of a {@link ComponentContext} that every component shares. */
export type SharedContext = Omit<ComponentContext, "logger" | "listen" | "section">;

/**
 * Runs a set of components: constructs and starts them in order, reports their readiness,
 * and stops them in reverse order. Each gets its own logger, its configuration section and a
 * `listen` whose listeners are closed after it stops. A failed start stops the ones already
 * started.
 */
export class ComponentHost {
  readonly #running: Running[] = [];
  readonly #logger: Logger;
  readonly #listeners: ListenerRegistry;

  constructor(logger: Logger, listeners: ListenerRegistry) {
    this.#logger = logger;
    this.#listeners = listeners;
  }

  async start(definitions: readonly ComponentDefinition[], context: SharedContext): Promise<void> {
    for (const definition of definitions) {
      if (!definition.create) continue;
      const logger = this.#logger.child({ component: definition.name });
      const listeners = new ScopedListeners(this.#listeners, definition.name, logger);
      try {
        const component = definition.create({
          ...context,
          logger,
          listen: listeners,
          section: definition.config ? readSection(definition.config, context.config) : {},
        });
        await component.start();
        this.#running.push({ definition, component, listeners });
        logger.info({ title: definition.title }, "component started");
      } catch (error) {
        // What the failed component bound before failing is closed with the others.
        await listeners.close();
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

  /**
   * Stops every running component, last started first, then closes the listeners it left
   * open; one failure does not stop the rest.
   */
  async stop(): Promise<void> {
    while (this.#running.length > 0) {
      const { definition, component, listeners } = this.#running.pop() as Running;
      try {
        await component.stop();
        this.#logger.info({ component: definition.name }, "component stopped");
      } catch (error) {
        this.#logger.error(
          { component: definition.name, err: error },
          "component failed to stop cleanly",
        );
      }
      await listeners.close();
    }
  }
}
