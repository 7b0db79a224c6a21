/**
 * A small authoritative DNS server over UDP for tests: answers SRV, A and AAAA questions from
 * a table of records (RFC 1035 message format, RFC 2782 SRV data), NXDOMAIN for names it does
 * not know. Per name it can also be told to fail (SERVFAIL) or to stay silent, and it counts
 * the questions it was asked, so that tests can check caching and retries.
 */
import { createSocket, type Socket } from "node:dgram";
import { isIP } from "node:net";

export interface SrvAnswer {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

/** The records of one name. */
export interface DnsRecords {
  srv?: SrvAnswer[];
  a?: string[];
  aaaa?: string[];
  /** Time to live of the answers, in seconds. Default 60. */
  ttl?: number;
  /** `servfail` answers SERVFAIL; `silent` never answers (the client times out). */
  behaviour?: "answer" | "servfail" | "silent";
}

export interface DnsServer {
  /** `127.0.0.1:<port>`, as `cluster.dns_servers` takes it. */
  address: string;
  port: number;
  /** Sets (or replaces) the records of a name. */
  set(name: string, records: DnsRecords): void;
  /** Every question asked so far, as `<type> <name>`, e.g. `SRV _ttn-v3-is-grpc._tcp.lorastack.test`. */
  questions: string[];
  close(): Promise<void>;
}

const types = { A: 1, AAAA: 28, SRV: 33 } as const;
const typeNames = new Map<number, string>(
  Object.entries(types).map(([name, code]) => [code, name]),
);
const rcode = { ok: 0, servfail: 2, nxdomain: 3, notimp: 4 } as const;

/** Starts a DNS server on 127.0.0.1 and a random UDP port. */
export async function startDnsServer(records: Record<string, DnsRecords> = {}): Promise<DnsServer> {
  const table = new Map<string, DnsRecords>();
  for (const [name, entry] of Object.entries(records)) table.set(normalise(name), entry);
  const questions: string[] = [];
  const socket: Socket = createSocket("udp4");
  socket.on("message", (message, remote) => {
    const query = parseQuery(message);
    if (!query) return;
    questions.push(`${typeNames.get(query.type) ?? query.type} ${query.name}`);
    const entry = table.get(normalise(query.name));
    if (entry?.behaviour === "silent") return;
    const answer = respond(query, entry);
    socket.send(answer, remote.port, remote.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      socket.off("error", reject);
      resolve();
    });
  });
  const { port } = socket.address();
  return {
    address: `127.0.0.1:${port}`,
    port,
    questions,
    set(name, entry) {
      table.set(normalise(name), entry);
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

interface Query {
  id: number;
  flags: number;
  name: string;
  type: number;
  /** The question section as received, echoed in the answer. */
  question: Buffer;
}

function parseQuery(message: Buffer): Query | undefined {
  try {
    if (message.length < 12 || message.readUInt16BE(4) < 1) return undefined;
    const labels: string[] = [];
    let offset = 12;
    for (let length = message.readUInt8(offset); length !== 0; length = message.readUInt8(offset)) {
      if (length > 63) return undefined;
      labels.push(message.toString("ascii", offset + 1, offset + 1 + length));
      offset += 1 + length;
    }
    offset += 1;
    const type = message.readUInt16BE(offset);
    return {
      id: message.readUInt16BE(0),
      flags: message.readUInt16BE(2),
      name: labels.join("."),
      type,
      question: message.subarray(12, offset + 4),
    };
  } catch {
    return undefined;
  }
}

function respond(query: Query, entry: DnsRecords | undefined): Buffer {
  let code: number = rcode.ok;
  let answers: Buffer[] = [];
  if (entry === undefined) code = rcode.nxdomain;
  else if (entry.behaviour === "servfail") code = rcode.servfail;
  else answers = answerRecords(query.type, entry);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.id, 0);
  // QR (answer), the query's opcode and RD, AA (authoritative), and the response code.
  header.writeUInt16BE(0x8000 | (query.flags & 0x7900) | 0x0400 | code, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, query.question, ...answers]);
}

function answerRecords(type: number, entry: DnsRecords): Buffer[] {
  const ttl = entry.ttl ?? 60;
  if (type === types.SRV)
    return (entry.srv ?? []).map((srv) => {
      const fixed = Buffer.alloc(6);
      fixed.writeUInt16BE(srv.priority, 0);
      fixed.writeUInt16BE(srv.weight, 2);
      fixed.writeUInt16BE(srv.port, 4);
      return record(types.SRV, ttl, Buffer.concat([fixed, encodeName(srv.target)]));
    });
  if (type === types.A)
    return (entry.a ?? [])
      .filter((address) => isIP(address) === 4)
      .map((address) => record(types.A, ttl, Buffer.from(address.split(".").map(Number))));
  if (type === types.AAAA)
    return (entry.aaaa ?? []).map((address) => record(types.AAAA, ttl, ipv6Bytes(address)));
  return [];
}

/** One answer record, its name a pointer to the question's name (offset 12). */
function record(type: number, ttl: number, data: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt32BE(ttl, 6);
  head.writeUInt16BE(data.length, 10);
  return Buffer.concat([head, data]);
}

function encodeName(name: string): Buffer {
  const labels = normalise(name).split(".").filter(Boolean);
  return Buffer.concat([
    ...labels.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])),
    Buffer.from([0]),
  ]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = "", tail = ""] = address.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = address.includes("::")
    ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
    : left;
  const bytes = Buffer.alloc(16);
  groups.forEach((group, index) => {
    bytes.writeUInt16BE(Number.parseInt(group, 16), index * 2);
  });
  return bytes;
}
