package io.pensieve.cli;

/** What a running command works with: the cluster's nodes and the output. */
record Session(Cluster cluster, Output output) {}
