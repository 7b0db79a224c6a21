/**
 * The frame side of an end device (used by the simulator and by tests of the stack): it joins
 * (join-request with a fresh DevNonce, reads the join-accept as a device does: decrypts it,
 * checks its MIC, derives its session keys), sends data uplinks (1.0.x and 1.1 MICs, FOpts
 * encrypted in 1.1) and reads downlinks (checks the MIC with the counters it expects, decrypts
 * FOpts and FRMPayload). Built on src/lorawan, the same library as the stack: tests that need
 * an independent oracle also check frames with lora-packet.
 */
import {
  type DownlinkDataFrame,
  decodeJoinAcceptPayload,
  decodePhyPayload,
  encodePhyPayload,
  type JoinAcceptPayload,
} from "../../lorawan/codec/index.ts";
import {
  computeDataUplinkMic10,
  computeDataUplinkMic11,
  computeJoinRequestMic,
  decryptFrmPayload,
  decryptJoinAccept,
  deriveJsIntKey,
  deriveSessionKeys,
  encryptFOpts,
  encryptFrmPayload,
  verifyDataDownlinkMic10,
  verifyDataDownlinkMic11,
  verifyJoinAcceptMic10,
  verifyJoinAcceptMic11,
} from "../../lorawan/crypto/index.ts";
import { type DownlinkMacCommand, decodeMacCommandsLenient } from "../../lorawan/mac/index.ts";
import {
  errDownlinkMic,
  errJoinAcceptMic,
  errNoJoinRequest,
  errNoSession,
  errNotDataDownlink,
  errNotJoinAccept,
} from "./errors.ts";

export interface VirtualDeviceInit {
  joinEui: Uint8Array;
  devEui: Uint8Array;
  /** The AppKey; the root key of 1.0.x devices. */
  appKey: Uint8Array;
  /** LoRaWAN 1.1 devices only. */
  nwkKey?: Uint8Array;
  /** "1.0" for 1.0.x, "1.1" for 1.1 (OptNeg). */
  version: "1.0" | "1.1";
}

export interface Session {
  devAddr: Uint8Array;
  fNwkSIntKey: Uint8Array;
  sNwkSIntKey: Uint8Array;
  nwkSEncKey: Uint8Array;
  appSKey: Uint8Array;
  joinAccept: JoinAcceptPayload;
}

export interface UplinkOptions {
  fPort?: number;
  payload?: Uint8Array;
  confirmed?: boolean;
  /** Acknowledges the last confirmed downlink. */
  ack?: boolean;
  adr?: boolean;
  adrAckReq?: boolean;
  /** MAC commands in FOpts (plain; encrypted here for 1.1). */
  fOpts?: Uint8Array;
  /** The 1.1 MIC's TxDr and TxCh (default DR5, channel 0). */
  txDr?: number;
  txCh?: number;
  /** Send with this counter (default: the next one). */
  fCnt?: number;
}

export interface ReadDownlink {
  frame: DownlinkDataFrame;
  confirmed: boolean;
  /** The full downlink counter the MIC verified with. */
  fCnt: number;
  /** The application payload (decrypted), when FPort > 0. */
  payload?: Uint8Array;
  /** MAC commands of FOpts or port 0. */
  commands: DownlinkMacCommand[];
}

export class VirtualDevice {
  readonly init: VirtualDeviceInit;
  session: Session | undefined;
  /** The next uplink counter. */
  fCntUp = 0;
  /** The last downlink counters seen (1.0: one counter; 1.1: network and application). */
  nFCntDown = -1;
  aFCntDown = -1;
  /** FCnt of the last confirmed uplink, for the 1.1 downlink MIC of its ACK. */
  lastConfirmedFCntUp = 0;
  /** FCnt of the last confirmed downlink, for the 1.1 uplink MIC of its ACK. */
  lastConfirmedFCntDown = 0;
  #devNonce = 0;
  #lastJoinRequest: { devNonce: number } | undefined;

  constructor(init: VirtualDeviceInit) {
    this.init = init;
  }

  /** A join-request with `devNonce`, or with the next one of the device's own counter. */
  joinRequest(devNonce = this.#devNonce + 1): Uint8Array {
    this.#devNonce = devNonce;
    this.#lastJoinRequest = { devNonce };
    const frame = {
      mType: "joinRequest" as const,
      joinEui: this.init.joinEui,
      devEui: this.init.devEui,
      devNonce,
      mic: new Uint8Array(4),
    };
    const unsigned = encodePhyPayload(frame);
    const key = this.init.version === "1.1" ? (this.init.nwkKey as Uint8Array) : this.init.appKey;
    return encodePhyPayload({
      ...frame,
      mic: computeJoinRequestMic(key, unsigned.subarray(0, 19)),
    });
  }

  /**
   * Reads a join-accept as the device does: throws when it is not one, or its MIC is wrong.
   * On success the device is in the new session (counters reset).
   */
  acceptJoin(phy: Uint8Array): Session {
    const request = this.#lastJoinRequest;
    if (!request) throw errNoJoinRequest.create();
    if (phy[0] !== 0x20) throw errNotJoinAccept.create({ mhdr: phy[0] });
    const key = this.init.version === "1.1" ? (this.init.nwkKey as Uint8Array) : this.init.appKey;
    const plain = decryptJoinAccept(key, phy.subarray(1));
    const payloadBytes = plain.subarray(0, plain.length - 4);
    const mic = plain.subarray(plain.length - 4);
    const msg = new Uint8Array([phy[0] as number, ...payloadBytes]);
    const payload = decodeJoinAcceptPayload(payloadBytes);
    const optNeg = payload.dlSettings.optNeg && this.init.version === "1.1";
    const micOk = optNeg
      ? verifyJoinAcceptMic11(
          deriveJsIntKey(this.init.nwkKey as Uint8Array, this.init.devEui),
          { joinReqType: 0xff, joinEui: this.init.joinEui, devNonce: request.devNonce },
          msg,
          mic,
        )
      : verifyJoinAcceptMic10(key, msg, mic);
    if (!micOk) throw errJoinAcceptMic.create();
    const keys = optNeg
      ? deriveSessionKeys({
          optNeg: true,
          nwkKey: this.init.nwkKey as Uint8Array,
          appKey: this.init.appKey,
          joinNonce: payload.joinNonce,
          joinEui: this.init.joinEui,
          devNonce: request.devNonce,
        })
      : deriveSessionKeys({
          optNeg: false,
          rootKey:
            this.init.version === "1.1" ? (this.init.nwkKey as Uint8Array) : this.init.appKey,
          joinNonce: payload.joinNonce,
          netId: payload.homeNetId,
          devNonce: request.devNonce,
        });
    this.session = { devAddr: payload.devAddr, ...keys, joinAccept: payload } as Session;
    this.fCntUp = 0;
    this.nFCntDown = -1;
    this.aFCntDown = -1;
    return this.session;
  }

  /** An ABP session given by the test. */
  useSession(session: Omit<Session, "joinAccept">): void {
    this.session = { ...session, joinAccept: undefined as never };
  }

  /** A data uplink with the next counter (or `options.fCnt`). */
  uplink(options: UplinkOptions = {}): Uint8Array {
    const session = this.#requireSession();
    const fCnt = options.fCnt ?? this.fCntUp;
    this.fCntUp = fCnt + 1;
    const lorawan11 =
      this.init.version === "1.1" && session.joinAccept?.dlSettings.optNeg !== false;
    const fPort = options.fPort ?? 1;
    const plainFOpts = options.fOpts ?? new Uint8Array();
    const fOpts =
      lorawan11 && plainFOpts.length > 0
        ? encryptFOpts(session.nwkSEncKey, "FCntUp", session.devAddr, fCnt, plainFOpts)
        : plainFOpts;
    const key =
      fPort === 0 ? (lorawan11 ? session.nwkSEncKey : session.fNwkSIntKey) : session.appSKey;
    const frmPayload = options.payload
      ? encryptFrmPayload(key, "uplink", session.devAddr, fCnt, options.payload)
      : new Uint8Array();
    if (options.confirmed) this.lastConfirmedFCntUp = fCnt;
    const frame = {
      mType: options.confirmed ? ("confirmedDataUp" as const) : ("unconfirmedDataUp" as const),
      devAddr: session.devAddr,
      fCtrl: {
        adr: options.adr ?? true,
        adrAckReq: options.adrAckReq ?? false,
        ack: options.ack ?? false,
        classB: false,
      },
      fCnt: fCnt & 0xffff,
      fOpts,
      ...(options.payload || fPort === 0 ? { fPort } : {}),
      frmPayload,
      mic: new Uint8Array(4),
    };
    const unsigned = encodePhyPayload(frame);
    const msg = unsigned.subarray(0, unsigned.length - 4);
    const mic = lorawan11
      ? computeDataUplinkMic11(
          session.fNwkSIntKey,
          session.sNwkSIntKey,
          session.devAddr,
          fCnt,
          {
            confFCnt: options.ack ? this.lastConfirmedFCntDown : 0,
            txDr: options.txDr ?? 5,
            txCh: options.txCh ?? 0,
          },
          msg,
        )
      : computeDataUplinkMic10(session.fNwkSIntKey, session.devAddr, fCnt, msg);
    return encodePhyPayload({ ...frame, mic });
  }

  /**
   * Reads a data downlink as the device does: its MIC must verify with a counter above the last
   * one seen (within 2^16), else this throws.
   */
  readDownlink(phy: Uint8Array): ReadDownlink {
    const session = this.#requireSession();
    const frame = decodePhyPayload(phy);
    if (frame.mType !== "unconfirmedDataDown" && frame.mType !== "confirmedDataDown")
      throw errNotDataDownlink.create({ m_type: frame.mType });
    const lorawan11 =
      this.init.version === "1.1" && session.joinAccept?.dlSettings.optNeg !== false;
    const application = frame.fPort !== undefined && frame.fPort > 0;
    const last =
      lorawan11 && application
        ? this.aFCntDown
        : lorawan11
          ? this.nFCntDown
          : Math.max(this.nFCntDown, this.aFCntDown);
    const base = last < 0 ? 0 : last - (last % 0x10000);
    let fCnt = base + frame.fCnt;
    if (fCnt <= last) fCnt += 0x10000;
    const msg = phy.subarray(0, phy.length - 4);
    const ok = lorawan11
      ? verifyDataDownlinkMic11(
          session.sNwkSIntKey,
          session.devAddr,
          fCnt,
          frame.fCtrl.ack ? this.lastConfirmedFCntUp : 0,
          msg,
          frame.mic,
        )
      : verifyDataDownlinkMic10(session.fNwkSIntKey, session.devAddr, fCnt, msg, frame.mic);
    if (!ok) throw errDownlinkMic.create({ f_cnt: fCnt });
    if (frame.mType === "confirmedDataDown") this.lastConfirmedFCntDown = fCnt;
    if (lorawan11 && application) this.aFCntDown = fCnt;
    else if (lorawan11) this.nFCntDown = fCnt;
    else {
      this.nFCntDown = fCnt;
      this.aFCntDown = fCnt;
    }
    let macBytes = frame.fOpts;
    if (lorawan11 && frame.fOpts.length > 0)
      macBytes = encryptFOpts(
        session.nwkSEncKey,
        application ? "AFCntDown" : "NFCntDown",
        session.devAddr,
        fCnt,
        frame.fOpts,
      );
    let payload: Uint8Array | undefined;
    if (frame.fPort === 0)
      macBytes = decryptFrmPayload(
        lorawan11 ? session.nwkSEncKey : session.fNwkSIntKey,
        "downlink",
        session.devAddr,
        fCnt,
        frame.frmPayload,
      );
    else if (application)
      payload = decryptFrmPayload(
        session.appSKey,
        "downlink",
        session.devAddr,
        fCnt,
        frame.frmPayload,
      );
    return {
      frame,
      confirmed: frame.mType === "confirmedDataDown",
      fCnt,
      ...(payload ? { payload } : {}),
      commands: decodeMacCommandsLenient(macBytes, "downlink").commands,
    };
  }

  #requireSession(): Session {
    if (!this.session) throw errNoSession.create();
    return this.session;
  }
}
