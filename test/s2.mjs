import { chromium, selectors } from 'playwright-core';
selectors.setTestIdAttribute('data-test-id');
const base = 'http://127.0.0.1:5678';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await page.goto(base + '/signin');
await page.locator('input[type=email], input[name=emailOrLdapLoginId]').first().fill(process.env.EMAIL);
await page.locator('input[type=password]').first().fill(process.env.PASSWORD);
await page.keyboard.press('Enter');
await page.waitForURL((u) => !u.pathname.includes('signin'));
await page.goto(base + '/workflow/new');
await page.getByTestId('canvas-plus-button').click();
await page.waitForTimeout(1000);
const ids = async () => [...new Set([...(await page.content()).matchAll(/data-test-id="([^"]+)"/g)].map(m=>m[1]))].join(' ');
console.log(await ids());
for (const q of ['Firth', 'Generate', 'Perceptron', 'Prompt Template']) {
  await page.getByTestId('node-creator-search-bar').fill(q);
  await page.waitForTimeout(800);
  const names = await page.getByTestId('node-creator-item-name').allInnerTexts();
  console.log(q, '=>', JSON.stringify(names));
  await page.screenshot({ path: `/tmp/explore/search-${q.replace(/ /g,'_')}.png` });
}
await browser.close();
