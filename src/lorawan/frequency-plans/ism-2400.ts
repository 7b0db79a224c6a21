import { countries } from "./compose.ts";
import type { DownlinkChannel, FrequencyPlan } from "./types.ts";

/** The three ISM2400 default channels, at every data rate (SF12 … SF5 on 812 kHz). */
const defaultChannels: DownlinkChannel[] = [2_403_000_000, 2_425_000_000, 2_479_000_000].map(
  (frequency) => ({ frequency, minDataRate: 0, maxDataRate: 7 }),
);

/** Countries where the 2.4 GHz ISM band is open to LoRa: practically all of them. */
const worldwide = countries(`
  af ax al dz as ad ao ai aq ag ar am aw au at az bs bh bd bb by be bz bj bm bt bo ba bw bv br
  io bn bg bf bi kh cm ca cv ky cf td cl cn cx cc co km cg cd ck cr ci hr cu cy cz dk dj dm do
  ec eg sv gq er ee et fk fo fj fi fr gf pf tf ga gm ge de gh gi gr gl gd gp gu gt gg gn gw gy
  ht hm va hn hk hu is in id ir iq ie im il it jm jp je jo kz ke ki kp kr kw kg la lv lb ls lr
  ly li lt lu mo mk mg mw my mv ml mt mh mq mr mu yt mx fm md mc mn me ms ma mz mm na nr np nl
  an nc nz ni ne ng nu nf mp no om pk pw ps pa pg py pe ph pn pl pt pr qa re ro ru rw bl sh kn
  lc mf pm vc ws sm st sa sn rs sc sl sg sk si sb so za gs es lk sd sr sj sz se ch sy tw tj tz
  th tl tg tk to tt tn tr tm tc tv ug ua ae gb us um uy uz vu ve vn vg vi wf eh ye zm zw
`);

/**
 * LoRa 2.4 GHz on the three default channels (draft 2). 2.4 GHz gateways have no
 * sub-GHz radio configuration, so the plan has no radios and its channels name none.
 */
export const ism2400ThreeChannelDraft2: FrequencyPlan = {
  id: "ISM_2400_3CH_DRAFT2",
  name: "LoRa 2.4 GHz with 3 channels (Draft 2)",
  description: "Worldwide 3-channel plan for LoRa 2.4 GHz (draft 2)",
  bandId: "ISM_2400",
  baseFrequencyMHz: 2450,
  forGateways: true,
  countryCodes: worldwide,
  subBands: [
    { minFrequency: 2_400_000_000, maxFrequency: 2_500_000_000, dutyCycle: 1, maxEirp: 10.15 },
  ],
  uplinkChannels: defaultChannels,
  downlinkChannels: defaultChannels,
  rx2: { frequency: 2_423_000_000, dataRate: 0 },
  maxEirp: 10,
  radios: [],
};
