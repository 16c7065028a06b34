// Drives the system's headless Chromium through GraphiQL, one JSON command per stdin line,
// one JSON answer per stdout line. tests/browser/driver.py is the other end.
//
// playwright-core brings no browser of its own: it launches /usr/bin/chromium (Debian's
// `chromium` package), with a fresh profile in a temporary folder.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const EXECUTABLE = process.env.HUB_CHROMIUM || "/usr/bin/chromium";
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const QUERY_EDITOR = ".graphiql-query-editor .CodeMirror";
const RESPONSE_EDITOR = ".graphiql-response .CodeMirror";
const HEADER_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror";

const profile = mkdtempSync(join(tmpdir(), "hub-chromium-"));
const problems = [];
// every WebSocket frame the page sends and receives: its direction, whether it was
// text (graphql-transport-ws allows nothing else) and its message type
const frames = [];
let context;
let page;

async function editorValue(selector) {
  return page.locator(selector).first().evaluate((element) => element.CodeMirror.getValue());
}

async function waitForValue(selector, contains, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let value = "";
  while (Date.now() < deadline) {
    value = await editorValue(selector);
    if (value.includes(contains)) return value;
    await page.waitForTimeout(100);
  }
  throw new Error(`after ${timeoutMs} ms the editor still lacks ${JSON.stringify(contains)}: ${value}`);
}

async function signInPanel() {
  const form = page.locator("form.hub-sign-in");
  if (!(await form.isVisible())) {
    await page.getByRole("button", { name: "Show Sign in" }).click();
  }
  await form.waitFor({ state: "visible", timeout: 5000 });
  return form;
}

const OPERATIONS = {
  async open({ url }) {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: EXECUTABLE,
      headless: true,
      args: FLAGS,
      viewport: { width: 1400, height: 900 },
    });
    page = context.pages()[0] || (await context.newPage());
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    page.on("websocket", (socket) => {
      const record = (direction) => (frame) => {
        const text = typeof frame.payload === "string";
        let type = null;
        try {
          type = JSON.parse(text ? frame.payload : frame.payload.toString("utf-8")).type;
        } catch (ignored) {}
        frames.push({ direction, text, type });
      };
      socket.on("framesent", record("sent"));
      socket.on("framereceived", record("received"));
      socket.on("close", () => frames.push({ direction: "closed", text: true, type: null }));
    });
    const response = await page.goto(url, { waitUntil: "load" });
    await page.locator(QUERY_EDITOR).first().waitFor({ state: "visible", timeout: 15000 });
    return { status: response ? response.status() : null };
  },
  async signInState() {
    const panel = page.locator("form.hub-sign-in");
    const status = page.locator("#hub-sign-in-status");
    return {
      panel: await panel.count(),
      signInButton: await page.getByRole("button", { name: /Sign in$/ }).count(),
      status: (await status.count()) ? await status.innerText() : null,
    };
  },
  async waitForSignIn({ contains, timeoutMs = 10000 }) {
    const status = page.locator("#hub-sign-in-status");
    await status.filter({ hasText: contains }).waitFor({ timeout: timeoutMs });
    return await status.innerText();
  },
  async signIn({ role, jurisdiction = null, fein = null, fti = false }) {
    const form = await signInPanel();
    await form.locator("#hub-sign-in-role").selectOption(role);
    if (jurisdiction !== null) await form.locator("#hub-sign-in-jurisdiction").fill(jurisdiction);
    if (fein !== null) await form.locator("#hub-sign-in-fein").fill(fein);
    const check = form.locator("#hub-sign-in-fti");
    if (await check.count()) await check.setChecked(fti);
    await form.locator("#hub-sign-in-submit").click();
    const outcome = page.locator("#hub-sign-in-error, #hub-sign-in-status");
    const expected = role + (jurisdiction ? ` ${jurisdiction}` : "");
    await page.waitForFunction(
      (who) => {
        const error = document.querySelector("#hub-sign-in-error");
        const status = document.querySelector("#hub-sign-in-status");
        const done = status && status.textContent.includes(`Signed in as ${who}`) &&
          !status.textContent.includes("Loading");
        return Boolean(error) || Boolean(done);
      },
      expected,
      { timeout: 15000 },
    );
    const error = page.locator("#hub-sign-in-error");
    return {
      error: (await error.count()) ? await error.innerText() : null,
      status: await outcome.last().innerText(),
    };
  },
  async setQuery({ text }) {
    const editor = page.locator(QUERY_EDITOR).first();
    await editor.click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    // insertText types the text as one input, so auto-closed brackets and
    // completion pop-ups do not rewrite it on the way in
    await page.keyboard.insertText(text);
    // GraphiQL parses the editor's text 100 ms after a change; run only after that
    await editor.evaluate(
      (element) =>
        new Promise((resolve) => {
          const parsed = () => {
            const cm = element.CodeMirror;
            const ast = cm.documentAST;
            if (ast && ast.loc && ast.loc.source.body === cm.getValue()) resolve(null);
            else setTimeout(parsed, 25);
          };
          parsed();
        }),
    );
    return await editorValue(QUERY_EDITOR);
  },
  async run() {
    await page.locator(".graphiql-execute-button").click();
    return null;
  },
  async waitForFrame({ direction, type, timeoutMs = 15000 }) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (frames.some((f) => f.direction === direction && f.type === type)) return frames;
      await page.waitForTimeout(50);
    }
    throw new Error(`no ${type} frame ${direction} in ${timeoutMs} ms: ${JSON.stringify(frames)}`);
  },
  async frames() {
    return frames;
  },
  async response() {
    return await editorValue(RESPONSE_EDITOR);
  },
  async waitForResponse({ contains, timeoutMs = 15000 }) {
    return await waitForValue(RESPONSE_EDITOR, contains, timeoutMs);
  },
  async headers() {
    return await editorValue(HEADER_EDITOR);
  },
  async screenshot({ path }) {
    await page.screenshot({ path, fullPage: false });
    return path;
  },
  async problems() {
    return problems;
  },
  async close() {
    if (context) await context.close();
    context = undefined;
    return null;
  },
};

async function answer(line) {
  const command = JSON.parse(line);
  const operation = OPERATIONS[command.op];
  if (!operation) return { ok: false, error: `unknown operation ${command.op}` };
  try {
    return { ok: true, result: await operation(command) };
  } catch (error) {
    return { ok: false, error: String(error && error.stack ? error.stack : error) };
  }
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const reply = await answer(line);
  process.stdout.write(JSON.stringify(reply) + "\n");
  if (JSON.parse(line).op === "close") break;
}
if (context) await context.close();
rmSync(profile, { recursive: true, force: true });
