import { createRegistry, type DescService, type Registry } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";

/** A service implementation offered on the API: gRPC, gRPC-Web, Connect and REST. */
export interface ServiceRegistration {
  service: DescService;
  implementation: Partial<ServiceImpl<DescService>>;
}

/**
 * The services of this process. Components register their implementations while they are
 * constructed; the API listeners serve every registered service once the components started.
 */
export class ApiRegistry {
  readonly #services = new Map<string, ServiceRegistration>();
  readonly #types: Parameters<typeof createRegistry> = [];

  register<S extends DescService>(service: S, implementation: Partial<ServiceImpl<S>>): void {
    if (this.#services.has(service.typeName))
      throw new Error(`service ${service.typeName} is registered twice`);
    this.#services.set(service.typeName, {
      service,
      implementation: implementation as Partial<ServiceImpl<DescService>>,
    });
  }

  services(): ServiceRegistration[] {
    return [...this.#services.values()];
  }

  /**
   * Adds message types that `google.protobuf.Any` fields of the services may hold (event data),
   * so that the JSON transports can read and write them.
   */
  registerTypes(...types: Parameters<typeof createRegistry>): void {
    this.#types.push(...types);
  }

  /** The types registered with {@link registerTypes}. */
  typeRegistry(): Registry {
    return createRegistry(...this.#types);
  }
}
