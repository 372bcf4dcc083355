package io.pensieve.store;

import java.util.Iterator;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Runs a property on seeded random cases, shrinks the first failing case to a small one and
 * fails with everything needed to replay it.
 *
 * <p>Each trial draws its case from a {@link SplittableRandom} of its own seed, so one seed is
 * one case: {@code -Dpensieve.seed=<seed>} runs that trial alone (the failure message prints
 * it), and {@code -Dpensieve.trials=<n>} runs more or fewer trials than the test asks for.
 * Without a seed, trial seeds come from a fresh base seed each run, so runs explore different
 * cases over time.
 *
 * <p>Shrinking is greedy: the first smaller candidate that still fails becomes the new case,
 * until no candidate fails or {@value #SHRINK_ATTEMPTS_CEILING} candidates have been tried.
 */
public final class PropertyRunner {
  public static final String SEED_PROPERTY = "pensieve.seed";
  public static final String TRIALS_PROPERTY = "pensieve.trials";
  static final int SHRINK_ATTEMPTS_CEILING = 20_000;

  private PropertyRunner() {}

  /** How to make, shrink and show the cases of a property. */
  public interface Domain<T> {
    T generate(SplittableRandom random);

    /** Variants of {@code failing} that are smaller or simpler, the most promising first. */
    Stream<T> shrink(T failing);

    /** A measure of size to report, such as the number of commands. */
    int size(T value);

    /** The case written for a reader, one command per line. */
    String describe(T value);
  }

  /** The property itself: returns normally when it holds, throws when it does not. */
  @FunctionalInterface
  public interface Property<T> {
    void check(T value) throws Exception;
  }

  /**
   * A failing case, before and after shrinking.
   *
   * @param trial the trial (from 1) that found it
   * @param seed the seed that generates {@code original}
   * @param shrinkAttempts candidates tried while shrinking
   * @param failure how {@code shrunk} fails
   */
  public record Counterexample<T>(
      int trial, long seed, T original, T shrunk, int shrinkAttempts, Throwable failure) {}

  /** Checks {@code property} on {@code trials} cases; throws an {@link AssertionError} if one fails. */
  public static <T> void check(String name, int trials, Domain<T> domain, Property<T> property) {
    Optional<Counterexample<T>> found = search(trials, domain, property);
    if (found.isPresent()) {
      throw new AssertionError(report(name, trials, domain, found.get()), found.get().failure());
    }
  }

  /**
   * Looks for a failing case among {@code trials} seeds (or the replayed one) and shrinks it.
   * Honours {@value #SEED_PROPERTY} and {@value #TRIALS_PROPERTY}.
   */
  public static <T> Optional<Counterexample<T>> search(
      int trials, Domain<T> domain, Property<T> property) {
    String replayed = System.getProperty(SEED_PROPERTY, "").trim();
    if (!replayed.isEmpty()) {
      return searchSeeds(Stream.of(Long.parseLong(replayed)).iterator(), domain, property);
    }
    int count = Integer.getInteger(TRIALS_PROPERTY, trials);
    return search(new SplittableRandom().nextLong(), count, domain, property);
  }

  /** As {@link #search(int, Domain, Property)}, with trial seeds drawn from {@code baseSeed}. */
  public static <T> Optional<Counterexample<T>> search(
      long baseSeed, int trials, Domain<T> domain, Property<T> property) {
    SplittableRandom seeds = new SplittableRandom(baseSeed);
    return searchSeeds(Stream.generate(seeds::nextLong).limit(trials).iterator(), domain, property);
  }

  private static <T> Optional<Counterexample<T>> searchSeeds(
      Iterator<Long> seeds, Domain<T> domain, Property<T> property) {
    int trial = 0;
    while (seeds.hasNext()) {
      long seed = seeds.next();
      trial++;
      T value = domain.generate(new SplittableRandom(seed));
      Optional<Throwable> failure = failureOf(property, value);
      if (failure.isPresent()) {
        return Optional.of(shrink(trial, seed, value, failure.get(), domain, property));
      }
    }
    return Optional.empty();
  }

  private static <T> Counterexample<T> shrink(
      int trial, long seed, T original, Throwable originalFailure,
      Domain<T> domain, Property<T> property) {
    T current = original;
    Throwable failure = originalFailure;
    int attempts = 0;
    boolean smaller = true;
    while (smaller && attempts < SHRINK_ATTEMPTS_CEILING) {
      smaller = false;
      Iterator<T> candidates = domain.shrink(current).iterator();
      while (candidates.hasNext() && attempts < SHRINK_ATTEMPTS_CEILING) {
        T candidate = candidates.next();
        attempts++;
        Optional<Throwable> candidateFailure = failureOf(property, candidate);
        if (candidateFailure.isPresent()) {
          current = candidate;
          failure = candidateFailure.get();
          smaller = true;
          break;
        }
      }
    }
    return new Counterexample<>(trial, seed, original, current, attempts, failure);
  }

  private static <T> Optional<Throwable> failureOf(Property<T> property, T value) {
    try {
      property.check(value);
      return Optional.empty();
    } catch (Exception | AssertionError e) {
      return Optional.of(e);
    }
  }

  static <T> String report(String name, int trials, Domain<T> domain, Counterexample<T> found) {
    boolean replayed = !System.getProperty(SEED_PROPERTY, "").isBlank();
    return "property " + name + " failed on "
        + (replayed ? "the replayed seed" : "trial " + found.trial() + " of up to " + trials)
        + "\n  replay it with -D" + SEED_PROPERTY + "=" + found.seed()
        + "\n  the case had size " + domain.size(found.original()) + "; shrunk in "
        + found.shrinkAttempts() + " attempts to size " + domain.size(found.shrunk()) + ":\n"
        + domain.describe(found.shrunk())
        + "\n  which fails with: " + found.failure();
  }
}
