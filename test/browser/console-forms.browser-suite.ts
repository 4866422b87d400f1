import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiCall, type PortalStack, shoot, signedInPage } from './portal-stack.ts';

const TENANT = 'browser-co';

/** The inline error FormField shows under an input, and whether the input is marked invalid and described by it. */
async function fieldError(page: Page, id: string): Promise<{ text: string | null; invalid: string | null; describedBy: string | null }> {
  const error = page.locator(`#${id}-error`);
  return {
    text: (await error.count()) ? await error.textContent() : null,
    invalid: await page.locator(`#${id}`).getAttribute('aria-invalid'),
    describedBy: await page.locator(`#${id}`).getAttribute('aria-describedby'),
  };
}

export function consoleFormTests(stackOf: () => PortalStack): void {
  describe('operator console forms', () => {
    let op: Page;
    let operator: ApiCall;
    let base: string;

    beforeAll(async () => {
      const stack = stackOf();
      op = await signedInPage(stack, stack.users.operator);
      operator = await apiClient(stack.apiUrl, stack.users.operator);
      base = `${stack.portalUrl}/admin/tenants/${TENANT}`;
    });
    afterAll(async () => {
      await op?.context().close();
    });

    it('creates a tenant, and says why when the id is taken', async () => {
      await op.goto(`${stackOf().portalUrl}/admin`);
      const form = op.getByRole('form', { name: 'Create a tenant' });
      await form.getByLabel('Id').fill('demo');
      await form.getByLabel('Name').fill('Demo again');
      await form.getByRole('button', { name: 'Create tenant' }).click();
      await expect.poll(() => form.getByRole('alert').textContent(), { timeout: 30_000 }).toMatch(/exists/i);
      // The refused values come back, so the operator edits instead of retyping.
      expect(await form.getByLabel('Name').inputValue()).toBe('Demo again');

      await form.getByLabel('Id').fill(TENANT);
      await form.getByLabel('Name').fill('Browser Co');
      await form.getByRole('button', { name: 'Create tenant' }).click();
      await expect.poll(() => form.getByRole('status').textContent(), { timeout: 30_000 }).toBe(`Tenant ${TENANT} created.`);
      await expect.poll(() => op.getByTestId('tenants-table').locator('tbody .mono').allTextContents(), { timeout: 30_000 }).toContain(TENANT);
      const tenants = await operator<{ tenants: Array<{ id: string; name: string; status: string }> }>('/admin/tenants');
      expect(tenants.tenants.find((t) => t.id === TENANT)).toMatchObject({ name: 'Browser Co', status: 'active' });
    });

    it('adds a member and shows the new user’s one-time password once', async () => {
      await op.goto(`${base}/members`);
      const form = op.getByRole('form', { name: 'Add a member' });
      await form.getByLabel('Email').fill('new-analyst@example.com');
      await form.getByLabel('Role').selectOption('analyst');
      await form.getByRole('button', { name: 'Add member' }).click();
      const otp = form.getByTestId('detail-one-time-password');
      await otp.waitFor();
      const password = (await otp.textContent())!.trim();
      expect(password.length).toBeGreaterThanOrEqual(12);
      await expect.poll(() => op.getByTestId('members-table').locator('tbody tr').allTextContents(), { timeout: 30_000 }).toEqual([expect.stringContaining('new-analyst@example.com')]);
      await shoot(op, 'admin-member-added');
      // The password shown is the one that signs the user in.
      const asNew = await apiClient(stackOf().apiUrl, { email: 'new-analyst@example.com', password });
      expect((await asNew<{ memberships: Array<{ tenantId: string; role: string }> }>('/auth/me')).memberships).toEqual([{ tenantId: TENANT, role: 'analyst' }]);
      await op.reload();
      expect(await op.getByTestId('detail-one-time-password').count()).toBe(0);
    });

    it('connects an AWS account through the wizard, each validation error beside its field', async () => {
      await op.goto(`${base}/accounts/new`);
      await Promise.all([op.waitForURL(/provider=aws/), op.getByRole('link', { name: /Amazon Web Services/ }).click()]);
      const form = op.getByRole('form', { name: 'Connect Amazon Web Services' });
      await form.getByLabel('Name', { exact: true }).fill('Browser payer');
      await form.getByLabel('Role ARN').fill('not-a-role-arn');
      await form.getByLabel('S3 bucket').fill('browser-billing');
      await form.getByLabel('Export name').fill('hourly-cur');
      await form.getByLabel(/Run the connection test/).uncheck();
      await form.getByRole('button', { name: 'Create account' }).click();

      await expect.poll(async () => (await fieldError(op, 'acct-roleArn')).text, { timeout: 30_000 }).toMatch(/IAM role ARN/);
      expect(await fieldError(op, 'acct-roleArn')).toMatchObject({ invalid: 'true', describedBy: 'acct-roleArn-error' });
      expect(await fieldError(op, 'acct-bucket')).toEqual({ text: null, invalid: null, describedBy: null });
      expect(await form.getByLabel('S3 bucket').inputValue()).toBe('browser-billing');
      expect(await form.getByLabel(/Run the connection test/).isChecked()).toBe(false);
      await shoot(op, 'admin-account-field-error');

      // Fixing that field moves the error to the next one the API refuses.
      await form.getByLabel('Role ARN').fill('arn:aws:iam::123456789012:role/openfinops-billing');
      await form.getByLabel('Bucket region').fill('moon-base-1');
      await form.getByRole('button', { name: 'Create account' }).click();
      await expect.poll(async () => (await fieldError(op, 'acct-region')).text, { timeout: 30_000 }).toMatch(/AWS region/);
      expect((await fieldError(op, 'acct-roleArn')).text).toBeNull();

      await form.getByLabel('Bucket region').fill('eu-west-1');
      await form.getByRole('button', { name: 'Create account' }).click();
      await expect.poll(() => form.getByRole('status').textContent(), { timeout: 30_000 }).toBe('Account Browser payer created.');
      const externalId = (await form.getByTestId('detail-external-id').textContent())!.trim();
      expect(externalId.length).toBeGreaterThan(0);
      expect(await form.getByTestId('detail-trust-policy').textContent()).toContain(externalId);
      await shoot(op, 'admin-account-created');

      const { accounts } = await operator<{ accounts: Array<{ name: string; provider: string; connection: Record<string, unknown> }> }>(`/admin/tenants/${TENANT}/accounts`);
      expect(accounts).toEqual([expect.objectContaining({ name: 'Browser payer', provider: 'aws', connection: expect.objectContaining({ bucket: 'browser-billing', region: 'eu-west-1' }) })]);
      await op.goto(`${base}/accounts`);
      expect(await op.getByTestId('accounts-table').locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('Browser payer')]);
    });

    it('creates a schedule, with the cron error beside the cron field', async () => {
      await op.goto(`${base}/schedules`);
      const form = op.getByRole('form', { name: 'Create a schedule' });
      await form.getByLabel('Kind').selectOption('check');
      await form.getByLabel('Cron').fill('every day');
      await form.getByLabel('Time zone').fill('Europe/Berlin');
      await form.getByRole('button', { name: 'Create schedule' }).click();
      await expect.poll(async () => (await fieldError(op, 'sch-cron')).text, { timeout: 30_000 }).toMatch(/expected 5/);
      expect(await form.getByLabel('Kind').inputValue()).toBe('check');

      await form.getByLabel('Cron').fill('30 4 * * 1');
      await form.getByRole('button', { name: 'Create schedule' }).click();
      await expect.poll(() => form.getByRole('status').textContent(), { timeout: 30_000 }).toBe('Schedule created.');
      await expect.poll(() => op.getByTestId('schedules-table').locator('tbody tr').allTextContents(), { timeout: 30_000 }).toEqual([expect.stringMatching(/check.*30 4 \* \* 1.*Europe\/Berlin/)]);
      const { schedules } = await operator<{ schedules: Array<{ kind: string; cron: string; timezone: string; enabled: boolean }> }>(`/admin/tenants/${TENANT}/schedules`);
      expect(schedules).toEqual([expect.objectContaining({ kind: 'check', cron: '30 4 * * 1', timezone: 'Europe/Berlin', enabled: true })]);
      await shoot(op, 'admin-schedule-created');
    });
  });
}
