/** A tiny typed event emitter. `on` returns the function that unsubscribes. */
export class Emitter<Events extends Record<string, unknown>> {
  private readonly handlers = new Map<keyof Events, Set<(payload: never) => void>>();

  on<K extends keyof Events>(type: K, handler: (payload: Events[K]) => void): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler as (payload: never) => void);
    return () => set.delete(handler as (payload: never) => void);
  }

  emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    for (const handler of [...(this.handlers.get(type) ?? [])]) {
      try {
        (handler as (payload: Events[K]) => void)(payload);
      } catch (err) {
        console.error(`[emitter] ${String(type)} handler failed`, err);
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}
