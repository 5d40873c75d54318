/**
 * The time limit of integration and end-to-end tests, which run on real stores (an fsync a
 * commit) and real servers: some take 3-5 s on a slow 2-core machine, against jest's 5 s. Jest
 * takes `testTimeout` only from the global config, not from a project's, so each of those
 * projects sets it here.
 */
jest.setTimeout(60_000);
