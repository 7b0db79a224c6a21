import { createInterface } from "node:readline";

/** Where a command writes; tests give their own to capture output. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (tables for people) rather than a pipe or file (JSON). */
  isTerminal?: boolean;
  /** Whether stderr is a terminal (progress bars for people; nothing when it is a file). */
  stderrIsTerminal?: boolean;
  /** Reads stdin to its end (`login --api-key -`). */
  readStdin?: () => Promise<string>;
  /** Stdin's lines as they come (`login --callback=false` waits for a pasted code). */
  readLines?: () => AsyncIterable<string>;
}

/** Set once stdout's reader has gone (`lorastack ... | head`): later output is dropped. */
let stdoutClosed = false;
let stdoutWatched = false;

function writeStdout(text: string): void {
  if (!stdoutWatched) {
    stdoutWatched = true;
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      stdoutClosed = true;
    });
  }
  if (!stdoutClosed) process.stdout.write(text);
}

export const processIO: CommandIO = {
  stdout: writeStdout,
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  get isTerminal() {
    return process.stdout.isTTY === true;
  },
  get stderrIsTerminal() {
    return process.stderr.isTTY === true;
  },
  readLines: async function* () {
    const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      yield* lines;
    } finally {
      lines.close();
      // A pipe left open by the other side would keep the process alive after the command.
      process.stdin.destroy();
    }
  },
  readStdin: async () => {
    let text = "";
    for await (const chunk of process.stdin) text += String(chunk);
    return text;
  },
};
