/**
 * Usage details from the Consumption API (wire JSON, numbers kept as text) → the cost details CSV that the
 * `azure-cost-details` format reads. Legacy usage details (Enterprise Agreement, pay-as-you-go) become the EA export's
 * columns (`Cost`, `BillingCurrency`); modern ones (Microsoft Customer Agreement) the MCA export's
 * (`CostInBillingCurrency`, `BillingCurrencyCode`, `PaygCostInBillingCurrency`…). Header names follow Cost
 * Management's exports, so the FOCUS conversion cannot tell these files from downloaded exports.
 */
import type { LosslessValue } from './lossless-json.ts';

export type UsageKind = 'legacy' | 'modern';

/** [CSV header, wire path under the usage detail item]. */
type Column = readonly [string, string];

const LEGACY: readonly Column[] = [
  ['BillingAccountId', 'properties.billingAccountId'],
  ['BillingAccountName', 'properties.billingAccountName'],
  ['BillingPeriodStartDate', 'properties.billingPeriodStartDate'],
  ['BillingPeriodEndDate', 'properties.billingPeriodEndDate'],
  ['BillingProfileId', 'properties.billingProfileId'],
  ['BillingProfileName', 'properties.billingProfileName'],
  ['AccountOwnerId', 'properties.accountOwnerId'],
  ['AccountName', 'properties.accountName'],
  ['SubscriptionId', 'properties.subscriptionId'],
  ['SubscriptionName', 'properties.subscriptionName'],
  ['Date', 'properties.date'],
  ['Product', 'properties.product'],
  ['PartNumber', 'properties.partNumber'],
  ['MeterId', 'properties.meterId'],
  ['ServiceFamily', 'properties.meterDetails.serviceFamily'],
  ['MeterCategory', 'properties.meterDetails.meterCategory'],
  ['MeterSubCategory', 'properties.meterDetails.meterSubCategory'],
  ['MeterName', 'properties.meterDetails.meterName'],
  ['Quantity', 'properties.quantity'],
  ['EffectivePrice', 'properties.effectivePrice'],
  ['Cost', 'properties.cost'],
  ['UnitPrice', 'properties.unitPrice'],
  ['BillingCurrency', 'properties.billingCurrency'],
  ['ResourceLocation', 'properties.resourceLocation'],
  ['ConsumedService', 'properties.consumedService'],
  ['ResourceId', 'properties.resourceId'],
  ['ResourceName', 'properties.resourceName'],
  ['ServiceInfo1', 'properties.serviceInfo1'],
  ['ServiceInfo2', 'properties.serviceInfo2'],
  ['AdditionalInfo', 'properties.additionalInfo'],
  ['Tags', 'tags'],
  ['InvoiceSection', 'properties.invoiceSection'],
  ['CostCenter', 'properties.costCenter'],
  ['UnitOfMeasure', 'properties.meterDetails.unitOfMeasure'],
  ['ResourceGroup', 'properties.resourceGroup'],
  ['ReservationId', 'properties.reservationId'],
  ['ReservationName', 'properties.reservationName'],
  ['ProductOrderId', 'properties.productOrderId'],
  ['ProductOrderName', 'properties.productOrderName'],
  ['OfferId', 'properties.offerId'],
  ['IsAzureCreditEligible', 'properties.isAzureCreditEligible'],
  ['Term', 'properties.term'],
  ['PublisherName', 'properties.publisherName'],
  ['PlanName', 'properties.planName'],
  ['ChargeType', 'properties.chargeType'],
  ['Frequency', 'properties.frequency'],
  ['PublisherType', 'properties.publisherType'],
  ['PayGPrice', 'properties.payGPrice'],
  ['PricingModel', 'properties.pricingModel'],
  ['BenefitId', 'properties.benefitId'],
  ['BenefitName', 'properties.benefitName'],
];

const MODERN: readonly Column[] = [
  ['BillingAccountId', 'properties.billingAccountId'],
  ['BillingAccountName', 'properties.billingAccountName'],
  ['BillingPeriodStartDate', 'properties.billingPeriodStartDate'],
  ['BillingPeriodEndDate', 'properties.billingPeriodEndDate'],
  ['BillingProfileId', 'properties.billingProfileId'],
  ['BillingProfileName', 'properties.billingProfileName'],
  ['SubscriptionId', 'properties.subscriptionGuid'],
  ['SubscriptionName', 'properties.subscriptionName'],
  ['Date', 'properties.date'],
  ['ServicePeriodStartDate', 'properties.servicePeriodStartDate'],
  ['ServicePeriodEndDate', 'properties.servicePeriodEndDate'],
  ['ProductName', 'properties.product'],
  ['ProductId', 'properties.productIdentifier'],
  ['MeterId', 'properties.meterId'],
  ['MeterName', 'properties.meterName'],
  ['MeterRegion', 'properties.meterRegion'],
  ['MeterCategory', 'properties.meterCategory'],
  ['MeterSubCategory', 'properties.meterSubCategory'],
  ['ServiceFamily', 'properties.serviceFamily'],
  ['Quantity', 'properties.quantity'],
  ['UnitOfMeasure', 'properties.unitOfMeasure'],
  ['ResourceId', 'properties.instanceName'],
  ['ResourceLocation', 'properties.resourceLocation'],
  ['ConsumedService', 'properties.consumedService'],
  ['ServiceInfo1', 'properties.serviceInfo1'],
  ['ServiceInfo2', 'properties.serviceInfo2'],
  ['AdditionalInfo', 'properties.additionalInfo'],
  ['Tags', 'tags'],
  ['InvoiceId', 'properties.invoiceId'],
  ['PreviousInvoiceId', 'properties.previousInvoiceId'],
  ['InvoiceSectionId', 'properties.invoiceSectionId'],
  ['InvoiceSectionName', 'properties.invoiceSectionName'],
  ['CostCenter', 'properties.costCenter'],
  ['ResourceGroupName', 'properties.resourceGroup'],
  ['ReservationId', 'properties.reservationId'],
  ['ReservationName', 'properties.reservationName'],
  ['ProductOrderId', 'properties.productOrderId'],
  ['ProductOrderName', 'properties.productOrderName'],
  ['IsAzureCreditEligible', 'properties.isAzureCreditEligible'],
  ['Term', 'properties.term'],
  ['PublisherName', 'properties.publisherName'],
  ['PublisherId', 'properties.publisherId'],
  ['PublisherType', 'properties.publisherType'],
  ['ChargeType', 'properties.chargeType'],
  ['Frequency', 'properties.frequency'],
  ['PricingModel', 'properties.pricingModel'],
  ['EffectivePrice', 'properties.effectivePrice'],
  ['UnitPrice', 'properties.unitPrice'],
  ['PayGPrice', 'properties.payGPrice'],
  ['MarketPrice', 'properties.marketPrice'],
  ['CostInBillingCurrency', 'properties.costInBillingCurrency'],
  ['CostInPricingCurrency', 'properties.costInPricingCurrency'],
  ['CostInUsd', 'properties.costInUSD'],
  ['PaygCostInBillingCurrency', 'properties.paygCostInBillingCurrency'],
  ['PaygCostInUsd', 'properties.paygCostInUSD'],
  ['BillingCurrencyCode', 'properties.billingCurrencyCode'],
  ['PricingCurrencyCode', 'properties.pricingCurrencyCode'],
  ['ExchangeRatePricingToBilling', 'properties.exchangeRatePricingToBilling'],
  ['ExchangeRateDate', 'properties.exchangeRateDate'],
  ['CustomerTenantId', 'properties.customerTenantId'],
  ['CustomerName', 'properties.customerName'],
  ['PartnerTenantId', 'properties.partnerTenantId'],
  ['PartnerName', 'properties.partnerName'],
  ['ResellerMpnId', 'properties.resellerMpnId'],
  ['ResellerName', 'properties.resellerName'],
  ['BenefitId', 'properties.benefitId'],
  ['BenefitName', 'properties.benefitName'],
  ['CostAllocationRuleName', 'properties.costAllocationRuleName'],
];

/** Wire date-times ("2023-09-21T00:00:00.0000000Z") become the exports' day format. */
const DATE_HEADERS = new Set(['Date', 'BillingPeriodStartDate', 'BillingPeriodEndDate', 'ServicePeriodStartDate', 'ServicePeriodEndDate', 'ExchangeRateDate']);

export type UsageItem = { [key: string]: LosslessValue };

export function usageKindOf(item: UsageItem, where: string): UsageKind {
  const kind = item['kind'];
  if (kind === 'legacy' || kind === 'modern') return kind;
  throw new Error(`${where}: usage detail ${String(item['name'] ?? '?')} has kind ${JSON.stringify(kind)}, expected legacy or modern`);
}

function columns(kind: UsageKind): readonly Column[] {
  return kind === 'legacy' ? LEGACY : MODERN;
}

function at(item: UsageItem, path: string): LosslessValue | undefined {
  let cur: LosslessValue | undefined = item;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function cellText(header: string, value: LosslessValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'object') return JSON.stringify(value);
  if (DATE_HEADERS.has(header) && /^\d{4}-\d{2}-\d{2}T/.test(value)) return value.slice(0, 10);
  return value;
}

export function csvHeaderLine(kind: UsageKind): string {
  return `${columns(kind)
    .map(([h]) => h)
    .join(',')}\n`;
}

export function csvLine(kind: UsageKind, item: UsageItem): string {
  return `${columns(kind)
    .map(([header, path]) => csvField(cellText(header, at(item, path))))
    .join(',')}\n`;
}

/** The row's cost in the billing currency as the API sent it (text), for the period's version. */
export function billingCost(kind: UsageKind, item: UsageItem): { currency: string; cost: string } {
  const cost = at(item, kind === 'legacy' ? 'properties.cost' : 'properties.costInBillingCurrency');
  const currency = at(item, kind === 'legacy' ? 'properties.billingCurrency' : 'properties.billingCurrencyCode');
  return { currency: typeof currency === 'string' ? currency.toUpperCase() : '?', cost: typeof cost === 'string' ? cost : '0' };
}

/** Canonical text of an item (sorted keys) so a digest does not depend on the server's key order. */
export function canonicalItem(value: LosslessValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalItem).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalItem(value[k] ?? null)}`)
    .join(',')}}`;
}
