package io.pensieve.api.auth;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One block of a PEM text: its label ({@code PRIVATE KEY}, {@code CERTIFICATE}, ...) and its
 * Base64 body, between {@code -----BEGIN X-----} and {@code -----END X-----}.
 */
public record PemBlock(String label, String base64) {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  /** The blocks of a PEM text, in order. */
  public static List<PemBlock> parse(String text) {
    List<PemBlock> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(text);
    while (matcher.find()) {
      blocks.add(new PemBlock(matcher.group(1), matcher.group(2)));
    }
    return blocks;
  }

  /** @throws IllegalArgumentException when the body is not Base64 */
  public byte[] decode() {
    return Base64.getMimeDecoder().decode(base64);
  }
}
