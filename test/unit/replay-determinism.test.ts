import { readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { determinismSentence, eventTypeName, parseDeterminismMessage } from '../../cli/replay/determinism';
import { countOutcomes, gatePasses, outcomeLines, summaryLine } from '../../cli/replay/report';

/**
 * `bcsync replay` takes the SDK's determinism error apart: the event, what the history holds there
 * and what the code did. The messages are the SDK's (its Rust core's sentences, in the wrapper the
 * Node SDK puts around them, as a replay printed them); the history is a recorded one, so the event
 * and command the SDK leaves out are found where they really are.
 */
const HISTORY_JSON = JSON.parse(readFileSync(path.resolve(__dirname, '../histories/encrypted/order-sync-v3-created-paid-shipped-sdk-1.24.0.json'), 'utf8')) as {
  events: Array<Record<string, unknown> & { eventId: string; eventType: string }>;
};
const history = historyFromJSON(HISTORY_JSON);

/** The Node SDK's wrapping of a core sentence, as DeterminismViolationError.message has it. */
const sdkMessage = (sentence: string) =>
  'Replay failed with a nondeterminism error. This means that the workflow code as written is not compatible with the history that was fed in. ' +
  `Details: Workflow activation completion failed: Failure { failure: Some(Failure { message: "[TMPRL1100] Nondeterminism error: ${sentence.replace(/"/g, '\\"')}", source: "", stack_trace: "", encoded_attributes: None, cause: None, failure_info: Some(ApplicationFailureInfo(ApplicationFailureInfo { r#type: "", non_retryable: false, details: None, next_retry_delay: None, category: Unspecified })) }), force_cause: NonDeterministicError }`;

/** What the recorded history holds, read straight from its JSON (not through the code under test). */
const eventOf = (id: number) => HISTORY_JSON.events.find((e) => Number(e.eventId) === id)!;
const firstEventOfType = (type: string) => Number(HISTORY_JSON.events.find((e) => e.eventType === type)!.eventId);
const activityName = (id: number) => (eventOf(id).activityTaskScheduledEventAttributes as { activityType: { name: string } }).activityType.name;
const patchEvent = Number(
  HISTORY_JSON.events.find((e) => {
    const details = (e.markerRecordedEventAttributes as { details?: Record<string, { payloads: Array<{ data: string }> }> } | undefined)?.details;
    return details?.['patch-data']?.payloads[0] && JSON.parse(Buffer.from(details['patch-data'].payloads[0].data, 'base64').toString()).id === 'order-v3';
  })!.eventId,
);

describe('the determinism error, taken apart', () => {
  it('a command of another kind than the history has: the event, its command, and the command the code issued', () => {
    const sentence = 'Timer machine does not handle this event: HistoryEvent(id: 7, UpsertWorkflowSearchAttributes)';
    expect(eventOf(7).eventType).toBe('EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES');
    expect(parseDeterminismMessage(sdkMessage(sentence), history)).toEqual({
      eventId: 7,
      expected: 'UpsertWorkflowSearchAttributes',
      actual: 'StartTimer',
      detail: sentence,
    });
  });

  it('an activity where the history has one: the activity type named from the history', () => {
    const scheduled = firstEventOfType('EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');
    const d = parseDeterminismMessage(sdkMessage(`Timer machine does not handle this event: HistoryEvent(id: ${scheduled}, ActivityTaskScheduled)`), history);
    expect(d).toMatchObject({ eventId: scheduled, expected: `ScheduleActivityTask ${activityName(scheduled)}`, actual: 'StartTimer' });
    expect(activityName(scheduled)).toBe('fetchOrderSnapshot');
  });

  it('a step removed: no command where the history has one', () => {
    const scheduled = firstEventOfType('EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');
    const d = parseDeterminismMessage(sdkMessage(`No command scheduled for event HistoryEvent(id: ${scheduled}, ActivityTaskScheduled)`), history);
    expect(d).toMatchObject({ eventId: scheduled, expected: 'ScheduleActivityTask fetchOrderSnapshot', actual: 'nothing: the code issued no command there' });
  });

  it('a patch the code no longer calls: the marker event found in the history (the SDK names none)', () => {
    const sentence = 'Non-deprecated patch marker encountered for change order-v3, but there is no corresponding change command!';
    expect(eventOf(patchEvent).eventType).toBe('EVENT_TYPE_MARKER_RECORDED');
    expect(parseDeterminismMessage(sdkMessage(sentence), history)).toEqual({
      eventId: patchEvent,
      expected: "patched('order-v3') marker",
      actual: "no patched('order-v3') call at that point",
      detail: sentence,
    });
    // Another patch id than the history's: expected the recorded one, got the code's.
    expect(parseDeterminismMessage(sdkMessage('Change id order-v3 does not match expected id order-v4'), history)).toMatchObject({
      eventId: patchEvent,
      expected: "patched('order-v3') marker",
      actual: "patched('order-v4')",
    });
  });

  it('another activity type at the same place: both types; the event when only one of that type was scheduled', () => {
    const writeBack = HISTORY_JSON.events.find(
      (e) => (e.activityTaskScheduledEventAttributes as { activityType?: { name: string } } | undefined)?.activityType?.name === 'writeBackErpId',
    )!;
    const once = parseDeterminismMessage(
      sdkMessage("Activity type of scheduled event 'writeBackErpId' does not match activity type of activity command 'writeBackErpIdV2'"),
      history,
    );
    expect(once).toMatchObject({ eventId: Number(writeBack.eventId), expected: 'ScheduleActivityTask writeBackErpId', actual: 'ScheduleActivityTask writeBackErpIdV2' });
    // fetchOrderSnapshot was scheduled twice: the SDK does not say which, so no event is guessed.
    const twice = parseDeterminismMessage(
      sdkMessage("Activity type of scheduled event 'fetchOrderSnapshot' does not match activity type of activity command 'fetchOrder'"),
      history,
    );
    expect(twice.eventId).toBeUndefined();
    expect(twice).toMatchObject({ expected: 'ScheduleActivityTask fetchOrderSnapshot', actual: 'ScheduleActivityTask fetchOrder' });
  });

  it("a machine printing the event's Debug form (event_type as a number) still gives the event", () => {
    const scheduled = firstEventOfType('EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');
    const debug = `Child workflow machine does not handle this event: HistoryEvent { event_id: ${scheduled}, event_time: Some(Timestamp { seconds: 1, nanos: 2 }), event_type: 10, version: 0 }`;
    expect(eventTypeName(10)).toBe('ActivityTaskScheduled');
    expect(parseDeterminismMessage(sdkMessage(debug), history)).toMatchObject({
      eventId: scheduled,
      expected: 'ScheduleActivityTask fetchOrderSnapshot',
      actual: 'StartChildWorkflowExecution',
    });
  });

  it('without the history, what the message itself says; an unknown sentence is kept as it is', () => {
    expect(parseDeterminismMessage(sdkMessage('Activity machine does not handle this event: HistoryEvent(id: 12, TimerStarted)'))).toEqual({
      eventId: 12,
      expected: 'StartTimer',
      actual: 'ScheduleActivityTask',
      detail: 'Activity machine does not handle this event: HistoryEvent(id: 12, TimerStarted)',
    });
    expect(parseDeterminismMessage(sdkMessage('Something "new" happened'))).toEqual({ detail: 'Something "new" happened' });
    expect(determinismSentence('no wrapper at all')).toBe('no wrapper at all');
  });
});

describe('the report', () => {
  const outcomes = [
    { workflowId: 'order:s:1', runId: 'r1', workflowType: 'orderSync', status: 'ok' as const },
    {
      workflowId: 'order:s:2',
      runId: 'r2',
      workflowType: 'orderSync',
      status: 'nondeterministic' as const,
      divergence: { eventId: 7, expected: 'UpsertWorkflowSearchAttributes', actual: 'StartTimer', detail: 'Timer machine does not handle this event: ...' },
    },
    { workflowId: 'order:s:3', status: 'failed' as const, message: 'could not fetch its history: not found' },
  ];

  it('one line per run (two for a non-deterministic one), then the summary line', () => {
    expect(outcomes.flatMap(outcomeLines)).toEqual([
      'order:s:1 (orderSync, run r1) ok',
      'order:s:2 (orderSync, run r2) non-deterministic at event 7: expected UpsertWorkflowSearchAttributes, got StartTimer',
      '    Timer machine does not handle this event: ...',
      'order:s:3 failed: could not fetch its history: not found',
    ]);
    const counts = countOutcomes(outcomes);
    expect(summaryLine(counts)).toBe('replay: histories=3 ok=1 nondeterministic=1 failed=1');
  });

  it('the gate passes only when every history replayed, and not when there was none', () => {
    expect(gatePasses(countOutcomes(outcomes))).toBe(false);
    expect(gatePasses(countOutcomes([outcomes[0]!]))).toBe(true);
    expect(gatePasses(countOutcomes([]))).toBe(false);
  });
});
