/**
 * Shapes of the API responses the portal reads. They mirror the zod contracts in contracts/src/api (the API validates
 * against those); the portal only needs the types, and money stays a decimal string beside its currency throughout.
 */

export type MemberRole = 'owner' | 'admin' | 'analyst' | 'viewer';
export type FindingStatus = 'open' | 'resolved' | 'suppressed';

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

export interface CostAmounts {
  currency: string;
  rowCount: number;
  billedCost: string;
  effectiveCost: string;
  listCost: string;
}

export interface CostGroupRow extends CostAmounts {
  group: Record<string, string | null>;
}

export interface CostSummaryResponse {
  from: string | null;
  to: string | null;
  groupBy: string[];
  source: 'rollups' | 'detail';
  rows: CostGroupRow[];
  totals: CostAmounts[];
}

export interface CostForecast {
  currency: string;
  month: string;
  asOf: string;
  actualToDate: string;
  dailyRunRate: string;
  basisDays: number;
  remainingDays: number;
  forecast: string;
}

export interface CostTrendResponse {
  granularity: 'day' | 'month';
  from: string;
  to: string;
  groupBy: string[];
  source: 'rollups' | 'detail';
  series: Array<CostGroupRow & { period: string }>;
  forecast: CostForecast[];
  forecastMethod: string;
}

export interface SavingsGroupTotal {
  key: string;
  total: string;
  counted: number;
}

export interface SavingsResponse {
  open: Array<{ currency: string; total: string; counted: number; excluded: number; byCategory: SavingsGroupTotal[]; byCheck: SavingsGroupTotal[] }>;
  realized: Array<{ month: string; currency: string; total: string; counted: number; excluded: number }>;
  realizedSince: string;
}

export interface FindingView {
  fingerprint: string;
  checkId: string;
  provider: string;
  accountId: string;
  region: string | null;
  resourceType: string;
  resourceId: string;
  status: FindingStatus;
  title: string;
  category: string;
  severity: string;
  estimatedMonthlySavings: string | null;
  currency: string | null;
  exclusionGroup?: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  suppressedUntil: string | null;
  suppressedBy: string | null;
  suppressedReason: string | null;
  assignee?: string | null;
}

export interface FindingsListResponse {
  findings: FindingView[];
  nextCursor: string | null;
}

export interface FindingObservation {
  runId: string;
  runDate: string;
  observedAt: string;
  checkVersion: string;
  title: string;
  recommendation: string;
  estimatedMonthlySavings: string;
  currency: string;
  savingsBasis: string;
  observedMonthlyCost: string | null;
  evidence: Record<string, unknown>;
}

export interface FindingDetailResponse extends FindingView {
  savingsBasis: string | null;
  reopenCount: number;
  lastRunId: string;
  recommendation: string | null;
  observations: FindingObservation[];
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
