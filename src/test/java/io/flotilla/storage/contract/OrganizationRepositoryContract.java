package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.domain.auth.ApiToken;
import io.flotilla.domain.auth.Role;
import io.flotilla.domain.auth.RoleAssignment;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.group.DeviceGroup;
import io.flotilla.domain.group.filter.FilterParser;
import io.flotilla.domain.organization.Organization;
import io.flotilla.domain.organization.OrganizationService;
import io.flotilla.domain.organization.ScopedResources.Kind;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.flotilla.storage.sql.SqlGroupRepository;
import io.flotilla.storage.sql.SqlOrganizationRepository;
import io.flotilla.storage.sql.SqlTokenRepository;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link io.flotilla.domain.organization.OrganizationRepository} and its scope checks promise, on every database:
 * the tree follows moves, scoped lists and checks reach an organization and everything below it, deletes are refused
 * while something belongs to the organization.
 */
abstract class OrganizationRepositoryContract extends RepositoryContract {
  SqlOrganizationRepository orgs;
  OrganizationService service;
  SqlDeviceRepository devices;

  @BeforeEach
  void repositories() {
    orgs = new SqlOrganizationRepository(db);
    service = new OrganizationService(orgs);
    devices = new SqlDeviceRepository(db);
  }

  /** usa > (washington > seattle, oregon); europe. */
  private void tree() {
    put("usa", null);
    put("washington", "usa");
    put("seattle", "washington");
    put("oregon", "usa");
    put("europe", null);
  }

  private void put(String id, String parent) {
    await(service.put(id, new OrganizationService.Definition(id.toUpperCase(), parent)));
  }

  private static OrganizationScope scope(String... roots) {
    return OrganizationScope.within(List.of(roots));
  }

  @Test
  void writeRoundTripsAndScopedListsReachTheOrganizationAndEverythingBelowIt() {
    tree();
    assertThat(await(orgs.find("seattle"))).contains(new Organization("seattle", "SEATTLE", "washington"));
    assertThat(readAllPages(p -> orgs.list(OrganizationScope.WHOLE, p), 2, Organization::id))
        .extracting(Organization::id).containsExactly("europe", "oregon", "seattle", "usa", "washington");
    assertThat(readAllPages(p -> orgs.list(scope("washington"), p), 1, Organization::id))
        .extracting(Organization::id).containsExactly("seattle", "washington");
    assertThat(readAllPages(p -> orgs.list(scope("seattle", "europe"), p), 1, Organization::id))
        .extracting(Organization::id).containsExactly("europe", "seattle");
    assertThat(await(orgs.reachable(List.of("seattle", "oregon", "nowhere"), scope("washington"))))
        .containsExactly("seattle");
    assertThat(await(orgs.reachable(List.of("seattle", "oregon", "nowhere"), OrganizationScope.WHOLE)))
        .containsExactlyInAnyOrder("seattle", "oregon");
  }

  @Test
  void movingAnOrganizationMovesEverythingBelowIt() {
    tree();
    put("washington", "europe"); // washington (and seattle) leave usa
    assertThat(await(orgs.reachable(List.of("washington", "seattle", "oregon"), scope("usa"))))
        .containsExactly("oregon");
    assertThat(await(orgs.reachable(List.of("washington", "seattle", "oregon"), scope("europe"))))
        .containsExactlyInAnyOrder("washington", "seattle");
  }

  @Test
  void cyclesDepthAndUnknownParentsAreRefusedWithNothingWritten() {
    tree();
    assertThatThrownBy(() -> put("usa", "seattle")).isInstanceOf(FlotillaException.Invalid.class)
        .hasMessageContaining("below it");
    assertThatThrownBy(() -> put("usa", "usa")).isInstanceOf(FlotillaException.Invalid.class);
    assertThatThrownBy(() -> put("x", "nowhere")).isInstanceOf(FlotillaException.Invalid.class)
        .hasMessageContaining("does not exist");
    put("l4", "seattle"); // usa 1, washington 2, seattle 3, l4 4, l5 5
    put("l5", "l4");
    assertThatThrownBy(() -> put("l6", "l5")).isInstanceOf(FlotillaException.Invalid.class)
        .hasMessageContaining("at most 5 levels");
    // moving a subtree that would end up too deep is refused too
    assertThatThrownBy(() -> put("washington", "oregon")).isInstanceOf(FlotillaException.Invalid.class);
    assertThat(await(orgs.find("usa")).orElseThrow().parent()).isNull();
    assertThat(await(orgs.find("washington")).orElseThrow().parent()).isEqualTo("usa");
    assertThat(await(orgs.find("l6"))).isEmpty();
  }

  @Test
  void deleteIsRefusedWhileSomethingBelongsToTheOrganization() {
    tree();
    await(devices.insert(new Device("d1", "d1", null, true, false, false, "e", List.of("seattle")),
        Attestation.generated()));
    await(new SqlGroupRepository(db).insert(new DeviceGroup("g1", "g", null,
        FilterParser.parse("SELECT * FROM devices"), "e", List.of("oregon"))));
    await(new SqlTokenRepository(db).save(new ApiToken("t1", "h", List.of(new RoleAssignment(Role.OPERATOR,
        "europe")), Instant.parse("2031-01-01T00:00:00Z"))));

    assertThatThrownBy(() -> await(service.delete("washington"))).isInstanceOf(FlotillaException.Conflict.class)
        .hasMessageContaining("1 sub-organizations");
    assertThatThrownBy(() -> await(service.delete("seattle"))).isInstanceOf(FlotillaException.Conflict.class)
        .hasMessageContaining("1 devices");
    assertThatThrownBy(() -> await(service.delete("oregon"))).isInstanceOf(FlotillaException.Conflict.class)
        .hasMessageContaining("1 device groups");
    assertThatThrownBy(() -> await(service.delete("europe"))).isInstanceOf(FlotillaException.Conflict.class)
        .hasMessageContaining("1 API tokens");
    assertThat(await(orgs.find("seattle"))).isPresent();

    await(devices.delete("d1"));
    await(service.delete("seattle"));
    assertThat(await(orgs.find("seattle"))).isEmpty();
    assertThat(await(orgs.reachable(List.of("seattle"), OrganizationScope.WHOLE))).isEmpty();
    assertThatThrownBy(() -> await(service.delete("seattle"))).isInstanceOf(FlotillaException.NotFound.class);
  }

  @Test
  void outsideTellsWhetherAStoredResourceLiesBeyondAScope() {
    tree();
    await(devices.insert(new Device("in", "in", null, true, false, false, "e", List.of("seattle")),
        Attestation.generated()));
    await(devices.insert(new Device("out", "out", null, true, false, false, "e", List.of("oregon")),
        Attestation.generated()));
    await(devices.insert(new Device("root", "root", null, true, false, false, "e", List.of()),
        Attestation.generated()));
    OrganizationScope washington = scope("washington");
    assertThat(await(orgs.outside(Kind.DEVICE, "in", washington))).isFalse();
    assertThat(await(orgs.outside(Kind.DEVICE, "out", washington))).isTrue();
    assertThat(await(orgs.outside(Kind.DEVICE, "root", washington))).as("the root is outside every org").isTrue();
    assertThat(await(orgs.outside(Kind.DEVICE, "absent", washington))).isFalse();
    assertThat(await(orgs.outside(Kind.DEVICE, "out", OrganizationScope.WHOLE))).isFalse();
    assertThat(await(orgs.outside(Kind.ORGANIZATION, "seattle", washington))).isFalse();
    assertThat(await(orgs.outside(Kind.ORGANIZATION, "usa", washington))).isTrue();
    for (Kind k : Set.of(Kind.DEVICE_GROUP, Kind.JOB, Kind.SCHEDULED_JOB)) {
      assertThat(await(orgs.outside(k, "absent", washington))).as(k.name()).isFalse();
    }

    assertThat(readAllPages(p -> devices.list(null, washington, p), 1, Device::id)).extracting(Device::id)
        .containsExactly("in");
    assertThat(readAllPages(p -> devices.list(FilterParser.parse("SELECT * FROM devices WHERE $enabled = true"),
        scope("usa"), p), 1, Device::id)).extracting(Device::id).containsExactly("in", "out");
    assertThat(readAllPages(p -> devices.list(null, OrganizationScope.WHOLE, p), 2, Device::id)).hasSize(3);
  }

  /** The list parameters of 2022-10-31-preview (filter, orderby) compose with the scope on every page. */
  @Test
  void filteredAndOrderedPagesStayWithinTheScope() {
    tree();
    String[][] fleet = {{"a", "seattle", "zeta"}, {"b", "oregon", "alpha"}, {"c", "washington", "alpha"},
        {"d", null, "alpha"}, {"e", "seattle", "alpha"}, {"f", "europe", "mike"}};
    for (String[] d : fleet) {
      await(devices.insert(new Device(d[0], d[2], null, true, false, false, "e",
          d[1] == null ? List.of() : List.of(d[1])), Attestation.generated()));
    }
    var byName = new io.flotilla.domain.common.ListQuery(null,
        io.flotilla.domain.common.ListOrder.parse("displayName desc", "id"));
    assertThat(readAllPages(p -> devices.select(byName, scope("washington"), p), 1,
        d -> byName.order().key(d.id(), d.displayName()))).extracting(Device::id).containsExactly("a", "e", "c");
    var alpha = new io.flotilla.domain.common.ListQuery(io.flotilla.domain.common.ListFilterParser.parse(
        "displayName eq 'alpha' or scopes eq 'europe'", io.flotilla.domain.device.DeviceService.LIST_FIELDS),
        io.flotilla.domain.common.ListOrder.parse("id", "id"));
    assertThat(readAllPages(p -> devices.select(alpha, scope("usa"), p), 1, Device::id)).extracting(Device::id)
        .as("the filter's or stays inside the scope").containsExactly("b", "c", "e");
    assertThat(readAllPages(p -> devices.select(alpha, OrganizationScope.WHOLE, p), 2, Device::id))
        .extracting(Device::id).containsExactly("b", "c", "d", "e", "f");
    assertThat(readAllPages(p -> devices.select(alpha, scope(), p), 1, Device::id)).isEmpty();
  }
}
