import type { FindingsListResponse } from '@openfinops/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type PortalStack, shoot, signedInPage } from './portal-stack.ts';

/** Adds `email` to each tenant through the operator API; a new user's one-time password comes back once. */
async function memberOf(stack: PortalStack, email: string, tenants: string[]): Promise<{ email: string; password: string }> {
  const operator = await apiClient(stack.apiUrl, stack.users.operator);
  let password: string | null = null;
  for (const tenant of tenants) {
    const res = await operator<{ oneTimePassword: string | null }>(`/admin/tenants/${tenant}/members`, { method: 'POST', body: { email, role: 'viewer' } });
    password ??= res.oneTimePassword;
  }
  if (!password) throw new Error(`${email} existed before this test`);
  return { email, password };
}

export function tenantSwitchTests(stackOf: () => PortalStack): void {
  describe('tenant switcher', () => {
    let both: { email: string; password: string };
    let otherOnly: { email: string; password: string };

    beforeAll(async () => {
      both = await memberOf(stackOf(), 'two-tenants@example.com', ['demo', 'other-co']);
      otherOnly = await memberOf(stackOf(), 'other-only@example.com', ['other-co']);
    });

    it('a member of two tenants switches between them', async () => {
      const stack = stackOf();
      const page = await signedInPage(stack, both);
      await page.waitForURL((u) => u.pathname === '/t/demo');
      const switcher = page.getByRole('combobox', { name: 'Tenant', exact: true });
      expect((await switcher.locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value')))).sort()).toEqual(['demo', 'other-co']);
      await shoot(page, 'tenant-switcher');

      await Promise.all([page.waitForURL((u) => u.pathname === '/t/other-co'), switcher.selectOption('other-co')]);
      await expect.poll(() => page.locator('.nav-section').first().textContent(), { timeout: 30_000 }).toBe('Other Co');
      expect(await switcher.inputValue()).toBe('other-co');
      const findings = await page.goto(`${stack.portalUrl}/t/other-co/findings`);
      expect(findings?.status()).toBe(200);

      await Promise.all([page.waitForURL((u) => u.pathname === '/t/demo'), page.getByRole('combobox', { name: 'Tenant', exact: true }).selectOption('demo')]);
      // The URL changes before the client router has rendered the page: wait for the demo overview itself.
      await page.getByTestId('stat-mtd-value').waitFor();
      expect(await page.locator('.nav-section').first().textContent()).toBe('Demo Company');
      await page.context().close();
    });

    it("a member of one tenant gets not-found for the other's pages, with none of its data", async () => {
      const stack = stackOf();
      const demoApi = await apiClient(stack.apiUrl, stack.users.analyst);
      const demoFindings = await demoApi<FindingsListResponse>('/tenants/demo/findings?limit=5');
      expect(demoFindings.findings.length).toBeGreaterThan(0);

      const page = await signedInPage(stack, otherOnly);
      await page.waitForURL((u) => u.pathname === '/t/other-co');
      // Nothing to switch to: the switcher only appears with a second membership.
      expect(await page.getByRole('combobox', { name: 'Tenant', exact: true }).count()).toBe(0);
      const fp = demoFindings.findings[0]!.fingerprint;
      for (const url of ['/t/demo', '/t/demo/findings', `/t/demo/findings?fp=${fp}`, '/t/demo/savings', '/t/demo/costs', '/t/demo/costs/export?groupBy=service']) {
        const res = await page.goto(`${stack.portalUrl}${url}`);
        expect(res?.status(), url).toBe(404);
        const html = await page.content();
        for (const f of demoFindings.findings) {
          // The router state echoes the requested URL, so the fingerprint asked for is in the HTML by design.
          if (!url.includes(f.fingerprint)) expect(html, url).not.toContain(f.fingerprint);
          expect(html, url).not.toContain(f.resourceId);
          expect(html, url).not.toContain(f.title);
        }
      }
      await page.context().close();
    });
  });
}
