/**
 * Opening the Backend Interfaces listeners for a component: `interop.listen` (plain, where no
 * sender is authenticated) and `interop.listen_tls` (the process's certificate; client
 * certificates requested and checked per message against the sender's CA).
 */
import type { SecureContextOptions, TlsOptions } from "node:tls";
import type { ComponentContext } from "../components/component.ts";
import { readSection } from "../config/index.ts";
import { interopConfig } from "./config.ts";
import { SenderAuthorities } from "./sender-authorities.ts";
import { InteropServer } from "./server.ts";

/**
 * TLS options of the interop listener: the process's certificate and key, a client certificate
 * requested and verified against every sender's CA, but a connection without one kept (its
 * messages are answered UnknownSender, as the specification wants an answer).
 */
export function interopTlsOptions(
  tls: SecureContextOptions,
  senders: SenderAuthorities,
): TlsOptions {
  return {
    ...tls,
    requestCert: true,
    rejectUnauthorized: false,
    ...(senders.size > 0 ? { ca: senders.allPem() } : {}),
  };
}

/** A component's Backend Interfaces server and how to open its listeners. */
export interface InteropEndpoint {
  server: InteropServer;
  /** Opens `interop.listen` and, with TLS configured, `interop.listen_tls` (before start ends). */
  open(): Promise<void>;
}

/**
 * The Backend Interfaces server of a component, from the `interop` section: the sender CAs are
 * read now (a bad folder or file fails the start, naming it). The component registers its
 * handlers on `server` and calls `open` when it starts.
 */
export function createInteropEndpoint(context: ComponentContext): InteropEndpoint {
  const { interop } = readSection(interopConfig, context.config);
  const senders = SenderAuthorities.fromDirectory(interop.sender_client_ca.directory);
  const server = new InteropServer({
    senders,
    logger: context.logger.child({ namespace: "interop" }),
    metrics: context.metrics,
  });
  return {
    server,
    async open() {
      if (interop.listen !== "") {
        await context.listen.http("interop", interop.listen, server.handle);
      }
      if (interop.listen_tls !== "" && context.tls) {
        await context.listen.http(
          "interop (tls)",
          interop.listen_tls,
          server.handle,
          interopTlsOptions(context.tls, senders),
        );
      }
    },
  };
}
