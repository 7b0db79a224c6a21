/**
 * The Console's browser tests: a real stack started on a fresh database with first start on
 * (the admin's password read from its banner), and Debian's Chromium driven by playwright-core.
 *
 *     const consoleTest = await startConsole();
 *     after(() => consoleTest.close());
 *     await consoleTest.login();
 *     await consoleTest.page.getByRole("link", { name: "Applications" }).click();
 *
 * The Console must be built (`npm run build:console`; `npm ci` builds it).
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { skipOutsideCi } from "./ci.ts";
import { freePort } from "./free-port.ts";
import { keyOf, lorastackCommand } from "./identity-admin.ts";
import { type LorastackProcess, repositoryRoot, startLorastack } from "./lorastack-process.ts";

/** Debian's Chromium (`apt-get install chromium`). */
export const chromiumPath = "/usr/bin/chromium";

/** Where screenshots go (gitignored). */
export const screenshotDir = join(repositoryRoot, "test-artifacts", "console");

const builtIndex = join(repositoryRoot, "dist", "console", "index.html");

/**
 * Why the Console's browser tests cannot run here, or `undefined` when they can; throws in CI,
 * where Chromium is installed and the Console built.
 */
export function consoleSkipReason(): string | undefined {
  if (!existsSync(chromiumPath))
    return skipOutsideCi(`Chromium not found at ${chromiumPath} (apt-get install chromium)`);
  if (!existsSync(builtIndex))
    return skipOutsideCi(`the Console is not built (${builtIndex}): run npm run build:console`);
  return undefined;
}

export interface ConsoleTest {
  stack: LorastackProcess;
  /** `http://localhost:<port>`: the origin the Console and the OAuth server are on. */
  baseUrl: string;
  /** The Console's address as the first-start banner printed it. */
  consoleUrl: string;
  /** The admin that first start created, with the password from its banner. */
  admin: { userId: string; password: string };
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Opens the Console and signs in as the admin through the real OAuth pages. */
  login(): Promise<void>;
  /** Saves a screenshot of the page as `test-artifacts/console/<name>.png`; returns its path. */
  screenshot(name: string): Promise<string>;
  /** A new API key of the admin with all rights, for setting up data outside the browser. */
  apiKey(): Promise<string>;
  /** Closes the browser and stops the stack. */
  close(): Promise<void>;
}

/** The address and password that the first-start banner printed on stderr. */
export function readBanner(stderr: string): {
  consoleUrl: string;
  userId: string;
  password: string;
} {
  const consoleUrl = /^ {2}Console: +(\S+)$/m.exec(stderr)?.[1];
  const userId = /^ {2}user: +(\S+)$/m.exec(stderr)?.[1];
  const password = /^ {2}password: +(\S+)/m.exec(stderr)?.[1];
  if (!consoleUrl || !userId || !password)
    throw new Error(`no first-start banner on stderr:\n${stderr}`);
  return { consoleUrl, userId, password };
}

/**
 * Starts the stack (first start on, HTTP on a free port with the default OAuth issuer
 * `http://localhost:<port>/oauth`) and a headless Chromium with one page. With `t`, everything
 * is closed when that test ends; otherwise call `close()`.
 */
export async function startConsole(
  t?: { after(fn: () => Promise<void>): void },
  options: { viewport?: { width: number; height: number }; env?: Record<string, string> } = {},
): Promise<ConsoleTest> {
  // The port is chosen before the start (the OAuth issuer names it); another process may take
  // it in between, so a failed start is tried again on another port.
  let env: Record<string, string> = {};
  let stack: LorastackProcess | undefined;
  for (let attempt = 1; !stack; attempt++) {
    env = {
      LORASTACK_FIRST_START_ENABLED: "true",
      LORASTACK_HTTP_LISTEN: `127.0.0.1:${await freePort()}`,
      ...options.env,
    };
    try {
      stack = await startLorastack({ env });
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test(String(error))) throw error;
    }
  }
  let browser: Browser | undefined;
  const running = stack;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await running.stop();
  };
  try {
    const banner = readBanner(stack.stderr());
    const baseUrl = new URL(banner.consoleUrl).origin;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const context = await browser.newContext({
      viewport: options.viewport ?? { width: 1280, height: 800 },
      colorScheme: "light",
    });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const admin = { userId: banner.userId, password: banner.password };
    const harness: ConsoleTest = {
      stack,
      baseUrl,
      consoleUrl: banner.consoleUrl,
      admin,
      browser,
      context,
      page,
      async login() {
        await page.goto(banner.consoleUrl);
        await page.getByLabel("User ID or email address").fill(admin.userId);
        await page.getByLabel("Password").fill(admin.password);
        await page.getByRole("button", { name: "Sign in", exact: true }).click();
        await page.getByRole("button", { name: /^User menu of / }).waitFor();
      },
      async screenshot(name) {
        await mkdir(screenshotDir, { recursive: true });
        const path = join(screenshotDir, `${name}.png`);
        await page.screenshot({ path, fullPage: true });
        return path;
      },
      async apiKey() {
        return keyOf(
          await lorastackCommand(
            stack.dataDir,
            ["is-db", "create-api-key", "--user-id", admin.userId],
            env,
          ),
        );
      },
      close,
    };
    t?.after(close);
    return harness;
  } catch (error) {
    await close();
    throw error;
  }
}
