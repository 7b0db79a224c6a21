export { devAddrNumber, generateDevAddr, type RandomBelow } from "./generate.ts";
export {
  type DevAddrPrefix,
  hasPrefix,
  netIdPrefix,
  netIdType,
  nwkId,
  prefixWithin,
} from "./net-id.ts";
export {
  devAddrPrefixesOf,
  formatDevAddrPrefix,
  parseDevAddrPrefix,
  parseNetId,
} from "./prefixes.ts";
