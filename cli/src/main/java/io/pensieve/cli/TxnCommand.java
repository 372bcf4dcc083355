package io.pensieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.TxnOpResult;
import io.pensieve.proto.v1.TxnRequest;
import io.pensieve.proto.v1.TxnResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "txn",
    description = {"Runs a transaction read from standard input, in etcdctl's format.",
        "Three sections, each ended by an empty line: the compares, the requests to run if"
            + " every compare holds, and those to run otherwise. All of it is applied"
            + " atomically in one log entry, every write at one revision. Prints SUCCESS or"
            + " FAILURE (which branch ran), then each request's result: OK for a put, the keys"
            + " and values for a get, the count for a del. Either branch exits 0.",
        "Compares: value(\"k\") = \"v\", version(\"k\") > \"3\" (or mod), create(\"k\") ="
            + " \"0\", lease(\"k\") = \"0\", exists(\"k\") = \"true\"; with =, !=, < or >."
            + " A missing key has version, create and lease 0; a value compare on it holds only"
            + " for !=.",
        "Requests: put KEY VALUE [--lease=ID]; get KEY [RANGE_END] [--prefix] [--from-key]"
            + " [--limit N]; del KEY [RANGE_END] [--prefix] [--from-key]. Quote a value with"
            + " spaces: put k \"two words\"."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl txn -i",
        "  printf 'version(\"acct/a\") = \"7\"\\n\\nput acct/a 70\\nput acct/b 80\\n\\n"
            + "get acct/a\\n\\n' | pvctl txn"})
final class TxnCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = {"-i", "--interactive"},
      description = "Prompt for each section: compares, success requests, failure requests.")
  private boolean interactive;

  @Override
  public Integer call() {
    Session session = Pvctl.sessionOf(spec);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8));
    PrintWriter prompts = spec.commandLine().getOut();
    TxnRequest.Builder txn = TxnRequest.newBuilder();
    for (String line : section(in, prompts, "compares:")) {
      txn.addCompares(TxnScript.compare(line));
    }
    for (String line : section(in, prompts, "success requests (get, put, del):")) {
      txn.addSuccess(TxnScript.request(line));
    }
    for (String line : section(in, prompts, "failure requests (get, put, del):")) {
      txn.addFailure(TxnScript.request(line));
    }
    TxnRequest request = txn.build();
    RequestKind kind = TxnScript.writes(request) ? RequestKind.WRITE : RequestKind.READ;
    TxnResponse response = session.cluster().call(kind, stubs -> stubs.kv().txn(request));
    ObjectNode json = ProtoJson.toJson(response);
    session.output().emit(json, text(response));
    return ExitCode.OK;
  }

  /** One section's lines, up to an empty line or the end of the input. */
  private List<String> section(BufferedReader in, PrintWriter prompts, String prompt) {
    if (interactive) {
      prompts.println(prompt);
      prompts.flush();
    }
    try {
      return TxnScript.section(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read standard input", e);
    }
  }

  /** As etcdctl prints a transaction: the branch, then each result after an empty line. */
  static String text(TxnResponse response) {
    StringBuilder text = new StringBuilder(response.getSucceeded() ? "SUCCESS\n" : "FAILURE\n");
    for (TxnOpResult result : response.getResultsList()) {
      text.append('\n');
      switch (result.getResultCase()) {
        case PUT -> text.append("OK\n");
        case DELETE -> text.append(result.getDelete().getDeleted() ? 1 : 0).append('\n');
        case DELETE_RANGE -> text.append(result.getDeleteRange().getDeleted()).append('\n');
        case GET -> {
          if (result.getGet().getFound()) {
            appendKeyValue(text, result.getGet().getKv());
          }
        }
        case RANGE -> result.getRange().getKvsList().forEach(kv -> appendKeyValue(text, kv));
        case RESULT_NOT_SET -> text.append("(no result)\n");
      }
    }
    return text.toString();
  }

  private static void appendKeyValue(StringBuilder text, KeyValue kv) {
    text.append(Text.show(kv.getKey())).append('\n').append(Text.show(kv.getValue()))
        .append('\n');
  }
}
