package io.parley.server;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package rules that hold today, checked on the compiled main classes (imports and fully qualified uses
 * alike), so a change that breaks one fails the build instead of waiting for a reviewer.
 */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")) // core's fixtures, packaged for the tests
                .importPackages("io.parley");
        // A rule over no classes passes vacuously: make sure both modules were found.
        assertTrue(main.containPackage("io.parley.core.chat"), "core's classes were not imported");
        assertTrue(main.containPackage("io.parley.server.gateway"), "the server's classes were not imported");
    }

    @Test
    void coreUsesTheJdkSlf4jAndJemojiOnly() {
        // The core module's only dependencies are SLF4J and jemoji, so the build already keeps Netty, NATS, Lucene
        // and Jackson out; the rule says it here too, where the reason is written.
        classes().that().resideInAPackage("io.parley.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.parley.core..", "org.slf4j..",
                        "net.fellbaum.jemoji..")
                .because("the domain imports no technology (docs/architecture.md, Modules)")
                .check(main);
    }

    @Test
    void coreUsesNoJdbc() {
        // JDBC is part of the JDK, so no module boundary keeps it out of core: only this rule does.
        noClasses().that().resideInAPackage("io.parley.core..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..")
                .because("storage is reached through core's store ports; JDBC lives in server/store")
                .check(main);
    }

    @Test
    void theWebSocketEdgeAndTheRestEdgeDoNotUseEachOther() {
        // Both edges call the same core services (assembled in app/Services); neither goes through the other.
        noClasses().that().resideInAPackage("io.parley.server.gateway..")
                .should().dependOnClassesThat().resideInAPackage("io.parley.server.api..")
                .check(main);
        noClasses().that().resideInAPackage("io.parley.server.api..")
                .should().dependOnClassesThat().resideInAPackage("io.parley.server.gateway..")
                .check(main);
    }

    @Test
    void theFederationLinkKnowsNothingOfWhatItCarries() {
        // The transport (identity, signing, peering, heartbeats) is below the features: org-shared channels and
        // replicas register on it, never the other way round (federation/package-info.java).
        noClasses().that().resideInAPackage("io.parley.server.federation.link..")
                .should().dependOnClassesThat().resideInAnyPackage("io.parley.server.federation.org..",
                        "io.parley.server.federation.resilient..")
                .check(main);
    }

    @Test
    void orgSharedChannelsDoNotUseResilientChannels() {
        // Replica sets are built on the org path (its store, inbound apply and wire records); the org path works
        // without them.
        noClasses().that().resideInAPackage("io.parley.server.federation.org..")
                .should().dependOnClassesThat().resideInAPackage("io.parley.server.federation.resilient..")
                .check(main);
    }
}
