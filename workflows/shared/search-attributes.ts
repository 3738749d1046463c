import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';

/**
 * Sets the attributes a run is found by (its store, its order) when it was started without them:
 * normally they are set at start, which is free, while an upsert is a billed action. `probe` is the
 * one whose absence says they are missing.
 */
export function ensureSearchAttributes(probe: SearchAttributeUpdatePair['key'], pairs: SearchAttributeUpdatePair[]): void {
  if (!workflowInfo().typedSearchAttributes.get(probe)) upsertSearchAttributes(pairs);
}

/**
 * Publishes what ops filter on (status, error type, ERP id, ...) only when it changed: each upsert
 * is a billed action. `toPairs` turns what is shown into the attributes to upsert; `shown` is what
 * the run already shows (a run carried over by continue-as-new), nothing by default.
 */
export function searchAttributePublisher<T>(toPairs: (next: T) => SearchAttributeUpdatePair[], shown?: T): (next: T) => void {
  let shownKey = shown === undefined ? '' : JSON.stringify(shown);
  return (next) => {
    const key = JSON.stringify(next);
    if (key === shownKey) return;
    upsertSearchAttributes(toPairs(next));
    shownKey = key;
  };
}
