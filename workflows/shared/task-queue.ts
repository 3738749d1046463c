/**
 * Every workflow of ours runs on one queue, named by TEMPORAL_WORKFLOW_TASK_QUEUE (default
 * `bcsync.workflows`); their activities run on the queue of the system they call (BigCommerce per
 * store, the ERP, the OMS). Each contract names its workflow's queue through this.
 */
export const workflowTaskQueue = (temporal: { workflowTaskQueue: string }): string => temporal.workflowTaskQueue;
