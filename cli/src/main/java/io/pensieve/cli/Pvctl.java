package io.pensieve.cli;

import io.pensieve.client.Endpoint;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code pvctl}, the Pensieve admin CLI. It talks to the nodes over gRPC only: the {@code KV}
 * service for keys, {@code Admin} for the rest, and the standard health service.
 */
@Command(name = "pvctl",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = Pvctl.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = "The Pensieve admin CLI: keys, members, leadership, status, snapshots and"
        + " settings of a cluster, over gRPC; and a load generator, bench.",
    subcommands = {
        GetCommand.class, PutCommand.class, DelCommand.class, CasCommand.class, TxnCommand.class,
        LeaseCommand.class, MemberCommand.class, LeaderCommand.class, StatusCommand.class,
        StatsCommand.class, HealthCommand.class, SnapshotCommand.class, ConfigCommand.class,
        CompletionCommand.class, TokenCommand.class, UserCommand.class, BenchCommand.class},
    footerHeading = "%nExit codes: 0 ok; 1 not found, compare failed or refused by the cluster;"
        + " 2 usage; 3 cluster unavailable or outcome unknown; 4 no valid token, or its roles"
        + " do not allow the request.%n%nExamples:%n",
    footer = {
        "  pvctl put greeting hello",
        "  pvctl get greeting -o json",
        "  pvctl --endpoints 10.0.0.1:7879,10.0.0.2:7879 member list",
        "  PENSIEVE_ENDPOINTS=127.0.0.1:9002 pvctl status",
        "  pvctl --cacert certs/ca.pem member list   # nodes started with --tls-cert",
        "  PENSIEVE_TOKEN_FILE=~/.pensieve-token pvctl member list",
        "  pvctl bench put --clients 16 --in-flight 16"})
public final class Pvctl implements Callable<Integer>, AutoCloseable {
  static final String DEFAULT_ENDPOINTS = "127.0.0.1:9001,127.0.0.1:9002,127.0.0.1:9003";

  @Spec
  private CommandSpec spec;

  @Option(names = "--endpoints", split = ",", paramLabel = "HOST:PORT",
      converter = EndpointConverter.class, scope = ScopeType.INHERIT,
      defaultValue = "${env:PENSIEVE_ENDPOINTS:-" + DEFAULT_ENDPOINTS + "}",
      description = "Nodes' gRPC addresses, tried in order (env PENSIEVE_ENDPOINTS;"
          + " default ${DEFAULT-VALUE}).")
  private List<Endpoint> endpoints;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      completionCandidates = OutputFormat.Names.class, scope = ScopeType.INHERIT,
      description = "table or json (default ${DEFAULT-VALUE}).")
  private OutputFormat output;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
      converter = Durations.class, scope = ScopeType.INHERIT,
      description = "Deadline of each call, every endpoint's attempt included, like 10s, 500ms,"
          + " 2m (default ${DEFAULT-VALUE}).")
  private Duration timeout;

  @Option(names = "--cacert", paramLabel = "FILE", scope = ScopeType.INHERIT,
      defaultValue = "${env:PENSIEVE_CACERT:-}",
      description = "Talk TLS to the nodes, trusting the CA certificates in this PEM file "
          + "(env PENSIEVE_CACERT). Default: plaintext.")
  private String caCert;

  @Option(names = "--token", paramLabel = "JWT", scope = ScopeType.INHERIT,
      defaultValue = "${env:PENSIEVE_TOKEN:-}",
      description = "Bearer token sent with every call, for nodes that run with --auth"
          + " (env PENSIEVE_TOKEN). Prefer --token-file: a command line is visible to others.")
  private String token;

  @Option(names = "--token-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
      defaultValue = "${env:PENSIEVE_TOKEN_FILE:-}",
      description = "File holding the bearer token (env PENSIEVE_TOKEN_FILE).")
  private Path tokenFile;

  private Session session;

  /** The command line, with pvctl's error handling, printing to {@code out} and {@code err}. */
  static CommandLine commandLine(Pvctl pvctl, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(pvctl);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(Pvctl::usageError);
    cli.setExecutionExceptionHandler((e, failed, parsed) -> failure(e, failed));
    return cli;
  }

  /** Runs pvctl with these arguments and returns its exit code. */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    try (Pvctl pvctl = new Pvctl()) {
      return commandLine(pvctl, out, err).execute(args);
    }
  }

  public static void main(String[] args) {
    quietJavaLogging();
    PrintWriter out = new PrintWriter(new OutputStreamWriter(
        new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(
        new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
    int code = run(args, out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** gRPC logs through java.util.logging: the CLI prints nothing but its output. */
  private static void quietJavaLogging() {
    LogManager.getLogManager().reset();
    Logger.getLogger("").setLevel(Level.OFF);
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing a command");
  }

  List<Endpoint> endpoints() {
    return endpoints;
  }

  OutputFormat output() {
    return output;
  }

  Duration timeout() {
    return timeout;
  }

  /** The CA file that turns TLS on, if given. */
  Optional<Path> caCert() {
    return caCert == null || caCert.isBlank() ? Optional.empty() : Optional.of(Path.of(caCert));
  }

  /** The token to send, read from its file if given there. */
  Optional<BearerToken> token() {
    return BearerToken.of(token, tokenFile);
  }

  /** The connections and the output of the command being run, opened on first use. */
  Session session(CommandSpec command) {
    if (session == null) {
      session = new Session(new Cluster(endpoints, timeout, caCert(), token()),
          new Output(output, command.commandLine().getOut()));
    }
    return session;
  }

  /** The output of a command that talks to no node. */
  static Output outputOf(CommandSpec command) {
    return new Output(((Pvctl) command.root().userObject()).output,
        command.commandLine().getOut());
  }

  /** The session of a command: its root is always a {@link Pvctl}. */
  static Session sessionOf(CommandSpec command) {
    return ((Pvctl) command.root().userObject()).session(command);
  }

  @Override
  public void close() {
    if (session != null) {
      session.cluster().close();
      session = null;
    }
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    String command = cli.getCommandSpec().qualifiedName();
    String message = e.getMessage().startsWith("Error: ")
        ? e.getMessage().substring("Error: ".length())
        : e.getMessage();
    err.println("pvctl: " + message + " (see '" + command + " --help')");
    err.flush();
    return ExitCode.USAGE;
  }

  private static int failure(Exception e, CommandLine failed) {
    PrintWriter err = failed.getErr();
    int code;
    if (e instanceof CliError error) {
      err.println("pvctl: " + error.getMessage());
      code = error.exitCode();
    } else {
      err.println("pvctl: unexpected failure: " + e);
      code = ExitCode.FAILED;
    }
    err.flush();
    return code;
  }

  /** {@code --version}: the version this jar was built as. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = Pvctl.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {"pvctl " + properties.getProperty("version", "(unknown version)")
          + " (Java " + Runtime.version() + ")"};
    }
  }

  /** {@code --endpoints} items, {@code host:port}. */
  static final class EndpointConverter implements CommandLine.ITypeConverter<Endpoint> {
    @Override
    public Endpoint convert(String text) {
      try {
        return Endpoint.parse(text);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
