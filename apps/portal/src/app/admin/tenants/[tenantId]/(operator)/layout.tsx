import type { ReactNode } from 'react';
import { requirePlatformAdmin } from '../../../../../lib/me.server.ts';

/**
 * Runs and checker settings are operator routes in the API: a tenant's own admins get a 404 here. Checked in a layout
 * above this group's loading boundary, so the 404 is the response status and not a not-found page streamed with 200.
 */
export default async function OperatorTabsLayout({ children }: { children: ReactNode }) {
  await requirePlatformAdmin();
  return children;
}
