package io.flotilla;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.Slices;
import io.vertx.core.AsyncResult;
import io.vertx.core.CompositeFuture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

/**
 * The dependency arrows of {@code shared/design/architecture.md}, on main classes only. Rules about packages that do
 * not exist yet ({@code sim}, {@code loadgen}) allow an empty subject so they start biting when the package appears.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.flotilla");

  private static final String DOMAIN = "io.flotilla.domain..";
  private static final String API = "io.flotilla.api..";
  private static final String GATEWAY = "io.flotilla.gateway..";
  private static final String STORAGE = "io.flotilla.storage..";
  private static final String APP = "io.flotilla.app..";
  private static final String SIM = "io.flotilla.sim..";
  private static final String LOADGEN = "io.flotilla.loadgen..";
  private static final String WEBHOOK = "io.flotilla.webhook..";
  private static final String CLUSTER = "io.flotilla.cluster..";

  @Test
  void theImportHoldsMainClassesOfEveryLayerAndNoTests() {
    assertThat(MAIN.stream().map(JavaClass::getPackageName))
        .anyMatch(p -> p.startsWith("io.flotilla.domain"))
        .anyMatch(p -> p.startsWith("io.flotilla.api"))
        .anyMatch(p -> p.startsWith("io.flotilla.storage"))
        .anyMatch(p -> p.startsWith("io.flotilla.app"));
    assertThat(MAIN.stream().map(JavaClass::getSimpleName))
        .noneMatch(n -> n.endsWith("Test"))
        .doesNotContain("TestServer", "ApiClient");
  }

  @Test
  void domainUsesOnlyVertxFuturePromiseAndAsyncResult() {
    check(noClasses().that().resideInAPackage(DOMAIN)
        .should().dependOnClassesThat(resideInAPackage("io.vertx..")
            .and(not(belongToAnyOf(Future.class, Promise.class, AsyncResult.class, CompositeFuture.class))))
        .because("the domain imports no web or MQTT classes; Vert.x Future is its async type"));
  }

  @Test
  void domainUsesNoSqlMetricsOrNetty() {
    check(noClasses().that().resideInAPackage(DOMAIN)
        .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "io.micrometer..", "io.netty..")
        .because("SQL lives in storage, metrics at the edges, Netty under Vert.x"));
  }

  @Test
  void domainDependsOnNoOuterPackage() {
    check(noClasses().that().resideInAPackage(DOMAIN)
        .should().dependOnClassesThat().resideInAnyPackage(API, GATEWAY, STORAGE, APP, SIM, LOADGEN, WEBHOOK)
        .because("the domain is the core; edges and storage depend on it, never the reverse"));
  }

  @Test
  void domainPackagesHaveNoCycles() {
    assertThat(Slices.matching("io.flotilla.domain.(*)..").transform(MAIN)).extracting(s -> s.getDescription())
        .as("the rule sees every domain package (group.filter belongs to group)")
        .contains("Slice auth", "Slice common", "Slice device", "Slice group", "Slice job", "Slice provisioning",
            "Slice template");
    check(slices().matching("io.flotilla.domain.(*)..").namingSlices("domain.$1")
        .should().beFreeOfCycles()
        .because("each domain package builds on those below it (template, group, device, then job and provisioning); "
            + "a package that must tell one above it about something does so through a port of its own"));
  }

  @Test
  void apiDependsOnNeitherGatewayNorStorage() {
    check(noClasses().that().resideInAPackage(API)
        .should().dependOnClassesThat().resideInAnyPackage(GATEWAY, STORAGE)
        .because("api, gateway and storage meet only in the domain"));
  }

  @Test
  void gatewayDependsOnNeitherApiNorStorage() {
    check(noClasses().that().resideInAPackage(GATEWAY)
        .should().dependOnClassesThat().resideInAnyPackage(API, STORAGE)
        .because("api, gateway and storage meet only in the domain")
        .allowEmptyShould(true));
  }

  @Test
  void storageDependsOnNeitherApiNorGateway() {
    check(noClasses().that().resideInAPackage(STORAGE)
        .should().dependOnClassesThat().resideInAnyPackage(API, GATEWAY)
        .because("api, gateway and storage meet only in the domain"));
  }

  @Test
  void theWebhookClientDependsOnNoOtherEdgeNorStorage() {
    check(noClasses().that().resideInAPackage(WEBHOOK)
        .should().dependOnClassesThat().resideInAnyPackage(API, GATEWAY, STORAGE, SIM, LOADGEN)
        .because("outbound delivery is an edge of its own: it implements a domain port"));
  }

  @Test
  void theClusterDependsOnNoOtherEdgeNorStorage() {
    check(noClasses().that().resideInAPackage(CLUSTER)
        .should().dependOnClassesThat().resideInAnyPackage(API, GATEWAY, STORAGE, SIM, LOADGEN, WEBHOOK)
        .because("the cluster routes domain ports between nodes; only app wires it to the gateway and simulator"));
  }

  @Test
  void onlyTheClusterAndAppSeeHazelcast() {
    check(noClasses().that().resideInAnyPackage(DOMAIN, API, GATEWAY, STORAGE, SIM, LOADGEN, WEBHOOK)
        .should().dependOnClassesThat().resideInAnyPackage("com.hazelcast..", "io.vertx.spi.cluster..")
        .because("without --cluster no Hazelcast code starts; it lives in io.flotilla.cluster"));
  }

  @Test
  void noEdgeDependsOnTheCluster() {
    check(noClasses().that().resideInAnyPackage(DOMAIN, API, GATEWAY, STORAGE, SIM, LOADGEN, WEBHOOK)
        .should().dependOnClassesThat().resideInAPackage(CLUSTER)
        .because("only app wires the cluster to the rest"));
  }

  @Test
  void noEdgeDependsOnTheWebhookClient() {
    check(noClasses().that().resideInAnyPackage(DOMAIN, API, GATEWAY, STORAGE, SIM, LOADGEN)
        .should().dependOnClassesThat().resideInAPackage(WEBHOOK)
        .because("only app wires the webhook client to the domain"));
  }

  @Test
  void loadgenTalksToTheServerOnlyOverTheWire() {
    check(noClasses().that().resideInAPackage(LOADGEN)
        .should().dependOnClassesThat().resideInAnyPackage(DOMAIN, STORAGE, GATEWAY, API)
        .because("the load generator is a separate process that speaks REST and MQTT")
        .allowEmptyShould(true));
  }

  @Test
  void simulatedDevicesReachTheGatewayOnlyOverMqtt() {
    check(noClasses().that().resideInAPackage(SIM)
        .should().dependOnClassesThat().resideInAnyPackage(API, GATEWAY, STORAGE, LOADGEN)
        .because("a simulated device is an MQTT client of the gateway, like a real one; it uses domain ports only"));
  }

  @Test
  void onlyAppSeesApp() {
    check(noClasses().that().resideOutsideOfPackage(APP)
        .should().dependOnClassesThat().resideInAPackage(APP)
        .because("only app wires everything together"));
  }

  @Test
  void theVertxRuleWouldCatchAForbiddenVertxType() {
    // Guard against a vacuous predicate: a domain-shaped rule over the api package (which uses the router) must fail.
    ArchRule rule = noClasses().that().resideInAPackage(API)
        .should().dependOnClassesThat(resideInAPackage("io.vertx..")
            .and(not(belongToAnyOf(Future.class, Promise.class, AsyncResult.class, CompositeFuture.class))));
    assertThat(rule.evaluate(MAIN).hasViolation()).isTrue();
    assertThat(resideInAnyPackage("io.vertx..").test(MAIN.get(io.flotilla.api.http.ApiServer.class))).isFalse();
  }

  private static void check(ArchRule rule) {
    rule.check(MAIN);
  }
}
