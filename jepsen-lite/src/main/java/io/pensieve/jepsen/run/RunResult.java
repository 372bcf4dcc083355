package io.pensieve.jepsen.run;

import io.pensieve.jepsen.checker.CheckReport;
import java.nio.file.Path;

/** Where a run left its files, and what the checker made of it. */
public record RunResult(Path directory, CheckReport report) {}
