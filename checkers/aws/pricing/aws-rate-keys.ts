/** Keys of `aws-rates.json`, in one place so checkers and the table cannot drift apart silently. */
export const AWS_RATE = Object.freeze({
  ebsGbMonth: (volumeType: string) => `ebs:${volumeType}:gb-month`,
  ebsIopsMonth: (volumeType: string) => `ebs:${volumeType}:iops-month`,
  io2IopsTier2: 'ebs:io2:iops-month-tier2',
  io2IopsTier3: 'ebs:io2:iops-month-tier3',
  gp3ThroughputMonth: 'ebs:gp3:throughput-month',
  snapshotGbMonth: (tier: 'standard' | 'archive') => `ebs-snapshot:${tier}:gb-month`,
  publicIpv4Hour: 'vpc:public-ipv4:hour',
  natGatewayHour: 'nat-gateway:hour',
  natGatewayGbProcessed: 'nat-gateway:gb-processed',
  cloudwatchMetricMonth: 'cloudwatch:metric-month',
});

/** gp3 includes this much performance in its GB price; only provisioning above it costs extra. */
export const GP3_BASELINE_IOPS = 3000;
export const GP3_BASELINE_THROUGHPUT_MIBPS = 125;
/** io2 IOPS price tiers: first 32,000, then up to 64,000, then above. */
export const IO2_TIER1_MAX_IOPS = 32_000;
export const IO2_TIER2_MAX_IOPS = 64_000;
