import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { latestBand } from "../../lorawan/band/index.ts";
import type { Band } from "../../lorawan/band/types.ts";
import {
  type FrequencyPlan,
  frequencyPlans,
  getFrequencyPlan,
} from "../../lorawan/frequency-plans/index.ts";
import { errNoRadios } from "../errors.ts";
import { formatGlobalConf, globalConf } from "./global-conf.ts";
import { sx1301Conf } from "./sx1301-conf.ts";

function bandOf(plan: FrequencyPlan): Band {
  const band = latestBand(plan.bandId);
  assert.ok(band, plan.bandId);
  return band;
}

const eu868 = getFrequencyPlan("EU_863_870");

/**
 * The concentrator part of Semtech's reference `global_conf.json` (packet_forwarder 4.0.1,
 * EU868), without the keys The Things Stack does not write (a disabled `lbt_cfg`, radio 0's
 * notch filter): radios at 867.5 (transmitting) and 868.5 MHz, 8 multi-SF channels, the
 * SF7BW250 channel at 868.3 MHz and the 50 kbit/s FSK channel at 868.8 MHz.
 */
const referenceEu868 = {
  lorawan_public: true,
  clksrc: 1,
  antenna_gain: 0,
  radio_0: {
    enable: true,
    type: "SX1257",
    freq: 867500000,
    rssi_offset: -166,
    tx_enable: true,
    tx_freq_min: 863000000,
    tx_freq_max: 870000000,
  },
  radio_1: { enable: true, type: "SX1257", freq: 868500000, rssi_offset: -166, tx_enable: false },
  chan_multiSF_0: { enable: true, radio: 1, if: -400000 },
  chan_multiSF_1: { enable: true, radio: 1, if: -200000 },
  chan_multiSF_2: { enable: true, radio: 1, if: 0 },
  chan_multiSF_3: { enable: true, radio: 0, if: -400000 },
  chan_multiSF_4: { enable: true, radio: 0, if: -200000 },
  chan_multiSF_5: { enable: true, radio: 0, if: 0 },
  chan_multiSF_6: { enable: true, radio: 0, if: 200000 },
  chan_multiSF_7: { enable: true, radio: 0, if: 400000 },
  chan_Lora_std: { enable: true, radio: 1, if: -200000, bandwidth: 250000, spread_factor: 7 },
  chan_FSK: { enable: true, radio: 1, if: 300000, bandwidth: 125000, datarate: 50000 },
  tx_lut_0: { pa_gain: 0, mix_gain: 8, rf_power: -6, dig_gain: 0 },
  tx_lut_1: { pa_gain: 0, mix_gain: 10, rf_power: -3, dig_gain: 0 },
  tx_lut_2: { pa_gain: 0, mix_gain: 12, rf_power: 0, dig_gain: 0 },
  tx_lut_3: { pa_gain: 1, mix_gain: 8, rf_power: 3, dig_gain: 0 },
  tx_lut_4: { pa_gain: 1, mix_gain: 10, rf_power: 6, dig_gain: 0 },
  tx_lut_5: { pa_gain: 1, mix_gain: 12, rf_power: 10, dig_gain: 0 },
  tx_lut_6: { pa_gain: 1, mix_gain: 13, rf_power: 11, dig_gain: 0 },
  tx_lut_7: { pa_gain: 2, mix_gain: 9, rf_power: 12, dig_gain: 0 },
  tx_lut_8: { pa_gain: 1, mix_gain: 15, rf_power: 13, dig_gain: 0 },
  tx_lut_9: { pa_gain: 2, mix_gain: 10, rf_power: 14, dig_gain: 0 },
  tx_lut_10: { pa_gain: 2, mix_gain: 11, rf_power: 16, dig_gain: 0 },
  tx_lut_11: { pa_gain: 3, mix_gain: 9, rf_power: 20, dig_gain: 0 },
  tx_lut_12: { pa_gain: 3, mix_gain: 10, rf_power: 23, dig_gain: 0 },
  tx_lut_13: { pa_gain: 3, mix_gain: 11, rf_power: 25, dig_gain: 0 },
  tx_lut_14: { pa_gain: 3, mix_gain: 12, rf_power: 26, dig_gain: 0 },
  tx_lut_15: { pa_gain: 3, mix_gain: 14, rf_power: 27, dig_gain: 0 },
};

describe("SX1301_conf", () => {
  it("is Semtech's reference EU868 concentrator setup for EU_863_870, keys in its order", () => {
    const conf = sx1301Conf(eu868, bandOf(eu868));
    assert.deepEqual(conf, referenceEu868);
    assert.deepEqual(Object.keys(conf), Object.keys(referenceEu868));
  });

  it("places US915 FSB 2's channels and its SF8BW500 channel and has no FSK channel", () => {
    const plan = getFrequencyPlan("US_902_928_FSB_2");
    const conf = sx1301Conf(plan, bandOf(plan));
    assert.deepEqual(conf.radio_0, {
      enable: true,
      type: "SX1257",
      freq: 904300000,
      rssi_offset: -166,
      tx_enable: true,
      tx_freq_min: 923000000,
      tx_freq_max: 928000000,
    });
    assert.deepEqual(conf.chan_multiSF_0, { enable: true, radio: 0, if: -400000 });
    assert.deepEqual(conf.chan_multiSF_7, { enable: true, radio: 1, if: 300000 });
    assert.deepEqual(conf.chan_Lora_std, {
      enable: true,
      radio: 0,
      if: 300000,
      bandwidth: 500000,
      spread_factor: 8,
    });
    assert.deepEqual(conf.chan_FSK, { enable: false });
  });

  it("fills 8 multi-SF chains, listens before talk where the plan says so", () => {
    const plan = getFrequencyPlan("AS_920_923_LBT");
    const conf = sx1301Conf(plan, bandOf(plan));
    assert.ok(conf.lbt_cfg?.enable);
    assert.equal(conf.lbt_cfg.chan_cfg.length, Math.min(8, plan.downlinkChannels?.length ?? 0));
    assert.ok(conf.lbt_cfg.chan_cfg.every((channel) => channel.scan_time_us > 0));
    const keys = Object.keys(conf);
    assert.ok(keys.indexOf("lbt_cfg") < keys.indexOf("radio_0"));
    assert.equal(keys.filter((key) => key.startsWith("chan_multiSF_")).length, 8);
  });

  it("builds every built-in plan with radios: each enabled IF within its radio's reach", () => {
    for (const plan of frequencyPlans) {
      if (plan.radios.length === 0) {
        assert.throws(
          () => sx1301Conf(plan, bandOf(plan)),
          (error) => errNoRadios.matches(error),
        );
        continue;
      }
      const conf = sx1301Conf(plan, bandOf(plan)) as unknown as Record<
        string,
        Record<string, number>
      >;
      for (const [key, value] of Object.entries(conf)) {
        if (!/^chan_/.test(key) || !value.enable) continue;
        assert.ok(conf[`radio_${value.radio}`], `${plan.id} ${key} names a radio`);
        // The SX1301's IF chains reach ±0.5 MHz around their radio's centre.
        assert.ok(Math.abs(value.if as number) <= 500_000, `${plan.id} ${key} if ${value.if}`);
      }
    }
  });
});

describe("global_conf.json", () => {
  it("points gateway_conf and its one server at the Gateway Server, tab-indented", () => {
    const conf = globalConf({
      eui: "0011223344556677",
      server: { host: "lns.example.com", port: 1700 },
      plan: eu868,
      band: bandOf(eu868),
    });
    const server = {
      gateway_ID: "0011223344556677",
      server_address: "lns.example.com",
      serv_port_up: 1700,
      serv_port_down: 1700,
    };
    assert.deepEqual(conf.gateway_conf, {
      ...server,
      servers: [{ ...server, serv_enabled: true }],
    });
    const text = formatGlobalConf(conf);
    assert.ok(text.startsWith('{\n\t"SX1301_conf": {\n\t\t"lorawan_public": true,\n'), text);
    assert.ok(text.endsWith("}\n"));
    assert.deepEqual(JSON.parse(text), conf);
  });

  it("leaves gateway_ID out for a gateway without an EUI", () => {
    const conf = globalConf({ server: { host: "h", port: 1 }, plan: eu868, band: bandOf(eu868) });
    assert.equal("gateway_ID" in conf.gateway_conf, false);
  });
});
