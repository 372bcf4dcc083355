package io.pensieve.modules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * pvctl uses the public API and the client library only, and talks to nodes over the
 * network: never the node, its state machine or its internal formats.
 */
@AnalyzeClasses(packages = "io.pensieve",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ModuleDirectionTest {
  @ArchTest
  static final ArchRule pvctlUsesThePublicApiAndClientOnly = noClasses()
      .that().resideInAPackage("io.pensieve.cli..")
      .should().dependOnClassesThat().resideInAnyPackage("io.pensieve.internal..",
          "io.pensieve.store..", "io.pensieve.statemachine..", "io.pensieve.server..",
          "io.pensieve.jepsen..");
}
