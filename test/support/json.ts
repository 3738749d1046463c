/**
 * Loose JSON as tests and benches read it from the sandboxes and from recorded answers, field by
 * field: a schema for every answer would only repeat the connectors' own (which the conformance and
 * connector tests check). The one `any` of tests and benches, so no file declares its own.
 */
// biome-ignore lint/suspicious/noExplicitAny: loose JSON read field by field in tests and benches (see above)
export type Json = any;
