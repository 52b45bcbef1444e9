// Real clusters: consumer-group joins, leader elections and broker restarts take seconds, not ms.
jest.setTimeout(Number(process.env.KF_TEST_TIMEOUT_MS ?? 180_000));
