import { defineCostAnomalyChecker } from '../../sdk/focus-checks.ts';

export const awsCostAnomalyChecker = defineCostAnomalyChecker('aws', import.meta.url);
