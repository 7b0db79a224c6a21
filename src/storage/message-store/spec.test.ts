import assert from "node:assert/strict";
import { it } from "node:test";
import { checkMessageTableSpec, indexName, type MessageTableSpec } from "./spec.ts";
import { testDeviceTable } from "./testdata/devices.ts";
import type { DeviceSchema } from "./testdata/gen/lorastack/test/storage/devices_pb.js";

type Spec = MessageTableSpec<typeof DeviceSchema>;
const index = (column: string) => ({ column, unique: false, value: () => undefined });

it("accepts a registry's declaration and names its indexes after table and column", () => {
  checkMessageTableSpec(testDeviceTable);
  assert.equal(indexName("test_devices", "dev_addr"), "test_devices_dev_addr_index");
});

it("refuses names that are not plain identifiers, repeated columns and missing keys", () => {
  const cases: [Partial<Spec>, RegExp][] = [
    [{ table: "devices; drop table x" }, /is not a plain identifier/],
    [{ keyColumns: ["Application"] }, /Application is not a plain identifier/],
    [{ indexes: [index("dev addr")] }, /dev addr is not a plain identifier/],
    [{ indexes: [index("device_id")] }, /column device_id is declared twice/],
    [{ indexes: [index("message")] }, /column message is declared twice/],
    [{ keyColumns: [] }, /no key columns/],
    [{ indexes: [index("x".repeat(50))] }, /is too long/],
  ];
  for (const [change, message] of cases)
    assert.throws(() => checkMessageTableSpec({ ...testDeviceTable, ...change }), message);
});
