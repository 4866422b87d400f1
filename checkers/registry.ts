import { amiUnusedChecker } from './aws/ami-unused/ami-unused.checker.ts';
import { ebsGp2ToGp3Checker } from './aws/ebs-gp2-to-gp3/ebs-gp2-to-gp3.checker.ts';
import { ebsIo1ToIo2Checker } from './aws/ebs-io1-to-io2/ebs-io1-to-io2.checker.ts';
import { ebsSnapshotOldChecker } from './aws/ebs-snapshot-old/ebs-snapshot-old.checker.ts';
import { ebsUnattachedChecker } from './aws/ebs-unattached/ebs-unattached.checker.ts';
import { ec2DetailedMonitoringChecker } from './aws/ec2-detailed-monitoring/ec2-detailed-monitoring.checker.ts';
import { ec2GravitonChecker } from './aws/ec2-graviton/ec2-graviton.checker.ts';
import { ec2PreviousGenerationChecker } from './aws/ec2-previous-generation/ec2-previous-generation.checker.ts';
import { ec2StoppedWithVolumesChecker } from './aws/ec2-stopped-with-volumes/ec2-stopped-with-volumes.checker.ts';
import { eipUnassociatedChecker } from './aws/eip-unassociated/eip-unassociated.checker.ts';
import { natGatewayIdleChecker } from './aws/nat-gateway-idle/nat-gateway-idle.checker.ts';
import { awsCommitmentCoverageChecker } from './aws/commitment-coverage/commitment-coverage.checker.ts';
import { awsCostAnomalyChecker } from './aws/cost-anomaly/cost-anomaly.checker.ts';
import { awsDataTransferSpikeChecker } from './aws/data-transfer-spike/data-transfer-spike.checker.ts';
import { awsGp2AndPreviousGenerationUsageChecker } from './aws/gp2-and-previous-generation-usage/gp2-and-previous-generation-usage.checker.ts';
import { awsIdlePublicIpv4Checker } from './aws/idle-public-ipv4/idle-public-ipv4.checker.ts';
import { awsUnusedCommitmentChecker } from './aws/unused-commitment/unused-commitment.checker.ts';
import { awsUntaggedSpendChecker } from './aws/untagged-spend/untagged-spend.checker.ts';
import { azureCostAnomalyChecker } from './azure/cost-anomaly/cost-anomaly.checker.ts';
import { azureHybridBenefitChecker } from './azure/hybrid-benefit/hybrid-benefit.checker.ts';
import { azureUnusedCommitmentChecker } from './azure/unused-commitment/unused-commitment.checker.ts';
import { azureUntaggedSpendChecker } from './azure/untagged-spend/untagged-spend.checker.ts';
import { gcpCommittedUseCoverageChecker } from './gcp/committed-use-coverage/committed-use-coverage.checker.ts';
import { gcpCostAnomalyChecker } from './gcp/cost-anomaly/cost-anomaly.checker.ts';
import { gcpIdleExternalIpChecker } from './gcp/idle-external-ip/idle-external-ip.checker.ts';
import { gcpUnlabeledSpendChecker } from './gcp/unlabeled-spend/unlabeled-spend.checker.ts';
// checker-imports: one import per built-in checker above this line (`finops checker new` inserts here).
import type { Checker } from './sdk/define-checker.ts';
import type { CheckerLogger } from './sdk/logger.ts';
import { loadPluginCheckers, type LoadedCheckers } from './sdk/plugins.ts';

/** Built-in checkers, imported explicitly (no folder scanning) so the bundle and the docs list stay reviewable. */
export const builtinCheckers: readonly Checker<unknown>[] = Object.freeze<Checker<unknown>[]>([
  ec2GravitonChecker,
  ec2PreviousGenerationChecker,
  ec2StoppedWithVolumesChecker,
  ec2DetailedMonitoringChecker,
  ebsUnattachedChecker,
  ebsGp2ToGp3Checker,
  ebsIo1ToIo2Checker,
  ebsSnapshotOldChecker,
  amiUnusedChecker,
  eipUnassociatedChecker,
  natGatewayIdleChecker,
  awsCommitmentCoverageChecker,
  awsCostAnomalyChecker,
  awsDataTransferSpikeChecker,
  awsGp2AndPreviousGenerationUsageChecker,
  awsIdlePublicIpv4Checker,
  awsUnusedCommitmentChecker,
  awsUntaggedSpendChecker,
  azureCostAnomalyChecker,
  azureHybridBenefitChecker,
  azureUnusedCommitmentChecker,
  azureUntaggedSpendChecker,
  gcpCommittedUseCoverageChecker,
  gcpCostAnomalyChecker,
  gcpIdleExternalIpChecker,
  gcpUnlabeledSpendChecker,
  // checker-entries: one entry per built-in checker above this line (`finops checker new` inserts here).
]);

export class UnknownCheckerError extends Error {
  readonly code = 'UNKNOWN_CHECKER';
  constructor(readonly checkerId: string, readonly knownIds: readonly string[]) {
    super(`Unknown checker ${JSON.stringify(checkerId)}; known checkers: ${knownIds.join(', ')}`);
    this.name = 'UnknownCheckerError';
  }
}

const byId = new Map(builtinCheckers.map((c) => [c.id, c] as const));
if (byId.size !== builtinCheckers.length) throw new Error('Duplicate checker id in builtinCheckers');

export function getChecker(id: string): Checker<unknown> {
  const checker = byId.get(id);
  if (!checker) throw new UnknownCheckerError(id, [...byId.keys()].sort());
  return checker;
}

export function listCheckerIds(): string[] {
  return [...byId.keys()].sort();
}

/**
 * Built-ins plus the plugins named in `FINOPS_CHECKER_PACKAGES` (comma-separated npm package names or
 * absolute paths). A plugin that fails to load or validate is logged and listed in `errors`, never fatal.
 */
export async function loadCheckers(opts: { env?: Readonly<Record<string, string | undefined>>; logger?: CheckerLogger } = {}): Promise<LoadedCheckers> {
  return loadPluginCheckers({ ...opts, builtins: builtinCheckers });
}

/** Looks a checker up among built-ins and loaded plugins. */
export function findChecker(checkers: readonly Checker<unknown>[], id: string): Checker<unknown> {
  const checker = checkers.find((c) => c.id === id);
  if (!checker) throw new UnknownCheckerError(id, checkers.map((c) => c.id).sort());
  return checker;
}
