/** The fault registry moved to sandbox/faults.ts when the OMS sandbox started sharing it. */
export { FaultRegistry, type Fault } from '../faults';
