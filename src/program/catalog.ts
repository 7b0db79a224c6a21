import { createApplicationServer } from "../application-server/application-server.ts";
import { applicationServerConfig } from "../application-server/config.ts";
import { type ComponentDefinition, defineComponent } from "../components/index.ts";
import { consoleConfig } from "../console/config.ts";
import { createConsole } from "../console/console.ts";
import { gatewayConfigurationConfig } from "../gateway-configuration/config.ts";
import { createGatewayConfigurationServer } from "../gateway-configuration/gateway-configuration-server.ts";
import { gatewayServerConfig } from "../gateway-server/config.ts";
import { createGatewayServer } from "../gateway-server/gateway-server.ts";
import { basicStationFrontend } from "../gateway-server/io/basic-station/index.ts";
import { udpFrontend } from "../gateway-server/io/udp/index.ts";
import { identityServerConfig } from "../identity-server/config.ts";
import { createIdentityServer } from "../identity-server/identity-server.ts";
import { joinServerConfig } from "../join-server/config.ts";
import { createJoinServer } from "../join-server/join-server.ts";
import { networkServerConfig } from "../network-server/config.ts";
import { createNetworkServer } from "../network-server/network-server.ts";

/**
 * Every component of the stack, in start order (a component starts after those it calls).
 * An entry gets its `config` and `create` when the component is built: adding a component
 * means adding its folder and its entry here.
 */
export const componentCatalog: readonly ComponentDefinition[] = [
  defineComponent({
    name: "is",
    title: "Identity Server",
    aliases: ["identity-server"],
    config: identityServerConfig,
    create: createIdentityServer,
  }),
  defineComponent({
    name: "js",
    title: "Join Server",
    aliases: ["join-server"],
    config: joinServerConfig,
    create: createJoinServer,
  }),
  defineComponent({
    name: "ns",
    title: "Network Server",
    aliases: ["network-server"],
    config: networkServerConfig,
    create: createNetworkServer,
  }),
  defineComponent({
    name: "as",
    title: "Application Server",
    aliases: ["application-server"],
    config: applicationServerConfig,
    create: (context) => createApplicationServer(context),
  }),
  defineComponent({
    name: "gs",
    title: "Gateway Server",
    aliases: ["gateway-server"],
    config: gatewayServerConfig,
    create: (context) => createGatewayServer(context, [udpFrontend, basicStationFrontend]),
  }),
  {
    name: "dcs",
    title: "Device Claiming Server",
    aliases: ["device-claiming-server", "device-claiming"],
  },
  defineComponent({
    name: "gcs",
    title: "Gateway Configuration Server",
    aliases: ["gateway-configuration-server", "gateway-configuration"],
    config: gatewayConfigurationConfig,
    create: createGatewayConfigurationServer,
  }),
  { name: "pba", title: "Packet Broker Agent", aliases: ["packet-broker-agent"] },
  {
    name: "noc",
    title: "Network Operations Center",
    aliases: ["network-operations-center", "network-operations"],
  },
  { name: "qrg", title: "QR Code Generator", aliases: ["qr-code-generator", "qr-codes"] },
  {
    name: "dtc",
    title: "Device Template Converter",
    aliases: ["device-template-converter", "device-templates"],
  },
  defineComponent({
    name: "console",
    title: "Console",
    aliases: [],
    config: consoleConfig,
    create: createConsole,
  }),
];
