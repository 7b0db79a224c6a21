/**
 * Every MAC command's Network Server behaviour, keyed by CID, and the order in which The Things
 * Stack fills a downlink with requests (answers always come first).
 */
import { adrParamSetupHandler } from "./adr-param-setup.ts";
import { beaconFreqHandler } from "./beacon-freq.ts";
import { beaconTimingHandler } from "./beacon-timing.ts";
import { devStatusHandler } from "./dev-status.ts";
import { deviceModeHandler } from "./device-mode.ts";
import { deviceTimeHandler } from "./device-time.ts";
import { dlChannelHandler } from "./dl-channel.ts";
import { dutyCycleHandler } from "./duty-cycle.ts";
import { forceRejoinHandler } from "./force-rejoin.ts";
import { linkADRHandler } from "./link-adr.ts";
import { linkCheckHandler } from "./link-check.ts";
import { newChannelHandler } from "./new-channel.ts";
import { pingSlotChannelHandler } from "./ping-slot-channel.ts";
import { pingSlotInfoHandler } from "./ping-slot-info.ts";
import { rejoinParamSetupHandler } from "./rejoin-param-setup.ts";
import { rekeyHandler } from "./rekey.ts";
import { resetHandler } from "./reset.ts";
import { rxParamSetupHandler } from "./rx-param-setup.ts";
import { rxTimingSetupHandler } from "./rx-timing-setup.ts";
import { txParamSetupHandler } from "./tx-param-setup.ts";
import type { MacHandler } from "./types.ts";

/** The handler of every CID the Network Server knows. */
export const MAC_HANDLERS: Readonly<Record<number, MacHandler>> = Object.freeze(
  Object.fromEntries(
    [
      resetHandler,
      linkCheckHandler,
      linkADRHandler,
      dutyCycleHandler,
      rxParamSetupHandler,
      devStatusHandler,
      newChannelHandler,
      rxTimingSetupHandler,
      txParamSetupHandler,
      dlChannelHandler,
      rekeyHandler,
      adrParamSetupHandler,
      deviceTimeHandler,
      forceRejoinHandler,
      rejoinParamSetupHandler,
      pingSlotInfoHandler,
      pingSlotChannelHandler,
      beaconTimingHandler,
      beaconFreqHandler,
      deviceModeHandler,
    ].map((handler) => [handler.cid, handler]),
  ),
);

/**
 * The order of requests in a downlink, as The Things Stack enqueues them: NewChannelReq before
 * LinkADRReq (the mask may enable a channel the same downlink creates); each handler decides
 * itself whether the version, class and band allow its command.
 */
export const REQUEST_ORDER: readonly MacHandler[] = [
  dutyCycleHandler,
  rxParamSetupHandler,
  devStatusHandler,
  newChannelHandler,
  linkADRHandler,
  rxTimingSetupHandler,
  pingSlotChannelHandler,
  beaconFreqHandler,
  txParamSetupHandler,
  dlChannelHandler,
  adrParamSetupHandler,
  forceRejoinHandler,
  rejoinParamSetupHandler,
];

/** Unanswered uplinks after which a request is given up, unless the context says otherwise. */
export const DEFAULT_MAX_REQUEST_ATTEMPTS = 3;
