package io.pensieve.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** What one run of pvctl printed, and its exit code. */
record PvctlRun(int exitCode, String out, String err) {
  /** pvctl run in this JVM, its output and exit code captured. */
  static PvctlRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Pvctl.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new PvctlRun(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
