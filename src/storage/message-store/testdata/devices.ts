import { create } from "@bufbuild/protobuf";
import type { MessageTableSpec } from "../spec.ts";
import {
	type Device,
	type DeviceSchema as DeviceDesc,
	DeviceSchema,
} from "./gen/lorastack/test/storage/devices_pb.js";

/** Upper-case hex of a bytes field; `undefined` when empty. */
export const hex = (bytes: Uint8Array | undefined) =>
	bytes && bytes.length > 0
		? Buffer.from(bytes).toString("hex").toUpperCase()
		: undefined;
/** Bytes from hex. */
export const bytes = (text: string) => new Uint8Array(Buffer.from(text, "hex"));

/** A registry as a Network Server would declare one: devices by DevAddr and by EUIs. */
export const testDeviceTable: MessageTableSpec<typeof DeviceDesc> = {
	table: "test_devices",
	schema: DeviceSchema,
	keyColumns: ["application_id", "device_id"],
	key: (device) => [
		device.ids?.applicationId ?? "",
		device.ids?.deviceId ?? "",
	],
	indexes: [
		{
			column: "dev_addr",
			unique: false,
			value: (device) => hex(device.session?.devAddr),
		},
		{
			column: "euis",
			unique: true,
			value: (device) => {
				const joinEui = hex(device.ids?.joinEui);
				const devEui = hex(device.ids?.devEui);
				return joinEui && devEui ? `${joinEui}:${devEui}` : undefined;
			},
		},
	],
};

/** A device of the test registry. */
export function testDevice(
	applicationId: string,
	deviceId: string,
	fields: {
		devAddr?: string;
		devEui?: string;
		name?: string;
		fCnt?: number;
	} = {},
): Device {
	return create(DeviceSchema, {
		ids: {
			applicationId,
			deviceId,
			joinEui: fields.devEui ? bytes("70b3d57ed0000000") : new Uint8Array(0),
			devEui: fields.devEui ? bytes(fields.devEui) : new Uint8Array(0),
		},
		name: fields.name ?? "",
		session: fields.devAddr
			? {
					devAddr: bytes(fields.devAddr),
					lastFCntUp: fields.fCnt ?? 0,
					keys: { appSKey: { key: bytes("ec925802ae430ca77fd3dd73cb2cc588") } },
				}
			: undefined,
	});
}
