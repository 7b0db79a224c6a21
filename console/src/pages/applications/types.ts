/** The TTS JSON shapes the Applications pages read and write (snake_case, as on the wire). */

export interface Application {
  ids: { application_id: string };
  created_at?: string;
  updated_at?: string;
  name?: string;
  description?: string;
  attributes?: Record<string, string>;
}

export type FormatterType =
  | "FORMATTER_NONE"
  | "FORMATTER_REPOSITORY"
  | "FORMATTER_GRPC_SERVICE"
  | "FORMATTER_JAVASCRIPT"
  | "FORMATTER_CAYENNELPP";

export interface MessagePayloadFormatters {
  up_formatter?: FormatterType;
  up_formatter_parameter?: string;
  down_formatter?: FormatterType;
  down_formatter_parameter?: string;
}

export interface ApplicationLink {
  default_formatters?: MessagePayloadFormatters;
  skip_payload_crypto?: boolean | null;
}

export interface ErrorDetails {
  namespace?: string;
  name?: string;
  message_format?: string;
  attributes?: Record<string, unknown>;
  code?: number;
}

export interface WebhookHealth {
  healthy?: Record<string, never>;
  unhealthy?: {
    failed_attempts?: string | number;
    last_failed_attempt_at?: string;
    last_failed_attempt_details?: ErrorDetails;
  };
}

/** A message type an integration sends (TTS field name), with its label. */
export const messageTypes = [
  ["uplink_message", "Uplink message"],
  ["uplink_normalized", "Normalized uplink"],
  ["join_accept", "Join accept"],
  ["downlink_ack", "Downlink ack"],
  ["downlink_nack", "Downlink nack"],
  ["downlink_sent", "Downlink sent"],
  ["downlink_failed", "Downlink failed"],
  ["downlink_queued", "Downlink queued"],
  ["downlink_queue_invalidated", "Downlink queue invalidated"],
  ["location_solved", "Location solved"],
  ["service_data", "Service data"],
] as const;

export type MessageType = (typeof messageTypes)[number][0];

export type Webhook = {
  ids: { application_ids: { application_id: string }; webhook_id: string };
  created_at?: string;
  updated_at?: string;
  base_url?: string;
  headers?: Record<string, string>;
  format?: string;
  downlink_api_key?: string;
  health_status?: WebhookHealth;
  paused?: boolean;
} & { [type in MessageType]?: { path?: string } };

export interface MqttProvider {
  server_url?: string;
  client_id?: string;
  username?: string;
  password?: string;
  subscribe_qos?: string;
  publish_qos?: string;
  use_tls?: boolean;
}

export type PubSub = {
  ids: { application_ids: { application_id: string }; pub_sub_id: string };
  created_at?: string;
  updated_at?: string;
  format?: string;
  base_topic?: string;
  nats?: { server_url?: string };
  mqtt?: MqttProvider;
  downlink_push?: { topic?: string };
  downlink_replace?: { topic?: string };
} & { [type in MessageType]?: { topic?: string } };

export interface DefaultAssociation {
  ids: { application_ids: { application_id: string }; f_port: number };
  package_name?: string;
  created_at?: string;
}

export interface MqttConnectionInfo {
  public_address?: string;
  public_tls_address?: string;
  username?: string;
}

export interface ApiKey {
  id: string;
  key?: string;
  name?: string;
  rights?: string[];
}

export interface ApplicationUplinkResult {
  f_port?: number;
  f_cnt?: number;
  frm_payload?: string;
  decoded_payload?: unknown;
  decoded_payload_warnings?: string[];
  received_at?: string;
}

/** One stored application message (GetStoredApplicationUp result). */
export interface StoredUp {
  end_device_ids?: { device_id?: string; dev_eui?: string };
  received_at?: string;
  uplink_message?: ApplicationUplinkResult;
}
