package io.pensieve.cli;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.pensieve.api.auth.Role;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "user",
    description = {"Users of the node's --auth-users-file, who log in with POST /login."},
    subcommands = UserCommand.Hash.class,
    footerHeading = "%nExamples:%n",
    footer = {"  pvctl user hash alice --roles read,write >> users"})
final class UserCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "missing a subcommand: hash");
  }

  @Command(name = "hash",
      description = {"Prints a users-file line, NAME:ROLES:bcrypt-hash, for a password typed"
          + " at a prompt that does not echo it (asked twice), or read as the first line of"
          + " standard input when that is not a terminal.",
          "The line holds a salted bcrypt hash, never the password."},
      footerHeading = "%nExamples:%n",
      footer = {
          "  pvctl user hash alice --roles read,write >> users",
          "  printf '%s\\n' \"$PASSWORD\" | pvctl user hash ops@example.com --roles admin"})
  static final class Hash implements Callable<Integer> {
    /** bcrypt reads at most 72 bytes: a longer password would be cut without a word. */
    static final int MAX_PASSWORD_BYTES = 72;
    private static final Pattern NAME = Pattern.compile("[^:\\s]{1,128}");

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The user name (an e-mail address works).")
    private String name;

    @Option(names = "--roles", paramLabel = "ROLES", required = true,
        description = "Comma-separated: read, write, admin.")
    private String roles;

    @Option(names = "--cost", paramLabel = "N", defaultValue = "12",
        description = "bcrypt cost: 2^N rounds, 10 to 16 (default ${DEFAULT-VALUE}, about"
            + " a quarter of a second a login).")
    private int cost;

    @Override
    public Integer call() throws IOException {
      if (!NAME.matcher(name).matches()) {
        throw CliError.usage("a user name is 1 to 128 characters, no ':' or white space");
      }
      if (cost < 10 || cost > 16) {
        throw CliError.usage("--cost must be between 10 and 16, got " + cost);
      }
      String roleList = String.join(",", Role.claimNames(TokenCommand.parseRoles(roles)));
      char[] password = readPassword();
      try {
        byte[] bytes = new String(password).getBytes(StandardCharsets.UTF_8);
        if (password.length == 0) {
          throw CliError.usage("the password is empty");
        }
        if (bytes.length > MAX_PASSWORD_BYTES) {
          throw CliError.usage("the password is " + bytes.length + " bytes; bcrypt reads at"
              + " most " + MAX_PASSWORD_BYTES);
        }
        String hash = BCrypt.with(BCrypt.Version.VERSION_2B).hashToString(cost, password);
        Pvctl.outputOf(spec).raw(name + ":" + roleList + ":" + hash + "\n");
        return ExitCode.OK;
      } finally {
        Arrays.fill(password, '\0');
      }
    }

    private char[] readPassword() throws IOException {
      // pvctl runs on Java 17, where System.console() is null without a terminal
      @SuppressWarnings("SystemConsoleNull")
      Console console = System.console();
      if (console != null) {
        char[] first = console.readPassword("Password for %s: ", name);
        char[] again = console.readPassword("Again: ");
        if (first == null || again == null || !Arrays.equals(first, again)) {
          throw CliError.usage("the passwords differ");
        }
        Arrays.fill(again, '\0');
        return first;
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
          StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null) {
        throw CliError.usage("no password on standard input");
      }
      return line.toCharArray();
    }
  }
}
