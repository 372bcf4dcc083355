package io.pensieve.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
        converter = TokenLifetime.class,
        description = "How long the token is valid, like 30m, 12h, 7d (default ${DEFAULT-VALUE}).")
    private Duration ttl;

    @Override
    public Integer call() {
      if (user.isBlank()) {
        throw CliError.usage("--user must name someone");
      }
      List<String> roleNames = Roles.parse(roles);
      SigningKeys keys = key.secretFile != null ? SigningKeys.secret(key.secretFile)
          : SigningKeys.privateKey(key.privateKey);
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      Instant expiresAt = now.plus(ttl);
      JWTClaimsSet claims = new JWTClaimsSet.Builder()
          .subject(user)
          .claim("roles", roleNames)
          .issueTime(Date.from(now))
          .expirationTime(Date.from(expiresAt))
          .jwtID(UUID.randomUUID().toString())
          .build();
      SignedJWT jwt = new SignedJWT(
          new JWSHeader.Builder(keys.algorithm()).type(JOSEObjectType.JWT).build(), claims);
      try {
        jwt.sign(keys.signer());
      } catch (JOSEException e) {
        throw CliError.failed("cannot sign the token: " + e.getMessage());
      }
      String token = jwt.serialize();
      ObjectNode json = JSON.createObjectNode().put("token", token)
          .put("expires_at", expiresAt.toString()).put("token_type", "Bearer")
          .put("user", user);
      roleNames.forEach(json.putArray("roles")::add);
      Pvctl.outputOf(spec).emit(json, token + "\n");
      return ExitCode.OK;
    }
  }
}
