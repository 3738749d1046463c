import { temporal } from '@temporalio/proto';

const T = temporal.api.enums.v1.EventType;

export type ActionBreakdown = Record<string, number>;

/**
 * Temporal Cloud billable actions of one run, counted from its history by the rules on
 * https://docs.temporal.io/cloud/actions (2026):
 * - workflow started (client start, continue-as-new): 1; a signal-with-start is 1 in total, so the
 *   signal delivered with the start is not counted again;
 * - every signal received: 1; every accepted update: 1;
 * - every activity attempt (started or retried): 1 (the history keeps the last attempt's number);
 * - every timer: 1; every search-attribute upsert: 1 (attributes given at start are free, and so is
 *   the TemporalChangeVersion attribute a patch sets);
 * - markers: patch (versioning) markers are exempt; other markers count 1 per workflow task;
 * - child workflow: 2; signal to another workflow: 1.
 * Queries and heartbeats are billed but are not in the history; none are used here.
 */
export function billableActions(history: temporal.api.history.v1.IHistory): ActionBreakdown {
  const out: ActionBreakdown = {};
  const add = (kind: string, n = 1) => (out[kind] = (out[kind] ?? 0) + n);
  const events = history.events ?? [];
  const markerTasks = new Set<number>();
  events.forEach((e, i) => {
    switch (e.eventType) {
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        add('workflow started');
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        // Signal-with-start: the signal lands right after the start event, in the same request.
        if (!(i === 1 && events[0]?.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)) add('signal');
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        add('activity attempt', Math.max(1, e.activityTaskStartedEventAttributes?.attempt ?? 1));
        break;
      case T.EVENT_TYPE_TIMER_STARTED:
        add('timer');
        break;
      case T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        // The versioning attribute a patch sets (TemporalChangeVersion) is exempt.
        const fields = Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
        if (fields.length > 0 && fields.every((f) => f === 'TemporalChangeVersion')) break;
        add('search attribute upsert');
        break;
      }
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        add('update');
        break;
      case T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        add('child workflow', 2);
        break;
      case T.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        add('signal');
        break;
      case T.EVENT_TYPE_MARKER_RECORDED: {
        const name = e.markerRecordedEventAttributes?.markerName ?? '';
        if (name === 'core_patch' || name === 'Version') break;
        const task = Number(e.markerRecordedEventAttributes?.workflowTaskCompletedEventId ?? i);
        if (!markerTasks.has(task)) {
          markerTasks.add(task);
          add('marker');
        }
        break;
      }
      default:
        break;
    }
  });
  return out;
}

export const total = (b: ActionBreakdown): number => Object.values(b).reduce((a, n) => a + n, 0);
