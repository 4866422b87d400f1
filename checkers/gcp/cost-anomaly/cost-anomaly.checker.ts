import { defineCostAnomalyChecker } from '../../sdk/focus-checks.ts';

export const gcpCostAnomalyChecker = defineCostAnomalyChecker('gcp', import.meta.url);
