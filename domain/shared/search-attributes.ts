import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Typed search attributes: how ops find a run in the Web UI, e.g. `BcOrderId = 250` or
 * `BcSyncStatus = "NeedsAttention"`. Values are stored unencoded, so nothing sensitive goes here.
 */
export const BcStoreHash = defineSearchAttributeKey('BcStoreHash', SearchAttributeType.KEYWORD);
export const BcOrderId = defineSearchAttributeKey('BcOrderId', SearchAttributeType.INT);
export const BcSyncStatus = defineSearchAttributeKey('BcSyncStatus', SearchAttributeType.KEYWORD);
export const BcErrorType = defineSearchAttributeKey('BcErrorType', SearchAttributeType.KEYWORD);
export const BcErpId = defineSearchAttributeKey('BcErpId', SearchAttributeType.KEYWORD);
/** SKUs a run is about (inventory writes: at most 100 per run, the value's size limit). `BcSkus = "SKU-1"` finds them. */
export const BcSkus = defineSearchAttributeKey('BcSkus', SearchAttributeType.KEYWORD_LIST);

export const ALL_SEARCH_ATTRIBUTES = [BcStoreHash, BcOrderId, BcSyncStatus, BcErrorType, BcErpId, BcSkus] as const;

export type SyncStatus = 'Syncing' | 'Synced' | 'NeedsAttention';
