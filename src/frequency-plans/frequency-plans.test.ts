import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  frequencyPlans as builtInPlans,
  errFrequencyPlanNotFound,
} from "../lorawan/frequency-plans/index.ts";
import {
  errBuiltinPlanReplaced,
  errFrequencyPlanFile,
  errFrequencyPlansDirectory,
} from "./errors.ts";
import { FrequencyPlans } from "./frequency-plans.ts";

const operatorFolder = fileURLToPath(new URL("./testdata/operator/", import.meta.url));

let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), "lorastack-frequency-plans-"));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Writes a plan folder of `files` (name → YAML text) and returns its path. */
async function folder(files: Record<string, string>): Promise<string> {
  const path = await mkdtemp(join(scratch, "plans-"));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(path, name)), { recursive: true });
    await writeFile(join(path, name), text);
  }
  return path;
}

const threeChannels = `band-id: EU_863_870
uplink-channels:
  - { frequency: 868100000, min-data-rate: 0, max-data-rate: 5, radio: 0 }
  - { frequency: 868300000, min-data-rate: 0, max-data-rate: 5, radio: 0 }
  - { frequency: 868500000, min-data-rate: 0, max-data-rate: 5, radio: 0 }
radios:
  - { enable: true, chip-type: SX1257, frequency: 868300000, rssi-offset: -166 }
`;

const oneEntry = (extra = "") => `- id: TEST_PLAN
  band-id: EU_863_870
  name: Test plan
  base-frequency: 868
  file: plan.yml
${extra}`;

describe("FrequencyPlans", () => {
  it("holds the 71 built-in plans by default and looks them up by id", async () => {
    const plans = await FrequencyPlans.load({ directory: "", replaceBuiltin: false });
    assert.equal(plans.list().length, 71);
    assert.deepEqual(
      plans.list().map((plan) => plan.id),
      builtInPlans.map((plan) => plan.id),
    );
    assert.equal(plans.get("EU_863_870").rx2.frequency, 869_525_000);
    assert.equal(plans.find("XX_000"), undefined);
    assert.equal(plans.has("US_902_928_FSB_2"), true);
    assert.throws(
      () => plans.get("XX_000"),
      (error: unknown) => errFrequencyPlanNotFound.matches(error) && /XX_000/.test(error.message),
    );
  });

  it("adds an operator's plans, resolved against their band, after the built-in ones", async () => {
    const plans = await FrequencyPlans.load({ directory: operatorFolder, replaceBuiltin: false });
    assert.deepEqual(
      plans
        .list()
        .slice(71)
        .map((plan) => plan.id),
      ["LAB_EU_3CH", "LAB_EU_3CH_DT", "EU_863_870_LAB"],
    );
    const lab = plans.get("LAB_EU_3CH");
    assert.deepEqual(lab, {
      id: "LAB_EU_3CH",
      name: "Lab 3 channels",
      description: "Three join channels for a lab gateway",
      bandId: "EU_863_870",
      baseFrequencyMHz: 868,
      forGateways: true,
      countryCodes: ["nl", "be"],
      subBands: [
        // Without its own max-eirp, a sub-band takes the plan's; without a duty cycle, none (1).
        { minFrequency: 868_000_000, maxFrequency: 868_600_000, dutyCycle: 0.01, maxEirp: 14 },
        { minFrequency: 869_400_000, maxFrequency: 869_650_000, dutyCycle: 0.1, maxEirp: 29.15 },
      ],
      uplinkChannels: [
        { frequency: 868_100_000, minDataRate: 0, maxDataRate: 5, radio: 0 },
        { frequency: 868_300_000, minDataRate: 0, maxDataRate: 5, radio: 0 },
        { frequency: 868_500_000, minDataRate: 0, maxDataRate: 5, radio: 0 },
      ],
      downlinkChannels: [{ frequency: 868_100_000, minDataRate: 0, maxDataRate: 5 }],
      loraStandardChannel: { frequency: 868_300_000, dataRate: 6, radio: 0 },
      rx2: { frequency: 869_525_000, dataRate: 3 },
      maxEirp: 14,
      listenBeforeTalk: { rssiTarget: -80, rssiOffset: -4, scanTimeUs: 5000 },
      timeOffAir: { fraction: 0.1, durationMs: 1000 },
      pingSlot: { frequency: 869_525_000, dataRate: 3 },
      radios: [
        {
          enabled: true,
          chipType: "SX1257",
          centerFrequency: 868_300_000,
          rssiOffset: -166,
          tx: { minFrequency: 863_000_000, maxFrequency: 870_000_000 },
        },
      ],
      clockSource: 0,
    });
  });

  it("resolves a variant over its base in the folder: the variant's keys replace the base's", async () => {
    const plans = await FrequencyPlans.load({ directory: operatorFolder, replaceBuiltin: false });
    const base = plans.get("LAB_EU_3CH");
    const variant = plans.get("LAB_EU_3CH_DT");
    assert.equal(variant.baseId, "LAB_EU_3CH");
    assert.equal(variant.baseFrequencyMHz, 868, "inherits base-frequency");
    assert.equal(variant.forGateways, false, "gateways is the entry's own");
    assert.deepEqual(variant.dwellTime, { uplinks: true, downlinks: false, durationMs: 400 });
    assert.deepEqual(variant.uplinkChannels, base.uplinkChannels);
    assert.deepEqual(variant.rx2, base.rx2);
    assert.equal(base.dwellTime, undefined, "EU863-870 has no boot dwell time");
  });

  it("resolves a variant of a built-in plan over that plan's values", async () => {
    const plans = await FrequencyPlans.load({ directory: operatorFolder, replaceBuiltin: false });
    const builtIn = plans.get("EU_863_870");
    const variant = plans.get("EU_863_870_LAB");
    assert.deepEqual(variant.rx2, { frequency: 869_525_000, dataRate: 3 });
    assert.equal(variant.baseId, "EU_863_870");
    const { id, name, description, baseId, rx2, forGateways, countryCodes, ...rest } = variant;
    const {
      id: _i,
      name: _n,
      description: _d,
      rx2: _r,
      forGateways: _g,
      countryCodes: _c,
      ...same
    } = builtIn;
    assert.deepEqual(rest, same);
  });

  it("freezes plans", async () => {
    const plans = await FrequencyPlans.load({ directory: operatorFolder, replaceBuiltin: false });
    const plan = plans.get("LAB_EU_3CH");
    assert.throws(() => {
      (plan.rx2 as { frequency: number }).frequency = 1;
    }, TypeError);
  });

  it("replaces a built-in plan in place only when replace_builtin is set", async () => {
    const path = await folder({
      "frequency-plans.yml": `- id: EU_863_870
  band-id: EU_863_870
  name: Our Europe
  base-frequency: 868
  gateways: true
  file: plan.yml
`,
      "plan.yml": threeChannels,
    });
    await assert.rejects(
      FrequencyPlans.load({ directory: path, replaceBuiltin: false }),
      (error: unknown) =>
        errBuiltinPlanReplaced.matches(error) &&
        error.message.includes(join(path, "frequency-plans.yml")) &&
        /plan EU_863_870 has the id of a built-in plan; set frequency_plans\.replace_builtin/.test(
          error.message,
        ),
    );
    const plans = await FrequencyPlans.load({ directory: path, replaceBuiltin: true });
    assert.equal(plans.list().length, 71);
    assert.equal(plans.list()[0]?.name, "Our Europe");
    assert.equal(plans.get("EU_863_870").uplinkChannels.length, 3);
    const ttn = plans.get("EU_863_870_TTN");
    assert.equal(ttn.uplinkChannels.length, 8, "built-in variants keep their own values");
  });
});

/** Bad input, each a clear error naming the file (or folder) and the field. */
const badFolders: {
  name: string;
  files: Record<string, string> | undefined;
  error: typeof errFrequencyPlanFile;
  file?: string;
  message: RegExp;
}[] = [
  {
    name: "a folder that does not exist",
    files: undefined,
    error: errFrequencyPlansDirectory,
    message: /frequency_plans\.directory = ".*": cannot read it \(ENOENT\)/,
  },
  {
    name: "a folder without an index",
    files: { "plan.yml": threeChannels },
    error: errFrequencyPlansDirectory,
    message: /no frequency-plans\.yml in it/,
  },
  {
    name: "an index that is not a list",
    files: { "frequency-plans.yml": "id: X\n" },
    error: errFrequencyPlanFile,
    file: "frequency-plans.yml",
    message: /\(top\) = .*expected a list of plans/,
  },
  {
    name: "an index entry without a file",
    files: { "frequency-plans.yml": "- id: X\n  band-id: EU_863_870\n  name: X\n" },
    error: errFrequencyPlanFile,
    file: "frequency-plans.yml",
    message: /\[0\]\.file = \(missing\)/,
  },
  {
    name: "an id listed twice",
    files: {
      "frequency-plans.yml": oneEntry() + oneEntry(),
      "plan.yml": threeChannels,
    },
    error: errFrequencyPlanFile,
    file: "frequency-plans.yml",
    message: /\[1\]\.id = "TEST_PLAN": listed twice/,
  },
  {
    name: "a plan file outside the folder",
    files: { "frequency-plans.yml": oneEntry().replace("plan.yml", "../plan.yml") },
    error: errFrequencyPlanFile,
    file: "frequency-plans.yml",
    message: /\[0\]\.file = "\.\.\/plan\.yml": expected a file inside the folder/,
  },
  {
    name: "a missing plan file",
    files: { "frequency-plans.yml": oneEntry() },
    error: errFrequencyPlanFile,
    file: "plan.yml",
    message: /cannot read it \(ENOENT\)/,
  },
  {
    name: "a plan file that is not YAML",
    files: { "frequency-plans.yml": oneEntry(), "plan.yml": "uplink-channels: [unclosed\n" },
    error: errFrequencyPlanFile,
    file: "plan.yml",
    message: /plan\.yml: /,
  },
  {
    name: "a misspelt key",
    files: {
      "frequency-plans.yml": oneEntry(),
      "plan.yml": threeChannels.replace("uplink-channels", "uplink-chanels"),
    },
    error: errFrequencyPlanFile,
    file: "plan.yml",
    message: /unknown key uplink-chanels/,
  },
  {
    name: "a value of the wrong type",
    files: {
      "frequency-plans.yml": oneEntry(),
      "plan.yml": threeChannels.replace("max-data-rate: 5, radio: 0 }", 'max-data-rate: "five" }'),
    },
    error: errFrequencyPlanFile,
    file: "plan.yml",
    message: /uplink-channels\[0\]\.max-data-rate = "five": expected a data rate index/,
  },
  {
    name: "a data rate the band does not have",
    files: {
      "frequency-plans.yml": oneEntry(),
      "plan.yml": `${threeChannels}rx2-default-data-rate: 15\n`,
    },
    error: errFrequencyPlanFile,
    file: "plan.yml",
    message: /plan TEST_PLAN: rx2-default-data-rate: band EU_863_870 has no data rate 15/,
  },
  {
    name: "a channel on a radio the plan does not have",
    files: {
      "frequency-plans.yml": oneEntry(),
      "plan.yml": threeChannels.replace(
        "max-data-rate: 5, radio: 0 }",
        "max-data-rate: 5, radio: 2 }",
      ),
    },
    error: errFrequencyPlanFile,
    file: "plan.yml",
    message: /uplink-channels\[0\]\.radio: radio 2, but the plan has 1 radios/,
  },
  {
    name: "a per-channel dwell time",
    files: {
      "frequency-plans.yml": oneEntry(),
      "plan.yml": threeChannels.replace("radio: 0 }", "radio: 0, dwell-time: { enabled: true } }"),
    },
    error: errFrequencyPlanFile,
    file: "plan.yml",
    message: /uplink-channels\[0\]\.dwell-time = .*per-channel dwell time is not supported/,
  },
  {
    name: "a dwell time without its duration",
    files: {
      "frequency-plans.yml": oneEntry(),
      "plan.yml": `${threeChannels}dwell-time: { uplinks: true }\n`,
    },
    error: errFrequencyPlanFile,
    file: "plan.yml",
    message: /dwell-time\.duration: required when uplinks or downlinks is true/,
  },
  {
    name: "a malformed duration",
    files: {
      "frequency-plans.yml": oneEntry(),
      "plan.yml": `${threeChannels}dwell-time: { uplinks: true, duration: soon }\n`,
    },
    error: errFrequencyPlanFile,
    file: "plan.yml",
    message: /dwell-time\.duration = "soon": expected a duration/,
  },
  {
    name: "a plan without uplink channels or a base",
    files: { "frequency-plans.yml": oneEntry(), "plan.yml": "band-id: EU_863_870\n" },
    error: errFrequencyPlanFile,
    file: "plan.yml",
    message: /uplink-channels: required/,
  },
  {
    name: "a band the index does not say",
    files: {
      "frequency-plans.yml": oneEntry(),
      "plan.yml": threeChannels.replace("band-id: EU_863_870", "band-id: US_902_928"),
    },
    error: errFrequencyPlanFile,
    file: "plan.yml",
    message: /band-id = "US_902_928": the index says EU_863_870 for TEST_PLAN/,
  },
  {
    name: "an unknown band",
    files: {
      "frequency-plans.yml": oneEntry().replace("band-id: EU_863_870", "band-id: XX_000"),
      "plan.yml": threeChannels.replace("band-id: EU_863_870\n", ""),
    },
    error: errFrequencyPlanFile,
    file: "frequency-plans.yml",
    message: /\[0\]\.band-id = "XX_000": no such band/,
  },
  {
    name: "an unknown base plan",
    files: {
      "frequency-plans.yml": oneEntry("  base-id: NOWHERE\n"),
      "plan.yml": threeChannels,
    },
    error: errFrequencyPlanFile,
    file: "frequency-plans.yml",
    message: /\[0\]\.base-id = "NOWHERE": no plan of that id in the index or built in/,
  },
  {
    name: "a base on another band",
    files: {
      "frequency-plans.yml": oneEntry("  base-id: US_902_928_FSB_2\n"),
      "plan.yml": threeChannels,
    },
    error: errFrequencyPlanFile,
    file: "frequency-plans.yml",
    message: /its base plan US_902_928_FSB_2 is on band US_902_928/,
  },
  {
    name: "plans based on each other",
    files: {
      "frequency-plans.yml": `${oneEntry("  base-id: OTHER\n")}- id: OTHER
  band-id: EU_863_870
  base-id: TEST_PLAN
  name: Other
  file: plan.yml
`,
      "plan.yml": threeChannels,
    },
    error: errFrequencyPlanFile,
    file: "frequency-plans.yml",
    message: /base-id of TEST_PLAN → OTHER → TEST_PLAN loops/,
  },
];

describe("FrequencyPlans.load with bad input", () => {
  for (const bad of badFolders) {
    it(`names the file and field for ${bad.name}`, async () => {
      const path = bad.files ? await folder(bad.files) : join(scratch, "absent");
      await assert.rejects(
        FrequencyPlans.load({ directory: path, replaceBuiltin: false }),
        (error: unknown) => {
          assert.ok(bad.error.matches(error), `expected ${bad.error.name}, got ${error}`);
          if (bad.file) assert.ok(error.message.includes(join(path, bad.file)), error.message);
          assert.match(error.message, bad.message);
          return true;
        },
      );
    });
  }
});
