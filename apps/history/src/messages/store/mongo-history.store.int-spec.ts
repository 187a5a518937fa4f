import { MongoClient } from 'mongodb';
import { TEST_MONGO_URL, uniqueName } from '../../../../../test/support/infra';
import { describeHistoryStoreContract } from './history-store.contract';
import { MongoHistoryStore } from './mongo-history.store';

/* MongoDB is not installed everywhere; set TEST_MONGO_URL (a replica set) to run this suite. */
if (TEST_MONGO_URL) {
  const url = TEST_MONGO_URL;

  async function dropDatabase(name: string): Promise<void> {
    const client = new MongoClient(url);
    try {
      await client.connect();
      await client.db(name).dropDatabase();
    } finally {
      await client.close();
    }
  }

  describeHistoryStoreContract('mongodb', async () => {
    const dbName = uniqueName('hc_history_store');
    const store = await MongoHistoryStore.connect(url, dbName);
    return {
      store,
      async cleanup() {
        await store.close();
        await dropDatabase(dbName);
      },
    };
  });

  describe('MongoDB history collections', () => {
    const dbName = uniqueName('hc_history_init');
    let store: MongoHistoryStore;

    beforeAll(async () => {
      store = await MongoHistoryStore.connect(url, dbName);
    });

    afterAll(async () => {
      await store?.close();
      await dropDatabase(dbName);
    });

    it('creates the unique indexes at start, and starting again is harmless', async () => {
      await store.init();
      const client = new MongoClient(url);
      try {
        await client.connect();
        const indexes = await client.db(dbName).collection('messages').indexes();
        const unique = indexes.filter((i) => i.unique).map((i) => i.key);
        expect(unique).toEqual(
          expect.arrayContaining([
            { roomId: 1, seq: 1 },
            { senderId: 1, clientMsgId: 1 },
          ]),
        );
      } finally {
        await client.close();
      }
    });
  });
} else {
  describe('MongoHistoryStore', () => {
    it('runs the HistoryStore contract when TEST_MONGO_URL is set', () => {
      console.log(
        'MongoDB not reachable: contract suite skipped (set TEST_MONGO_URL to a replica set to run it)',
      );
    });
  });
}
