export * from './inventory-kinds.ts';
export * from './aws-credentials.ts';
export * from './ec2-inventory.collector.ts';
export * from './inventory-snapshot.repository.ts';
