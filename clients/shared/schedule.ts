/**
 * A schedule a flow wants, for the current configuration. Each flow declares its own next to its
 * starters (`clients/<flow>.ts`); `workers/schedules.ts` composes them and puts them in place.
 */
export interface DesiredSchedule {
  id: string;
  everyMs: number;
  workflowType: string;
  workflowId: string;
  args: unknown[];
  summary: string;
}
