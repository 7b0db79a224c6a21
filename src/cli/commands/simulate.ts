import type { Command } from "commander";
import type { CommandIO } from "../io.ts";

/** `lorastack simulate`: virtual gateways and devices against a running stack. */
export function registerSimulateCommand(program: Command, io: CommandIO): void {
  program
    .command("simulate")
    .description(
      "run virtual gateways (Semtech UDP, Basics Station) and devices (OTAA/ABP, LoRaWAN 1.0.2–1.1, class A/C) against a running stack",
    )
    .option(
      "--server <host>",
      "host of the stack (env LORASTACK_SERVER)",
      io.env.LORASTACK_SERVER ?? "localhost",
    )
    .option(
      "--udp-address <host:port>",
      "Semtech UDP address; several, comma-separated: gateway i uses the i-th (mod n), as a load balancer spreads them (default <server>:1700)",
    )
    .option(
      "--basic-station-url <url>",
      "Basics Station LNS URL; several, comma-separated, spread like --udp-address (default ws://<server>:1887)",
    )
    .option("--api-url <url>", "HTTP API base URL (default http://<server>:1885)")
    .option("--gateways <n>", "virtual gateways", "1")
    .option("--gateway-protocol <protocol>", "udp, basic-station or mixed", "udp")
    .option("--devices <n>", "virtual devices", "10")
    .option("--rate <uplinks/s>", "uplinks per second of all devices together", "1")
    .option("--duration <seconds>", "how long to run; 0: until Ctrl-C", "60")
    .option("--version <version>", "LoRaWAN version: 1.0.2, 1.0.3, 1.0.4 or 1.1", "1.0.3")
    .option("--class <class>", "device class: A or C", "A")
    .option("--activation <mode>", "otaa or abp", "otaa")
    .option("--frequency-plan <id>", "frequency plan of gateways and devices", "EU_863_870")
    .option("--data-rate <index>", "data rate devices start at", "5")
    .option("--confirmed <share>", "share of uplinks sent confirmed, 0 to 1", "0")
    .option("--id-prefix <prefix>", "prefix of the IDs of simulated gateways and devices", "sim")
    .option("--seed <n>", "seed of keys, EUIs and placement: the same seed is the same fleet", "1")
    .option("--radius <metres>", "devices are placed within this distance of the gateways", "2000")
    .option(
      "--devices-file <path>",
      "run these registered devices instead (end devices in The Things Stack's JSON, one per line or an array, with keys or session; - reads stdin)",
    )
    .option("--register", "register the gateways and devices through the API first")
    .option(
      "--api-key <key>",
      "API key for --register (env LORASTACK_API_KEY)",
      io.env.LORASTACK_API_KEY,
    )
    .option("--application-id <id>", "application of the devices (it must exist)")
    .option("--gateway-owner <user-id>", "user that owns the simulated gateways", "admin")
    .option("--json", "print the final report as JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  lorastack simulate --register --api-key NNSXS... --application-id app1 --devices 50 --rate 5 --duration 120\n  lorastack simulate --devices-file devices.json --gateways 2 --rate 1\n",
    )
    .action(async (flags: Record<string, unknown>) => {
      const { simulate } = await import("../actions/simulate.ts");
      await simulate(flags, io);
    });
}
