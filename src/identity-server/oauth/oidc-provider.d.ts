// The parts of oidc-provider (v9, untyped JavaScript) that lorastack uses. Written from the
// library's documented API; everything else is left out on purpose.
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export type AdapterPayload = Record<string, unknown> & {
    grantId?: string;
    userCode?: string;
    uid?: string;
    jti?: string;
    /** Seconds since the epoch when the artifact was consumed. */
    consumed?: number;
  };

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>>;
  }

  export interface ClientInstance {
    clientId: string;
    clientSecret?: string;
    clientName?: string;
    clientAuthMethod: string;
    redirectUris: string[];
    metadata(): Record<string, unknown>;
    redirectUriAllowed(value: string): boolean;
    grantTypeAllowed(type: string): boolean;
  }

  export interface GrantInstance {
    jti: string;
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    save(ttl?: number): Promise<string>;
  }

  export interface SessionInstance {
    accountId?: string;
    grantIdFor(clientId: string): string | undefined;
  }

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId?: string; uid?: string };
    grantId?: string;
    returnTo: string;
  }

  export interface AccessTokenInstance {
    jti: string;
    accountId: string;
    clientId: string;
    grantId?: string;
    scope?: string;
    exp: number;
    expiresWithSession?: boolean;
    sessionUid?: string;
    isExpired: boolean;
  }

  export interface KoaContext {
    host: string;
    type: string;
    body: unknown;
    status: number;
    method: string;
    /** The path within the provider (the mount prefix removed). */
    path: string;
    /** The client address (X-Forwarded-For only when `provider.proxy`). */
    ip: string;
    set(field: string, value: string): void;
    remove(field: string): void;
    oidc: {
      client?: ClientInstance;
      account?: { accountId: string };
      session: SessionInstance;
      params: Record<string, unknown>;
      requestParamOIDCScopes: Set<string>;
      result?: { consent?: { grantId?: string } };
      provider: Provider;
    };
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    readonly issuer: string;
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    on(event: string, listener: (...args: unknown[]) => void): this;
    /** Adds a Koa middleware in front of the provider's own routes. */
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): this;
    readonly Grant: {
      new (properties: { accountId: string; clientId: string }): GrantInstance;
      find(id: string): Promise<GrantInstance | undefined>;
    };
    readonly Client: {
      find(id: string): Promise<ClientInstance | undefined>;
      prototype: ClientInstance & {
        compareClientSecret(actual: string): Promise<boolean> | boolean;
      };
    };
    readonly Session: {
      findByUid(uid: string): Promise<SessionInstance | undefined>;
    };
    readonly AccessToken: {
      find(token: string): Promise<AccessTokenInstance | undefined>;
    };
  }

  export const errors: Record<string, new (...args: unknown[]) => Error>;
  export default Provider;
}
