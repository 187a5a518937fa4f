interface Pending<Req, Res> {
  request: Req;
  resolve: (answer: Res) => void;
  reject: (err: unknown) => void;
}

/**
 * The requests made in one turn of the event loop, answered together: on a hot path many small
 * lookups (one per message of a batch) become one statement. `answerAll` gets the turn's
 * requests and returns one answer per request, in the same order. When it fails for several,
 * each is asked again on its own, so one bad request does not fail the others.
 */
export class TurnBatch<Req, Res> {
  private queue: Array<Pending<Req, Res>> = [];

  constructor(private readonly answerAll: (requests: Req[]) => Promise<Res[]>) {}

  ask(request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => void this.answer(this.queue.splice(0)));
    });
  }

  private async answer(batch: Array<Pending<Req, Res>>): Promise<void> {
    try {
      const answers = await this.answerAll(batch.map((p) => p.request));
      if (answers.length !== batch.length)
        throw new Error(`TurnBatch: ${answers.length} answers for ${batch.length} requests`);
      batch.forEach((p, i) => p.resolve(answers[i]));
    } catch (err) {
      if (batch.length === 1) batch[0].reject(err);
      else for (const p of batch) void this.answer([p]);
    }
  }
}
