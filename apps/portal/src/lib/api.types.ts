/**
 * Shapes of the API responses the portal reads. Costs, savings and findings come from the zod contracts the API
 * validates against (contracts/src/api, type-only: nothing of contracts is bundled). The auth, tenant and operator
 * shapes below are defined inside apps/api, which the portal may not import, so they are written out here.
 */
import type { CostSummaryResponse } from '@openfinops/contracts';

export type {
  CostSummaryResponse,
  CostTrendResponse,
  FindingDetailResponse,
  FindingsListResponse,
  FindingView,
  SavingsResponse,
} from '@openfinops/contracts';

/** Billed, effective and list cost of one currency (decimal strings). */
export type CostAmounts = CostSummaryResponse['totals'][number];

export type MemberRole = 'owner' | 'admin' | 'analyst' | 'viewer';

export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: string;
}

export interface Me {
  kind: 'user';
  id: string;
  email: string;
  isPlatformAdmin: boolean;
  memberships: Array<{ tenantId: string; role: MemberRole }>;
}

export interface TenantInfo {
  id: string;
  name: string;
  status: 'active' | 'suspended';
  role: MemberRole | null;
}

export interface RunView {
  id: string;
  kind: 'import' | 'inventory' | 'check';
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  checkId: string | null;
  cloudAccountId: string | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  maxAttempts?: number;
  stats: unknown;
  error: string | null;
}

export interface RunLogLine {
  id: string;
  at: string;
  level: string;
  message: string;
  fields?: Record<string, unknown> | null;
}

export interface RunDetail extends RunView {
  logs: RunLogLine[];
  nextLogCursor: string | null;
}

export interface AdminTenant {
  id: string;
  name: string;
  status: 'active' | 'suspended';
  createdAt: string;
  updatedAt: string;
}

export interface Member {
  userId: string;
  email: string;
  role: MemberRole;
  createdAt: string;
  disabled: boolean;
}

export interface CloudAccount {
  id: string;
  tenantId: string;
  provider: 'aws' | 'gcp' | 'azure';
  externalId: string;
  name: string;
  status: string;
  connection: Record<string, unknown>;
  hasSecret: boolean;
  lastTestedAt: string | null;
  lastTestOk: boolean | null;
  lastImportedAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Schedule {
  id: string;
  kind: 'import' | 'inventory' | 'check';
  cron: string;
  timezone: string;
  enabled: boolean;
  cloudAccountId: string | null;
  nextRunAt?: string | null;
  lastEnqueuedAt?: string | null;
}

export interface CheckerCatalogEntry {
  id: string;
  version: string;
  title: string;
  description: string;
  provider: string;
  category: string;
  severity: string;
  resourceTypes: readonly string[];
}

export interface TenantCheckerView {
  checkId: string;
  enabled: boolean;
  config: Record<string, unknown>;
  effectiveConfig: unknown;
  updatedAt: string | null;
  updatedBy: string | null;
}
