import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { errNoRights } from "../../auth/errors.ts";
import { composeConfig, loadConfig, readSection } from "../../config/index.ts";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { ApplicationIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { devEuiBlock, identityServerConfig } from "../config.ts";
import { errDevEuiIssuingNotEnabled, issueDevEui } from "./dev-eui.ts";
import {
  callContext,
  openTestIdentity,
  rejectsWith,
  seedApiKey,
  seedUser,
  type TestIdentity,
} from "./test-support.ts";

describe("DevEUI issuing configuration", () => {
  const model = composeConfig([{ owner: "is", section: identityServerConfig }]);
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-dev-eui-config-"));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });
  const load = (env: Record<string, string>) =>
    readSection(identityServerConfig, loadConfig(model, { cwd: folder, env }).config);

  it("is off by default, and reads the block and limits when on", () => {
    assert.equal(devEuiBlock(load({})), undefined);
    assert.deepEqual(
      devEuiBlock(
        load({
          LORASTACK_DEV_EUI_BLOCK_ENABLED: "true",
          LORASTACK_DEV_EUI_BLOCK_PREFIX: "70b3d57ed0000000/36",
          LORASTACK_DEV_EUI_BLOCK_APPLICATION_LIMIT: "5",
          LORASTACK_DEV_EUI_BLOCK_INIT_COUNTER: "16",
        }),
      ),
      { prefix: "70B3D57ED0000000", length: 36, initCounter: 16, applicationLimit: 5 },
    );
  });

  it("refuses a block that is not 16 hex digits and a length of 0 to 64", () => {
    for (const prefix of ["70B3D57ED000000/36", "70B3D57ED0000000/65", "70B3D57ED0000000", "x/1"])
      assert.throws(
        () => load({ LORASTACK_DEV_EUI_BLOCK_PREFIX: prefix }),
        /dev_eui_block\.prefix/,
        prefix,
      );
  });
});

describe("IssueDevEUI", () => {
  let identity: TestIdentity;
  let admin: string;
  let stranger: string;
  before(async () => {
    identity = await openTestIdentity();
    await seedUser(identity.stores, "admin", { admin: true });
    await seedUser(identity.stores, "eve");
    admin = await seedApiKey(identity.stores, { kind: "user", id: "admin" }, ["RIGHT_ALL"]);
    stranger = await seedApiKey(identity.stores, { kind: "user", id: "eve" }, ["RIGHT_ALL"]);
    await identity.stores.applications.create("app", {});
  });
  after(() => identity.close());

  const request = create(ApplicationIdentifiersSchema, { applicationId: "app" });
  const never = (): never => {
    throw new Error("no DevEUI is issued");
  };

  it("answers dev_eui_issuing_not_enabled when no block is configured, after the rights", async () => {
    const issue = issueDevEui(identity.services, { issue: never }, () => undefined);
    await rejectsWith(
      issue(request, callContext(ApplicationRegistry, admin)),
      errDevEuiIssuingNotEnabled,
    );
    await rejectsWith(issue(request, callContext(ApplicationRegistry, stranger)), errNoRights);
  });

  it("issues from the block and tells who may see the application", async () => {
    const issued: string[] = [];
    const issue = issueDevEui(
      identity.services,
      {
        async issue(applicationId, block, limit) {
          issued.push(`${applicationId} ${block.prefix}/${block.length} ${limit}`);
          return "70B3D57ED0000001";
        },
      },
      () => ({
        block: { prefix: "70B3D57ED0000000", length: 36, initCounter: 0 },
        applicationLimit: 2,
      }),
    );
    const answer = await issue(request, callContext(ApplicationRegistry, admin));
    assert.equal(Buffer.from(answer.devEui).toString("hex").toUpperCase(), "70B3D57ED0000001");
    assert.deepEqual(issued, ["app 70B3D57ED0000000/36 2"]);
    assert.deepEqual(
      identity.events.filter((event) => event.name === "application.issue_dev_eui").length,
      1,
    );
  });
});
