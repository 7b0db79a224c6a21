import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { DescField, DescFile, DescMessage, DescMethod } from "@bufbuild/protobuf";
import { getOption, hasOption, ScalarType } from "@bufbuild/protobuf";
import { parse } from "yaml";
import { http } from "../gen/google/api/annotations_pb.js";
import type { HttpRule } from "../gen/google/api/http_pb.js";
import { hex } from "../gen/lorastack/options_pb.js";
import {
  ApplicationAccess,
  ApplicationRegistry,
} from "../gen/ttn/lorawan/v3/application_services_pb.js";
import { EndDeviceRegistry } from "../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { Events } from "../gen/ttn/lorawan/v3/events_pb.js";
import { GatewayRegistry } from "../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { EntityAccess } from "../gen/ttn/lorawan/v3/identityserver_pb.js";
import { UserRegistry } from "../gen/ttn/lorawan/v3/user_services_pb.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const generated = join(root, "src/gen");
/** Hand-written files that live among the generated ones. */
const notGenerated = new Set(["README.md"]);

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .sort();
}

describe("API definitions", () => {
  let output: string;
  before(async () => {
    output = await mkdtemp(join(tmpdir(), "lorastack-gen-"));
  });
  after(async () => {
    await rm(output, { recursive: true, force: true });
  });

  it("src/gen is what `npm run generate` makes of api/", async () => {
    // The project's own template, with every plugin writing into the temporary folder.
    const template = parse(await readFile(join(root, "buf.gen.yaml"), "utf8")) as {
      plugins: { out: string }[];
    };
    for (const plugin of template.plugins) plugin.out = output;
    await promisify(execFile)(
      join(root, "node_modules/.bin/buf"),
      ["generate", "--template", JSON.stringify(template)],
      { cwd: root },
    );

    const expected = await listFiles(output);
    const actual = (await listFiles(generated)).filter((file) => !notGenerated.has(file));
    assert.ok(expected.length > 0, "buf generate produced no files");
    assert.deepEqual(
      actual,
      expected,
      "src/gen has missing or left-over files: run npm run generate",
    );
    for (const file of expected) {
      const want = await readFile(join(output, file), "utf8");
      const have = await readFile(join(generated, file), "utf8");
      assert.ok(have === want, `src/gen/${file} is out of date: run npm run generate`);
    }
  });

  function binding(method: DescMethod): {
    verb: string;
    path: string;
    body: string;
    more: HttpRule[];
  } {
    const rule = getOption(method, http);
    const { pattern } = rule;
    assert.ok(
      pattern.case !== undefined && pattern.case !== "custom",
      `${method.name} has no binding`,
    );
    return {
      verb: pattern.case,
      path: pattern.value,
      body: rule.body,
      more: rule.additionalBindings,
    };
  }

  it("carries The Things Stack's HTTP bindings", () => {
    const create = binding(ApplicationRegistry.method.create);
    assert.deepEqual(
      [create.verb, create.path, create.body],
      ["post", "/users/{collaborator.user_ids.user_id}/applications", "*"],
    );
    assert.deepEqual(
      create.more.map((rule) => [rule.pattern.case, rule.pattern.value, rule.body]),
      [
        [
          "post",
          "/organizations/{collaborator.organization_ids.organization_id}/applications",
          "*",
        ],
      ],
    );

    const get = binding(ApplicationRegistry.method.get);
    assert.deepEqual(
      [get.verb, get.path, get.body],
      ["get", "/applications/{application_ids.application_id}", ""],
    );

    const purge = binding(ApplicationRegistry.method.purge);
    assert.deepEqual([purge.verb, purge.path], ["delete", "/applications/{application_id}/purge"]);

    const createKey = binding(ApplicationAccess.method.createAPIKey);
    assert.deepEqual(
      [createKey.verb, createKey.path, createKey.body],
      ["post", "/applications/{application_ids.application_id}/api-keys", "*"],
    );

    const authInfo = binding(EntityAccess.method.authInfo);
    assert.deepEqual([authInfo.verb, authInfo.path], ["get", "/auth_info"]);

    const createUser = binding(UserRegistry.method.create);
    assert.deepEqual([createUser.verb, createUser.path, createUser.body], ["post", "/users", "*"]);

    const createGateway = binding(GatewayRegistry.method.create);
    assert.deepEqual(
      [createGateway.verb, createGateway.path, createGateway.body],
      ["post", "/users/{collaborator.user_ids.user_id}/gateways", "*"],
    );

    const createDevice = binding(EndDeviceRegistry.method.create);
    assert.deepEqual(
      [createDevice.verb, createDevice.path, createDevice.body],
      ["post", "/applications/{end_device.ids.application_ids.application_id}/devices", "*"],
    );

    const stream = binding(Events.method.stream);
    assert.deepEqual([stream.verb, stream.path, stream.body], ["post", "/events", "*"]);
    assert.equal(Events.method.stream.methodKind, "server_streaming");
  });

  it("binds every path variable to a string field of the request", async () => {
    let checked = 0;
    for (const file of await generatedFiles()) {
      for (const service of file.services) {
        for (const method of service.methods) {
          if (!hasOption(method, http)) continue;
          const top = getOption(method, http);
          for (const rule of [top, ...top.additionalBindings]) {
            const { pattern } = rule;
            assert.ok(
              pattern.case !== undefined,
              `${method.toString()} has a binding without a path`,
            );
            const path = pattern.case === "custom" ? pattern.value.path : pattern.value;
            for (const [, variable] of path.matchAll(/\{([^}=]+)\}/g)) {
              const field = fieldAt(method.input, (variable ?? "").split("."));
              assert.ok(field, `${method.toString()}: {${variable}} names no field`);
              // Scalars, or an enum (by name or number, as the transcoder reads path variables):
              // TTS's Ns.GetDefaultMACSettings takes lorawan_phy_version in its path.
              assert.ok(
                field.fieldKind === "scalar" || field.fieldKind === "enum",
                `${method.toString()}: {${variable}} is a ${field.fieldKind}`,
              );
              checked++;
            }
            if (rule.body !== "" && rule.body !== "*") {
              assert.ok(method.input.fields.some((field) => field.name === rule.body));
            }
          }
        }
      }
    }
    assert.ok(checked > 100, `only ${checked} path variables found`);
  });

  it("marks exactly the EUI, DevAddr, NetID, nonce and key bytes fields as hex", async () => {
    const marked: string[] = [];
    const plain: string[] = [];
    for (const file of await generatedFiles()) {
      for (const message of allMessages(file.messages)) {
        for (const field of message.fields) {
          if (field.fieldKind !== "scalar" || field.scalar !== ScalarType.BYTES) continue;
          (getOption(field, hex) ? marked : plain).push(`${message.typeName}.${field.name}`);
        }
      }
    }
    const v3 = "ttn.lorawan.v3.";
    // The fields The Things Stack writes with its hex marshaler.
    assert.deepEqual(
      marked.sort(),
      [
        "EndDevice.net_id",
        "EndDeviceIdentifiers.dev_addr",
        "EndDeviceIdentifiers.dev_eui",
        "EndDeviceIdentifiers.join_eui",
        "FHDR.dev_addr",
        "GatewayIdentifiers.eui",
        "GenerateDevAddrResponse.dev_addr",
        "GetDefaultJoinEUIResponse.join_eui",
        "GetEndDeviceIdentifiersForEUIsRequest.dev_eui",
        "GetEndDeviceIdentifiersForEUIsRequest.join_eui",
        "GetGatewayIdentifiersForEUIRequest.eui",
        "GetNetIDResponse.net_id",
        "IssueDevEUIResponse.dev_eui",
        "JoinAcceptPayload.dev_addr",
        "JoinAcceptPayload.join_nonce",
        "JoinAcceptPayload.net_id",
        "JoinEUIPrefix.join_eui",
        "JoinRequest.dev_addr",
        "JoinRequest.net_id",
        "JoinRequestPayload.dev_eui",
        "JoinRequestPayload.dev_nonce",
        "JoinRequestPayload.join_eui",
        "KeyEnvelope.key",
        "MACCommand.RelayNotifyNewEndDeviceReq.dev_addr",
        "MACCommand.RelayUpdateUplinkListReq.dev_addr",
        "MACCommand.RelayUpdateUplinkListReq.root_wor_s_key",
        "MACState.JoinAccept.dev_addr",
        "MACState.JoinAccept.net_id",
        "NetworkIdentifiers.net_id",
        "NetworkIdentifiers.ns_id",
        "PacketBrokerMetadata.forwarder_gateway_eui",
        "PacketBrokerMetadata.forwarder_net_id",
        "PacketBrokerMetadata.home_network_net_id",
        "RejoinRequestPayload.dev_eui",
        "RejoinRequestPayload.join_eui",
        "RejoinRequestPayload.net_id",
        "Session.dev_addr",
        "SessionKeyRequest.dev_eui",
        "SessionKeyRequest.join_eui",
      ].map((name) => v3 + name),
    );
    // Bytes that stay base64 in JSON, as in The Things Stack.
    assert.deepEqual(
      plain.sort(),
      [
        "ApplicationDownlink.frm_payload",
        "ApplicationDownlink.session_key_id",
        "ApplicationInvalidatedDownlinks.session_key_id",
        "ApplicationJoinAccept.session_key_id",
        // PEM text, base64 in JSON as every bytes field of The Things Stack's pub/subs.
        "ApplicationPubSub.MQTTProvider.tls_ca",
        "ApplicationPubSub.MQTTProvider.tls_client_cert",
        "ApplicationPubSub.MQTTProvider.tls_client_key",
        "ApplicationUplink.frm_payload",
        "ApplicationUplink.session_key_id",
        "ApplicationUplinkNormalized.frm_payload",
        "ApplicationUplinkNormalized.session_key_id",
        "JoinAcceptPayload.encrypted",
        "JoinRequest.raw_payload",
        "JoinResponse.raw_payload",
        "KeyEnvelope.encrypted_key",
        "MACCommand.RelayUpdateUplinkListReq.session_key_id",
        "MACCommand.raw_payload",
        "MACPayload.frm_payload",
        "MACState.JoinAccept.payload",
        "MACState.UplinkMessage.RxMetadata.uplink_token",
        "Message.mic",
        "Picture.Embedded.data",
        "RelayForwardDownlinkReq.raw_payload",
        "RelayUplinkForwardingRule.session_key_id",
        "Secret.value",
        "SessionKeyRequest.session_key_id",
        "SessionKeys.session_key_id",
        "FHDR.f_opts",
        "DownlinkMessage.raw_payload",
        "DownlinkMessage.session_key_id",
        "DownlinkPath.uplink_token",
        "RxMetadata.encrypted_fine_timestamp",
        "RxMetadata.uplink_token",
        "TxRequest.rx2_mic",
        "UplinkMessage.raw_payload",
      ]
        .map((name) => v3 + name)
        .sort(),
    );
  });
});

/** Every generated file descriptor under src/gen. */
async function generatedFiles(): Promise<DescFile[]> {
  const files: DescFile[] = [];
  for (const path of await listFiles(generated)) {
    if (!path.endsWith("_pb.js")) continue;
    const module: Record<string, unknown> = await import(join(generated, path));
    for (const [name, value] of Object.entries(module)) {
      if (name.startsWith("file_")) files.push(value as DescFile);
    }
  }
  return files;
}

function* allMessages(messages: readonly DescMessage[]): Generator<DescMessage> {
  for (const message of messages) {
    yield message;
    yield* allMessages(message.nestedMessages);
  }
}

/** The field a dotted path of proto field names leads to, through message fields. */
function fieldAt(message: DescMessage, path: string[]): DescField | undefined {
  const [head, ...rest] = path;
  const field = message.fields.find((candidate) => candidate.name === head);
  if (!field || rest.length === 0) return field;
  return field.fieldKind === "message" ? fieldAt(field.message, rest) : undefined;
}
