/**
 * Loose JSON as the sandbox's tests read it from the doubles' answers, webhook deliveries and
 * /__sandbox controls, field by field: a schema for every answer would only repeat the doubles' own
 * (which the conformance tests check against the providers' specs). The one `any` of the sandbox's
 * tests, so no file declares its own.
 */
// biome-ignore lint/suspicious/noExplicitAny: loose JSON read field by field in tests (see above)
export type Json = any;
