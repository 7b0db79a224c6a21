/**
 * One AES key with its `node:crypto` cipher contexts kept open, so that the key schedule and
 * the native context are set up once per key rather than once per message (creating a
 * context costs about twenty single-block encryptions).
 *
 * AES-CMAC (RFC 4493) is built on one long-lived `aes-*-cbc` cipher. A CBC stream keeps its
 * last ciphertext block as the chaining value; CMAC needs a zero IV for every message, so the
 * first block of each message is XORed with the previous chaining value before it is fed in,
 * which cancels it. A whole CMAC is therefore one native call, whatever the message length.
 */
import { type Cipheriv, createCipheriv, createDecipheriv, type Decipheriv } from "node:crypto";
import { errInvalidBlockLength, errInvalidFieldLength, errInvalidKeyLength } from "./errors.ts";
import { equalBytes } from "./fields.ts";

const BLOCK = 16;
const ZERO_IV = new Uint8Array(BLOCK);

/** Shared input buffer for CMAC: big enough for any LoRaWAN frame plus a prefix block. */
const SCRATCH_BLOCKS = 24;
const scratch = new Uint8Array(SCRATCH_BLOCKS * BLOCK);
/**
 * The same memory as 32-bit words, to XOR subkeys and chaining values four bytes at a time
 * (byte order does not matter: every operand is viewed the same way).
 */
const scratchWords = new Uint32Array(scratch.buffer);
/** Views of `scratch` by block count, made once so a CMAC allocates no input view. */
const scratchViews: Uint8Array[] = [];
for (let n = 0; n <= SCRATCH_BLOCKS; n++) scratchViews.push(scratch.subarray(0, n * BLOCK));

const EMPTY = new Uint8Array(0);

function algorithm(length: number, mode: "ecb" | "cbc"): string {
  return `aes-${length * 8}-${mode}`;
}

/** Doubling in GF(2^128) as RFC 4493 §2.3 defines it, for the CMAC subkeys K1 and K2. */
function double(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    out[i] = (((input[i] ?? 0) << 1) | ((input[i + 1] ?? 0) >>> 7)) & 0xff;
  }
  if (((input[0] ?? 0) & 0x80) !== 0) out[BLOCK - 1] = (out[BLOCK - 1] ?? 0) ^ 0x87;
  return out;
}

/**
 * An AES-128/192/256 key with cached cipher contexts: ECB encryption and decryption of whole
 * blocks and AES-CMAC. LoRaWAN keys are AES-128; 192 and 256 bits exist for RFC 3394 KEKs.
 * Contexts are created on first use and belong to the thread that made them.
 */
export class AesKey {
  /** Key size in bytes: 16, 24 or 32. */
  readonly length: number;
  readonly #key: Uint8Array;
  #ecb: Cipheriv | undefined;
  #ecbDecipher: Decipheriv | undefined;
  #cbc: Cipheriv | undefined;
  /** Last ciphertext block of the CBC stream, XORed into the next message's first block. */
  readonly #chain = new Uint8Array(BLOCK);
  readonly #chainWords = new Uint32Array(this.#chain.buffer);
  /** The CMAC subkeys K1 and K2, as words like `scratchWords`. */
  #k1 = new Uint32Array(4);
  #k2 = new Uint32Array(4);

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
      throw errInvalidKeyLength.create({
        key: "AES key",
        expected: "16, 24 or 32",
        length: key.length,
      });
    }
    this.length = key.length;
    this.#key = Uint8Array.from(key);
  }

  /** Whether this context holds the key `bytes` (compared without an early exit). */
  hasKey(bytes: Uint8Array): boolean {
    return bytes.length === this.length && equalBytes(this.#key, 0, bytes, 0, this.length);
  }

  /** AES encryption of whole 16-byte blocks, each on its own (ECB). */
  encrypt(blocks: Uint8Array): Uint8Array {
    checkBlocks("AES encryption", blocks);
    return copyOut(this.#ecbCipher().update(blocks), 0, blocks.length);
  }

  /** AES decryption of whole 16-byte blocks, each on its own (ECB). */
  decrypt(blocks: Uint8Array): Uint8Array {
    checkBlocks("AES decryption", blocks);
    let decipher = this.#ecbDecipher;
    if (decipher === undefined) {
      decipher = createDecipheriv(algorithm(this.length, "ecb"), this.#key, null);
      decipher.setAutoPadding(false);
      this.#ecbDecipher = decipher;
    }
    return copyOut(decipher.update(blocks), 0, blocks.length);
  }

  /**
   * `data` XOR the ECB encryption of `counterBlocks` (a keystream, as CTR mode makes it but with
   * counter blocks the caller lays out), truncated to `data.length`. One native call.
   */
  xorKeystream(counterBlocks: Uint8Array, data: Uint8Array): Uint8Array {
    checkBlocks("keystream", counterBlocks);
    if (counterBlocks.length < data.length) {
      throw errInvalidFieldLength.create({
        field: "keystream counter blocks",
        expected: `at least ${data.length}`,
        length: counterBlocks.length,
      });
    }
    const out = new Uint8Array(data.length);
    if (data.length === 0) return out;
    const stream = this.#ecbCipher().update(counterBlocks);
    for (let i = 0; i < data.length; i++) out[i] = (data[i] ?? 0) ^ (stream[i] ?? 0);
    return out;
  }

  /** AES-CMAC (RFC 4493) of `prefix || data`: the full 16-byte tag. */
  cmac(data: Uint8Array, prefix: Uint8Array = EMPTY): Uint8Array {
    const out = this.#cmacRaw(prefix, data);
    return copyOut(out, out.length - BLOCK, BLOCK);
  }

  /**
   * The first `length` bytes of AES-CMAC(`prefix || data`), written into `target` at `offset`
   * (for MICs, which are truncated tags, without an intermediate copy).
   */
  cmacInto(
    target: Uint8Array,
    offset: number,
    length: number,
    data: Uint8Array,
    prefix: Uint8Array = EMPTY,
  ): void {
    const out = this.#cmacRaw(prefix, data);
    const tag = out.length - BLOCK;
    for (let i = 0; i < length; i++) target[offset + i] = out[tag + i] ?? 0;
  }

  /**
   * Whether the first `length` bytes of AES-CMAC(`prefix || data`) equal `expected` from
   * `offset` on, compared in constant time (a truncated-tag verification).
   */
  cmacEquals(
    expected: Uint8Array,
    offset: number,
    length: number,
    data: Uint8Array,
    prefix: Uint8Array = EMPTY,
  ): boolean {
    const out = this.#cmacRaw(prefix, data);
    return equalBytes(out, out.length - BLOCK, expected, offset, length);
  }

  #ecbCipher(): Cipheriv {
    let ecb = this.#ecb;
    if (ecb === undefined) {
      ecb = createCipheriv(algorithm(this.length, "ecb"), this.#key, null);
      ecb.setAutoPadding(false);
      this.#ecb = ecb;
    }
    return ecb;
  }

  /** Runs CMAC over `prefix || data`; the tag is the last 16 bytes of the returned buffer. */
  #cmacRaw(prefix: Uint8Array, data: Uint8Array): Uint8Array {
    let cbc = this.#cbc;
    if (cbc === undefined) cbc = this.#openCbc();
    const total = prefix.length + data.length;
    const blocks = total === 0 ? 1 : Math.ceil(total / BLOCK);
    let input: Uint8Array;
    let words: Uint32Array;
    if (blocks <= SCRATCH_BLOCKS) {
      input = scratchViews[blocks] as Uint8Array;
      words = scratchWords;
    } else {
      input = new Uint8Array(blocks * BLOCK);
      words = new Uint32Array(input.buffer);
    }
    // Plain loops beat TypedArray#set and #fill for the few dozen bytes of a LoRaWAN frame.
    copyInto(input, 0, prefix);
    copyInto(input, prefix.length, data);
    let subkey: Uint32Array;
    if (total !== 0 && total % BLOCK === 0) {
      subkey = this.#k1;
    } else {
      input[total] = 0x80;
      for (let i = total + 1; i < blocks * BLOCK; i++) input[i] = 0;
      subkey = this.#k2;
    }
    const w = (blocks - 1) * 4;
    words[w] = (words[w] ?? 0) ^ (subkey[0] ?? 0);
    words[w + 1] = (words[w + 1] ?? 0) ^ (subkey[1] ?? 0);
    words[w + 2] = (words[w + 2] ?? 0) ^ (subkey[2] ?? 0);
    words[w + 3] = (words[w + 3] ?? 0) ^ (subkey[3] ?? 0);
    const chain = this.#chainWords;
    words[0] = (words[0] ?? 0) ^ (chain[0] ?? 0);
    words[1] = (words[1] ?? 0) ^ (chain[1] ?? 0);
    words[2] = (words[2] ?? 0) ^ (chain[2] ?? 0);
    words[3] = (words[3] ?? 0) ^ (chain[3] ?? 0);
    let out: Uint8Array;
    try {
      out = cbc.update(input);
    } catch (error) {
      // The chaining value is unknown now: start a fresh stream next time.
      this.#cbc = undefined;
      throw error;
    }
    const tag = out.length - BLOCK;
    const chainBytes = this.#chain;
    for (let i = 0; i < BLOCK; i++) chainBytes[i] = out[tag + i] ?? 0;
    return out;
  }

  /** Opens the CBC stream (zero IV, so the chaining value starts at zero) and the subkeys. */
  #openCbc(): Cipheriv {
    const cbc = createCipheriv(algorithm(this.length, "cbc"), this.#key, ZERO_IV);
    cbc.setAutoPadding(false);
    // L = AES(K, 0^128) is the first block of the fresh stream; it becomes the chaining value.
    const l = cbc.update(ZERO_IV);
    this.#chain.set(l);
    const k1 = double(l);
    this.#k1 = new Uint32Array(k1.buffer as ArrayBuffer);
    this.#k2 = new Uint32Array(double(k1).buffer as ArrayBuffer);
    this.#cbc = cbc;
    return cbc;
  }
}

function checkBlocks(operation: string, blocks: Uint8Array): void {
  if (blocks.length % BLOCK !== 0) {
    throw errInvalidBlockLength.create({ operation, length: blocks.length });
  }
}

/** Copies `source` into `target` at `offset`. */
function copyInto(target: Uint8Array, offset: number, source: Uint8Array): void {
  if (source.length > 64) {
    target.set(source, offset);
    return;
  }
  for (let i = 0; i < source.length; i++) target[offset + i] = source[i] ?? 0;
}

/** Copies `length` bytes of a native output buffer into a plain Uint8Array of its own. */
function copyOut(source: Uint8Array, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = source[offset + i] ?? 0;
  return out;
}
