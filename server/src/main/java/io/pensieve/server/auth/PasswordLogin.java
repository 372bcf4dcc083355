package io.pensieve.server.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.pensieve.api.auth.TokenSigner.SignedToken;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.server.DaemonThreads;
import io.pensieve.server.kv.KvException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trades a user's password for a token ({@code POST /login}). A bcrypt check costs tens to
 * hundreds of milliseconds of CPU on purpose, so it runs on a few threads of its own, never on
 * the API's, with a bounded queue: a flood of logins is refused (503) rather than starving
 * reads and writes. An unknown user is checked against a dummy hash of the highest cost in the
 * file, so the answer takes as long as for a known one and user names cannot be probed by timing.
 */
public final class PasswordLogin implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PasswordLogin.class);
  /** bcrypt reads at most 72 bytes of a password; longer ones are refused, never truncated. */
  public static final int MAX_PASSWORD_BYTES = 72;
  private static final int THREADS = 2;
  private static final int MAX_QUEUED = 64;
  private static final String WRONG = "wrong user name or password";

  private final Map<String, UsersFile.User> users;
  private final TokenIssuer issuer;
  private final byte[] dummyHash;
  private final ThreadPoolExecutor checks;

  public PasswordLogin(Map<String, UsersFile.User> users, TokenIssuer issuer) {
    this.users = Map.copyOf(users);
    this.issuer = issuer;
    int cost = users.values().stream().mapToInt(UsersFile.User::cost).max().orElse(12);
    this.dummyHash = BCrypt.withDefaults().hash(cost, "not anyone's password".toCharArray());
    this.checks = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(MAX_QUEUED), DaemonThreads.named("pensieve-login"));
  }

  public int userCount() {
    return users.size();
  }

  /**
   * The token of {@code name} if {@code password} is theirs; else it fails with {@link
   * ErrorCode#ERROR_CODE_UNAUTHENTICATED}, the same message whether the user exists or not.
   */
  public CompletableFuture<SignedToken> login(String name, String password, String remote) {
    try {
      return CompletableFuture.supplyAsync(() -> check(name, password, remote), checks);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new KvException(ErrorCode.ERROR_CODE_UNAVAILABLE,
          "too many logins in progress; retry"));
    }
  }

  private SignedToken check(String name, String password, String remote) {
    UsersFile.User user = users.get(name);
    byte[] typed = password.getBytes(StandardCharsets.UTF_8);
    boolean tooLong = typed.length > MAX_PASSWORD_BYTES;
    byte[] hash = user == null ? dummyHash : user.hash().getBytes(StandardCharsets.US_ASCII);
    // the check runs whatever happens, so that every refusal takes the same time
    boolean verified = BCrypt.verifyer()
        .verify(tooLong ? new byte[] {0} : typed, hash).verified;
    if (user == null || tooLong || !verified) {
      LOG.warn("Login of user '{}' from {} refused: {}", LogText.of(name), remote,
          user == null ? "unknown user" : tooLong ? "password too long" : "wrong password");
      throw new KvException(ErrorCode.ERROR_CODE_UNAUTHENTICATED, WRONG);
    }
    LOG.info("Login of user '{}' from {}", LogText.of(name), remote);
    return issuer.issue(user.name(), user.roles());
  }

  @Override
  public void close() {
    checks.shutdownNow();
  }
}
