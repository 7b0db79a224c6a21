import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { firstLoadFiles } from "./build-console.ts";

describe("firstLoadFiles", () => {
  it("counts the entry and its static imports, not the lazy chunks", () => {
    const manifest = {
      "index.html": {
        file: "assets/index-a.js",
        isEntry: true,
        imports: ["_vendor-b.js"],
        dynamicImports: ["src/pages/applications/Page.tsx"],
        css: ["assets/index-a.css"],
      },
      "_vendor-b.js": { file: "assets/vendor-b.js", imports: ["_shared-c.js"] },
      "_shared-c.js": { file: "assets/shared-c.js", imports: ["_vendor-b.js"] },
      "src/pages/applications/Page.tsx": {
        file: "assets/Page-d.js",
        isDynamicEntry: true,
        imports: ["_charts-e.js"],
      },
      "_charts-e.js": { file: "assets/charts-e.js" },
    };
    assert.deepEqual(firstLoadFiles(manifest), {
      js: ["assets/index-a.js", "assets/vendor-b.js", "assets/shared-c.js"],
      css: ["assets/index-a.css"],
    });
  });

  it("finds nothing in a manifest without an entry", () => {
    assert.deepEqual(firstLoadFiles({ "x.js": { file: "assets/x.js" } }), { js: [], css: [] });
  });
});
