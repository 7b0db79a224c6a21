import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import type { RightName } from "../../auth/rights/index.ts";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { GatewaySchema } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { onlyPublicPaths, present, presentGateway, publicPaths } from "./public-read.ts";

describe("public reads", () => {
  it("accepts only public paths and paths inside them", () => {
    const gateway = publicPaths.gateway;
    assert.ok(onlyPublicPaths([], gateway));
    assert.ok(onlyPublicPaths(["ids.eui", "antennas", "lrfhss.supported"], gateway));
    assert.ok(!onlyPublicPaths(["lrfhss"], gateway), "only a part of lrfhss is public");
    assert.ok(!onlyPublicPaths(["name", "attributes"], gateway));
    assert.ok(!onlyPublicPaths(["ids_x"], gateway));
    assert.ok(!onlyPublicPaths(["name"], publicPaths.application));
  });

  it("keeps only the public fields, and only the public contact info", () => {
    const application = create(ApplicationSchema, {
      ids: { applicationId: "app" },
      name: "App",
      description: "secret",
      attributes: { a: "b" },
      contactInfo: [
        { value: "public@example.com", public: true },
        { value: "private@example.com", public: false },
      ],
    });
    const safe = present("application", ApplicationSchema, application, "public");
    assert.equal(safe.ids?.applicationId, "app");
    assert.equal(safe.name, "");
    assert.equal(safe.description, "");
    assert.deepEqual(safe.attributes, {});
    assert.deepEqual(
      safe.contactInfo.map((info) => info.value),
      ["public@example.com"],
    );
    assert.equal(application.description, "secret", "the original is left alone");
    assert.equal(present("application", ApplicationSchema, application, "full"), application);

    const user = create(UserSchema, {
      ids: { userId: "u" },
      name: "U",
      primaryEmailAddress: "u@example.com",
      admin: true,
    });
    const publicUser = present("user", UserSchema, user, "public");
    assert.deepEqual([publicUser.name, publicUser.admin], ["U", true]);
    assert.equal(publicUser.primaryEmailAddress, "");
  });

  it("opens gateway fields by their flags and rights, and secrets only when named", () => {
    const gateway = () =>
      create(GatewaySchema, {
        ids: { gatewayId: "gw" },
        gatewayServerAddress: "gs.example.com",
        antennas: [{ gain: 2, location: { latitude: 1, longitude: 2 } }],
        lbsLnsSecret: { value: new Uint8Array([1, 2, 3]) },
        targetCupsKey: { value: new Uint8Array([4]) },
        attributes: { a: "b" },
      });
    const none = new Set<RightName>();
    const closed = presentGateway(gateway(), {}, "public", none, undefined);
    assert.equal(closed.gatewayServerAddress, "");
    assert.equal(closed.antennas[0]?.location, undefined);
    assert.equal(closed.antennas[0]?.gain, 2);
    assert.deepEqual(closed.attributes, {});
    const open = presentGateway(
      gateway(),
      { statusPublic: true, locationPublic: true },
      "public",
      none,
      undefined,
    );
    assert.equal(open.gatewayServerAddress, "gs.example.com");
    assert.equal(open.antennas[0]?.location?.latitude, 1);

    const info = new Set<RightName>(["RIGHT_GATEWAY_INFO"]);
    const full = presentGateway(gateway(), {}, "full", info, {
      paths: ["lbs_lns_secret"],
    } as never);
    assert.equal(full.antennas[0]?.location, undefined, "no LOCATION_READ");
    assert.equal(full.lbsLnsSecret, undefined, "no READ_SECRETS");
    assert.deepEqual(full.attributes, { a: "b" });

    const secrets = new Set<RightName>([
      "RIGHT_GATEWAY_INFO",
      "RIGHT_GATEWAY_LOCATION_READ",
      "RIGHT_GATEWAY_READ_SECRETS",
    ]);
    const unnamed = presentGateway(gateway(), {}, "full", secrets, undefined);
    assert.equal(unnamed.lbsLnsSecret, undefined, "not named in the mask");
    assert.equal(unnamed.antennas[0]?.location?.longitude, 2);
    const named = presentGateway(gateway(), {}, "full", secrets, {
      paths: ["lbs_lns_secret"],
    } as never);
    assert.deepEqual(named.lbsLnsSecret?.value, new Uint8Array([1, 2, 3]));
    assert.equal(named.targetCupsKey, undefined);
  });
});
