import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { messageCodec } from "../cluster/codec.ts";
import type { Component, ComponentContext } from "../components/index.ts";
import { readSection } from "../config/section.ts";
import { EndDeviceRegistry } from "../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { NsGs } from "../gen/ttn/lorawan/v3/gatewayserver_pb.js";
import { type UplinkMessage, UplinkMessageSchema } from "../gen/ttn/lorawan/v3/messages_pb.js";
import {
  AsNs,
  GsNs,
  Ns,
  NsEndDeviceBatchRegistry,
  NsEndDeviceRegistry,
} from "../gen/ttn/lorawan/v3/networkserver_pb.js";
import { InteropClient } from "../interop/client.ts";
import { interopConfig } from "../interop/config.ts";
import { rewrapInBackground } from "../key-vault/rewrap-in-background.ts";
import { applicationUplinkMetrics } from "./application-uplinks/metrics.ts";
import { createApplicationUpOutbox } from "./application-uplinks/outbox-relay.ts";
import { createApplicationUplinkForwarder } from "./application-uplinks/queued-forwarder.ts";
import type { NetworkServerConfig } from "./config.ts";
import { devAddrPrefixesOf, parseNetId } from "./dev-addr/index.ts";
import { createCachedDeviceStore } from "./device-store/cached-device-store.ts";
import { downlinkMetrics } from "./downlink/metrics.ts";
import { createDownlinkScheduler } from "./downlink/scheduler.ts";
import { sqlDevEuiLookup } from "./join/dev-eui-lookup.ts";
import { createJoinRequests } from "./join/join-requests.ts";
import { createJoinServerClient } from "./join/join-server-client.ts";
import { lastSeenMetrics } from "./last-seen/metrics.ts";
import { createLastSeenReporter } from "./last-seen/reporter.ts";
import { createNetworkServerRegistries, type NetworkServerRegistries } from "./registry/index.ts";
import { notifyingRegistry } from "./registry-notifications.ts";
import { asNsService } from "./services/as-ns.ts";
import {
  nsEndDeviceBatchRegistryService,
  nsEndDeviceRegistryService,
  nsService,
} from "./services/index.ts";
import { uplinkPipelineMetrics } from "./uplink/metrics.ts";
import { createUplinkPipeline, type UplinkPipeline } from "./uplink/pipeline.ts";

/** The Network Server component, with its registries and uplink path. */
export interface NetworkServer extends Component {
  registries: NetworkServerRegistries;
  uplinks: UplinkPipeline;
}

/**
 * The Network Server (`ns`): its device registry (session keys wrapped at rest with
 * `ns.device_kek_label`) behind the public `NsEndDeviceRegistry`, `NsEndDeviceBatchRegistry`
 * and `Ns` services; the uplink path behind the cluster's `GsNs` (deduplication, matching,
 * MAC layer, ADR, group commit, hand-off to the Application Server through `NsAs`); joins
 * through the cluster's Join Server or Backend Interfaces; downlinks through `NsGs`; the
 * Application Server's downlink queue behind `AsNs`; devices' last-seen times to the Identity
 * Server in batches.
 */
export function createNetworkServer(context: ComponentContext<NetworkServerConfig>): NetworkServer {
  const config = context.section.ns;
  const { logger, cluster, events, frequencyPlans } = context;
  const registries = createNetworkServerRegistries({
    database: context.database,
    keyVault: context.keyVault,
    config,
  });
  const netId = parseNetId(config.net_id);
  const netIdBytes = Uint8Array.of((netId >>> 16) & 0xff, (netId >>> 8) & 0xff, netId & 0xff);
  const store = createCachedDeviceStore({
    registry: registries.devices,
    pubsub: cluster.pubsub,
    logger: logger.child({ namespace: "ns/devices" }),
    metrics: context.metrics,
    intervalMs: config.device_store.commit_interval,
    maxBatch: config.device_store.max_batch,
    resyncIntervalMs: config.device_store.resync_interval,
    maxCachedDevices: config.device_store.max_cached_devices,
  });
  const forwarder = createApplicationUplinkForwarder({
    cluster,
    logger: logger.child({ namespace: "ns/application-uplinks" }),
    metrics: applicationUplinkMetrics(context.metrics),
    events,
  });
  const outbox = createApplicationUpOutbox({
    db: context.database.db,
    forwarder,
    logger: logger.child({ namespace: "ns/application-uplinks" }),
  });
  const scheduler = createDownlinkScheduler({
    store,
    gatewayServer: () => cluster.peer("gs").client(NsGs),
    tasks: cluster.tasks,
    forwarder,
    events,
    frequencyPlans,
    logger: logger.child({ namespace: "ns/downlinks" }),
    windowMarginMs: config.downlink_window_margin,
    metrics: downlinkMetrics(context.metrics),
  });
  const { interop } = readSection(interopConfig, context.config);
  const joinServers = createJoinServerClient({
    cluster,
    ...(interop.join_servers.length > 0
      ? { interop: new InteropClient(interop.join_servers) }
      : {}),
    events,
    logger: logger.child({ namespace: "ns/joins" }),
  });
  const metrics = uplinkPipelineMetrics(context.metrics);
  const lastSeen = createLastSeenReporter({
    registry: () => cluster.peer("is").client(EndDeviceRegistry),
    flushIntervalMs: config.last_seen.flush_interval,
    maxPending: config.last_seen.max_pending,
    metrics: lastSeenMetrics(context.metrics),
    logger: logger.child({ namespace: "ns/last-seen" }),
  });
  const joins = createJoinRequests({
    store,
    joinServers,
    forwarder,
    outbox,
    events,
    frequencyPlans,
    config,
    keyVault: context.keyVault,
    logger: logger.child({ namespace: "ns/joins" }),
    countDrop: (reason) => metrics.dropped.inc({ reason }),
    devEuiLookup: sqlDevEuiLookup(context.database),
  });
  const uplinks = createUplinkPipeline({
    store,
    deduplicator: cluster.deduplicator<UplinkMessage>(
      "ns.uplinks",
      messageCodec(UplinkMessageSchema),
    ),
    joins,
    downlinks: scheduler,
    forwarder,
    outbox,
    events,
    frequencyPlans,
    metrics,
    logger: logger.child({ namespace: "ns/uplinks" }),
    deduplicationWindowMs: config.deduplication_window,
    cooldownWindowMs: config.cooldown_window,
    defaultMacSettings: config.default_mac_settings,
    netId: netIdBytes,
    lastSeen,
  });

  const services = {
    devices: notifyingRegistry(registries.devices, (key) => store.changed(key)),
    rights: context.rights,
    events,
    frequencyPlans,
    defaultMacSettings: config.default_mac_settings,
  };
  context.api.register(NsEndDeviceRegistry, nsEndDeviceRegistryService(services));
  context.api.register(NsEndDeviceBatchRegistry, nsEndDeviceBatchRegistryService(services));
  context.api.register(
    Ns,
    nsService({
      netId,
      devAddrPrefixes: devAddrPrefixesOf(netId, config.dev_addr_prefixes),
      frequencyPlans,
      defaultMacSettings: config.default_mac_settings,
    }),
  );
  context.api.register(
    GsNs,
    {
      handleUplink(message) {
        uplinks.handleUplink(message);
        return create(EmptySchema);
      },
      async reportTxAcknowledgment(ack) {
        await scheduler.handleTxAcknowledgment(ack);
        return create(EmptySchema);
      },
    },
    { internal: true },
  );
  context.api.register(
    AsNs,
    asNsService({
      store,
      scheduler,
      frequencyPlans,
      logger,
      queueCapacity: config.downlink_queue_capacity,
    }),
    {
      internal: true,
    },
  );

  let ready = false;
  let rewrapping: Promise<void> | undefined;
  const stopping = new AbortController();
  return {
    registries,
    uplinks,
    async start() {
      await store.start();
      forwarder.start();
      // What a crash left between a commit and its hand-over goes to the AS first.
      outbox.start();
      scheduler.start();
      lastSeen.start();
      ready = true;
      // After a KEK rotation the stored keys move to the new KEK while the server runs.
      rewrapping = rewrapInBackground({
        rewrap: (options) => registries.devices.rewrap(options),
        kekLabel: registries.atRestLabel,
        logger,
        signal: stopping.signal,
      });
    },
    isReady: () => ready,
    async stop() {
      ready = false;
      stopping.abort();
      await uplinks.idle();
      await lastSeen.stop();
      await scheduler.stop();
      await outbox.stop();
      await forwarder.stop();
      await store.stop();
      await rewrapping;
    },
  };
}
