import { Decimal } from 'decimal.js';
import type { PricingLookup } from '../../sdk/pricing.ts';
import {
  AWS_RATE,
  GP3_BASELINE_IOPS,
  GP3_BASELINE_THROUGHPUT_MIBPS,
  IO2_TIER1_MAX_IOPS,
  IO2_TIER2_MAX_IOPS,
} from './aws-rate-keys.ts';

export interface EbsVolumeSpec {
  volumeType: string;
  sizeGiB: number;
  iops?: number | undefined;
  throughputMiBps?: number | undefined;
}

export interface EbsMonthlyCost {
  /** Undefined when any part is unpriced: a partial sum would understate the cost. */
  monthly: Decimal | undefined;
  /** Each priced component as `quantity x unit price = amount`, for evidence. */
  parts: Record<string, string>;
  /** What had no price (rate keys), for the finding's note. */
  missing: string[];
  /** Source and retrieval date of the rates used, for evidence. */
  priceSource: string | null;
  priceRetrieved: string | null;
}

const fmt = (d: Decimal) => d.toFixed();

/**
 * Monthly list cost of one EBS volume: GB-month for every type, plus provisioned IOPS (io1, io2 tiered,
 * gp3 above 3,000) and gp3 throughput above 125 MiB/s.
 */
export function ebsVolumeMonthlyCost(pricing: PricingLookup, region: string, spec: EbsVolumeSpec): EbsMonthlyCost {
  const parts: Record<string, string> = {};
  const missing: string[] = [];
  let total = new Decimal(0);
  let priceSource: string | null = null;
  let priceRetrieved: string | null = null;
  const add = (label: string, item: string, quantity: number) => {
    if (quantity <= 0) return;
    const quote = pricing.rate(region, item);
    if (!quote) {
      missing.push(item);
      return;
    }
    priceSource = quote.source;
    priceRetrieved = quote.retrieved;
    const amount = new Decimal(quote.price).times(quantity);
    parts[label] = `${quantity} x ${quote.price} = ${fmt(amount)}`;
    total = total.plus(amount);
  };

  const type = spec.volumeType;
  add('storage', AWS_RATE.ebsGbMonth(type), spec.sizeGiB);
  const iops = spec.iops ?? 0;
  if (type === 'gp3') {
    add('iopsAboveBaseline', AWS_RATE.ebsIopsMonth('gp3'), Math.max(0, iops - GP3_BASELINE_IOPS));
    add('throughputAboveBaseline', AWS_RATE.gp3ThroughputMonth, Math.max(0, (spec.throughputMiBps ?? 0) - GP3_BASELINE_THROUGHPUT_MIBPS));
  } else if (type === 'io1') {
    add('iops', AWS_RATE.ebsIopsMonth('io1'), iops);
  } else if (type === 'io2') {
    add('iopsTier1', AWS_RATE.ebsIopsMonth('io2'), Math.min(iops, IO2_TIER1_MAX_IOPS));
    add('iopsTier2', AWS_RATE.io2IopsTier2, Math.max(0, Math.min(iops, IO2_TIER2_MAX_IOPS) - IO2_TIER1_MAX_IOPS));
    add('iopsTier3', AWS_RATE.io2IopsTier3, Math.max(0, iops - IO2_TIER2_MAX_IOPS));
  }
  return { monthly: missing.length === 0 ? total : undefined, parts, missing, priceSource, priceRetrieved };
}
