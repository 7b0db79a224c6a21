import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import type { Component, ComponentContext, ComponentDefinition } from "./component.ts";
import { errComponentNotBuilt, errComponentStart, errUnknownComponent } from "./errors.ts";
import { ComponentHost } from "./host.ts";
import { resolveComponents } from "./resolve.ts";

const silent = pino({ level: "silent" });
const context = {} as Omit<ComponentContext, "logger">;

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
    const host = new ComponentHost(silent);
    await host.start([define("is"), define("ns", { ready: false }), define("gs")], context);
    assert.deepEqual(host.names(), ["is", "ns", "gs"]);
    assert.deepEqual(host.readiness(), { is: true, ns: false, gs: true });
    await host.stop();
    assert.deepEqual(events, ["start is", "start ns", "start gs", "stop gs", "stop ns", "stop is"]);
    assert.deepEqual(host.readiness(), {});
  });

  it("stops what it started when a later component fails to start", async () => {
    const { events, define } = recorder();
    const host = new ComponentHost(silent);
    await assert.rejects(
      host.start([define("is"), define("ns"), define("gs", { failStart: true })], context),
      (error: unknown) => errComponentStart.matches(error) && /gs.*cannot bind/.test(error.message),
    );
    assert.deepEqual(events, ["start is", "start ns", "stop ns", "stop is"]);
  });
});
