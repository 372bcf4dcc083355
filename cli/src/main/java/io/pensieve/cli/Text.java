package io.pensieve.cli;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Keys and values: UTF-8 text on the command line, bytes on the wire. */
final class Text {
  private Text() {}

  static ByteString bytes(String text) {
    return ByteString.copyFromUtf8(text);
  }

  /** The bytes as text, when they are valid UTF-8. */
  static Optional<String> utf8(ByteString bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** For a table: the text, or {@code base64:...} when the bytes are not UTF-8. */
  static String show(ByteString bytes) {
    return utf8(bytes).orElseGet(() -> "base64:" + Base64.getEncoder().encodeToString(bytes.toByteArray()));
  }
}
