import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';

/**
 * What a determinism error says, taken apart: where the code at hand stopped agreeing with the
 * history (the event id), what the history recorded there (as the command the code would have to
 * issue) and what the code issued instead. The SDK reports it as one sentence of its Rust core
 * (`[TMPRL1100] Nondeterminism error: ...`) inside a longer message; the sentences below are those
 * of the SDK version in package.json. A sentence not known here is reported as it is.
 */
export interface Divergence {
  /** The history event the code disagreed with; absent when neither the SDK nor the history says. */
  eventId?: number;
  /** What the history holds there, as a command (e.g. `ScheduleActivityTask fetchOrder`). */
  expected?: string;
  /** What the code at hand did instead. */
  actual?: string;
  /** The SDK's own sentence. */
  detail: string;
}

type Event = NonNullable<History['events']>[number];

/** The command a workflow issues that a history event of this type records. */
const COMMAND_OF_EVENT: Record<string, string> = {
  ActivityTaskScheduled: 'ScheduleActivityTask',
  ActivityTaskCancelRequested: 'RequestCancelActivityTask',
  TimerStarted: 'StartTimer',
  TimerCanceled: 'CancelTimer',
  MarkerRecorded: 'RecordMarker',
  StartChildWorkflowExecutionInitiated: 'StartChildWorkflowExecution',
  SignalExternalWorkflowExecutionInitiated: 'SignalExternalWorkflowExecution',
  RequestCancelExternalWorkflowExecutionInitiated: 'RequestCancelExternalWorkflowExecution',
  UpsertWorkflowSearchAttributes: 'UpsertWorkflowSearchAttributes',
  WorkflowPropertiesModified: 'ModifyWorkflowProperties',
  WorkflowExecutionCompleted: 'CompleteWorkflowExecution',
  WorkflowExecutionFailed: 'FailWorkflowExecution',
  WorkflowExecutionCanceled: 'CancelWorkflowExecution',
  WorkflowExecutionContinuedAsNew: 'ContinueAsNewWorkflowExecution',
  NexusOperationScheduled: 'ScheduleNexusOperation',
  WorkflowExecutionUpdateAccepted: 'an update acceptance',
  WorkflowExecutionUpdateCompleted: 'an update completion',
};

/** The command behind each of the core's state machines, by the name its messages give it. */
const COMMAND_OF_MACHINE: Record<string, string> = {
  Timer: 'StartTimer',
  Activity: 'ScheduleActivityTask',
  'Local activity': 'a local activity',
  'Child workflow': 'StartChildWorkflowExecution',
  'Signal external WF': 'SignalExternalWorkflowExecution',
  'Cancel external WF': 'RequestCancelExternalWorkflowExecution',
  'Complete workflow': 'CompleteWorkflowExecution',
  'Fail workflow': 'FailWorkflowExecution',
  'Continue as new workflow': 'ContinueAsNewWorkflowExecution',
  'Cancel workflow': 'CancelWorkflowExecution',
  Update: 'an update response',
  'Nexus operation': 'ScheduleNexusOperation',
  Change: 'a patched() marker',
  UpsertWorkflowSearchAttributesMachine: 'UpsertWorkflowSearchAttributes',
  ModifyWorkflowPropertiesMachine: 'ModifyWorkflowProperties',
};

/** `EVENT_TYPE_ACTIVITY_TASK_SCHEDULED` (proto JSON) or 10 (proto) -> `ActivityTaskScheduled` (the core's name). */
export function eventTypeName(type: unknown): string {
  const text = typeof type === 'number' ? temporal.api.enums.v1.EventType[type] : String(type ?? '');
  if (!text?.startsWith('EVENT_TYPE_')) return text ?? '';
  return text
    .slice('EVENT_TYPE_'.length)
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/** The SDK's sentence out of the replay error's message (a Rust Debug string, quotes escaped). */
export function determinismSentence(message: string): string {
  const quoted = /\[TMPRL1100\] Nondeterminism error: ((?:[^"\\]|\\.)*)"/.exec(message);
  if (quoted) return quoted[1]!.replace(/\\(.)/g, '$1');
  const bare = /Nondeterminism error: (.*)$/s.exec(message);
  if (bare) return bare[1]!.trim();
  const details = /Details: (.*)$/s.exec(message);
  return (details ? details[1]! : message).trim();
}

/** Parses the SDK's determinism error message; with the history, names the event and commands the SDK leaves out. */
export function parseDeterminismMessage(message: string, history?: History): Divergence {
  const detail = determinismSentence(message);
  const events = history?.events ?? [];
  const byId = (id: number) => events.find((e) => eventIdOf(e) === id);
  const fromEvent = (id: number, type: string): Divergence => {
    const event = byId(id);
    return { eventId: id, expected: event ? describeEvent(event) : (COMMAND_OF_EVENT[type] ?? type), detail };
  };

  // `<Machine> machine does not handle this event: HistoryEvent(id: 6, UpsertWorkflowSearchAttributes)`
  // (some machines print the event's Debug form: `HistoryEvent { event_id: 6, ..., event_type: 11, ... }`).
  let m = /^(.+?)(?: machine)? (?:does not handle this event|cannot handle this event|does not handle)[: ]\s*(.*)$/s.exec(detail);
  if (m) {
    const event = parseEventText(m[2]!);
    const actual = COMMAND_OF_MACHINE[m[1]!.trim()] ?? `${m[1]!.trim()} (its command)`;
    if (event) return { ...fromEvent(event.id, event.type), actual };
    return { actual, detail };
  }
  m = /^No command scheduled for event (.*)$/s.exec(detail);
  if (m) {
    const event = parseEventText(m[1]!);
    const actual = 'nothing: the code issued no command there';
    return event ? { ...fromEvent(event.id, event.type), actual } : { actual, detail };
  }
  m = /^Non-deprecated patch marker encountered for change (.+), but there is no corresponding change command!$/s.exec(detail);
  if (m) {
    const patch = m[1]!;
    return { eventId: patchMarkerEvent(events, patch), expected: `patched('${patch}') marker`, actual: `no patched('${patch}') call at that point`, detail };
  }
  m = /^Change id (.+) does not match expected id (.+)$/s.exec(detail);
  if (m) return { eventId: patchMarkerEvent(events, m[1]!), expected: `patched('${m[1]}') marker`, actual: `patched('${m[2]}')`, detail };
  m = /^Activity (id|type) of scheduled event '(.*)' does not match activity \1 of activity command '(.*)'$/s.exec(detail);
  if (m) {
    const [, what, recorded, issued] = m as unknown as [string, 'id' | 'type', string, string];
    const eventId = uniqueEvent(events, (e) => {
      const a = e.activityTaskScheduledEventAttributes;
      return !!a && (what === 'id' ? a.activityId === recorded : a.activityType?.name === recorded);
    });
    const label = (v: string) => (what === 'id' ? `ScheduleActivityTask (activity id ${v})` : `ScheduleActivityTask ${v}`);
    return { eventId, expected: label(recorded), actual: label(issued), detail };
  }
  m = /^Activity (id|type) of recorded marker '(.*)' does not match activity \1 of local activity command '(.*)'$/s.exec(detail);
  if (m) return { expected: `local activity ${m[1]} ${m[2]}`, actual: `local activity ${m[1]} ${m[3]}`, detail };
  m = /^Child workflow (id|type) of scheduled event '(.*)' does not match child workflow \1 of command '(.*)'$/s.exec(detail);
  if (m) {
    const [, what, recorded, issued] = m as unknown as [string, 'id' | 'type', string, string];
    const eventId = uniqueEvent(events, (e) => {
      const a = e.startChildWorkflowExecutionInitiatedEventAttributes;
      return !!a && (what === 'id' ? a.workflowId === recorded : a.workflowType?.name === recorded);
    });
    return { eventId, expected: `StartChildWorkflowExecution (${what} ${recorded})`, actual: `StartChildWorkflowExecution (${what} ${issued})`, detail };
  }
  m = /^Timer fired event did not have expected timer id (.+), it was (.+)!$/s.exec(detail);
  if (m) return { expected: `timer ${m[2]} fired`, actual: `waiting on timer ${m[1]}`, detail };
  m = /^Unexpected command (\w+) generated by a "?(.+?)"? machine$/s.exec(detail);
  if (m) return { actual: m[1], detail };
  return { detail };
}

function eventIdOf(e: Event): number {
  return Number(String(e.eventId ?? 0));
}

/** `HistoryEvent(id: 6, TimerStarted)` or a Debug form with `event_id: 6` and `event_type: 11`. */
function parseEventText(text: string): { id: number; type: string } | undefined {
  const display = /HistoryEvent\(id: (\d+), (\w+)\)/.exec(text);
  if (display) return { id: Number(display[1]), type: display[2]! };
  const id = /event_id: (\d+)/.exec(text);
  if (!id) return undefined;
  const type = /event_type: (\w+)/.exec(text)?.[1];
  return { id: Number(id[1]), type: type === undefined ? '' : /^\d+$/.test(type) ? eventTypeName(Number(type)) : type };
}

/** The id of the one event that matches, or undefined when none or several do (the SDK did not say which). */
function uniqueEvent(events: Event[], match: (e: Event) => boolean): number | undefined {
  const found = events.filter(match);
  return found.length === 1 ? eventIdOf(found[0]!) : undefined;
}

/** The MarkerRecorded event of a patch (the SDK's `core_patch` marker, its id in `patch-data`). */
function patchMarkerEvent(events: Event[], patch: string): number | undefined {
  return uniqueEvent(events, (e) => {
    const a = e.markerRecordedEventAttributes;
    if (a?.markerName !== 'core_patch') return false;
    const data = a.details?.['patch-data']?.payloads?.[0]?.data;
    if (!data) return false;
    try {
      return (JSON.parse(Buffer.from(data).toString('utf8')) as { id?: unknown }).id === patch;
    } catch {
      return false;
    }
  });
}

/** One event as the command that recorded it, with what names it (activity type, timer, patch, child type, signal). */
export function describeEvent(e: Event): string {
  const type = eventTypeName(e.eventType);
  const command = COMMAND_OF_EVENT[type] ?? type;
  const activity = e.activityTaskScheduledEventAttributes;
  if (activity) return `${command} ${activity.activityType?.name ?? '?'}`;
  const timer = e.timerStartedEventAttributes;
  if (timer) return `${command} ${seconds(timer.startToFireTimeout)}`;
  const marker = e.markerRecordedEventAttributes;
  if (marker) {
    if (marker.markerName === 'core_patch') {
      const data = marker.details?.['patch-data']?.payloads?.[0]?.data;
      const id = data ? safeJson(Buffer.from(data).toString('utf8'))?.id : undefined;
      if (typeof id === 'string') return `patched('${id}') marker`;
    }
    return `${command} ${marker.markerName ?? ''}`.trim();
  }
  const child = e.startChildWorkflowExecutionInitiatedEventAttributes;
  if (child) return `${command} ${child.workflowType?.name ?? '?'}`;
  const signal = e.signalExternalWorkflowExecutionInitiatedEventAttributes;
  if (signal) return `${command} ${signal.signalName ?? '?'}`;
  return command;
}

function seconds(d: { seconds?: unknown; nanos?: number | null } | null | undefined): string {
  if (!d) return '';
  const s = Number(String(d.seconds ?? 0)) + (d.nanos ?? 0) / 1e9;
  return `${s}s`;
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
