/** What every event carries. */
export interface EventBase {
  v: 1;
  /** Unique per publish: the dedupe key for at-least-once consumers. */
  eventId: string;
  /** ISO time the fact became true. */
  occurredAt: string;
}
