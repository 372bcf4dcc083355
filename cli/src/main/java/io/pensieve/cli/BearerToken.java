package io.pensieve.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The token pvctl sends as {@code authorization: Bearer <token>} metadata on every call, from
 * {@code --token}, {@code --token-file} or their environment variables. A file keeps the token
 * off the command line, where other users of the machine can read it.
 */
record BearerToken(String token) {
  BearerToken {
    if (token.isEmpty() || !token.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw CliError.usage("a token is printable ASCII without spaces");
    }
  }

  /** The token given, if any; a token and a token file together are refused. */
  static Optional<BearerToken> of(String token, Path tokenFile) {
    boolean hasToken = token != null && !token.isBlank();
    boolean hasFile = tokenFile != null && !tokenFile.toString().isBlank();
    if (hasToken && hasFile) {
      throw CliError.usage("give --token or --token-file, not both (the environment counts:"
          + " PENSIEVE_TOKEN, PENSIEVE_TOKEN_FILE)");
    }
    if (hasToken) {
      return Optional.of(new BearerToken(token.strip()));
    }
    if (!hasFile) {
      return Optional.empty();
    }
    try {
      String text = Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
      if (text.isEmpty()) {
        throw CliError.usage("the token file " + tokenFile + " is empty");
      }
      return Optional.of(new BearerToken(text));
    } catch (IOException e) {
      throw CliError.usage("cannot read the token file " + tokenFile + ": " + e.getMessage());
    }
  }
}
