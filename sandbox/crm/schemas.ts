import { z } from 'zod';

/**
 * The request bodies the CRM sandbox accepts, written from HubSpot's CRM v3/v4 documentation
 * (its specs are proprietary and not copied; crm/spec/hubspot-crm.openapi.yaml is the same
 * contract as JSON Schema, for the conformance tests). Property values are strings in HubSpot;
 * numbers and booleans are taken and stored as their text, as HubSpot does.
 */
export const propertyValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
export const propertiesSchema = z.record(z.string().min(1), propertyValue);

export const BATCH_MAX = 100;

export const createObjectBody = z.object({ properties: propertiesSchema, associations: z.array(z.unknown()).optional() });

export const patchObjectBody = z.object({ properties: propertiesSchema });

export const batchUpsertBody = z.object({
  inputs: z
    .array(
      z.object({
        idProperty: z.string().min(1),
        id: z.string().min(1),
        properties: propertiesSchema,
        objectWriteTraceId: z.string().optional(),
      }),
    )
    .min(1),
});

export const batchReadBody = z.object({
  inputs: z.array(z.object({ id: z.string().min(1) })).min(1),
  properties: z.array(z.string()).default([]),
  propertiesWithHistory: z.array(z.string()).default([]),
  idProperty: z.string().optional(),
});

export const gdprDeleteBody = z.object({ objectId: z.string().min(1), idProperty: z.string().optional() });

export const batchAssociateBody = z.object({
  inputs: z.array(z.object({ from: z.object({ id: z.string().min(1) }), to: z.object({ id: z.string().min(1) }) })).min(1),
});
