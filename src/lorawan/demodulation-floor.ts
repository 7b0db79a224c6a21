/**
 * The SNR (dB) below which a LoRa receiver can no longer demodulate, by spreading factor
 * (Semtech's SX1301 datasheet, 125 kHz). Used where a margin above it is wanted (LinkCheckAns)
 * and where a reception is decided (the simulator's radio medium).
 */
export const LORA_DEMODULATION_FLOOR_DB: Readonly<Record<number, number>> = {
  5: -2.5,
  6: -5,
  7: -7.5,
  8: -10,
  9: -12.5,
  10: -15,
  11: -17.5,
  12: -20,
};
