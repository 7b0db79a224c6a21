/**
 * Golden vectors: every entry of the reference set `lorawan-crypto.json` (V1–V15 and the
 * CFList vectors), written here as literal hex with labelled fields so that a fresh clone
 * proves them. Field names follow the reference set: `*_be` values are identifiers in display
 * order (MSB first), `phy` is a whole PHYPayload on the wire with MHDR and MIC. When the
 * reference file is present (`../shared/vectors/`), a last test checks that this transcription
 * matches it field by field.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { sharedPath, sharedSkipReason } from "../../../test/harness/ci.ts";
import { AesKey } from "./aes-key.ts";
import {
  computeDataDownlinkMic10,
  computeDataDownlinkMic11,
  computeDataUplinkMic10,
  computeDataUplinkMic11,
  computeJoinAcceptMic10,
  computeJoinAcceptMic11,
  computeJoinRequestMic,
  decryptFOpts,
  decryptFrmPayload,
  decryptJoinAccept,
  deriveJsEncKey,
  deriveJsIntKey,
  deriveSessionKeys,
  deriveSessionKeys10,
  deriveSessionKeys11,
  encryptFOpts,
  encryptFrmPayload,
  encryptJoinAccept,
  fOptsCounter,
  verifyDataDownlinkMic11,
  verifyDataUplinkMic10,
  verifyDataUplinkMic11,
  verifyJoinAcceptMic10,
  verifyJoinAcceptMic11,
  verifyJoinRequestMic,
} from "./index.ts";

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** The reference vectors, transcribed. Sources are in the reference file. */
const V = {
  V1: {
    what: "FRMPayload and 1.1 FOpts encryption (AES-CTR A-blocks)",
    input: {
      key: "01010101010101010101010101010101",
      devaddr_be: "01020304",
      fcnt: 1,
      plaintext: "01020304",
    },
    expected: {
      uplink_frmpayload: "cff30b4e",
      downlink_frmpayload: "4e75f440",
      uplink_fopts_A1to4_00000001: "23615f18",
      downlink_fopts_A1to4_00000001: "b2dbe391",
    },
  },
  V2: {
    what: "Data MIC 1.0 uplink, 1.1 uplink (same key for S/F, ConfFCnt=TxDr=TxCh=0), downlink",
    input: {
      key: "01010101010101010101010101010101",
      devaddr_be: "01020304",
      fcnt: 1,
      msg_without_mic: "40040302010001000101020304",
    },
    expected: {
      mic_uplink_1_0: "3b073182",
      mic_uplink_1_1: "3b073b07",
      mic_downlink_dir1_confFCnt0: "a5609fa9",
    },
  },
  V3: {
    what: "Join-request MIC",
    input: {
      key: "01010101010101010101010101010101",
      msg_without_mic: "00080706050403020108070605040302010201",
      join_eui_be: "0102030405060708",
      dev_eui_be: "0102030405060708",
      dev_nonce_be: "0102",
    },
    expected: { mic: "e6e10c55", phy: "00080706050403020108070605040302010201e6e10c55" },
  },
  V4: {
    what: "Join-accept 1.0 MIC + encryption (AES-ECB decrypt of MACPayload||MIC)",
    input: {
      app_key: "01010101010101010101010101010101",
      plain_mhdr_macpayload: "20030201030201040302010001",
      join_nonce_be: "010203",
      net_id_be: "010203",
      devaddr_be: "01020304",
      dl_settings: "00",
      rx_delay: 1,
    },
    expected: {
      mic: "32f54ab3",
      encrypted_macpayload_mic: "c9fbb259e11649096a568a9e3b7117c3",
      phy: "20c9fbb259e11649096a568a9e3b7117c3",
    },
  },
  V5: {
    what: "Join-accept 1.1 MIC (JoinReqType | JoinEUI(LE) | DevNonce(LE) | MHDR | payload)",
    input: {
      js_int_key: "01010101010101010101010101010101",
      join_req_type: "ff",
      join_eui_be: "0807060504030201",
      dev_nonce_be: "0201",
      mhdr_macpayload: "20030201030201040302010001",
    },
    expected: { mic: "48e9be5f", cmac_input: "ff0102030405060708010220030201030201040302010001" },
  },
  V6: {
    what: "Session/JS key derivation 1.0 and 1.1 (one root key for all)",
    input: {
      root_key: "bec499c69e9c939e413b663961636c61",
      join_nonce_be: "ae3b1c",
      net_id_be: "020101",
      join_eui_be: "0000001223224242",
      dev_nonce_be: "7369",
      dev_eui_be: "0042004213424341",
    },
    expected: {
      nwk_s_key_1_0: "0db924ee6af90698e05fc7ce48303c01",
      app_s_key_1_0: "8c1e0543a229088de6f84e74bb46bd62",
      f_nwk_s_int_key: "379084e7ce22ff191bff4b77536f2aa3",
      s_nwk_s_int_key: "63c59309d53485bc5164dbf71627aeb9",
      nwk_s_enc_key: "ce07a009a3970ac0519a099ed53e550b",
      app_s_key_1_1: "b035cce24e4a040eb5cecbf21724412d",
      js_int_key: "cb8e9ee114c3fb5ce472a5aa13ab1855",
      js_enc_key: "bb711eefb9829b4a75866f8616bacd6d",
    },
  },
  V7: {
    what: "Full join-request PHY",
    input: {
      app_key: "0102030405060708090a0b0c0d0e0f10",
      join_eui_be: "0101010101010101",
      dev_eui_be: "0202020202020202",
      dev_nonce: 771,
    },
    expected: { mic: "09b97b32", phy: "0001010101010101010202020202020202030309b97b32" },
  },
  V8: {
    what: "Full 1.0 join-accept PHY (encrypted)",
    input: {
      app_key: "0102030405060708090a0b0c0d0e0f10",
      join_nonce: 65793,
      net_id_be: "020202",
      devaddr_be: "01020304",
      dl_settings: "00",
      rx_delay: 0,
      cflist: null,
      plain_phy_without_mic: "20010101020202040302010000",
    },
    expected: { mic: "3449f212", phy: "2023cf335489aae3183c0be0baa8dee5f3" },
  },
  V9: {
    what: "Full 1.1 join-accept PHY (OptNeg=1, JoinType=Join 0xFF)",
    input: {
      key_for_mic_and_encryption: "0102030405060708090a0b0c0d0e0f10",
      join_eui_be: "0807060504030201",
      dev_nonce: 258,
      join_nonce: 65793,
      net_id_be: "020202",
      devaddr_be: "01020304",
      dl_settings: "80",
      rx_delay: 0,
    },
    expected: { mic: "93ff9a3a", phy: "207abeea06b02920f11c02d0348fcf1815" },
  },
  V10: {
    what: "Full 1.0 confirmed uplink with plaintext FOpts",
    input: {
      nwk_s_key: "0102030405060708090a0b0c0d0e0f10",
      app_s_key: "100f0e0d0c0b0a090807060504030201",
      devaddr_be: "01020304",
      fcnt: 0,
      fopts: "067307",
      fport: 10,
      frm_plain: "01020304",
    },
    expected: {
      phy: "80040302010300000673070ae264d4f7e117d2c0",
      frm_encrypted: "e264d4f7",
      mic: "e117d2c0",
    },
  },
  V11: {
    what: "Full 1.1 unconfirmed downlink with encrypted FOpts (AFCntDown since FPort=1)",
    input: {
      s_nwk_s_int_key: "01010101010101010101010101010100",
      nwk_s_enc_key: "01010101010101010101010101010200",
      app_s_key: "100f0e0d0c0b0a090807060504030201",
      devaddr_be: "01020304",
      fcnt: 0,
      conf_fcnt: 0,
      fopts_plain: "020701",
      fport: 1,
      frm_plain: "01020304",
    },
    expected: {
      phy: "600403020103000022ac0a01f0b468ddaa5ed13a",
      fopts_encrypted: "22ac0a",
      frm_encrypted: "f0b468dd",
      mic: "aa5ed13a",
    },
  },
  V12: {
    what: "Session key derivation 1.0 and 1.1 (distinct NwkKey/AppKey)",
    input: {
      nwk_key: "01020304050607080102030405060708",
      app_key: "00000000000000000000000000000000",
      join_eui_be: "0807060504030201",
      join_nonce: 65536,
      dev_nonce: 258,
      net_id_be: "010203",
    },
    expected: {
      nwk_s_key_1_0: "df53c35f3034ccced0ff354c70de04df",
      app_s_key_1_0: "927b9c911183cffe4cb2ff4b75545f6d",
      app_s_key_1_1: "01621215d1ca08febf0c602cc2ad90fa",
      f_nwk_s_int_key: "537f8aae896c79e015d102d06286354e",
      s_nwk_s_int_key: "589498993092cfdb5fd2e02ac7510bf1",
      nwk_s_enc_key: "9898283c4f66eb6c6fd5165882046c40",
    },
  },
  V13: {
    what: "Real-world 1.0 unconfirmed uplink: MIC + FRMPayload decrypt",
    input: {
      phy: "40f17dbe4900020001954378762b11ff0d",
      nwk_s_key: "44024241ed4ce9a68c6a8bc055233fd3",
      app_s_key: "ec925802ae430ca77fd3dd73cb2cc588",
    },
    expected: {
      devaddr_be: "49be7df1",
      fcnt: 2,
      fport: 1,
      mic: "2b11ff0d",
      frm_plain_hex: "74657374",
      frm_plain_text: "test",
    },
    also: {
      phy_large:
        "40f17dbe490004000155332de41a11adc072553544429ce7787707d1c316e027e7e5e334263376affb8aa17ad30075293f28dea8a20af3c5e7",
      frm_plain_text: "The quick brown fox jumps over the lazy dog.",
    },
  },
  V14: {
    what: "Real-world join-request MIC and plaintext 1.0 join-accept MIC; all-zero join-accept",
    input: {
      app_key: "98929b92c49edba9676d646d3b612456",
      join_request_phy: "0039363463336913aa05693574323831330489c65b1304",
      join_accept_plain_phy: "20386337ccbbaae7cd2c010000d9d0a6e7",
    },
    expected: {
      join_request_mic: "c65b1304",
      join_accept_mic: "d9d0a6e7",
      zero_key_zero_fields_join_accept_phy_encrypted: "20e3de108795f776b8037610ef7869b5b3",
      zero_case_plain: "20000000000000000000000000f86f0a91",
    },
  },
  V15: {
    what: "1.1 uplink MIC with distinct FNwkSIntKey/SNwkSIntKey (RekeyInd on FPort 0)",
    input: {
      phy: "40679810e080000000c2c5248de748",
      f_nwk_s_int_key: "07c105892e1bbb7f7101d13a5f78249b",
      s_nwk_s_int_key: "f9162a2fcf6e70867cee523249282844",
      nwk_s_enc_key: "a5406d11c50850c965c2545ad81980a7",
      conf_fcnt: 0,
      tx_dr: 0,
      tx_ch: 1,
    },
    expected: { devaddr_be: "e0109867", fcnt: 0, mic: "248de748", frm_plain_fport0: "0b01" },
  },
  cflist_vectors: {
    eu_freqs_8671_to_8679: "184f84e85684b85e84886684586e8400",
    us_chmask0_ch0to7: "ff000000000000000000000000000001",
    us_chmask1_ch16to23: "0000ff00000000000000000000000001",
  },
} as const;

/** Splits a data PHYPayload into the fields the crypto needs (a minimal test-only parser). */
function splitData(phy: Uint8Array) {
  const fOptsLen = (phy[5] ?? 0) & 0x0f;
  const fhdrEnd = 8 + fOptsLen;
  const msg = phy.subarray(0, phy.length - 4);
  return {
    mhdr: phy[0],
    devAddrBe: Uint8Array.from(phy.subarray(1, 5)).reverse(),
    fCnt: (phy[6] ?? 0) | ((phy[7] ?? 0) << 8),
    fOpts: phy.subarray(8, fhdrEnd),
    fPort: msg.length > fhdrEnd ? phy[fhdrEnd] : undefined,
    frmPayload: msg.subarray(fhdrEnd + 1),
    msg,
    mic: phy.subarray(phy.length - 4),
  };
}

describe("V1 FRMPayload and FOpts encryption", () => {
  const { input, expected } = V.V1;
  const key = hex(input.key);
  const devAddr = hex(input.devaddr_be);
  const plain = hex(input.plaintext);
  it("encrypts the FRMPayload of an uplink and of a downlink (A[1..4] = 0)", () => {
    const up = encryptFrmPayload(key, "uplink", devAddr, input.fcnt, plain);
    const down = encryptFrmPayload(key, "downlink", devAddr, input.fcnt, plain);
    assert.equal(toHex(up), expected.uplink_frmpayload);
    assert.equal(toHex(down), expected.downlink_frmpayload);
    assert.equal(toHex(decryptFrmPayload(key, "uplink", devAddr, input.fcnt, up)), input.plaintext);
  });
  it("encrypts uplink FOpts with FCntUp and downlink FOpts with NFCntDown (A[1..4] = 00000001)", () => {
    const up = encryptFOpts(key, "FCntUp", devAddr, input.fcnt, plain);
    const down = encryptFOpts(key, "NFCntDown", devAddr, input.fcnt, plain);
    assert.equal(toHex(up), expected.uplink_fopts_A1to4_00000001);
    assert.equal(toHex(down), expected.downlink_fopts_A1to4_00000001);
    assert.equal(toHex(decryptFOpts(key, "NFCntDown", devAddr, input.fcnt, down)), input.plaintext);
  });
});

describe("V2 data MICs", () => {
  const { input, expected } = V.V2;
  const key = hex(input.key);
  const devAddr = hex(input.devaddr_be);
  const msg = hex(input.msg_without_mic);
  it("1.0 uplink MIC with NwkSKey and B0", () => {
    const mic = computeDataUplinkMic10(key, devAddr, input.fcnt, msg);
    assert.equal(toHex(mic), expected.mic_uplink_1_0);
    assert.equal(verifyDataUplinkMic10(key, devAddr, input.fcnt, msg, mic), true);
  });
  it("1.1 uplink MIC = cmacS[0..1] | cmacF[0..1] with ConfFCnt = TxDr = TxCh = 0", () => {
    const params = { confFCnt: 0, txDr: 0, txCh: 0 };
    const mic = computeDataUplinkMic11(key, key, devAddr, input.fcnt, params, msg);
    assert.equal(toHex(mic), expected.mic_uplink_1_1);
    assert.equal(verifyDataUplinkMic11(key, key, devAddr, input.fcnt, params, msg, mic), true);
  });
  it("downlink MIC with Dir = 1 (1.0, and 1.1 with ConfFCnt = 0)", () => {
    assert.equal(
      toHex(computeDataDownlinkMic10(key, devAddr, input.fcnt, msg)),
      expected.mic_downlink_dir1_confFCnt0,
    );
    assert.equal(
      toHex(computeDataDownlinkMic11(key, devAddr, input.fcnt, 0, msg)),
      expected.mic_downlink_dir1_confFCnt0,
    );
  });
});

describe("V3 join-request MIC", () => {
  const { input, expected } = V.V3;
  it("computes the MIC over MHDR | JoinEUI(LE) | DevEUI(LE) | DevNonce(LE)", () => {
    const msg = hex(input.msg_without_mic);
    assert.equal(toHex(Uint8Array.from(msg.subarray(1, 9)).reverse()), input.join_eui_be);
    assert.equal(toHex(Uint8Array.from(msg.subarray(9, 17)).reverse()), input.dev_eui_be);
    assert.equal(toHex(Uint8Array.from(msg.subarray(17, 19)).reverse()), input.dev_nonce_be);
    const mic = computeJoinRequestMic(hex(input.key), msg);
    assert.equal(toHex(mic), expected.mic);
    assert.equal(toHex(concat(msg, mic)), expected.phy);
  });
});

describe("V4 join-accept 1.0 MIC and encryption", () => {
  const { input, expected } = V.V4;
  const key = hex(input.app_key);
  const plain = hex(input.plain_mhdr_macpayload);
  it("has the labelled fields in wire order", () => {
    assert.equal(toHex(Uint8Array.from(plain.subarray(1, 4)).reverse()), input.join_nonce_be);
    assert.equal(toHex(Uint8Array.from(plain.subarray(4, 7)).reverse()), input.net_id_be);
    assert.equal(toHex(Uint8Array.from(plain.subarray(7, 11)).reverse()), input.devaddr_be);
    assert.equal(toHex(plain.subarray(11, 12)), input.dl_settings);
    assert.equal(plain[12], input.rx_delay);
  });
  it("computes the MIC with the AppKey and encrypts MACPayload | MIC with AES decrypt", () => {
    const msg = hex(input.plain_mhdr_macpayload);
    const mic = computeJoinAcceptMic10(key, msg);
    assert.equal(toHex(mic), expected.mic);
    const encrypted = encryptJoinAccept(key, concat(msg.subarray(1), mic));
    assert.equal(toHex(encrypted), expected.encrypted_macpayload_mic);
    assert.equal(toHex(concat(msg.subarray(0, 1), encrypted)), expected.phy);
    assert.equal(toHex(decryptJoinAccept(key, encrypted)), toHex(concat(msg.subarray(1), mic)));
  });
});

describe("V5 join-accept 1.1 MIC", () => {
  const { input, expected } = V.V5;
  it("prefixes JoinReqType | JoinEUI(LE) | DevNonce(LE) to the message", () => {
    const key = hex(input.js_int_key);
    const msg = hex(input.mhdr_macpayload);
    const params = {
      joinReqType: 0xff,
      joinEui: hex(input.join_eui_be),
      devNonce: Number.parseInt(input.dev_nonce_be, 16),
    } as const;
    assert.equal(Number.parseInt(input.join_req_type, 16), params.joinReqType);
    const mic = computeJoinAcceptMic11(key, params, msg);
    assert.equal(toHex(mic), expected.mic);
    assert.equal(verifyJoinAcceptMic11(key, params, msg, mic), true);
    assert.equal(
      toHex(new AesKey(key).cmac(hex(expected.cmac_input)).subarray(0, 4)),
      expected.mic,
    );
  });
});

describe("V6 key derivation with one root key", () => {
  const { input, expected } = V.V6;
  const root = hex(input.root_key);
  const joinNonce = Number.parseInt(input.join_nonce_be, 16);
  const devNonce = Number.parseInt(input.dev_nonce_be, 16);
  it("derives the 1.0 NwkSKey and AppSKey over NetID", () => {
    const keys = deriveSessionKeys10(root, { joinNonce, netId: hex(input.net_id_be), devNonce });
    assert.equal(toHex(keys.nwkSKey), expected.nwk_s_key_1_0);
    assert.equal(toHex(keys.appSKey), expected.app_s_key_1_0);
  });
  it("derives the 1.1 session keys over JoinEUI", () => {
    const keys = deriveSessionKeys11(root, root, {
      joinNonce,
      joinEui: hex(input.join_eui_be),
      devNonce,
    });
    assert.equal(toHex(keys.fNwkSIntKey), expected.f_nwk_s_int_key);
    assert.equal(toHex(keys.sNwkSIntKey), expected.s_nwk_s_int_key);
    assert.equal(toHex(keys.nwkSEncKey), expected.nwk_s_enc_key);
    assert.equal(toHex(keys.appSKey), expected.app_s_key_1_1);
  });
  it("derives JSIntKey and JSEncKey over DevEUI", () => {
    assert.equal(toHex(deriveJsIntKey(root, hex(input.dev_eui_be))), expected.js_int_key);
    assert.equal(toHex(deriveJsEncKey(root, hex(input.dev_eui_be))), expected.js_enc_key);
  });
});

describe("V7 join-request PHYPayload", () => {
  const { input, expected } = V.V7;
  it("builds the frame and its MIC from labelled fields", () => {
    const msg = concat(
      hex("00"),
      hex(input.join_eui_be).reverse(),
      hex(input.dev_eui_be).reverse(),
      new Uint8Array([input.dev_nonce & 0xff, input.dev_nonce >> 8]),
    );
    const key = hex(input.app_key);
    const mic = computeJoinRequestMic(key, msg);
    assert.equal(toHex(mic), expected.mic);
    assert.equal(toHex(concat(msg, mic)), expected.phy);
    assert.equal(verifyJoinRequestMic(key, msg, mic), true);
  });
});

describe("V8 join-accept 1.0 PHYPayload", () => {
  const { input, expected } = V.V8;
  it("builds, signs and encrypts the frame; the device side decrypts and verifies it", () => {
    const key = hex(input.app_key);
    const msg = concat(
      hex("20"),
      new Uint8Array([
        input.join_nonce & 0xff,
        (input.join_nonce >> 8) & 0xff,
        input.join_nonce >> 16,
      ]),
      hex(input.net_id_be).reverse(),
      hex(input.devaddr_be).reverse(),
      hex(input.dl_settings),
      new Uint8Array([input.rx_delay]),
    );
    assert.equal(input.cflist, null);
    assert.equal(toHex(msg), input.plain_phy_without_mic);
    const mic = computeJoinAcceptMic10(key, msg);
    assert.equal(toHex(mic), expected.mic);
    const phy = concat(msg.subarray(0, 1), encryptJoinAccept(key, concat(msg.subarray(1), mic)));
    assert.equal(toHex(phy), expected.phy);
    const opened = decryptJoinAccept(key, phy.subarray(1));
    const plain = concat(phy.subarray(0, 1), opened.subarray(0, opened.length - 4));
    assert.equal(verifyJoinAcceptMic10(key, plain, opened.subarray(opened.length - 4)), true);
  });
});

describe("V9 join-accept 1.1 PHYPayload", () => {
  const { input, expected } = V.V9;
  it("signs with JSIntKey over the 1.1 prefix and encrypts with NwkKey", () => {
    const key = hex(input.key_for_mic_and_encryption);
    const msg = concat(
      hex("20"),
      new Uint8Array([
        input.join_nonce & 0xff,
        (input.join_nonce >> 8) & 0xff,
        input.join_nonce >> 16,
      ]),
      hex(input.net_id_be).reverse(),
      hex(input.devaddr_be).reverse(),
      hex(input.dl_settings),
      new Uint8Array([input.rx_delay]),
    );
    assert.equal((msg[11] ?? 0) & 0x80, 0x80, "OptNeg is set");
    const params = {
      joinReqType: 0xff,
      joinEui: hex(input.join_eui_be),
      devNonce: input.dev_nonce,
    } as const;
    const mic = computeJoinAcceptMic11(key, params, msg);
    assert.equal(toHex(mic), expected.mic);
    const phy = concat(msg.subarray(0, 1), encryptJoinAccept(key, concat(msg.subarray(1), mic)));
    assert.equal(toHex(phy), expected.phy);
  });
});

describe("V10 1.0 confirmed uplink PHYPayload", () => {
  const { input, expected } = V.V10;
  it("encrypts FRMPayload with AppSKey and signs with NwkSKey; FOpts stay in clear", () => {
    const devAddr = hex(input.devaddr_be);
    const frm = encryptFrmPayload(
      hex(input.app_s_key),
      "uplink",
      devAddr,
      input.fcnt,
      hex(input.frm_plain),
    );
    assert.equal(toHex(frm), expected.frm_encrypted);
    const msg = concat(
      hex("80"),
      hex(input.devaddr_be).reverse(),
      hex("03"),
      new Uint8Array([input.fcnt & 0xff, input.fcnt >> 8]),
      hex(input.fopts),
      new Uint8Array([input.fport]),
      frm,
    );
    const mic = computeDataUplinkMic10(hex(input.nwk_s_key), devAddr, input.fcnt, msg);
    assert.equal(toHex(mic), expected.mic);
    assert.equal(toHex(concat(msg, mic)), expected.phy);
  });
});

describe("V11 1.1 downlink PHYPayload with encrypted FOpts", () => {
  const { input, expected } = V.V11;
  it("encrypts FOpts with NwkSEncKey and AFCntDown (FPort > 0), FRMPayload with AppSKey", () => {
    const devAddr = hex(input.devaddr_be);
    const counter = fOptsCounter("downlink", input.fport);
    assert.equal(counter, "AFCntDown");
    const fOpts = encryptFOpts(
      hex(input.nwk_s_enc_key),
      counter,
      devAddr,
      input.fcnt,
      hex(input.fopts_plain),
    );
    assert.equal(toHex(fOpts), expected.fopts_encrypted);
    const frm = encryptFrmPayload(
      hex(input.app_s_key),
      "downlink",
      devAddr,
      input.fcnt,
      hex(input.frm_plain),
    );
    assert.equal(toHex(frm), expected.frm_encrypted);
    const msg = concat(
      hex("60"),
      hex(input.devaddr_be).reverse(),
      hex("03"),
      new Uint8Array([input.fcnt & 0xff, input.fcnt >> 8]),
      fOpts,
      new Uint8Array([input.fport]),
      frm,
    );
    const key = hex(input.s_nwk_s_int_key);
    const mic = computeDataDownlinkMic11(key, devAddr, input.fcnt, input.conf_fcnt, msg);
    assert.equal(toHex(mic), expected.mic);
    assert.equal(toHex(concat(msg, mic)), expected.phy);
    assert.equal(
      verifyDataDownlinkMic11(key, devAddr, input.fcnt, input.conf_fcnt, msg, mic),
      true,
    );
  });
});

describe("V12 key derivation with distinct NwkKey and AppKey", () => {
  const { input, expected } = V.V12;
  const nwkKey = hex(input.nwk_key);
  const appKey = hex(input.app_key);
  const common = { joinNonce: input.join_nonce, devNonce: input.dev_nonce };
  it("derives 1.0 keys from the root key and NetID (OptNeg clear)", () => {
    const keys = deriveSessionKeys({
      optNeg: false,
      rootKey: nwkKey,
      netId: hex(input.net_id_be),
      ...common,
    });
    assert.equal(toHex(keys.fNwkSIntKey), expected.nwk_s_key_1_0);
    assert.equal(toHex(keys.sNwkSIntKey), expected.nwk_s_key_1_0);
    assert.equal(toHex(keys.nwkSEncKey), expected.nwk_s_key_1_0);
    assert.equal(toHex(keys.appSKey), expected.app_s_key_1_0);
  });
  it("derives 1.1 network keys from NwkKey and AppSKey from AppKey over JoinEUI (OptNeg set)", () => {
    const keys = deriveSessionKeys({
      optNeg: true,
      nwkKey,
      appKey,
      joinEui: hex(input.join_eui_be),
      ...common,
    });
    assert.equal(toHex(keys.fNwkSIntKey), expected.f_nwk_s_int_key);
    assert.equal(toHex(keys.sNwkSIntKey), expected.s_nwk_s_int_key);
    assert.equal(toHex(keys.nwkSEncKey), expected.nwk_s_enc_key);
    assert.equal(toHex(keys.appSKey), expected.app_s_key_1_1);
  });
});

describe("V13 real-world 1.0 uplinks", () => {
  const { input, expected, also } = V.V13;
  it("verifies the MIC and decrypts 'test'", () => {
    const frame = splitData(hex(input.phy));
    assert.equal(toHex(frame.devAddrBe), expected.devaddr_be);
    assert.equal(frame.fCnt, expected.fcnt);
    assert.equal(frame.fPort, expected.fport);
    assert.equal(toHex(frame.mic), expected.mic);
    assert.equal(
      verifyDataUplinkMic10(
        hex(input.nwk_s_key),
        frame.devAddrBe,
        frame.fCnt,
        frame.msg,
        frame.mic,
      ),
      true,
    );
    const plain = decryptFrmPayload(
      hex(input.app_s_key),
      "uplink",
      frame.devAddrBe,
      frame.fCnt,
      frame.frmPayload,
    );
    assert.equal(toHex(plain), expected.frm_plain_hex);
    assert.equal(Buffer.from(plain).toString("utf8"), expected.frm_plain_text);
  });
  it("verifies and decrypts a 44-byte payload (three keystream blocks)", () => {
    const frame = splitData(hex(also.phy_large));
    assert.equal(
      verifyDataUplinkMic10(
        hex(input.nwk_s_key),
        frame.devAddrBe,
        frame.fCnt,
        frame.msg,
        frame.mic,
      ),
      true,
    );
    const plain = decryptFrmPayload(
      hex(input.app_s_key),
      "uplink",
      frame.devAddrBe,
      frame.fCnt,
      frame.frmPayload,
    );
    assert.equal(Buffer.from(plain).toString("utf8"), also.frm_plain_text);
  });
});

describe("V14 real-world join frames and the all-zero join-accept", () => {
  const { input, expected } = V.V14;
  const key = hex(input.app_key);
  it("computes the join-request MIC", () => {
    const phy = hex(input.join_request_phy);
    assert.equal(
      toHex(computeJoinRequestMic(key, phy.subarray(0, phy.length - 4))),
      expected.join_request_mic,
    );
  });
  it("computes the plaintext join-accept MIC", () => {
    const phy = hex(input.join_accept_plain_phy);
    assert.equal(
      toHex(computeJoinAcceptMic10(key, phy.subarray(0, phy.length - 4))),
      expected.join_accept_mic,
    );
  });
  it("signs and encrypts an all-zero join-accept with an all-zero key", () => {
    const zeroKey = new Uint8Array(16);
    const plain = hex(expected.zero_case_plain);
    const msg = plain.subarray(0, plain.length - 4);
    assert.equal(
      toHex(computeJoinAcceptMic10(zeroKey, msg)),
      toHex(plain.subarray(plain.length - 4)),
    );
    const phy = concat(plain.subarray(0, 1), encryptJoinAccept(zeroKey, plain.subarray(1)));
    assert.equal(toHex(phy), expected.zero_key_zero_fields_join_accept_phy_encrypted);
  });
});

describe("V15 1.1 uplink with distinct FNwkSIntKey and SNwkSIntKey", () => {
  const { input, expected } = V.V15;
  it("verifies the split MIC (B1 with TxCh = 1) and decrypts the FPort 0 payload with NwkSEncKey", () => {
    const frame = splitData(hex(input.phy));
    assert.equal(toHex(frame.devAddrBe), expected.devaddr_be);
    assert.equal(frame.fCnt, expected.fcnt);
    assert.equal(frame.fPort, 0);
    const params = { confFCnt: input.conf_fcnt, txDr: input.tx_dr, txCh: input.tx_ch };
    const f = hex(input.f_nwk_s_int_key);
    const s = hex(input.s_nwk_s_int_key);
    const mic = computeDataUplinkMic11(f, s, frame.devAddrBe, frame.fCnt, params, frame.msg);
    assert.equal(toHex(mic), expected.mic);
    assert.equal(
      verifyDataUplinkMic11(f, s, frame.devAddrBe, frame.fCnt, params, frame.msg, frame.mic),
      true,
    );
    const wrongChannel = { ...params, txCh: 0 };
    assert.equal(
      verifyDataUplinkMic11(f, s, frame.devAddrBe, frame.fCnt, wrongChannel, frame.msg, frame.mic),
      false,
    );
    const plain = decryptFrmPayload(
      hex(input.nwk_s_enc_key),
      "uplink",
      frame.devAddrBe,
      frame.fCnt,
      frame.frmPayload,
    );
    assert.equal(toHex(plain), expected.frm_plain_fport0);
  });
});

describe("CFList vectors", () => {
  const { eu_freqs_8671_to_8679, us_chmask0_ch0to7, us_chmask1_ch16to23 } = V.cflist_vectors;
  it("hold what their labels say (type 0: 24-bit LE frequencies x 100 Hz; type 1: channel masks)", () => {
    const eu = hex(eu_freqs_8671_to_8679);
    const freqs = [0, 1, 2, 3, 4].map((i) => {
      const o = i * 3;
      return ((eu[o] ?? 0) | ((eu[o + 1] ?? 0) << 8) | ((eu[o + 2] ?? 0) << 16)) * 100;
    });
    assert.deepEqual(freqs, [867_100_000, 867_300_000, 867_500_000, 867_700_000, 867_900_000]);
    assert.equal(eu[15], 0, "CFListType 0");
    assert.equal(toHex(hex(us_chmask0_ch0to7).subarray(0, 2)), "ff00");
    assert.equal(toHex(hex(us_chmask1_ch16to23).subarray(2, 4)), "ff00");
    assert.equal(hex(us_chmask0_ch0to7)[15], 1, "CFListType 1");
  });
  it("round-trip through a 32-byte join-accept (MIC over the CFList, two-block encryption)", () => {
    const key = hex(V.V8.input.app_key);
    for (const cfList of [eu_freqs_8671_to_8679, us_chmask0_ch0to7, us_chmask1_ch16to23]) {
      const msg = concat(hex(V.V8.input.plain_phy_without_mic), hex(cfList));
      const mic = computeJoinAcceptMic10(key, msg);
      const encrypted = encryptJoinAccept(key, concat(msg.subarray(1), mic));
      assert.equal(encrypted.length, 32);
      const opened = decryptJoinAccept(key, encrypted);
      assert.equal(toHex(opened), toHex(concat(msg.subarray(1), mic)));
    }
  });
});

const REFERENCE = sharedPath("vectors/lorawan-crypto.json");
const referenceMissing = sharedSkipReason("vectors/lorawan-crypto.json");

describe("transcription matches the reference file", () => {
  it("has every reference vector and field with the same values", (t) => {
    if (referenceMissing) {
      t.skip(referenceMissing);
      return;
    }
    const reference = JSON.parse(readFileSync(REFERENCE, "utf8")) as {
      vectors: Record<string, unknown>[];
      cflist_vectors: Record<string, string>;
    };
    const ours = V as unknown as Record<string, Record<string, Record<string, unknown>>>;
    const leading = (value: unknown): unknown =>
      typeof value === "string" ? value.split(" ")[0] : value;
    for (const vector of reference.vectors) {
      const id = vector.id as string;
      const mine = ours[id];
      assert.ok(mine, `vector ${id} is transcribed`);
      for (const part of ["input", "expected", "also"]) {
        const fields = vector[part] as Record<string, unknown> | undefined;
        if (fields === undefined) continue;
        for (const [name, value] of Object.entries(fields)) {
          assert.deepEqual(leading(mine[part]?.[name]), leading(value), `${id}.${part}.${name}`);
        }
      }
    }
    for (const [name, value] of Object.entries(reference.cflist_vectors)) {
      if (name === "source") continue;
      assert.equal(
        (V.cflist_vectors as Record<string, string>)[name],
        value,
        `cflist_vectors.${name}`,
      );
    }
  });
});
