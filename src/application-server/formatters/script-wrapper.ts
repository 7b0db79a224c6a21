/**
 * The code our sandbox runs in each script's context before the script itself: an expression
 * whose value is the `main(kind, inputJson)` function we call. It captures the built-ins it
 * needs before the script can replace them, calls the Payload Codec API function (or the legacy
 * `Decoder` / `Encoder`, as TTS does when the new one is missing), and returns one JSON string:
 * `{"ok":true,...}` or `{"ok":false,"error":"..."}`. Nothing but that string leaves the isolate,
 * and the host checks its shape again; the wrapper only has to make junk visible (NaN, Infinity,
 * functions, cycles, Promises, oversize output), which JSON would otherwise hide.
 */
export const scriptWrapperSource = `(function (maxOutput) {
  "use strict";
  var stringify = JSON.stringify;
  var parse = JSON.parse;
  var isView = ArrayBuffer.isView;
  var arrayFrom = Array.from;
  var DateCtor = Date;
  function replacer(key, value) {
    var kind = typeof value;
    if (kind === "number" && (value !== value || value === Infinity || value === -Infinity)) {
      throw new TypeError("returned a non-finite number (" + value + ")" + (key ? " at \\"" + key + "\\"" : ""));
    }
    if (kind === "function" || kind === "symbol" || kind === "bigint") {
      throw new TypeError("returned a " + kind + (key ? " at \\"" + key + "\\"" : ""));
    }
    return value;
  }
  function describe(error) {
    try {
      var text = typeof error === "object" && error !== null && "message" in error
        ? String(error.name) + ": " + String(error.message)
        : String(error);
      return text.length > 1000 ? text.slice(0, 1000) + "…" : text;
    } catch (_) {
      return "an unprintable value";
    }
  }
  function synchronous(name, value) {
    if (typeof value === "function") throw new TypeError(name + " returned a function");
    if (value !== null && typeof value === "object" && typeof value.then === "function") {
      throw new TypeError(name + " returned a Promise; formatters must be synchronous");
    }
    return value;
  }
  function plainBytes(value) {
    return value !== null && typeof value === "object" && isView(value) ? arrayFrom(value) : value;
  }
  function serialize(result) {
    var text = stringify(result, replacer);
    if (text.length > maxOutput) {
      throw new RangeError("output of " + text.length + " characters exceeds the limit of " + maxOutput);
    }
    return text;
  }
  var calls = {
    decodeUplink: function (input) {
      input.recvTime = new DateCtor(input.recvTime);
      if (typeof decodeUplink === "function") {
        var decoded = synchronous("decodeUplink", decodeUplink(input));
        var decodedJson = stringify(decoded === undefined ? null : decoded, replacer);
        var result = { ok: true, decoded: parse(decodedJson) };
        var data = result.decoded !== null && typeof result.decoded === "object" ? result.decoded.data : undefined;
        var errors = result.decoded !== null && typeof result.decoded === "object" ? result.decoded.errors : undefined;
        if (typeof normalizeUplink === "function" && data && (!errors || !errors.length)) {
          try {
            result.normalized = parse(stringify(synchronous("normalizeUplink", normalizeUplink({ data: data })), replacer) || "null");
          } catch (error) {
            result.normalizeError = "normalizeUplink: " + describe(error);
          }
        }
        return result;
      }
      if (typeof Decoder === "function") {
        var legacy = synchronous("Decoder", Decoder(input.bytes, input.fPort));
        return { ok: true, legacy: true, decoded: { data: legacy === undefined ? null : legacy } };
      }
      throw new ReferenceError("the script defines neither decodeUplink nor Decoder");
    },
    encodeDownlink: function (input) {
      if (typeof encodeDownlink === "function") {
        var encoded = synchronous("encodeDownlink", encodeDownlink({ data: input.data, fPort: input.fPort }));
        if (encoded !== null && typeof encoded === "object") encoded.bytes = plainBytes(encoded.bytes);
        return { ok: true, encoded: encoded === undefined ? null : encoded };
      }
      if (typeof Encoder === "function") {
        var bytes = plainBytes(synchronous("Encoder", Encoder(input.data, input.fPort)));
        return { ok: true, legacy: true, encoded: { bytes: bytes === undefined ? null : bytes, fPort: input.fPort } };
      }
      throw new ReferenceError("the script defines neither encodeDownlink nor Encoder");
    },
    decodeDownlink: function (input) {
      if (typeof decodeDownlink === "function") {
        var decoded = synchronous("decodeDownlink", decodeDownlink(input));
        return { ok: true, decoded: decoded === undefined ? null : decoded };
      }
      throw new ReferenceError("the script defines no decodeDownlink");
    },
  };
  return function main(kind, inputJson) {
    try {
      return serialize(calls[kind](parse(inputJson)));
    } catch (error) {
      return stringify({ ok: false, error: describe(error) });
    }
  };
})`;
