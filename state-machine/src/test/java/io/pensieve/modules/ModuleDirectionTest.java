package io.pensieve.modules;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.pensieve.api.RequestLimits;
import io.pensieve.api.Ttl;

/**
 * The state machine depends on the public API only ({@code proto} ← {@code state-machine} ←
 * {@code server}), and its map is pure Java: no Ratis, gRPC, protobuf or Jetty types, so that it
 * can be tested alone and hosted by several Raft groups one day. It may use the plain-Java
 * contracts of the API (the TTL range is {@code io.pensieve.api.Ttl}'s alone, and each request bound's default and
 * range {@code io.pensieve.api.RequestLimits}').
 */
@AnalyzeClasses(packages = "io.pensieve",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ModuleDirectionTest {
  @ArchTest
  static final ArchRule stateMachineDependsOnTheApiOnly = noClasses()
      .that().resideInAnyPackage("io.pensieve.store..", "io.pensieve.statemachine..",
          "io.pensieve.internal..")
      .should().dependOnClassesThat().resideInAnyPackage("io.pensieve.server..",
          "io.pensieve.client..", "io.pensieve.cli..", "io.pensieve.jepsen..");

  @ArchTest
  static final ArchRule theMapIsPureJava = classes()
      .that().resideInAPackage("io.pensieve.store..")
      .should().onlyDependOnClassesThat(resideInAnyPackage("io.pensieve.store..", "java..")
          .or(belongToAnyOf(Ttl.class, RequestLimits.class)));
}
