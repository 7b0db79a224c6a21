import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { z } from "zod";
import type { Config } from "../config/index.ts";
import { ListenerRegistry } from "../listeners/index.ts";
import {
  type Component,
  type ComponentContext,
  type ComponentDefinition,
  defineComponent,
} from "./component.ts";
import { errComponentNotBuilt, errComponentStart, errUnknownComponent } from "./errors.ts";
import { ComponentHost, type SharedContext } from "./host.ts";
import { resolveComponents } from "./resolve.ts";

const silent = pino({ level: "silent" });
const context = { config: {} } as SharedContext;

function newHost() {
  const listeners = new ListenerRegistry({ logger: silent, closeTimeoutMs: 1_000 });
  return { host: new ComponentHost(silent, listeners), listeners };
}

function recorder() {
  const events: string[] = [];
  const define = (
    name: string,
    options: { failStart?: boolean; ready?: boolean } = {},
  ): ComponentDefinition => ({
    name,
    title: `${name.toUpperCase()} Server`,
    aliases: [`${name}-server`],
    create: (): Component => ({
      async start() {
        if (options.failStart) throw new Error(`${name} cannot bind`);
        events.push(`start ${name}`);
      },
      isReady: () => options.ready ?? true,
      async stop() {
        events.push(`stop ${name}`);
      },
    }),
  });
  return { events, define };
}

describe("resolveComponents", () => {
  const { define } = recorder();
  const catalog = [
    define("is"),
    define("ns"),
    define("gs"),
    { name: "pba", title: "Packet Broker Agent", aliases: [] },
  ];

  it("starts every built component when none is named", () => {
    assert.deepEqual(
      resolveComponents([], catalog).map((entry) => entry.name),
      ["is", "ns", "gs"],
    );
  });

  it("takes names and aliases in any order and case, in catalog order, once each", () => {
    assert.deepEqual(
      resolveComponents(["GS", "is", "gs-server"], catalog).map((entry) => entry.name),
      ["is", "gs"],
    );
  });

  it("names an unknown component and lists the known ones", () => {
    assert.throws(
      () => resolveComponents(["gs", "xx"], catalog),
      (error: unknown) =>
        errUnknownComponent.matches(error) &&
        /`xx`; known components: is, ns, gs, pba/.test(error.message),
    );
  });

  it("says when a known component is not built", () => {
    assert.throws(
      () => resolveComponents(["pba"], catalog),
      (error: unknown) => errComponentNotBuilt.matches(error),
    );
  });
});

describe("ComponentHost", () => {
  it("starts in order, reports readiness and stops in reverse order", async () => {
    const { events, define } = recorder();
    const { host } = newHost();
    await host.start([define("is"), define("ns", { ready: false }), define("gs")], context);
    assert.deepEqual(host.names(), ["is", "ns", "gs"]);
    assert.deepEqual(host.readiness(), { is: true, ns: false, gs: true });
    await host.stop();
    assert.deepEqual(events, ["start is", "start ns", "start gs", "stop gs", "stop ns", "stop is"]);
    assert.deepEqual(host.readiness(), {});
  });

  it("stops what it started when a later component fails to start", async () => {
    const { events, define } = recorder();
    const { host } = newHost();
    await assert.rejects(
      host.start([define("is"), define("ns"), define("gs", { failStart: true })], context),
      (error: unknown) => errComponentStart.matches(error) && /gs.*cannot bind/.test(error.message),
    );
    assert.deepEqual(events, ["start is", "start ns", "stop ns", "stop is"]);
  });

  it("gives each component its own configuration section, typed by its declaration", async () => {
    const widgets = {
      shape: { widget: z.strictObject({ size: z.number() }), gadget: z.string() },
    };
    let seen: unknown;
    const definition = defineComponent({
      name: "wd",
      title: "Widget Server",
      aliases: [],
      config: widgets,
      create: (context: ComponentContext<{ widget: { size: number }; gadget: string }>) => {
        seen = context.section;
        return { start: async () => {}, isReady: () => true, stop: async () => {} };
      },
    });
    const { host } = newHost();
    const config = { http: {}, widget: { size: 3 }, gadget: "g", other: 1 } as unknown as Config;
    await host.start([definition], { ...context, config });
    assert.deepEqual(seen, { widget: { size: 3 }, gadget: "g" });
    await host.stop();
  });

  it("closes the listeners a component left open after it stops, and a failed one's too", async () => {
    const { host, listeners } = newHost();
    const opened: string[] = [];
    const binder = (name: string, fail = false): ComponentDefinition => ({
      name,
      title: name,
      aliases: [],
      create: (context) => ({
        async start() {
          await context.listen.udp(`${name} udp`, "127.0.0.1:0");
          opened.push(name);
          if (fail) throw new Error("cannot start");
        },
        isReady: () => true,
        async stop() {
          assert.ok(
            listeners.bound.some((listener) => listener.name === `${name} udp`),
            "still open while the component stops",
          );
        },
      }),
    });
    await host.start([binder("gs")], context);
    assert.deepEqual(
      listeners.bound.map((listener) => listener.name),
      ["gs udp"],
    );
    await host.stop();
    assert.deepEqual(listeners.bound, []);

    await assert.rejects(host.start([binder("gs"), binder("ns", true)], context));
    assert.deepEqual(opened, ["gs", "gs", "ns"]);
    assert.deepEqual(listeners.bound, [], "the failed component's listener is closed too");
  });
});
