package io.pensieve.server.rest;

/** The node's handlers that the rows of the {@link RouteTable} run. */
record RouteHandlers(NodeRoutes node, KvRoutes kv, LeaseRoutes leases, SeedRoutes seeds,
    LoginRoute login) { }
