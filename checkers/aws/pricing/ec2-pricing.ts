import { createPriceLookup, loadPriceTable, loadRateTable, type PricingLookup } from '../../sdk/pricing.ts';

/** The shipped table: public on-demand Linux prices for a few families, sizes and regions (see its `source`). */
export const EC2_ON_DEMAND_LINUX_TABLE = new URL('./ec2-on-demand-linux.json', import.meta.url);
/** EBS, snapshot, public IPv4, NAT gateway and CloudWatch unit prices (see its `source` and `units`). */
export const AWS_RATES_TABLE = new URL('./aws-rates.json', import.meta.url);

let cached: PricingLookup | undefined;

/**
 * Every shipped AWS price: instance hours plus the rate table. Loaded once per process; both files are
 * validated so a bad edit fails with the file and field named.
 */
export function awsPricing(): PricingLookup {
  cached ??= createPriceLookup(loadPriceTable(EC2_ON_DEMAND_LINUX_TABLE), loadRateTable(AWS_RATES_TABLE));
  return cached;
}

/** Kept for callers written before the rate table existed; returns the full AWS lookup. */
export function ec2OnDemandLinuxPricing(): PricingLookup {
  return awsPricing();
}
