import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type PortalStack, shoot, signedInPage } from './portal-stack.ts';

const TENANT = 'other-co';

/** A tenant's admin (not a platform admin) administers that tenant in the console and nothing else. */
export function tenantAdminConsoleTests(stackOf: () => PortalStack): void {
  describe('console for a tenant admin', () => {
    let page: Page;
    let portal: string;

    beforeAll(async () => {
      const stack = stackOf();
      portal = stack.portalUrl;
      const operator = await apiClient(stack.apiUrl, stack.users.operator);
      const added = await operator<{ oneTimePassword: string | null }>(`/admin/tenants/${TENANT}/members`, {
        method: 'POST',
        body: { email: 'other-admin@example.com', role: 'admin' },
      });
      if (!added.oneTimePassword) throw new Error('other-admin@example.com existed before this test');
      page = await signedInPage(stack, { email: 'other-admin@example.com', password: added.oneTimePassword });
      await page.waitForURL((u) => u.pathname === `/t/${TENANT}`);
    });
    afterAll(async () => {
      await page?.context().close();
    });

    it('reaches its tenant’s members, accounts and schedules from the sidebar, not runs or checker settings', async () => {
      await Promise.all([page.waitForURL((u) => u.pathname.startsWith(`/admin/tenants/${TENANT}`)), page.getByRole('link', { name: 'Manage tenant' }).click()]);
      const tabs = page.getByRole('navigation', { name: 'Tenant administration' }).getByRole('link');
      await expect.poll(() => tabs.allTextContents(), { timeout: 30_000 }).toEqual(['Members', 'Cloud accounts', 'Schedules']);
      await page.getByTestId('members-table').waitFor();
      expect(await page.getByTestId('members-table').textContent()).toContain('other-admin@example.com');
      await shoot(page, 'tenant-admin-members');
      for (const tab of ['accounts', 'schedules']) {
        const res = await page.goto(`${portal}/admin/tenants/${TENANT}/${tab}`);
        expect(res?.status(), tab).toBe(200);
        expect(await page.getByRole('heading', { name: 'Not found' }).count(), tab).toBe(0);
      }
      // The console home lists only the tenants this user administers.
      await page.goto(`${portal}/admin`);
      expect(await page.getByTestId('tenants-table').locator('tbody .mono').allTextContents()).toEqual([TENANT]);
      expect(await page.getByRole('form', { name: 'Create a tenant' }).count()).toBe(0);
    });

    it('gets not-found for another tenant’s console and for operator pages', async () => {
      for (const url of ['/admin/tenants/demo/members', '/admin/tenants/demo/accounts', `/admin/tenants/${TENANT}/runs`, `/admin/tenants/${TENANT}/checkers`, '/admin/checkers']) {
        const res = await page.goto(`${portal}${url}`);
        expect(res?.status(), url).toBe(404);
        expect(await page.getByRole('heading', { name: 'Not found' }).count(), url).toBe(1);
        expect(await page.content(), url).not.toContain('Demo Company');
      }
    });
  });
}
