import { spawn } from "node:child_process";

/**
 * The program that opens a URL in the user's browser, per platform. `rundll32` on Windows
 * because `cmd /c start` would read the URL's `&` as a command separator.
 */
const openers: Record<string, { command: string; args: string[] }> = {
  darwin: { command: "open", args: [] },
  win32: { command: "rundll32", args: ["url.dll,FileProtocolHandler"] },
};
const defaultOpener = { command: "xdg-open", args: [] };

/** The command that opens `url`: `$BROWSER` when set (one program name), else the platform's. */
export function browserCommand(
  url: string,
  env: NodeJS.ProcessEnv,
  platform: string = process.platform,
): { command: string; args: string[] } {
  if (env.BROWSER) return { command: env.BROWSER, args: [url] };
  const opener = openers[platform] ?? defaultOpener;
  return { command: opener.command, args: [...opener.args, url] };
}

/**
 * Starts the browser on `url` without waiting for it; resolves whether the program started
 * (the URL is printed either way, for a machine without one).
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const { command, args } = browserCommand(url, env);
  return new Promise((resolve) => {
    const child = spawn(command, args, { detached: true, stdio: "ignore", env });
    child.once("error", () => resolve(false));
    child.once("spawn", () => {
      child.unref();
      resolve(true);
    });
  });
}
