/** An alert for ops. `key` de-duplicates: the same key within the cool-down is sent once. */
export interface Alert {
  key: string;
  severity: 'warning' | 'critical';
  title: string;
  text: string;
}
