/**
 * The fields of `EndDevice` the Join Server keeps (see the comments in end_device.proto):
 * everything else of a device is another registry's. Top-level field paths.
 */
export const joinServerFields: readonly string[] = [
  "ids",
  "created_at",
  "updated_at",
  "root_keys",
  "resets_join_nonces",
  "net_id",
  "network_server_address",
  "network_server_kek_label",
  "application_server_address",
  "application_server_kek_label",
  "application_server_id",
  "last_dev_nonce",
  "used_dev_nonces",
  "last_join_nonce",
  "last_rj_count_0",
  "last_rj_count_1",
  "claim_authentication_code",
  "provisioner_id",
  "provisioning_data",
];

const topLevel = new Set(joinServerFields);

/** Whether a field path names (a part of) a field the Join Server keeps. */
export function isJoinServerPath(path: string): boolean {
  return topLevel.has(path.split(".")[0] as string);
}
