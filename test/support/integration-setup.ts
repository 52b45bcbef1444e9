// Real clusters: consumer-group joins, leader elections and broker restarts take seconds, not ms.
jest.setTimeout(180_000);
