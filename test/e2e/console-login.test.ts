/**
 * The Console's first run: first start on an empty database prints the banner, the printed
 * address leads through the OAuth sign-in to the Console's frame, the theme is remembered,
 * the phone layout has a burger menu, and logging out ends the session.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ConsoleTest, consoleSkipReason, startConsole } from "../harness/console.ts";
import { until } from "../harness/until.ts";

const skip = consoleSkipReason();

describe("the Console: first start, sign-in and frame", { skip }, () => {
  let consoleTest: ConsoleTest;
  const problems: string[] = [];

  before(async () => {
    consoleTest = await startConsole();
    consoleTest.page.on("console", (message) => {
      if (message.type() === "error" || /Content.Security.Policy/i.test(message.text()))
        problems.push(message.text());
    });
    consoleTest.page.on("pageerror", (error) => problems.push(error.message));
  });

  after(async () => {
    await consoleTest?.close();
  });

  it("prints the first-start banner on stderr only, with the Console's address", () => {
    const { stack, admin, consoleUrl, baseUrl } = consoleTest;
    assert.match(stack.stderr(), /lorastack: first start: created the admin user "admin"/);
    assert.equal(admin.userId, "admin");
    assert.equal(admin.password.length, 20);
    assert.equal(consoleUrl, `${baseUrl}/console`);
    assert.match(baseUrl, /^http:\/\/localhost:\d+$/);
    assert.ok(!JSON.stringify(stack.logs).includes(admin.password), "the password is not logged");
  });

  it("leads from the printed address through the OAuth sign-in to the frame", async () => {
    const { page, admin, consoleUrl, baseUrl } = consoleTest;
    await page.goto(consoleUrl);
    await page.waitForURL(/\/oauth\/login\//);
    await page.getByLabel("User ID or email address").fill(admin.userId);
    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: /^Welcome/ }).waitFor();
    assert.equal(page.url(), `${baseUrl}/console/`);
    await page.getByRole("button", { name: "User menu of Administrator" }).waitFor();
    const navigation = page.getByRole("navigation", { name: "Main navigation" });
    for (const name of ["Overview", "Applications", "Gateways", "Organizations", "Users"]) {
      assert.ok(await navigation.getByRole("link", { name }).isVisible(), name);
    }
    await consoleTest.screenshot("login-light");
  });

  it("serves every page with its CSP and without errors in the browser", async () => {
    const { page } = consoleTest;
    await page.getByRole("link", { name: "Applications" }).click();
    await page.getByRole("heading", { name: "Applications", exact: true }).waitFor();
    await page.goto(`${consoleTest.baseUrl}/console/no/such/page`);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    // Opened at another address of the host, the Console moves to the OAuth issuer's origin,
    // where its redirect URI and its session are.
    const other = consoleTest.baseUrl.replace("//localhost:", "//127.0.0.1:");
    await page.goto(`${other}/console/gateways`);
    await page.getByRole("heading", { name: "Gateways", exact: true }).waitFor();
    assert.equal(page.url(), `${consoleTest.baseUrl}/console/gateways`);
    assert.deepEqual(problems, []);
  });

  it("switches to the dark theme and remembers it", async () => {
    const { page } = consoleTest;
    await page.goto(`${consoleTest.baseUrl}/console/`);
    await page.getByRole("button", { name: "Switch to dark theme" }).click();
    const scheme = () => page.locator("html").getAttribute("data-mantine-color-scheme");
    assert.equal(await scheme(), "dark");
    await page.reload();
    await page.getByRole("heading", { name: /^Welcome/ }).waitFor();
    assert.equal(await scheme(), "dark");
    await consoleTest.screenshot("login-dark");
  });

  it("has a burger menu at phone width", async () => {
    const { page } = consoleTest;
    await page.setViewportSize({ width: 390, height: 844 });
    const applications = page.getByRole("link", { name: "Applications" });
    // The collapsed navbar is moved out of the screen, to the left.
    const onScreen = async () => ((await applications.boundingBox())?.x ?? -1) >= 0;
    const navbarEdge = async (edge: "left" | "right") => {
      const box = await page.getByRole("navigation", { name: "Main navigation" }).boundingBox();
      if (!box) return Number.NaN;
      return edge === "left" ? box.x : box.x + box.width;
    };
    await until(async () => ((await navbarEdge("right")) <= 0 ? true : undefined), {
      what: "the navbar to be collapsed",
    });
    assert.equal(await onScreen(), false);
    await page.getByRole("button", { name: "Open navigation" }).click();
    await until(async () => ((await navbarEdge("left")) >= 0 ? true : undefined), {
      what: "the navbar to open",
    });
    assert.equal(await onScreen(), true);
    await consoleTest.screenshot("login-phone-menu");
    await applications.click();
    await page.getByRole("heading", { name: "Applications", exact: true }).waitFor();
    assert.match(page.url(), /\/console\/applications$/);
    // Following a link closes the menu.
    await until(async () => ((await navbarEdge("right")) <= 0 ? true : undefined), {
      what: "the navbar to close after navigating",
    });
    await consoleTest.screenshot("login-phone");
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole("button", { name: "Switch to light theme" }).click();
  });

  it("logs out: the tokens are revoked and the Console asks to sign in again", async () => {
    const { page, baseUrl } = consoleTest;
    const stored = await page.evaluate(() => sessionStorage.getItem("lorastack-console-tokens"));
    const { accessToken } = JSON.parse(stored ?? "{}") as { accessToken?: string };
    assert.ok(accessToken);
    const authInfo = () =>
      fetch(`${baseUrl}/api/v3/auth_info`, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal((await authInfo()).status, 200);

    await page.getByRole("button", { name: "User menu of Administrator" }).click();
    await page.getByRole("menuitem", { name: "Log out" }).click();
    await page.getByRole("button", { name: "Yes, sign me out" }).click();
    await page.waitForURL(/\/oauth\/login\//);
    await page.getByLabel("Password").waitFor();
    assert.equal((await authInfo()).status, 401);
    assert.equal(
      await page.evaluate(() => sessionStorage.getItem("lorastack-console-tokens")),
      null,
    );
  });
});
