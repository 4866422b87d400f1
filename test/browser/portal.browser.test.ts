import type { CostSummaryResponse as Summary, FindingView as Finding, SavingsResponse as Savings } from '@openfinops/contracts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subtractDecimal } from '../../apps/portal/src/lib/decimal.util.ts';
import { formatMoney } from '../../apps/portal/src/lib/format.util.ts';
import { consoleFormTests } from './console-forms.browser-suite.ts';
import { apiClient, type ApiCall, BROWSER_AVAILABLE, CHROMIUM, REQUIRE_BROWSER, shoot, signIn, startPortalStack, type PortalStack } from './portal-stack.ts';
import { sessionTests } from './session.browser-suite.ts';
import { tenantSwitchTests } from './tenant-switch.browser-suite.ts';
import { bulkTriageTests } from './bulk-triage.browser-suite.ts';
import { tenantAdminConsoleTests } from './tenant-admin-console.browser-suite.ts';

const run = BROWSER_AVAILABLE || REQUIRE_BROWSER ? describe : describe.skip;

run(`portal in ${CHROMIUM}${BROWSER_AVAILABLE ? '' : ' (missing: FINOPS_REQUIRE_BROWSER=1 makes this fail)'}`, () => {
  let stack: PortalStack;
  let page: Page;
  let analystApi: ApiCall;

  beforeAll(async () => {
    if (!BROWSER_AVAILABLE) throw new Error(`${CHROMIUM} is missing and FINOPS_REQUIRE_BROWSER=1: install it with apt-get install -y chromium`);
    stack = await startPortalStack();
    analystApi = await apiClient(stack.apiUrl, stack.users.analyst);
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(60_000);
  }, 900_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('refuses pages without a session and signs in with the demo analyst', async () => {
    await page.goto(`${stack.portalUrl}/t/demo/findings`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('Email').fill(stack.users.analyst.email);
    await page.getByLabel('Password').fill('wrong-password-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#signin-error').textContent(), { timeout: 30_000 }).toContain('not correct');
    await shoot(page, 'login');
    await signIn(page, stack.portalUrl, stack.users.analyst);
    // `/` sends a member to their first tenant.
    await page.waitForURL((u) => u.pathname === '/t/demo');
    // The tokens live in an httpOnly cookie: client JavaScript cannot read them.
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'ofs_session')?.httpOnly).toBe(true);
    expect(await page.evaluate('document.cookie')).not.toContain('ofs_session');
  });

  it('shows the overview totals the API returns', async () => {
    const months = await analystApi<Summary>('/tenants/demo/costs/summary?groupBy=month');
    const month = months.rows.map((r) => r.group.month!).sort().at(-1)!;
    const next = new Date(`${month}-01T00:00:00Z`);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const days = await analystApi<Summary>(`/tenants/demo/costs/summary?groupBy=day&from=${month}-01&to=${next.toISOString().slice(0, 10)}`);
    const lastDay = days.rows.map((r) => r.group.day!).sort().at(-1)!;
    const to = new Date(`${lastDay}T00:00:00Z`);
    to.setUTCDate(to.getUTCDate() + 1);
    const mtd = await analystApi<Summary>(`/tenants/demo/costs/summary?from=${month}-01&to=${to.toISOString().slice(0, 10)}`);
    const main = [...mtd.totals].sort((a, b) => b.rowCount - a.rowCount)[0]!;
    const savings = await analystApi<Savings>('/tenants/demo/savings');

    await page.goto(`${stack.portalUrl}/t/demo`);
    expect(await page.getByTestId('stat-mtd-value').textContent()).toBe(formatMoney(main.effectiveCost, main.currency));
    expect(await page.getByTestId('stat-savings-value').textContent()).toBe(
      savings.open
        .filter((s) => Number(s.total) !== 0)
        .map((s) => formatMoney(s.total, s.currency))
        .join(' · '),
    );
    const services = (await page.getByTestId('stacked-chart').getAttribute('data-series'))!.split('|');
    expect(services.length).toBeGreaterThan(0);
    await shoot(page, 'overview');
  });

  it('cost explorer: grouping by service changes the chart and the table', async () => {
    await page.goto(`${stack.portalUrl}/t/demo/costs?groupBy=provider`);
    const header = () => page.getByTestId('cost-table').locator('thead th').first().textContent();
    expect(await header()).toBe('Provider');
    const byProvider = await page.getByTestId('stacked-chart').getAttribute('data-series');
    await page.getByLabel('Group by').selectOption('service');
    await Promise.all([page.waitForURL(/groupBy=service/), page.getByRole('button', { name: 'Apply' }).click()]);
    await expect.poll(header, { timeout: 30_000 }).toBe('Service');
    const byService = await page.getByTestId('stacked-chart').getAttribute('data-series');
    expect(byService).not.toBe(byProvider);

    const from = new URL(page.url()).searchParams.get('from')!;
    const to = new URL(page.url()).searchParams.get('to')!;
    const api = await analystApi<Summary>(`/tenants/demo/costs/summary?from=${from}&to=${to}&groupBy=service`);
    const cells = await page.getByTestId('cost-table').locator('tbody tr td:first-child').allTextContents();
    expect(cells.sort()).toEqual(api.rows.map((r) => r.group.service ?? '(none)').sort());
    expect(byService!.split('|').every((s) => s === 'Other' || cells.includes(s))).toBe(true);
    await shoot(page, 'cost-explorer');

    const csv = await page.request.get(`${stack.portalUrl}/t/demo/costs/export?from=${from}&to=${to}&groupBy=service`);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('service,currency,billedCost,effectiveCost,listCost,rows');
    expect(lines).toHaveLength(api.rows.length + 1);
  });

  it('findings: filtering by check shows exactly that check', async () => {
    const check = 'aws/ebs-unattached';
    const api = await analystApi<{ findings: Finding[] }>(`/tenants/demo/findings?check=${encodeURIComponent(check)}&limit=100`);
    expect(api.findings.length).toBeGreaterThan(0);
    await page.goto(`${stack.portalUrl}/t/demo/findings`);
    await page.getByLabel('Check').fill(check);
    await Promise.all([page.waitForURL(/check=aws%2Febs-unattached/), page.getByRole('button', { name: 'Apply' }).click()]);
    const rows = page.getByTestId('findings-table').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(api.findings.length);
    expect((await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-fingerprint')))).sort()).toEqual(api.findings.map((f) => f.fingerprint).sort());
    for (const text of await rows.locator('td:nth-child(2) .row-sub').allTextContents()) expect(text.startsWith(`${check} ·`)).toBe(true);
    await shoot(page, 'findings');
  });

  it('suppressing one finding lowers open savings by exactly its amount', async () => {
    const open = await analystApi<{ findings: Finding[] }>('/tenants/demo/findings?status=open&limit=200');
    // Outside any exclusion group, so its amount counts in the total once and leaves it whole.
    const target = open.findings.find((f) => f.exclusionGroup === null && f.estimatedMonthlySavings !== null && Number(f.estimatedMonthlySavings) > 0)!;
    expect(target).toBeDefined();
    const before = (await analystApi<Savings>('/tenants/demo/savings')).open.find((s) => s.currency === target.currency)!;

    await page.goto(`${stack.portalUrl}/t/demo/savings`);
    expect(await page.getByTestId(`savings-open-${target.currency}-value`).textContent()).toBe(formatMoney(before.total, before.currency));
    await shoot(page, 'savings');

    await page.goto(`${stack.portalUrl}/t/demo/findings?status=open&fp=${target.fingerprint}`);
    const detail = page.getByTestId('finding-detail');
    await expect.poll(() => detail.getByTestId('detail-savings').textContent(), { timeout: 30_000 }).toBe(formatMoney(target.estimatedMonthlySavings, target.currency));
    await shoot(page, 'finding-detail');
    const form = page.getByRole('form', { name: 'Suppress this finding' });
    await form.getByLabel('Reason').fill('browser test: accepted cost');
    await form.getByRole('button', { name: 'Suppress' }).click();
    // The page re-renders with the finding suppressed: the panel now offers Reopen and shows the reason.
    await detail.getByRole('button', { name: 'Reopen' }).waitFor();
    expect(await detail.textContent()).toContain('browser test: accepted cost');

    const after = (await analystApi<Savings>('/tenants/demo/savings')).open.find((s) => s.currency === target.currency)!;
    const expected: string = subtractDecimal(before.total, target.estimatedMonthlySavings!);
    expect(Number(after.total)).toBeCloseTo(Number(expected), 6);
    expect(subtractDecimal(after.total, expected)).toMatch(/^-?0$/);
    await page.goto(`${stack.portalUrl}/t/demo/savings`);
    expect(await page.getByTestId(`savings-open-${target.currency}-value`).textContent()).toBe(formatMoney(after.total, after.currency));
    const state = await analystApi<Finding>(`/tenants/demo/findings/${target.fingerprint}`);
    expect(state.status).toBe('suppressed');
  });

  it('a tenant user reaches neither the operator console nor another tenant', async () => {
    for (const url of ['/admin', '/admin/tenants/demo/members', '/t/other-co', '/t/other-co/findings', '/admin/checkers']) {
      const res = await page.goto(`${stack.portalUrl}${url}`);
      expect(res?.status(), url).toBe(404);
      expect(await page.getByRole('heading', { name: 'Not found' }).count(), url).toBe(1);
      expect(await page.content(), url).not.toContain('Other Co');
    }
    await shoot(page, 'not-found');
  });

  it('the operator console lists tenants, shows the AWS onboarding step and the checker settings', async () => {
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const op = await context.newPage();
    op.setDefaultTimeout(60_000);
    await signIn(op, stack.portalUrl, stack.users.operator);
    await op.goto(`${stack.portalUrl}/admin`);
    const tenants = await op.getByTestId('tenants-table').locator('tbody .mono').allTextContents();
    expect(tenants).toEqual(expect.arrayContaining(['demo', 'other-co']));
    await shoot(op, 'admin-tenants');
    for (const [tab, name] of [
      ['members', 'admin-members'],
      ['accounts', 'admin-accounts'],
      ['accounts/new?provider=aws', 'admin-account-aws'],
      ['schedules', 'admin-schedules'],
      ['runs', 'admin-runs'],
      ['checkers', 'admin-checkers'],
    ] as const) {
      const res = await op.goto(`${stack.portalUrl}/admin/tenants/demo/${tab}`);
      expect(res?.status(), tab).toBe(200);
      await shoot(op, name);
    }
    await op.goto(`${stack.portalUrl}/admin/tenants/demo/runs`);
    const firstRun = op.getByTestId('runs-table').locator('tbody a').first();
    await Promise.all([op.waitForURL(/\/runs\/.+/), firstRun.click()]);
    await shoot(op, 'admin-run');
    await context.close();
  });

  // One stack (one `next build`) for the whole browser suite: the groups below share it and run in this order.
  sessionTests(() => stack);
  tenantSwitchTests(() => stack);
  bulkTriageTests(() => stack);
  consoleFormTests(() => stack);
  tenantAdminConsoleTests(() => stack);
});
