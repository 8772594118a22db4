/**
 * The browser the tier drives: Debian's Chromium (`apt-get install chromium`), through
 * playwright-core (no browser download). `scripts/test.sh` installs it when missing
 * (scripts/lib/chromium.sh); where it cannot, it says why in FIRTH_BROWSER_SKIP and the tier is
 * skipped with that reason.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type Browser, chromium, selectors } from 'playwright-core';

/** `{ path }` of the Chromium to drive, or `{ skip }`: why the tier cannot run here. */
export function findChromium(env = process.env): { path: string } | { skip: string } {
  if (/^(off|0|false|no)$/i.test(env['FIRTH_BROWSER'] ?? ''))
    return { skip: 'FIRTH_BROWSER=off: the browser tier was turned off' };
  const chosen = env['FIRTH_CHROMIUM'];
  if (chosen) {
    // Chosen explicitly: a wrong path is an error, not a reason to skip.
    if (!executable(chosen)) throw new Error(`FIRTH_CHROMIUM=${chosen} is not an executable file`);
    return { path: chosen };
  }
  if (env['FIRTH_BROWSER_SKIP']) return { skip: env['FIRTH_BROWSER_SKIP'] };
  const dirs = ['/usr/bin', ...(env['PATH'] ?? '').split(delimiter)];
  for (const dir of dirs) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (dir && executable(join(dir, name))) return { path: join(dir, name) };
    }
  }
  return {
    skip:
      'no Chromium found (`bash scripts/test.sh` installs it with apt-get when it runs as root or with sudo; ' +
      'or `apt-get install chromium`, or set FIRTH_CHROMIUM to a Chromium binary)',
  };
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Launches headless Chromium the way the tier needs it: offline (no background traffic), no GPU,
 * no sandbox (CI runs as root in a container), n8n's `data-test-id` as the test-id attribute.
 */
export async function launchChromium(executablePath: string): Promise<Browser> {
  selectors.setTestIdAttribute('data-test-id');
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
