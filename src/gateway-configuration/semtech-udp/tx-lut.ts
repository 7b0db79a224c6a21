/** One entry of the concentrator's TX gain table: the gains that give `rf_power` dBm. */
export interface TxLutEntry {
  pa_gain: number;
  mix_gain: number;
  rf_power: number;
  dig_gain: number;
}

/**
 * The TX gain table of the SX1301 reference design (Semtech's `global_conf.json`, also what
 * The Things Stack writes for every plan): 16 powers from −6 to 27 dBm. The packet forwarder
 * accepts a downlink only at one of these powers (`TX_POWER` otherwise).
 */
export const referenceTxLut: readonly Readonly<TxLutEntry>[] = Object.freeze(
  (
    [
      [0, 8, -6],
      [0, 10, -3],
      [0, 12, 0],
      [1, 8, 3],
      [1, 10, 6],
      [1, 12, 10],
      [1, 13, 11],
      [2, 9, 12],
      [1, 15, 13],
      [2, 10, 14],
      [2, 11, 16],
      [3, 9, 20],
      [3, 10, 23],
      [3, 11, 25],
      [3, 12, 26],
      [3, 14, 27],
    ] as const
  ).map(([pa_gain, mix_gain, rf_power]) =>
    Object.freeze({ pa_gain, mix_gain, rf_power, dig_gain: 0 }),
  ),
);
