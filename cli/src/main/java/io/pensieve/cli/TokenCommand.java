package io.pensieve.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.api.auth.Role;
import io.pensieve.api.auth.TokenLifetime;
import io.pensieve.api.auth.TokenSigner;
import io.pensieve.api.auth.TokenSigner.SignedToken;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "token",
    description = {"Makes tokens for nodes that run with --auth.",
        "A token is a JWT naming a user (sub) and their roles: read, write, admin."},
    subcommands = TokenCommand.Create.class,
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl token create --secret-file jwt-secret --user ops --roles admin",
        "  export PENSIEVE_TOKEN=$(pvctl token create --secret-file jwt-secret --user app"
            + " --roles read,write --ttl 1d)"})
final class TokenCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "missing a subcommand: create");
  }

  @Command(name = "create",
      description = {"Signs a token offline, with the node's key: no node is asked.",
          "Prints the token alone (with -o json: the token, its expiry and claims)."},
      footerHeading = "%nExamples:%n",
      footer = {
          "  pvctl token create --secret-file jwt-secret --user ops --roles admin --ttl 12h",
          "  pvctl token create --private-key jwt-private.pem --user app --roles read,write"})
  static final class Create implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Key key;

    static final class Key {
      @Option(names = "--secret-file", paramLabel = "FILE", required = true,
          description = "HS256: the node's --auth-secret-file.")
      Path secretFile;

      @Option(names = "--private-key", paramLabel = "PEM", required = true,
          description = "RS256: the private key matching the node's --auth-public-key"
              + " (PEM PKCS#8).")
      Path privateKey;
    }

    @Option(names = "--user", paramLabel = "NAME", required = true,
        description = "Who the token names (its sub claim).")
    private String user;

    @Option(names = "--roles", paramLabel = "ROLES", required = true,
        description = "Comma-separated: read, write, admin (admin allows everything).")
    private String roles;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h",
        converter = Lifetime.class,
        description = "How long the token is valid, like 30m, 12h, 7d (default ${DEFAULT-VALUE}).")
    private Duration ttl;

    @Override
    public Integer call() {
      if (user.isBlank()) {
        throw CliError.usage("--user must name someone");
      }
      Set<Role> roleSet = parseRoles(roles);
      TokenSigner signer = signer(key);
      SignedToken signed = signer.sign(user, roleSet, Instant.now(), ttl);
      ObjectNode json = JSON.createObjectNode().put("token", signed.token())
          .put("expires_at", signed.expiresAt().toString()).put("token_type", "Bearer")
          .put("user", user);
      Role.claimNames(roleSet).forEach(json.putArray("roles")::add);
      Pvctl.outputOf(spec).emit(json, signed.token() + "\n");
      return ExitCode.OK;
    }

    /** The node's signing key, read by the node's rules; a key it would refuse is a usage error. */
    private static TokenSigner signer(Key key) {
      try {
        return key.secretFile != null ? TokenSigner.secretFile(key.secretFile)
            : TokenSigner.privateKeyFile(key.privateKey);
      } catch (IllegalArgumentException e) {
        throw CliError.usage(e.getMessage());
      }
    }
  }

  /** {@code read,write}: the roles the node knows, at least one; others are a usage error. */
  static Set<Role> parseRoles(String commaSeparated) {
    try {
      return Role.parseList(commaSeparated);
    } catch (IllegalArgumentException e) {
      throw CliError.usage(e.getMessage());
    }
  }

  /** {@code --ttl}: a lifetime as the node reads one, at most {@link #MAX}. */
  static final class Lifetime implements ITypeConverter<Duration> {
    /** pvctl's own bound: the node bounds only the tokens its {@code /login} issues. */
    static final Duration MAX = Duration.ofDays(365);

    @Override
    public Duration convert(String text) {
      Duration ttl;
      try {
        ttl = TokenLifetime.parse(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      if (ttl.isZero() || ttl.compareTo(MAX) > 0) {
        throw new TypeConversionException("'" + text + "' is not between 1s and 365d");
      }
      return ttl;
    }
  }
}
