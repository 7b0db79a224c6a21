import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { anyPack, anyUnpack } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { errClusterKeyRequired } from "../../api/cluster-auth.ts";
import { peerCallKey } from "../../api/cluster-keys.ts";
import type { StackEvent } from "../../events/index.ts";
import {
  EntityStateChangedNotificationSchema,
  type ListNotificationsResponse,
  NotificationReceiver,
  type NotificationService,
  NotificationStatus,
} from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { APIKeySchema } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { accessEventsOf, userEvents } from "../events.ts";
import {
  Notifier,
  type Notifier as NotifierType,
  notificationService,
  notifyingEvents,
} from "./notifications.ts";
import { openServiceFixture, type ServiceFixture } from "./test-fixtures.ts";

let fx: ServiceFixture;
let notifier: NotifierType;
let service: ServiceImpl<typeof NotificationService>;
const errorsLogged: string[] = [];

before(async () => {
  fx = await openServiceFixture();
  notifier = new Notifier(fx.services, { error: (_fields, message) => errorsLogged.push(message) });
  service = notificationService(fx.services, notifier) as ServiceImpl<typeof NotificationService>;
  for (const id of ["alice", "bob", "carol", "dave"]) await fx.user(id);
  await fx.organization("org", "carol");
  await fx.member({ kind: "user", id: "dave" }, { kind: "organization", id: "org" }, [
    "RIGHT_ORGANIZATION_INFO",
  ]);
  await fx.stores.applications.create("with-contacts", {
    administrativeContact: { kind: "user", id: "alice" },
    technicalContact: { kind: "organization", id: "org" },
  });
  await fx.stores.applications.create("without-contacts", {});
  await fx.member({ kind: "user", id: "bob" }, { kind: "application", id: "without-contacts" }, [
    "RIGHT_APPLICATION_ALL",
  ]);
  await fx.member(
    { kind: "organization", id: "org" },
    { kind: "application", id: "without-contacts" },
    ["RIGHT_APPLICATION_INFO"],
  );
});

after(async () => {
  await fx?.close();
});

async function received(userId: string): Promise<string[]> {
  return (await fx.stores.notifications.list(userId)).items.map((item) => item.type);
}

describe("Notifier", () => {
  it("reaches the entity's contacts, a contact organization by its own contact or members", async () => {
    await notifier.notify({
      entity: { kind: "application", id: "with-contacts" },
      type: "api_key_created",
      receivers: [NotificationReceiver.ADMINISTRATIVE_CONTACT],
    });
    assert.deepEqual(await received("alice"), ["api_key_created"]);
    assert.deepEqual(await received("carol"), [], "only the administrative contact");

    await notifier.notify({
      entity: { kind: "application", id: "with-contacts" },
      type: "collaborator_changed",
      receivers: [NotificationReceiver.TECHNICAL_CONTACT],
    });
    // The organization has no contacts of its own: its members receive it.
    assert.deepEqual(await received("carol"), ["collaborator_changed"]);
    assert.deepEqual(await received("dave"), ["collaborator_changed"]);
    assert.deepEqual(await received("alice"), ["api_key_created"]);
  });

  it("falls back to the collaborators of an entity without contacts, organizations by members", async () => {
    await notifier.notify({
      entity: { kind: "application", id: "without-contacts" },
      type: "api_key_changed",
      receivers: [NotificationReceiver.ADMINISTRATIVE_CONTACT],
    });
    for (const user of ["bob", "carol", "dave"])
      assert.ok((await received(user)).includes("api_key_changed"), user);
    assert.ok(!(await received("alice")).includes("api_key_changed"));
  });

  it("publishes user.notification.create to each receiver, with the notification", async () => {
    fx.published.length = 0;
    const id = await notifier.notify({
      entity: { kind: "user", id: "bob" },
      type: "api_key_created",
      data: anyPack(APIKeySchema, create(APIKeySchema, { id: "KEY1", name: "k" })),
      receivers: [NotificationReceiver.ADMINISTRATIVE_CONTACT],
    });
    const events = fx.published.filter((event) => event.name === "user.notification.create");
    assert.deepEqual(
      events.map((event) => event.identifiers),
      [[{ kind: "user", id: "bob" }]],
    );
    const data = events[0]?.data as { id: string; data?: { typeUrl: string } };
    assert.equal(data.id, id);
    assert.equal(data.data?.typeUrl, "type.googleapis.com/ttn.lorawan.v3.APIKey");
  });
});

describe("notifying events", () => {
  it("publishes as the bus does, and makes the notification of a change TTS notifies about", async () => {
    const seen: StackEvent[] = [];
    const stop = fx.events.listen((event) => seen.push(event));
    const events = notifyingEvents(fx.events, fx.services, notifier);
    const key = create(APIKeySchema, { id: "KEY2", name: "notify me" });
    const apiKeys = accessEventsOf.application.apiKeys;
    assert.ok(apiKeys);
    events.publish(apiKeys.create, {
      identifiers: [{ kind: "application", id: "with-contacts" }],
      data: key,
    });
    events.publish(userEvents.update, {
      identifiers: [{ kind: "user", id: "alice" }],
      data: ["name"],
    });
    await new Promise((resolve) => setImmediate(resolve));
    await notifier.idle();
    stop();
    assert.deepEqual(
      seen.map((event) => event.name).filter((name) => !name.startsWith("user.notification")),
      ["application.api-key.create", "user.update"],
    );
    const alice = (await fx.stores.notifications.list("alice")).items;
    assert.equal(alice[0]?.type, "api_key_created");
    assert.equal(alice.length, 2, "a user update without a state change notifies nobody");

    await fx.stores.users.update("dave", { state: "STATE_SUSPENDED", stateDescription: "spam" }, [
      "state",
      "stateDescription",
    ]);
    events.publish(userEvents.update, {
      identifiers: [{ kind: "user", id: "dave" }],
      data: ["state", "state_description"],
    });
    await new Promise((resolve) => setImmediate(resolve));
    await notifier.idle();
    const [changed] = (await fx.stores.notifications.list("dave")).items;
    assert.equal(changed?.type, "entity_state_changed");
    // A suspended user holds RIGHT_USER_INFO only: read the notification once approved again.
    await fx.stores.users.update("dave", { state: "STATE_APPROVED" }, ["state"]);
    const listed = (await service.list(
      { receiverIds: { userId: "dave" }, status: [], limit: 0, page: 0 } as never,
      fx.handler(await fx.key({ kind: "user", id: "dave" }, ["RIGHT_USER_NOTIFICATIONS_READ"])),
    )) as ListNotificationsResponse;
    const data = listed.notifications[0]?.data;
    const state = data && anyUnpack(data, EntityStateChangedNotificationSchema);
    assert.equal(state?.stateDescription, "spam");
    assert.deepEqual(errorsLogged, []);
  });

  it("keeps every other member of the bus working", () => {
    const events = notifyingEvents(fx.events, fx.services, notifier);
    const before = fx.events.subscriberCount;
    const subscription = events.subscribe({ identifiers: [{ kind: "user", id: "alice" }] });
    assert.equal(fx.events.subscriberCount, before + 1);
    subscription.close();
  });
});

describe("NotificationService", () => {
  it("creates notifications for cluster peers only", async () => {
    const request = {
      entityIds: { ids: { case: "userIds", value: { userId: "bob" } } },
      notificationType: "api_key_created",
      receivers: [NotificationReceiver.ADMINISTRATIVE_CONTACT],
    } as never;
    await assert.rejects(
      Promise.resolve(
        service.create(
          request,
          fx.handler(await fx.key({ kind: "user", id: "bob" }, ["RIGHT_ALL"])),
        ),
      ),
      (error: unknown) => errClusterKeyRequired.matches(error),
    );
    const peer = fx.handler();
    peer.values.set(peerCallKey, true);
    const { id } = await service.create(request, peer);
    assert.match(id ?? "", /^[0-9a-f-]{36}$/);
    await assert.rejects(
      Promise.resolve(
        service.create({ ...(request as object), notificationType: "made_up" } as never, peer),
      ),
      /unknown notification type/,
    );
  });

  it("lists and updates the caller's own notifications", async () => {
    const bobKey = await fx.key({ kind: "user", id: "bob" }, ["RIGHT_USER_NOTIFICATIONS_READ"]);
    const listed = (await service.list(
      { receiverIds: { userId: "bob" }, status: [], limit: 2, page: 1 } as never,
      fx.handler(bobKey),
    )) as ListNotificationsResponse;
    assert.equal(listed.notifications.length, 2);
    const ids = listed.notifications.map((item) => item.id);
    await service.updateStatus(
      { receiverIds: { userId: "bob" }, ids, status: NotificationStatus.ARCHIVED } as never,
      fx.handler(bobKey),
    );
    const archived = (await service.list(
      {
        receiverIds: { userId: "bob" },
        status: [NotificationStatus.ARCHIVED],
        limit: 0,
        page: 0,
      } as never,
      fx.handler(bobKey),
    )) as ListNotificationsResponse;
    assert.deepEqual(archived.notifications.map((item) => item.id).sort(), [...ids].sort());
    const otherKey = await fx.key({ kind: "user", id: "carol" }, ["RIGHT_ALL"]);
    await assert.rejects(
      Promise.resolve(
        service.list(
          { receiverIds: { userId: "bob" }, status: [], limit: 0, page: 0 } as never,
          fx.handler(otherKey),
        ),
      ),
      /no rights/,
    );
  });
});
