/**
 * LoRaWAN crypto benchmark (`npm run bench:lorawan`). Measures, in one run and on one core,
 * AES-128 single-block encryptions per second with a cached `node:crypto` context (the floor:
 * the cost of one native call, which every operation below makes at least once), then
 * data-uplink MIC verifications and FRMPayload decryptions, each with its ratio to the floor.
 * Rounds alternate between the measurements and each keeps its best, so the run takes a few
 * seconds and load from other processes skews the ratios as little as possible.
 */
import { createCipheriv } from "node:crypto";
import {
  AesKey,
  computeDataUplinkMic10,
  computeDataUplinkMic11,
  decryptFrmPayload,
  encryptFrmPayload,
  verifyDataUplinkMic10,
  verifyDataUplinkMic11,
} from "../src/lorawan/crypto/index.ts";
import { measureRound } from "./measure.ts";

const ROUNDS = 3;
const ROUND_MS = 200;
const TARGET_MIC_PER_SECOND = 500_000;

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));

const nwkSKey = hex("44024241ed4ce9a68c6a8bc055233fd3");
const sNwkSIntKey = hex("f9162a2fcf6e70867cee523249282844");
const appSKey = hex("ec925802ae430ca77fd3dd73cb2cc588");
const devAddr = hex("26011bda");
const fCnt = 0x0001_2345;
// A typical uplink: MHDR | DevAddr | FCtrl | FCnt | FPort | 12-byte FRMPayload (21 bytes, so
// B0 | msg is three CMAC blocks).
const msg = hex("40da1b012600452301a1a2a3a4a5a6a7a8a9aaabac");
const mic10 = computeDataUplinkMic10(nwkSKey, devAddr, fCnt, msg);
const params11 = { confFCnt: 0, txDr: 5, txCh: 2 };
const mic11 = computeDataUplinkMic11(nwkSKey, sNwkSIntKey, devAddr, fCnt, params11, msg);
const nwkSKeyContext = new AesKey(nwkSKey);
const payload16 = encryptFrmPayload(appSKey, "uplink", devAddr, fCnt, new Uint8Array(16).fill(7));
const payload51 = encryptFrmPayload(appSKey, "uplink", devAddr, fCnt, new Uint8Array(51).fill(7));

const floorCipher = createCipheriv("aes-128-ecb", nwkSKey, null);
floorCipher.setAutoPadding(false);
const block = new Uint8Array(16);

const rows: { name: string; op: () => number; target?: string }[] = [
  { name: "AES-128 single-block encryption (floor)", op: () => floorCipher.update(block).length },
  {
    name: "data-uplink MIC verification, 1.0 (raw key)",
    op: () => (verifyDataUplinkMic10(nwkSKey, devAddr, fCnt, msg, mic10) ? 1 : 0),
    target: "raw key",
  },
  {
    name: "data-uplink MIC verification, 1.0 (AesKey)",
    op: () => (verifyDataUplinkMic10(nwkSKeyContext, devAddr, fCnt, msg, mic10) ? 1 : 0),
    target: "AesKey",
  },
  {
    name: "data-uplink MIC verification, 1.1 (2 CMACs)",
    op: () =>
      verifyDataUplinkMic11(nwkSKey, sNwkSIntKey, devAddr, fCnt, params11, msg, mic11) ? 1 : 0,
  },
  {
    name: "FRMPayload decryption, 16 bytes",
    op: () => decryptFrmPayload(appSKey, "uplink", devAddr, fCnt, payload16).length,
  },
  {
    name: "FRMPayload decryption, 51 bytes",
    op: () => decryptFrmPayload(appSKey, "uplink", devAddr, fCnt, payload51).length,
  },
];

if (!verifyDataUplinkMic10(nwkSKey, devAddr, fCnt, msg, mic10)) throw new Error("MIC self-check");
if (!verifyDataUplinkMic11(nwkSKey, sNwkSIntKey, devAddr, fCnt, params11, msg, mic11)) {
  throw new Error("1.1 MIC self-check");
}

const format = (n: number): string => Math.round(n).toLocaleString("en-US");

console.log(
  `LoRaWAN crypto on Node ${process.version}, one thread, best of ${ROUNDS} x ${ROUND_MS} ms`,
);
// Rounds go over all rows in turn, so that load from other processes spreads over all of them
// alike and the ratios stay meaningful; each row keeps its best round.
const best = rows.map(() => 0);
for (const row of rows) for (let i = 0; i < 20_000; i++) row.op(); // warm-up for the JIT
for (let round = 0; round < ROUNDS; round++) {
  rows.forEach((row, i) => {
    best[i] = Math.max(best[i] ?? 0, measureRound(row.op, ROUND_MS));
  });
}
const floor = best[0] ?? 1;
const verdicts: string[] = [];
rows.forEach((row, i) => {
  const rate = best[i] ?? 0;
  const ratio = (rate / floor).toFixed(2);
  console.log(`  ${row.name.padEnd(46)} ${format(rate).padStart(11)} /s   ${ratio}x floor`);
  if (row.target !== undefined) {
    verdicts.push(`${row.target} ${rate >= TARGET_MIC_PER_SECOND ? "met" : "NOT met"}`);
  }
});
console.log(
  `  target ${format(TARGET_MIC_PER_SECOND)} MIC verifications/s: ${verdicts.join(", ")}`,
);
