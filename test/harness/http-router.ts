/**
 * An HTTP router stand-in for components split over processes: one address for the API whose
 * `/api/v3/<component>/...` paths go to the process that runs that component (`/api/v3/ns/`
 * to the Network Server, ...), everything else to the Identity Server, as an operator's reverse
 * proxy (nginx, HAProxy, an ingress) routes The Things Stack's REST API by path.
 */
import { createServer, request } from "node:http";

export interface HttpRouter {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  close(): Promise<void>;
}

/** `routes`: path prefix (`/api/v3/ns/`) → base URL of its process; `fallback` takes the rest. */
export async function startHttpRouter(
  routes: Record<string, string>,
  fallback: string,
): Promise<HttpRouter> {
  const server = createServer((incoming, outgoing) => {
    const path = incoming.url ?? "/";
    const prefix = Object.keys(routes).find((candidate) => path.startsWith(candidate));
    const target = new URL(path, prefix ? routes[prefix] : fallback);
    const forwarded = request(
      target,
      { method: incoming.method, headers: { ...incoming.headers, host: target.host } },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on("error", () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
