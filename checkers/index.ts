export * from './sdk/define-checker.ts';
export * from './sdk/context.ts';
export * from './sdk/inventory.ts';
export * from './sdk/logger.ts';
export * from './sdk/pricing.ts';
export * from './registry.ts';
export { ec2OnDemandLinuxPricing, EC2_ON_DEMAND_LINUX_TABLE } from './aws/pricing/ec2-pricing.ts';
export { ec2GravitonChecker, gravitonTarget, GRAVITON_FAMILY, GRAVITON_SIZES } from './aws/ec2-graviton/ec2-graviton.checker.ts';
export * from './collectors/index.ts';
