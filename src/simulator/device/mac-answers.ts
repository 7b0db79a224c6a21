/**
 * How a simulated device answers the network's MAC commands, as real devices do: it checks each
 * request against its band, applies what it accepts and answers with the real acknowledgement
 * bits. Answers that LoRaWAN makes repeat until a downlink arrives are marked `sticky`.
 */
import { applyChannelMasks, getDataRate, subBandOf } from "../../lorawan/band/index.ts";
import type {
  DownlinkMacCommand,
  LinkADRReq,
  MacCommandNamed,
  UplinkMacCommand,
} from "../../lorawan/mac/index.ts";
import type { DeviceVersion } from "./profile.ts";
import { isLoraDataRate, type RadioSettings, usableChannels } from "./radio-settings.ts";

/** What the device knows while it reads a downlink's commands. */
export interface MacContext {
  settings: RadioSettings;
  version: DeviceVersion;
  battery: number;
  /** Demodulation margin (dB) reported in DevStatusAns. */
  margin: number;
  /** Confirmations received (RekeyConf, ResetConf), so the device stops sending the indication. */
  confirmed: Set<"RekeyConf" | "ResetConf">;
}

/** The device's reaction to the commands of one downlink. */
export interface MacOutcome {
  /** Answers for the next uplink. */
  answers: UplinkMacCommand[];
  /** Answers to repeat in every uplink until the next downlink (RXParamSetupAns, ...). */
  sticky: UplinkMacCommand[];
  /** Commands applied in full. */
  applied: number;
  /** Commands refused in part or whole (a negative acknowledgement) or not understood. */
  refused: number;
  /** Names of the commands read, in order. */
  names: string[];
}

type Reaction = { answer?: UplinkMacCommand; sticky?: boolean; applied: boolean };
type Handler<N extends DownlinkMacCommand["name"]> = (
  command: MacCommandNamed<N>,
  context: MacContext,
) => Reaction;

/** Reads a downlink's commands in order; consecutive LinkADRReq commands form one block. */
export function answerMacCommands(
  commands: readonly DownlinkMacCommand[],
  context: MacContext,
): MacOutcome {
  const outcome: MacOutcome = { answers: [], sticky: [], applied: 0, refused: 0, names: [] };
  for (let i = 0; i < commands.length; i++) {
    const command = commands[i] as DownlinkMacCommand;
    if (command.name === "LinkADRReq") {
      const block: LinkADRReq[] = [];
      while (commands[i]?.name === "LinkADRReq") block.push(commands[i++] as LinkADRReq);
      i--;
      const answer = linkAdrBlock(block, context);
      const ok = answer.powerAck && answer.dataRateAck && answer.channelMaskAck;
      for (const _ of block) {
        outcome.answers.push(answer);
        outcome.names.push("LinkADRReq");
        if (ok) outcome.applied++;
        else outcome.refused++;
      }
      continue;
    }
    outcome.names.push(command.name);
    const handler = handlers[command.name] as Handler<typeof command.name> | undefined;
    const reaction = handler ? handler(command as never, context) : { applied: false };
    if (reaction.answer) (reaction.sticky ? outcome.sticky : outcome.answers).push(reaction.answer);
    if (reaction.applied) outcome.applied++;
    else outcome.refused++;
  }
  return outcome;
}

function linkAdrBlock(
  block: readonly LinkADRReq[],
  { settings, version }: MacContext,
): MacCommandNamed<"LinkADRAns"> {
  const band = settings.band;
  const last = block[block.length - 1] as LinkADRReq;
  const current = settings.channels.map((c) => c?.enabled === true);
  const size = band.channelMask.kind === "dynamic-16" ? 16 : current.length;
  while (current.length < size) current.push(false);
  let mask: boolean[] | undefined;
  try {
    mask = applyChannelMasks(
      band,
      current,
      block.map((c) => ({
        chMask: c.chMask.reduce((bits, on, i) => bits | (on ? 1 << i : 0), 0),
        chMaskCntl: c.chMaskCntl,
      })),
      band.channelMask.kind === "dynamic-16"
        ? settings.channels.map((c) => c !== undefined)
        : undefined,
    );
  } catch {
    mask = undefined;
  }
  const channelMaskAck = mask?.some((on, i) => on && settings.channels[i] !== undefined) === true;
  // 15 (0xF) means "keep the current value" for data rate and TX power.
  const dataRate = last.dataRateIndex === 15 ? settings.dataRate : last.dataRateIndex;
  const txPower = last.txPowerIndex === 15 ? settings.txPowerIndex : last.txPowerIndex;
  const enabledAfter = settings.channels.map((c, i) =>
    c ? { ...c, enabled: mask ? mask[i] === true : c.enabled } : undefined,
  );
  const dataRateAck =
    isLoraDataRate(band, dataRate) &&
    usableChannels({ ...settings, channels: enabledAfter }, dataRate).length > 0;
  const powerAck = band.txPowerOffsets[txPower] !== undefined;
  if (channelMaskAck && dataRateAck && powerAck) {
    settings.channels = enabledAfter;
    settings.dataRate = dataRate;
    settings.txPowerIndex = txPower;
    // NbTrans 0: the default (1) before 1.0.4, "keep the current value" from 1.0.4 on.
    if (last.nbTrans > 0) settings.nbTrans = last.nbTrans;
    else if (version !== "1.0.4") settings.nbTrans = 1;
  }
  return { cid: 0x03, name: "LinkADRAns", powerAck, dataRateAck, channelMaskAck };
}

/** A frequency the device's radio can tune to in its band. */
function validFrequency(context: MacContext, frequencyHz: number): boolean {
  const band = context.settings.band;
  return (
    frequencyHz > 0 &&
    (subBandOf(band, frequencyHz) !== undefined ||
      band.downlinkChannels.some((c) => c.frequency === frequencyHz) ||
      band.uplinkChannels.some((c) => c.frequency === frequencyHz))
  );
}

const answerOnly = (answer: UplinkMacCommand, sticky = false): Reaction => ({
  answer,
  sticky,
  applied: true,
});

const handlers: { [N in DownlinkMacCommand["name"]]?: Handler<N> } = {
  DevStatusReq: (_, context) =>
    answerOnly({
      cid: 0x06,
      name: "DevStatusAns",
      battery: context.battery,
      margin: Math.max(-32, Math.min(31, Math.round(context.margin))),
    }),
  DutyCycleReq: (command, { settings }) => {
    settings.maxDutyCycle = 1 / 2 ** command.maxDutyCycle;
    return answerOnly({ cid: 0x04, name: "DutyCycleAns" });
  },
  RXParamSetupReq: (command, context) => {
    const { settings } = context;
    const band = settings.band;
    const table = settings.downlinkDwellTime
      ? band.rx1DataRates.dwellTime
      : band.rx1DataRates.noDwellTime;
    const rx1DataRateOffsetAck =
      table[settings.dataRate]?.[command.rx1DataRateOffset] !== undefined;
    const rx2DataRateIndexAck = isLoraDataRate(band, command.rx2DataRateIndex);
    const rx2FrequencyAck = validFrequency(context, command.rx2Frequency);
    const ok = rx1DataRateOffsetAck && rx2DataRateIndexAck && rx2FrequencyAck;
    if (ok) {
      settings.rx1DataRateOffset = command.rx1DataRateOffset;
      settings.rx2 = { frequencyHz: command.rx2Frequency, dataRate: command.rx2DataRateIndex };
    }
    return {
      answer: {
        cid: 0x05,
        name: "RXParamSetupAns",
        rx1DataRateOffsetAck,
        rx2DataRateIndexAck,
        rx2FrequencyAck,
      },
      sticky: true,
      applied: ok,
    };
  },
  NewChannelReq: (command, context) => {
    const { settings } = context;
    const band = settings.band;
    const dynamic = band.channelMask.kind === "dynamic-16";
    // The band's default channels cannot be changed; fixed-channel bands have no NewChannelReq.
    const editable =
      dynamic && command.chIndex >= band.uplinkChannels.length && command.chIndex < 16;
    const remove = command.frequency === 0;
    const frequencyAck = editable && (remove || validFrequency(context, command.frequency));
    const dataRateAck =
      editable &&
      (remove ||
        (command.minDataRate <= command.maxDataRate &&
          getDataRate(band, command.minDataRate) !== undefined &&
          getDataRate(band, command.maxDataRate) !== undefined));
    const ok = frequencyAck && dataRateAck;
    if (ok) {
      settings.channels[command.chIndex] = remove
        ? undefined
        : {
            frequencyHz: command.frequency,
            minDataRate: command.minDataRate,
            maxDataRate: command.maxDataRate,
            enabled: true,
          };
    }
    return { answer: { cid: 0x07, name: "NewChannelAns", dataRateAck, frequencyAck }, applied: ok };
  },
  RXTimingSetupReq: (command, { settings }) => {
    settings.receiveDelayMs = Math.max(1, command.delay) * 1000;
    return answerOnly({ cid: 0x08, name: "RXTimingSetupAns" }, true);
  },
  TxParamSetupReq: (command, { settings }) => {
    // Devices of bands without TxParamSetupReq do not implement it: no answer.
    if (!settings.band.txParamSetupReqSupport) return { applied: false };
    settings.uplinkDwellTime = command.uplinkDwellTime;
    settings.downlinkDwellTime = command.downlinkDwellTime;
    return answerOnly({ cid: 0x09, name: "TxParamSetupAns" });
  },
  DlChannelReq: (command, context) => {
    const channel = context.settings.channels[command.chIndex];
    const uplinkFrequencyExists = channel !== undefined;
    const frequencyAck = validFrequency(context, command.frequency);
    const ok = uplinkFrequencyExists && frequencyAck;
    if (ok && channel) channel.downlinkFrequencyHz = command.frequency;
    return {
      answer: { cid: 0x0a, name: "DlChannelAns", uplinkFrequencyExists, frequencyAck },
      sticky: true,
      applied: ok,
    };
  },
  ADRParamSetupReq: (command, { settings }) => {
    settings.adrAckLimit = 2 ** command.limitExp;
    settings.adrAckDelay = 2 ** command.delayExp;
    return answerOnly({ cid: 0x0c, name: "ADRParamSetupAns" });
  },
  RekeyConf: (_, context) => {
    context.confirmed.add("RekeyConf");
    return { applied: true };
  },
  ResetConf: (_, context) => {
    context.confirmed.add("ResetConf");
    return { applied: true };
  },
  DeviceTimeAns: () => ({ applied: true }),
  LinkCheckAns: () => ({ applied: true }),
  PingSlotInfoAns: () => ({ applied: true }),
  DeviceModeConf: () => ({ applied: true }),
  BeaconTimingAns: () => ({ applied: true }),
  PingSlotChannelReq: (command, context) => {
    const frequencyAck = command.frequency === 0 || validFrequency(context, command.frequency);
    const dataRateAck = isLoraDataRate(context.settings.band, command.dataRateIndex);
    return {
      answer: { cid: 0x11, name: "PingSlotChannelAns", frequencyAck, dataRateAck },
      applied: frequencyAck && dataRateAck,
    };
  },
  BeaconFreqReq: (command, context) => {
    const frequencyAck = command.frequency === 0 || validFrequency(context, command.frequency);
    return {
      answer: { cid: 0x13, name: "BeaconFreqAns", frequencyAck },
      applied: frequencyAck,
    };
  },
  RejoinParamSetupReq: () =>
    answerOnly({ cid: 0x0f, name: "RejoinParamSetupAns", maxTimeNAck: true }),
};
