/** How a sender's signed deliveries are checked: `log` verifies and counts failures without refusing. */
export const SIGNATURE_MODES = ['off', 'log', 'enforce'] as const;
export type SignatureMode = (typeof SIGNATURE_MODES)[number];
