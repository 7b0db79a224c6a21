import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseJson, stringifyJson } from "./lossless-json.ts";

describe("lossless JSON", () => {
  it("reads integers beyond 2^53 exactly, where JSON.parse rounds them", () => {
    const text = '{"xtime":41939771802331466,"small":1796447918,"float":7.25}';
    assert.notEqual(BigInt(JSON.parse(text).xtime), 41939771802331466n, "JSON.parse would round");
    assert.deepEqual(parseJson(text), {
      xtime: 41939771802331466n,
      small: 1796447918,
      float: 7.25,
    });
  });

  it("keeps safe integers and floats as numbers", () => {
    assert.deepEqual(parseJson('{"a":9007199254740991,"b":-1,"c":1796447918.084952}'), {
      a: 9007199254740991,
      b: -1,
      c: 1796447918.084952,
    });
  });

  it("reads negative and nested 64-bit integers", () => {
    assert.deepEqual(
      parseJson('{"upinfo":{"xtime":28428972916514080},"n":[-9223372036854775808]}'),
      {
        upinfo: { xtime: 28428972916514080n },
        n: [-9223372036854775808n],
      },
    );
  });

  it("writes bigint as the exact integer and round-trips", () => {
    const text = stringifyJson({ xtime: 41939771807331464n, MuxTime: 1796447918.13, n: null });
    assert.equal(text, '{"xtime":41939771807331464,"MuxTime":1796447918.13,"n":null}');
    assert.deepEqual(parseJson(text), {
      xtime: 41939771807331464n,
      MuxTime: 1796447918.13,
      n: null,
    });
  });

  it("answers undefined for text that is not JSON, without throwing", () => {
    for (const text of ["", "{", "nul", "{'a':1}", "\u0000", "1e", '{"a":1}}'])
      assert.equal(parseJson(text), undefined, text);
  });
});
