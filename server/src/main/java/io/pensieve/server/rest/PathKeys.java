package io.pensieve.server.rest;

import com.google.protobuf.ByteString;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.server.kv.KvException;
import java.io.ByteArrayOutputStream;

/**
 * Keys taken from a URL path: percent-decoded to bytes by hand (so that {@code %2F} is a slash
 * inside the key, not a path separator), and required to be UTF-8 text.
 */
final class PathKeys {
  private PathKeys() {}

  static ByteString decode(String rawPath) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(rawPath.length());
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c == '%') {
        if (i + 2 >= rawPath.length()) {
          throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
              "malformed percent-encoding in key");
        }
        int high = Character.digit(rawPath.charAt(i + 1), 16);
        int low = Character.digit(rawPath.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
              "malformed percent-encoding in key");
        }
        bytes.write(high << 4 | low);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        byte[] encoded = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
      }
    }
    ByteString key = ByteString.copyFrom(bytes.toByteArray());
    if (!key.isValidUtf8()) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, "the key is not valid UTF-8");
    }
    return key;
  }
}
