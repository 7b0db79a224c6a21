import { createRegistry, type DescService, type Registry } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";

/** A service implementation offered on the API. */
export interface ServiceRegistration {
  service: DescService;
  implementation: Partial<ServiceImpl<DescService>>;
  /**
   * Served to cluster peers only: on the gRPC port (never on REST or the HTTP port's Connect
   * routes), to callers that present a valid cluster key, and to direct calls in this process.
   */
  internal: boolean;
}

/** How a service is offered. */
export interface RegistrationOptions {
  /** A service between components (The Things Stack's GsNs, NsAs, AsJs, ...): peers only. */
  internal?: boolean;
}

/**
 * What runs around every unary call, whatever the transport (REST, Connect, gRPC, a direct call
 * of a peer in this process): `run` makes the call. The runtime gives each call a scope of
 * correlation ids for the events it publishes.
 */
export type AroundCall = (
  call: { fullMethod: string; context: HandlerContext },
  run: () => unknown,
) => unknown;

/**
 * The services of this process. Components register their implementations while they are
 * constructed; the API listeners serve every registered service once the components started
 * (public ones over gRPC, gRPC-Web, Connect and REST; internal ones over the gRPC port only),
 * and peers in this process call them directly.
 */
export class ApiRegistry {
  readonly #services = new Map<string, ServiceRegistration>();
  readonly #types: Parameters<typeof createRegistry> = [];
  readonly #around: AroundCall | undefined;

  constructor(options: { aroundCall?: AroundCall } = {}) {
    this.#around = options.aroundCall;
  }

  register<S extends DescService>(
    service: S,
    implementation: Partial<ServiceImpl<S>>,
    options: RegistrationOptions = {},
  ): void {
    if (this.#services.has(service.typeName))
      throw new Error(`service ${service.typeName} is registered twice`);
    this.#services.set(service.typeName, {
      service,
      implementation: this.#wrap(service, implementation as Record<string, unknown>),
      internal: options.internal === true,
    });
  }

  /** Every registered service, internal ones included. */
  services(): ServiceRegistration[] {
    return [...this.#services.values()];
  }

  /** The services everyone may call (with their own credentials): not internal. */
  publicServices(): ServiceRegistration[] {
    return this.services().filter((registration) => !registration.internal);
  }

  /** The registration of a service by its full name, e.g. `ttn.lorawan.v3.EntityAccess`. */
  find(typeName: string): ServiceRegistration | undefined {
    return this.#services.get(typeName);
  }

  isInternal(typeName: string): boolean {
    return this.#services.get(typeName)?.internal === true;
  }

  /**
   * Adds message types that `google.protobuf.Any` fields of the services may hold (event data),
   * so that the JSON transports can read and write them.
   */
  registerTypes(...types: Parameters<typeof createRegistry>): void {
    this.#types.push(...types);
  }

  /** The implementation with every unary method called through `aroundCall`. */
  #wrap(service: DescService, implementation: Record<string, unknown>) {
    const around = this.#around;
    if (!around) return implementation as Partial<ServiceImpl<DescService>>;
    // Methods not wrapped (streams) stay reachable, own properties or inherited alike.
    const wrapped = Object.create(implementation) as Record<string, unknown>;
    for (const method of service.methods) {
      const handler = implementation[method.localName];
      if (method.methodKind !== "unary" || typeof handler !== "function") continue;
      const fullMethod = `/${service.typeName}/${method.name}`;
      wrapped[method.localName] = (request: unknown, context: HandlerContext) =>
        around({ fullMethod, context }, () => handler.call(implementation, request, context));
    }
    return wrapped as Partial<ServiceImpl<DescService>>;
  }

  /** The types registered with {@link registerTypes}. */
  typeRegistry(): Registry {
    return createRegistry(...this.#types);
  }
}
