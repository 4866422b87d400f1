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
import type { Checker } from './sdk/define-checker.ts';

/** The billing (FOCUS-input) checks; registry.ts lists each of them among the built-ins. */
export const billingCheckers: readonly Checker<unknown>[] = Object.freeze<Checker<unknown>[]>([
  awsUntaggedSpendChecker,
  awsCommitmentCoverageChecker,
  awsUnusedCommitmentChecker,
  awsCostAnomalyChecker,
  awsGp2AndPreviousGenerationUsageChecker,
  awsIdlePublicIpv4Checker,
  awsDataTransferSpikeChecker,
  azureUntaggedSpendChecker,
  azureUnusedCommitmentChecker,
  azureCostAnomalyChecker,
  azureHybridBenefitChecker,
  gcpUnlabeledSpendChecker,
  gcpCostAnomalyChecker,
  gcpIdleExternalIpChecker,
  gcpCommittedUseCoverageChecker,
]);

export {
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
};
