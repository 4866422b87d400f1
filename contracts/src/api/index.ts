export * from './common.contract.ts';
export * from './costs.contract.ts';
export * from './findings.contract.ts';
export * from './savings.contract.ts';
