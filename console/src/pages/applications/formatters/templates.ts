/** The JavaScript a new formatter starts from (lorastack's own examples). */

export const uplinkTemplate = `// Turns an uplink's bytes into an object.
// input.bytes: the frame payload (numbers 0-255); input.fPort: its FPort.
function decodeUplink(input) {
  return {
    data: { bytes: input.bytes },
    warnings: [],
    errors: [],
  };
}
`;

export const downlinkTemplate = `// Turns an object into a downlink's bytes.
// input.data: the object given in the downlink's decoded_payload.
function encodeDownlink(input) {
  return {
    bytes: [],
    fPort: 1,
    warnings: [],
    errors: [],
  };
}

// Turns a downlink's bytes back into the object (shown in events and integrations).
function decodeDownlink(input) {
  return {
    data: { bytes: input.bytes },
    warnings: [],
    errors: [],
  };
}
`;
