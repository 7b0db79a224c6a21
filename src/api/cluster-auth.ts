import { type ContextValues, createContextValues, type Interceptor } from "@connectrpc/connect";
import { errorNamespace } from "../errors/index.ts";
import { type ClusterKeys, clusterKeyHeader, peerCallKey } from "./cluster-keys.ts";
import type { ApiRegistry } from "./registry.ts";

const errors = errorNamespace("api/cluster");

/** A call presented a cluster key that is none of the cluster's. */
export const errInvalidClusterKey = errors.unauthenticated(
  "invalid_cluster_key",
  "the cluster key is not valid",
);
/** An internal service was called without a cluster key. */
export const errClusterKeyRequired = errors.unauthenticated(
  "cluster_key_required",
  "`{service}` is served to cluster peers only",
);

/**
 * The server side of cluster keys on Connect routes (gRPC, gRPC-Web, Connect): a call with a
 * wrong key is refused whatever it calls; a call with a valid key is marked as a peer call
 * (`isPeerCall`); an internal service called without one is refused.
 */
export function clusterAuthInterceptor(keys: ClusterKeys, registry: ApiRegistry): Interceptor {
  return (next) => async (request) => {
    const verdict = keys.check(request.header.get(clusterKeyHeader));
    if (verdict === "invalid") throw errInvalidClusterKey.create();
    if (verdict === "valid") request.contextValues.set(peerCallKey, true);
    else if (registry.isInternal(request.service.typeName))
      throw errClusterKeyRequired.create({ service: request.service.typeName });
    return next(request);
  };
}

/**
 * The same for REST requests (which never reach internal services): the context values of a
 * request, refusing one with a wrong cluster key.
 */
export function restClusterContext(
  keys: ClusterKeys,
): (request: { headers: Record<string, string | string[] | undefined> }) => ContextValues {
  return (request) => {
    const raw = request.headers[clusterKeyHeader];
    const verdict = keys.check(Array.isArray(raw) ? raw.join(",") : raw);
    if (verdict === "invalid") throw errInvalidClusterKey.create();
    const values = createContextValues();
    if (verdict === "valid") values.set(peerCallKey, true);
    return values;
  };
}
