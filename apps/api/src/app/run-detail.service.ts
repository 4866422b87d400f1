import type { ListRunLogOptions } from '../runs/run-log.repository.ts';
import type { RunService } from '../runs/run.service.ts';
import { runLogView, runView } from './run-view.ts';

/** A run with its log lines (oldest first, from after the `after` cursor), for the tenant and admin APIs. */
export class RunDetailService {
  constructor(private readonly runs: RunService) {}

  async detail(tenantId: string, runId: string, options: ListRunLogOptions) {
    const run = await this.runs.show(tenantId, runId);
    const logs = await this.runs.logs(tenantId, runId, options);
    return { ...runView(run), logs: logs.map(runLogView), nextLogCursor: logs.length > 0 ? logs[logs.length - 1]!.id : (options.after ?? null) };
  }
}
