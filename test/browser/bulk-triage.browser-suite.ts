import type { FindingView } from '@openfinops/contracts';
import { describe, expect, it } from 'vitest';
import { apiClient, type PortalStack, shoot, signedInPage } from './portal-stack.ts';

const REASON = 'browser test: bulk accepted';

export function bulkTriageTests(stackOf: () => PortalStack): void {
  describe('findings bulk suppress', () => {
    it('suppresses the selected findings with a reason; they move from open to suppressed, and one reopens', async () => {
      const stack = stackOf();
      const api = await apiClient(stack.apiUrl, stack.users.analyst);
      const page = await signedInPage(stack, stack.users.analyst);
      await page.goto(`${stack.portalUrl}/t/demo/findings?status=open`);
      const rows = page.getByTestId('findings-table').locator('tbody tr');
      const openBefore = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-fingerprint')!));
      expect(openBefore.length).toBeGreaterThanOrEqual(3);
      const chosen = openBefore.slice(0, 3);
      for (const fp of chosen) await page.locator(`tr[data-fingerprint="${fp}"] input[type="checkbox"]`).check();

      const bulk = page.getByRole('form', { name: 'Suppress selected findings' });
      await bulk.getByLabel('Reason').fill(REASON);
      await shoot(page, 'findings-bulk-selected');
      await bulk.getByRole('button', { name: 'Suppress selected' }).click();
      await expect.poll(() => bulk.getByRole('status').textContent(), { timeout: 30_000 }).toBe('3 findings suppressed.');

      // The open list re-renders without them…
      await expect.poll(async () => (await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-fingerprint')))).filter((fp) => chosen.includes(fp!)), { timeout: 30_000 }).toEqual([]);
      for (const fp of chosen) {
        const f = await api<FindingView>(`/tenants/demo/findings/${fp}`);
        expect([f.status, f.suppressedReason], fp).toEqual(['suppressed', REASON]);
      }
      // …and the suppressed list shows them.
      await page.goto(`${stack.portalUrl}/t/demo/findings?status=suppressed`);
      const suppressed = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-fingerprint')));
      expect(suppressed).toEqual(expect.arrayContaining(chosen));
      await shoot(page, 'findings-suppressed');

      const reopened = chosen[0]!;
      await page.goto(`${stack.portalUrl}/t/demo/findings?status=suppressed&fp=${reopened}`);
      const detail = page.getByTestId('finding-detail');
      expect(await detail.textContent()).toContain(REASON);
      await detail.getByRole('button', { name: 'Reopen' }).click();
      // The panel re-renders for an open finding: the suppress form replaces Reopen.
      await detail.getByRole('form', { name: 'Suppress this finding' }).waitFor();
      expect((await api<FindingView>(`/tenants/demo/findings/${reopened}`)).status).toBe('open');

      await page.goto(`${stack.portalUrl}/t/demo/findings?status=suppressed`);
      const stillSuppressed = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-fingerprint')));
      expect(stillSuppressed).not.toContain(reopened);
      expect(stillSuppressed).toEqual(expect.arrayContaining(chosen.slice(1)));
      // Back in the open list, on the page it was chosen from (same filter and sort).
      await page.goto(`${stack.portalUrl}/t/demo/findings?status=open`);
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-fingerprint')))).toContain(reopened);
      await page.context().close();
    });
  });
}
