import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { fetchOne } from './fetch';
import { type ReplayDeps, type ReplayOutcome, replayHistories } from './replay';
import { type Faker, type ScrubReport, scrubHistory } from './scrub';

export interface ExportedHistory {
  workflowId: string;
  runId?: string;
  /** The file's text: proto JSON, as test/histories holds it. */
  json: string;
  /** With scrubbing: what was decoded and replaced. */
  scrub?: ScrubReport;
  /** The export replayed against the code at hand (unless not asked). */
  replay?: ReplayOutcome;
  /** With scrubbing, when the export does not replay: the original's replay, to tell whose fault it is. */
  originalReplay?: ReplayOutcome;
}

/**
 * One run's history as a file for the replay test set. As Temporal stores it (payloads encrypted
 * with the payload keys), or scrubbed: decoded, personal data replaced by fakes, written in clear.
 * With `verify`, the export is replayed against the workflow code; a scrubbed export that does not
 * replay while the original does is refused (ScrubBrokeReplayError): the scrub changed a value the
 * workflow decides on.
 */
export async function exportHistory(
  client: Client,
  workflowId: string,
  opts: { runId?: string; scrub: boolean; dataConverter: DataConverter; verify?: Pick<ReplayDeps, 'workflowBundle'>; faker?: Faker },
): Promise<ExportedHistory> {
  const fetched = await fetchOne(client, workflowId, opts.runId);
  if ('error' in fetched) throw fetched.error;
  const original = historyToJSON(fetched.history);
  const replay = async (history: unknown): Promise<ReplayOutcome | undefined> => {
    if (!opts.verify) return undefined;
    const items = [{ workflowId, runId: fetched.runId, workflowType: fetched.workflowType, history: historyFromJSON(history) }];
    for await (const outcome of replayHistories(items, { workflowBundle: opts.verify.workflowBundle, dataConverter: opts.dataConverter })) return outcome;
    return undefined;
  };
  if (!opts.scrub) return { workflowId, runId: fetched.runId, json: original, replay: await replay(JSON.parse(original)) };

  const { history, report } = await scrubHistory(JSON.parse(original), opts.dataConverter.payloadCodecs ?? [], opts.faker);
  const json = JSON.stringify(history, null, 2);
  const scrubbed = await replay(history);
  if (!scrubbed || scrubbed.status === 'ok') return { workflowId, runId: fetched.runId, json, scrub: report, replay: scrubbed };
  const before = await replay(JSON.parse(original));
  const same = before && before.status === scrubbed.status && before.divergence?.eventId === scrubbed.divergence?.eventId;
  if (!same) throw new ScrubBrokeReplayError(workflowId, scrubbed, before);
  return { workflowId, runId: fetched.runId, json, scrub: report, replay: scrubbed, originalReplay: before };
}

export class ScrubBrokeReplayError extends Error {
  constructor(
    workflowId: string,
    readonly scrubbed: ReplayOutcome,
    readonly original: ReplayOutcome | undefined,
  ) {
    super(
      `${workflowId}: the scrubbed history does not replay (${scrubbed.status}${scrubbed.divergence?.eventId !== undefined ? ` at event ${scrubbed.divergence.eventId}` : ''}) while the original ${
        original?.status === 'ok' ? 'does' : `ends otherwise (${original?.status ?? 'not replayed'})`
      }: the scrub changed a value the workflow decides on (e.g. a fingerprint carried into a continued run). Nothing written; export it without --scrub (encrypted) instead.`,
    );
    this.name = 'ScrubBrokeReplayError';
  }
}
