import { z } from 'zod';

/**
 * The request bodies the marketing sandbox accepts, after Klaviyo's specs (events.json,
 * profiles.json, revision 2026-07-15) and, for the deletion job, its reference page. Objects are
 * strict: Klaviyo refuses a field it does not know ("'x' is not a valid field for the resource
 * 'profile'"), and so does the sandbox, which is how a `subscriptions` attribute slipped into a
 * profile import (consent without a consent call) is caught.
 */
const nstr = z.string().nullable().optional();
const coordinate = z.union([z.string(), z.number()]).nullable().optional();
const record = z.record(z.string(), z.unknown());

export const locationSchema = z.strictObject({
  address1: nstr,
  address2: nstr,
  city: nstr,
  country: nstr,
  latitude: coordinate,
  longitude: coordinate,
  region: nstr,
  zip: nstr,
  timezone: nstr,
  ip: nstr,
});

const profileAttributeShape = {
  email: nstr,
  phone_number: nstr,
  external_id: nstr,
  _kx: nstr,
  first_name: nstr,
  last_name: nstr,
  organization: nstr,
  locale: nstr,
  title: nstr,
  image: nstr,
  location: locationSchema.optional(),
  properties: record.nullable().optional(),
};

export const profileMetaSchema = z.strictObject({
  patch_properties: z
    .strictObject({
      append: record.nullable().optional(),
      unappend: record.nullable().optional(),
      unset: z
        .union([z.string(), z.array(z.string())])
        .nullable()
        .optional(),
    })
    .optional(),
  patch_identifiers: z.strictObject({ append: record.optional(), unappend: record.optional() }).optional(),
});

export const profileAttributesSchema = z.strictObject(profileAttributeShape);
export type ProfileAttributes = z.infer<typeof profileAttributesSchema>;
export type ProfileMeta = z.infer<typeof profileMetaSchema>;

/** POST /api/profile-import (ProfileUpsertQuery). */
export const profileImportBody = z.strictObject({
  data: z.strictObject({ type: z.literal('profile'), id: z.string().nullable().optional(), attributes: profileAttributesSchema, meta: profileMetaSchema.optional() }),
});

/** POST /api/profiles (ProfileCreateQuery). */
export const createProfileBody = z.strictObject({
  data: z.strictObject({ type: z.literal('profile'), attributes: profileAttributesSchema, meta: profileMetaSchema.optional() }),
});

/** PATCH /api/profiles/{id} (ProfilePartialUpdateQuery). */
export const patchProfileBody = z.strictObject({
  data: z.strictObject({ type: z.literal('profile'), id: z.string(), attributes: profileAttributesSchema, meta: profileMetaSchema.optional() }),
});

/** POST /api/events (EventCreateQueryV2). */
export const createEventBody = z.strictObject({
  data: z.strictObject({
    type: z.literal('event'),
    attributes: z.strictObject({
      properties: record,
      time: z.iso.datetime({ offset: true }).nullable().optional(),
      value: z.number().nullable().optional(),
      value_currency: nstr,
      unique_id: nstr,
      backfill: z.boolean().nullable().optional(),
      metric: z.strictObject({
        data: z.strictObject({ type: z.literal('metric'), attributes: z.strictObject({ name: z.string().min(1), service: nstr }) }),
      }),
      profile: z.strictObject({
        data: z.strictObject({
          type: z.literal('profile'),
          id: nstr,
          attributes: z.strictObject({ ...profileAttributeShape, anonymous_id: nstr, meta: profileMetaSchema.optional() }),
        }),
      }),
    }),
  }),
});

const subscribed = z.strictObject({ consent: z.literal('SUBSCRIBED'), consented_at: z.iso.datetime({ offset: true }).nullable().optional() });
const unsubscribed = z.strictObject({ consent: z.literal('UNSUBSCRIBED') });
const listRelationship = z.strictObject({ list: z.strictObject({ data: z.strictObject({ type: z.literal('list'), id: z.string() }).optional() }).optional() }).optional();

/** POST /api/profile-subscription-bulk-create-jobs (SubscriptionCreateJobCreateQuery); push is not simulated. */
export const subscribeJobBody = z.strictObject({
  data: z.strictObject({
    type: z.literal('profile-subscription-bulk-create-job'),
    attributes: z.strictObject({
      custom_source: nstr,
      profiles: z.strictObject({
        data: z.array(
          z.strictObject({
            type: z.literal('profile'),
            id: nstr,
            attributes: z.strictObject({
              email: nstr,
              phone_number: nstr,
              subscriptions: z.strictObject({
                email: z.strictObject({ marketing: subscribed.optional(), open_tracking: z.strictObject({ consent: z.literal('SUBSCRIBED') }).optional() }).optional(),
                sms: z.strictObject({ marketing: subscribed.optional(), transactional: subscribed.optional() }).optional(),
                whatsapp: z.strictObject({ marketing: subscribed.optional(), transactional: subscribed.optional() }).optional(),
              }),
              age_gated_date_of_birth: z.iso.date().nullable().optional(),
            }),
          }),
        ),
      }),
      historical_import: z.boolean().nullable().optional(),
    }),
    relationships: listRelationship,
  }),
});

/** POST /api/profile-subscription-bulk-delete-jobs (SubscriptionDeleteJobCreateQuery); push is not simulated. */
export const unsubscribeJobBody = z.strictObject({
  data: z.strictObject({
    type: z.literal('profile-subscription-bulk-delete-job'),
    attributes: z.strictObject({
      profiles: z.strictObject({
        data: z.array(
          z.strictObject({
            type: z.literal('profile'),
            attributes: z.strictObject({
              email: nstr,
              phone_number: nstr,
              subscriptions: z.strictObject({
                email: z.strictObject({ marketing: unsubscribed.optional(), open_tracking: unsubscribed.optional() }).optional(),
                sms: z.strictObject({ marketing: unsubscribed.optional(), transactional: unsubscribed.optional() }).optional(),
                whatsapp: z.strictObject({ marketing: unsubscribed.optional(), transactional: unsubscribed.optional(), conversational: unsubscribed.optional() }).optional(),
              }),
            }),
          }),
        ),
      }),
    }),
    relationships: listRelationship,
  }),
});

/**
 * POST /api/data-privacy-deletion-jobs (request_profile_deletion). Its spec file is not among the
 * kept slices; this follows the reference page: exactly one of `email`, `phone_number` or the
 * profile's `id` (checked by the route, to answer Klaviyo's error).
 */
export const deletionJobBody = z.strictObject({
  data: z.strictObject({
    type: z.literal('data-privacy-deletion-job'),
    attributes: z.strictObject({
      profile: z.strictObject({
        data: z.strictObject({
          type: z.literal('profile'),
          id: nstr,
          attributes: z.strictObject({ email: nstr, phone_number: nstr }).optional(),
        }),
      }),
    }),
  }),
});
