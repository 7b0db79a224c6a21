export {
  type BoundListener,
  type ListenAddressInput,
  toListenAddress,
} from "./bound-listener.ts";
export { errListen, errListenAddress, errListenerNameTaken } from "./errors.ts";
export type { Listen } from "./listen.ts";
export { type ListenerEntry, ListenerRegistry } from "./registry.ts";
export { ScopedListeners } from "./scoped-listeners.ts";
export { listenTcp } from "./tcp.ts";
export type { UdpListenOptions } from "./udp.ts";
export type { WebSocketListenOptions } from "./websocket.ts";
