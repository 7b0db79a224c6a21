/**
 * The history worker thread of the SQLite event store: sets up the history file, then writes
 * the batches the main thread posts and prunes when asked, one request at a time, in order.
 * A failed start exits the thread with an error (the main thread logs it and drops history).
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { unpackHistoryBatch } from "./history-batch.ts";
import type { HistoryReply, HistoryRequest, HistoryWorkerData } from "./sqlite-history-protocol.ts";
import { prepareHistoryFile, SqliteHistoryWriter } from "./sqlite-history-writer.ts";

if (!parentPort) throw new Error("sqlite-history-worker runs as a worker thread");
const port: MessagePort = parentPort;
const { file, retention } = workerData as HistoryWorkerData;
await prepareHistoryFile(file);
const writer = new SqliteHistoryWriter(file, retention);

/**
 * Prunes and the close run one after another. Writes run as they arrive (each is synchronous):
 * a prune yields between its statements, so batches are written meanwhile.
 */
let queue: Promise<void> = Promise.resolve();

const reply = (message: HistoryReply) => port.postMessage(message);

async function handle(request: HistoryRequest): Promise<void> {
  try {
    switch (request.type) {
      case "write": {
        const records = unpackHistoryBatch(request.batch);
        writer.write(records);
        reply({ type: "done", id: request.id, count: records.length });
        return;
      }
      case "prune":
        reply({ type: "done", id: request.id, count: await writer.prune(request.nowMs) });
        return;
      case "close":
        writer.close();
        reply({ type: "done", id: request.id, count: 0 });
        port.close();
        return;
    }
  } catch (error) {
    reply({ type: "failed", id: request.id, message: (error as Error).message ?? String(error) });
  }
}

port.on("message", (request: HistoryRequest) => {
  if (request.type === "write") void handle(request);
  else queue = queue.then(() => handle(request));
});
reply({ type: "ready" });
