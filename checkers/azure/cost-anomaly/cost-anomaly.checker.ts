import { defineCostAnomalyChecker } from '../../sdk/focus-checks.ts';

export const azureCostAnomalyChecker = defineCostAnomalyChecker('azure', import.meta.url);
