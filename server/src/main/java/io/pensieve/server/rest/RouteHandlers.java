package io.pensieve.server.rest;

/** The node's handlers that the rows of the {@link RouteTable} run. */
record RouteHandlers(NodeRoutes node, KvRoutes kv, SeedRoutes seeds, LoginRoute login) { }
