import { parseTenantId } from '@openfinops/tenants';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { TenantRepository } from '../tenants/tenant.repository.ts';
import { FindingStateRepository, type FindingStateView, type ListFindingStatesFilter } from './finding-state.repository.ts';

/** Read side of findings for the CLI and API: the tenant must exist, so a typo is an error rather than an empty list. */
export class FindingsService {
  private readonly tenants: TenantRepository;
  private readonly states: FindingStateRepository;

  constructor(prisma: PrismaClient) {
    this.tenants = new TenantRepository(prisma);
    this.states = new FindingStateRepository(prisma);
  }

  async list(tenantId: string, filter: ListFindingStatesFilter = {}): Promise<FindingStateView[]> {
    const id = parseTenantId(tenantId);
    await this.tenants.require(id);
    return this.states.list(id, filter);
  }
}
