// Frames the real programs sent (../shared/peers/README.md and reference/gateway-protocols.md,
// Basics Station 2.0.6 and lora_pkt_fwd 4.0.1 fed the same PHYPayloads), written here so
// that a fresh clone proves them.

export const stationVersion =
  '{"msgtype":"version","station":"2.0.6(linux/testsim)","firmware":null,"package":null,"model":"linux","protocol":2,"features":"rmtsh"}';

export const stationJoinRequest =
  '{"msgtype":"jreq","MHdr":0,"JoinEui":"01-02-03-04-05-06-07-08","DevEui":"88-77-66-55-44-33-22-11","DevNonce":4660,"MIC":-725372255,' +
  '"RefTime":1796447918.084952,"DR":0,"Freq":867100000,"upinfo":{"rctx":0,"xtime":28428972916514080,"gpstime":0,"fts":-1,"rssi":-101,"snr":-4.5,"rxtime":1796447918.084958}}';

/** The same join-request as lora_pkt_fwd forwarded it (rxpk.data). */
export const joinRequestBase64 = "AAgHBgUEAwIBESIzRFVmd4g0EqGyw9Q=";

export const stationDataUplink =
  '{"msgtype":"updf","MHdr":64,"DevAddr":16909060,"FCtrl":128,"FCnt":10,"FOpts":"","FPort":1,"FRMPayload":"DEADBEEF","MIC":1144201745,' +
  '"RefTime":1796447918.084968,"DR":5,"Freq":868300000,"upinfo":{"rctx":0,"xtime":28428972916514444,"gpstime":0,"fts":-1,"rssi":-57,"snr":7.25,"rxtime":1796447918.084968}}';

/** The same data uplink as lora_pkt_fwd forwarded it. */
export const dataUplinkBase64 = "QAQDAgGACgAB3q2+7xEiM0Q=";

/** The chirpstack V10 frame as station split it (FOpts and a negative MIC). */
export const stationDataUplinkWithFOpts =
  '{"msgtype":"updf","MHdr":64,"DevAddr":16909060,"FCtrl":3,"FCnt":0,"FOpts":"067307","FPort":10,"FRMPayload":"E264D4F7","MIC":-1059973151,' +
  '"RefTime":0,"DR":5,"Freq":868100000,"upinfo":{"rctx":0,"xtime":41939771802331466,"gpstime":0,"fts":-1,"rssi":-40,"snr":9.5,"rxtime":0}}';

export const dataUplinkWithFOptsHex = "40040302010300000673070ae264d4f7e117d2c0";

export const stationTxConfirmation =
  '{"msgtype":"dntxed","seqno":101,"diid":101,"DR":5,"Freq":868300000,"DevEui":"00-00-00-00-00-00-00-01","rctx":0,"xtime":28428972917514444,"txtime":1506.853143,"gpstime":0}';

export const stationTxConfirmationLarge =
  '{"msgtype":"dntxed","seqno":4711,"diid":4711,"DR":5,"Freq":868100000,"DevEui":"02-02-02-02-02-02-02-02","rctx":0,"xtime":41939771807331464,"txtime":321.296243,"gpstime":0}';

/** The class A dnmsg the mock LNS sent and station transmitted at uplink xtime + 1 s. */
export const lnsClassADownlink =
  '{"msgtype":"dnmsg","DevEui":"00-00-00-00-00-00-00-01","dC":0,"diid":101,"pdu":"600403020100010001cafe55667788","RxDelay":1,"RX1DR":5,"RX1Freq":868300000,' +
  '"RX2DR":0,"RX2Freq":869525000,"priority":0,"xtime":28428972916514444,"rctx":0,"MuxTime":1796447918.13}';

/** The EU868 DRs of the transcript's router_config and pysys/tcutils.py. */
export const eu868DataRates = [
  [12, 125, 0],
  [11, 125, 0],
  [10, 125, 0],
  [9, 125, 0],
  [8, 125, 0],
  [7, 125, 0],
  [7, 250, 0],
  [0, 0, 0],
  [-1, 0, 0],
  [-1, 0, 0],
  [-1, 0, 0],
  [-1, 0, 0],
  [-1, 0, 0],
  [-1, 0, 0],
  [-1, 0, 0],
  [-1, 0, 0],
];

/** pysys/tcutils.py's US902 DRs: DR8–13 downlink only. */
export const us915DataRates = [
  [10, 125, 0],
  [9, 125, 0],
  [8, 125, 0],
  [7, 125, 0],
  [8, 500, 0],
  [-1, 0, 0],
  [-1, 0, 0],
  [-1, 0, 0],
  [12, 500, 1],
  [11, 500, 1],
  [10, 500, 1],
  [9, 500, 1],
  [8, 500, 1],
  [7, 500, 1],
  [-1, 0, 0],
  [-1, 0, 0],
];
