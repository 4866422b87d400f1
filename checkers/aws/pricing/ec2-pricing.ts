import { createPriceLookup, loadPriceTable, type PricingLookup } from '../../sdk/pricing.ts';

/** The shipped table: public on-demand Linux prices for a few families, sizes and regions (see its `source`). */
export const EC2_ON_DEMAND_LINUX_TABLE = new URL('./ec2-on-demand-linux.json', import.meta.url);

let cached: PricingLookup | undefined;

/** Loaded once per process; the file is validated so a bad edit fails with the file and field named. */
export function ec2OnDemandLinuxPricing(): PricingLookup {
  cached ??= createPriceLookup(loadPriceTable(EC2_ON_DEMAND_LINUX_TABLE));
  return cached;
}
