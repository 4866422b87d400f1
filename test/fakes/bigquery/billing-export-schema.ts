/**
 * The Cloud Billing detailed usage cost export schema (standard export fields + `resource`, `price`), as Google
 * documents it, in the REST `TableFieldSchema` shape. The fake types its f/v rows by it.
 */
export interface FakeField {
  name: string;
  type: string;
  mode?: 'NULLABLE' | 'REPEATED' | 'REQUIRED';
  fields?: FakeField[];
}

const str = (name: string): FakeField => ({ name, type: 'STRING', mode: 'NULLABLE' });
const keyValues = (name: string): FakeField => ({ name, type: 'RECORD', mode: 'REPEATED', fields: [str('key'), str('value')] });

export const BILLING_EXPORT_SCHEMA: FakeField[] = [
  str('billing_account_id'),
  { name: 'service', type: 'RECORD', mode: 'NULLABLE', fields: [str('id'), str('description')] },
  { name: 'sku', type: 'RECORD', mode: 'NULLABLE', fields: [str('id'), str('description')] },
  { name: 'usage_start_time', type: 'TIMESTAMP', mode: 'NULLABLE' },
  { name: 'usage_end_time', type: 'TIMESTAMP', mode: 'NULLABLE' },
  {
    name: 'project',
    type: 'RECORD',
    mode: 'NULLABLE',
    fields: [str('id'), str('number'), str('name'), keyValues('labels'), str('ancestry_numbers')],
  },
  keyValues('labels'),
  keyValues('system_labels'),
  { name: 'location', type: 'RECORD', mode: 'NULLABLE', fields: [str('location'), str('country'), str('region'), str('zone')] },
  { name: 'resource', type: 'RECORD', mode: 'NULLABLE', fields: [str('name'), str('global_name')] },
  {
    name: 'price',
    type: 'RECORD',
    mode: 'NULLABLE',
    fields: [
      { name: 'effective_price', type: 'NUMERIC', mode: 'NULLABLE' },
      { name: 'tier_start_amount', type: 'NUMERIC', mode: 'NULLABLE' },
      str('unit'),
      { name: 'pricing_unit_quantity', type: 'NUMERIC', mode: 'NULLABLE' },
    ],
  },
  { name: 'export_time', type: 'TIMESTAMP', mode: 'NULLABLE' },
  { name: 'cost', type: 'FLOAT', mode: 'NULLABLE' },
  str('currency'),
  { name: 'currency_conversion_rate', type: 'FLOAT', mode: 'NULLABLE' },
  {
    name: 'usage',
    type: 'RECORD',
    mode: 'NULLABLE',
    fields: [{ name: 'amount', type: 'FLOAT', mode: 'NULLABLE' }, str('unit'), { name: 'amount_in_pricing_units', type: 'FLOAT', mode: 'NULLABLE' }, str('pricing_unit')],
  },
  {
    name: 'credits',
    type: 'RECORD',
    mode: 'REPEATED',
    fields: [str('name'), { name: 'amount', type: 'FLOAT', mode: 'NULLABLE' }, str('full_name'), str('id'), str('type')],
  },
  { name: 'invoice', type: 'RECORD', mode: 'NULLABLE', fields: [str('month'), str('publisher_type')] },
  str('cost_type'),
  { name: 'adjustment_info', type: 'RECORD', mode: 'NULLABLE', fields: [str('id'), str('description'), str('mode'), str('type')] },
  { name: 'cost_at_list', type: 'FLOAT', mode: 'NULLABLE' },
];
