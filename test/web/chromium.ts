// Debian's Chromium (/usr/bin/chromium, `apt-get install chromium`) for the browser tests, driven by
// playwright-core: nothing downloads a browser. DACU_CHROMIUM names another binary.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CHROMIUM = process.env.DACU_CHROMIUM ?? '/usr/bin/chromium';
/** The flags this machine's Chromium needs (no sandbox as root, no calls home on a closed network). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}. The cockpit's browser tests need Debian's Chromium: apt-get install chromium (CI's .ci/run installs it). Set DACU_CHROMIUM to use another binary.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
