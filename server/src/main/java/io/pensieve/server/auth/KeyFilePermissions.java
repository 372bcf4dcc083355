package io.pensieve.server.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's warning about secrets other users of its machine can read. */
final class KeyFilePermissions {
  private static final Logger LOG = LoggerFactory.getLogger(KeyFilePermissions.class);

  private KeyFilePermissions() {}

  /** Anyone who can read a signing key can mint an admin token. */
  static void warnIfOthersCanRead(Path file, String what) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
        LOG.warn("The {} {} is readable by every user of this machine; chmod 600 it", what,
            file);
      }
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: nothing to check
    }
  }
}
