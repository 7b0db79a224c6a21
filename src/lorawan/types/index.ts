export { AES128_KEY_LENGTH, type Aes128Key, formatAes128Key, parseAes128Key } from "./aes-key.ts";
export {
  assertBytes,
  bytesEqual,
  fromWireOrder,
  readWireOrder,
  reverseBytes,
  toWireOrder,
  writeWireOrder,
} from "./bytes.ts";
export {
  DEV_ADDR_LENGTH,
  type DevAddr,
  devAddrFromUint32,
  devAddrNetIdType,
  devAddrNwkAddr,
  devAddrNwkId,
  devAddrToUint32,
  formatDevAddr,
  parseDevAddr,
} from "./dev-addr.ts";
export {
  type DevAddrPrefix,
  devAddrBelongsToNetId,
  devAddrHasPrefix,
  devAddrPrefixForNetId,
  formatDevAddrPrefix,
  makeDevAddr,
  parseDevAddrPrefix,
} from "./dev-addr-prefix.ts";
export {
  errInvalidBytes,
  errInvalidDevAddrPrefix,
  errInvalidHex,
  errInvalidLength,
  errNwkAddrOutOfRange,
} from "./errors.ts";
export { EUI64_LENGTH, type Eui64, formatEui64, parseEui64 } from "./eui64.ts";
export { formatHex, parseHexBytes } from "./hex.ts";
export {
  formatNetId,
  NET_ID_LENGTH,
  type NetId,
  netIdFromUint24,
  netIdId,
  netIdNwkId,
  netIdToUint24,
  netIdType,
  parseNetId,
} from "./net-id.ts";
export { type NetIdType, netIdIdBits, nwkAddrBits, nwkIdBits } from "./net-id-types.ts";
