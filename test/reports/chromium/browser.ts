import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

// Debian's Chromium, driven by playwright-core, opening labdrill's HTML pages the way a grader does: from a
// file, offline. Everything the page does is recorded (console errors, uncaught errors, dialogs, every request
// it makes), and any request that is not a file is refused before it leaves, so a page that tries to reach the
// network fails its test instead of reaching anything.

export const chromiumPath = '/usr/bin/chromium';

/** The repository's folder for what tests leave for people to look at (ignored by git). */
export const testOutputDir = fileURLToPath(new URL('../../../labdrill-test-output/', import.meta.url));
export const screenshotDir = join(testOutputDir, 'screenshots');

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a fresh profile of its own (removed at close). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `no Chromium at ${chromiumPath}: run npm run setup as root (it installs Debian's chromium)`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'labdrill-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1200, height: 900 },
    // Nothing of the machine's own: no proxy, no service workers, one fixed locale and time zone.
    serviceWorkers: 'block',
    locale: 'en-US',
    timezoneId: 'UTC',
    timeout: 60_000,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface PageVisit {
  page: Page;
  url: string;
  /** Every request the page made, the page itself included, in order. */
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  /** Messages of alert/confirm/prompt dialogs (each dismissed at once). */
  dialogs: string[];
}

/** Opens a local file and waits until it has loaded. */
export async function openFile(browser: Browser, file: string): Promise<PageVisit> {
  const url = pathToFileURL(file).href;
  const page = await browser.context.newPage();
  const visit: PageVisit = { page, url, requests: [], consoleErrors: [], pageErrors: [], dialogs: [] };
  page.on('request', (request) => visit.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') visit.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => visit.pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    visit.dialogs.push(dialog.message());
    void dialog.dismiss().catch(() => {});
  });
  await page.route('**/*', (route) =>
    route.request().url().startsWith('file:') ? route.continue() : route.abort('blockedbyclient'),
  );
  await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
  return visit;
}

export interface ChartDrawing {
  /** The chart's accessible title. */
  title: string;
  width: number;
  height: number;
  /** Shapes (rect, path, circle, polygon, polyline) with a box of non-zero width and height. */
  drawnShapes: number;
}

/** Each `svg.chart` of the page with what it draws, as laid out by Chromium. */
export async function chartDrawings(page: Page): Promise<ChartDrawing[]> {
  return page.$$eval('svg.chart', (svgs) =>
    svgs.map((svg) => {
      const box = svg.getBoundingClientRect();
      const shapes = [...svg.querySelectorAll('rect, path, circle, polygon, polyline')];
      const drawnShapes = shapes.filter((shape) => {
        // The test's TypeScript has no DOM library: an SVG shape is what has getBBox().
        const shapeBox = (shape as unknown as { getBBox(): { width: number; height: number } }).getBBox();
        return shapeBox.width > 0 && shapeBox.height > 0;
      }).length;
      return {
        title: svg.querySelector('title')?.textContent ?? '',
        width: box.width,
        height: box.height,
        drawnShapes,
      };
    }),
  );
}

/** What in the page's DOM could run code: script elements, event-handler attributes, javascript: links. */
export async function liveCode(page: Page): Promise<string[]> {
  return page.$$eval('*', (elements) => {
    const found: string[] = [];
    for (const element of elements) {
      const tag = element.tagName.toLowerCase();
      if (['script', 'iframe', 'object', 'embed', 'img', 'link', 'base', 'form'].includes(tag))
        found.push(`<${tag}>`);
      for (const attribute of element.attributes) {
        if (attribute.name.startsWith('on')) found.push(`${tag}[${attribute.name}]`);
        if (/^\s*javascript:/i.test(attribute.value)) found.push(`${tag}[${attribute.name}=javascript:]`);
      }
    }
    return found;
  });
}

/** The page's visible text with every <details> opened (their contents are what a reader clicks to see). */
export async function visibleTextWithDetailsOpen(page: Page): Promise<string> {
  await page.$$eval('details', (all) => all.forEach((details) => details.setAttribute('open', '')));
  return page.locator('body').innerText();
}

/** Saves a full-page screenshot as labdrill-test-output/screenshots/NAME.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true, timeout: 60_000 });
  return path;
}

/** Prints the page as Chromium's print-to-PDF does (A4, backgrounds kept) into the screenshot folder. */
export async function savePdf(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.pdf`);
  await page.emulateMedia({ media: 'print' });
  await page.pdf({
    path,
    format: 'A4',
    printBackground: true,
    margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' },
  });
  await page.emulateMedia({ media: 'screen' });
  return path;
}

const run = promisify(execFile);

/** A PDF's page count and text, by poppler's pdfinfo and pdftotext. */
export async function readPdf(path: string): Promise<{ pages: number; text: string }> {
  const info = await run('pdfinfo', [path]).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT')
      throw new Error('no pdfinfo: run npm run setup as root (it installs poppler-utils)');
    throw error;
  });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info.stdout)?.[1] ?? 0);
  const text = await run('pdftotext', ['-layout', '-enc', 'UTF-8', path, '-'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return { pages, text: text.stdout };
}

/** The first bytes of a file, to tell a PNG from anything else. */
export function fileMagic(path: string, bytes: number): Buffer {
  return readFileSync(path).subarray(0, bytes);
}
