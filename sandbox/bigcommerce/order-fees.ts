import { z } from 'zod';
import { moneyInput, parseMoneyInput, v2Money } from './format';
import type { SandboxFee, SandboxOrder } from './state';

/**
 * Order fees (orders.v2.oas2.yml: orderFees_Post, orderFees_Put, orderFees_Resp): order-level
 * charges such as package protection, part of the order's total and tax. Created with the order
 * (POST /v2/orders `fees`) and replaced whole by PUT (fees left out are deleted, fees with an id
 * updated, fees without one created). Read with `include=fees` or GET /v2/orders/{id}/fees.
 */
const feeFields = {
  type: z.literal('custom_fee').default('custom_fee'),
  display_name_customer: z.string().max(255).optional(),
  display_name_merchant: z.string().max(255).optional(),
  source: z.string().max(255).default('v2'),
  cost_ex_tax: moneyInput.optional(),
  cost_inc_tax: moneyInput.optional(),
  cost_tax: moneyInput.optional(),
  tax_class_id: z.number().int().nonnegative().nullable().optional(),
};

const checks = <T extends { display_name_customer?: string; display_name_merchant?: string; cost_ex_tax?: unknown; cost_inc_tax?: unknown; cost_tax?: unknown }>(s: z.ZodType<T>) =>
  s
    .refine((f) => f.display_name_customer !== undefined || f.display_name_merchant !== undefined, {
      message: 'At least one of display_name_customer, display_name_merchant must be included',
      path: ['display_name_customer'],
    })
    .refine((f) => [f.cost_ex_tax, f.cost_inc_tax, f.cost_tax].filter((v) => v !== undefined).length >= 2, {
      message: 'At least two of cost_ex_tax, cost_inc_tax and cost_tax must be included',
      path: ['cost_ex_tax'],
    });

export const feePostSchema = checks(z.strictObject(feeFields));
export const feePutSchema = checks(z.strictObject({ id: z.number().int().positive().optional(), ...feeFields }));

type FeeInput = z.infer<typeof feePutSchema>;

/** The two given amounts decide the third. */
function feeAmounts(f: FeeInput): { ex: number; inc: number } {
  const ex = f.cost_ex_tax !== undefined ? parseMoneyInput(f.cost_ex_tax) : undefined;
  const inc = f.cost_inc_tax !== undefined ? parseMoneyInput(f.cost_inc_tax) : undefined;
  const tax = f.cost_tax !== undefined ? parseMoneyInput(f.cost_tax) : undefined;
  if (ex !== undefined && inc !== undefined) return { ex, inc };
  if (ex !== undefined) return { ex, inc: ex + tax! };
  return { ex: inc! - tax!, inc: inc! };
}

/** Request fees -> stored fees; ids kept when given (PUT), new ones numbered after the order's highest. */
export function feesFrom(inputs: FeeInput[], existing: SandboxFee[] = []): SandboxFee[] {
  let next = Math.max(0, ...existing.map((f) => f.id)) + 1;
  return inputs.map((f) => {
    const { ex, inc } = feeAmounts(f);
    const name = f.display_name_merchant ?? f.display_name_customer ?? '';
    return {
      id: f.id ?? next++,
      type: 'custom_fee',
      displayNameCustomer: f.display_name_customer ?? name,
      displayNameMerchant: name,
      source: f.source,
      costExUnits: ex,
      costIncUnits: inc,
      taxClassId: f.tax_class_id ?? null,
      refundedUnits: existing.find((e) => e.id === f.id)?.refundedUnits ?? 0,
    };
  });
}

/** orderFees_Resp */
export const serializeFee = (f: SandboxFee) => ({
  id: f.id,
  type: f.type,
  display_name_customer: f.displayNameCustomer,
  display_name_merchant: f.displayNameMerchant,
  source: f.source,
  base_cost: v2Money(f.costExUnits),
  cost_ex_tax: v2Money(f.costExUnits),
  cost_inc_tax: v2Money(f.costIncUnits),
  cost_tax: v2Money(f.costIncUnits - f.costExUnits),
  tax_class_id: f.taxClassId,
});

export const feesOf = (o: SandboxOrder): SandboxFee[] => o.fees ?? [];
