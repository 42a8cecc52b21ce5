package io.flotilla.domain.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.CreateOrReplace;
import io.flotilla.domain.common.Etags;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Ids;
import io.flotilla.domain.common.Limits;
import io.flotilla.domain.common.MergePatch;
import io.flotilla.domain.common.ListField;
import io.flotilla.domain.common.ListQuery;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** Publishes, changes and removes device templates; keeps parsed models cached by etag. */
public final class TemplateService {
  private final TemplateRepository repository;
  private final TemplateListener listener;
  private final Map<String, DeviceTemplate> cache = new ConcurrentHashMap<>();

  /** @param listener told about every template published for the first time (the default groups) */
  public TemplateService(TemplateRepository repository, TemplateListener listener) {
    this.repository = repository;
    this.listener = listener;
  }

  /**
   * Creates or replaces a template (a replace is one atomic update of the stored one). Fails with {@code Invalid}
   * when the document or its capability model is malformed (the message names the element) or its {@code @id}
   * differs from {@code id}; {@code PreconditionFailed} for a stale etag. A new template is announced to the
   * {@link TemplateListener} (which makes its "&lt;displayName&gt; - All devices" group).
   */
  public Future<DeviceTemplate> put(String id, ObjectNode body) {
    Ids.templateId(id);
    String etag = text(body, "etag");
    Prepared prepared = prepare(id, body);
    return CreateOrReplace.run(
        () -> repository.update(id, current -> {
          Etags.check(etag, current.etag());
          return prepared.stored();
        }).map(replaced -> replaced.map(x -> false)),
        () -> {
          Etags.check(etag, null);
          return repository.save(prepared.stored());
        }).compose(created -> {
          cache.put(id, prepared.template());
          return created ? listener.published(prepared.template()).map(v -> prepared.template())
              : Future.succeededFuture(prepared.template());
        });
  }

  /**
   * Applies a JSON merge patch to the stored document and validates the result like {@link #put}, in one atomic step
   * (the stored template is locked meanwhile: concurrent patches are serialised, none lost). Fails with
   * {@code NotFound} (also for a template deleted before), {@code PreconditionFailed} or {@code Invalid}.
   */
  public Future<DeviceTemplate> patch(String id, ObjectNode patch) {
    AtomicReference<DeviceTemplate> patched = new AtomicReference<>();
    return repository.update(id, current -> {
      Etags.check(text(patch, "etag"), current.etag());
      Prepared p = prepare(id, MergePatch.apply(current.document(), patch));
      patched.set(p.template());
      return p.stored();
    }).map(stored -> {
      stored.orElseThrow(() -> notFound(id));
      cache.put(id, patched.get());
      return patched.get();
    });
  }

  public Future<DeviceTemplate> get(String id) {
    return find(id).map(t -> t.orElseThrow(() -> notFound(id)));
  }

  /** The template, from the cache when its etag is current. */
  public Future<Optional<DeviceTemplate>> find(String id) {
    DeviceTemplate cached = cache.get(id);
    return repository.find(id).map(s -> s.map(stored -> {
      if (cached != null && cached.etag().equals(stored.etag())) {
        return cached;
      }
      DeviceTemplate t = parse(stored);
      cache.put(id, t);
      return t;
    }));
  }

  public Future<Page<DeviceTemplate>> list(PageRequest page) {
    return repository.list(page).map(p -> p.map(TemplateService::parse));
  }

  /** The fields a template list's {@code filter} may test. */
  public static final java.util.List<ListField> LIST_FIELDS = java.util.List.of(ListField.text("@id"),
      ListField.text("displayName"), ListField.text("capabilityModelId"));

  /** The templates a list request ({@code filter}, {@code orderby}) selects, one keyset page. */
  public Future<Page<DeviceTemplate>> select(ListQuery query, PageRequest page) {
    return repository.select(query, page).map(p -> p.map(TemplateService::parse));
  }

  /** Fails with {@code Conflict} while devices use the template, {@code NotFound} when it does not exist. */
  public Future<Void> delete(String id) {
    return repository.deleteUnused(id).onSuccess(v -> cache.remove(id));
  }

  /** Checks a document as a template {@code id} and parses its model: what is stored, with a fresh etag. */
  private static Prepared prepare(String id, ObjectNode body) {
    ObjectNode doc = body.deepCopy();
    doc.remove("etag");
    String bodyId = text(doc, "@id");
    if (bodyId != null && !bodyId.equals(id)) {
      throw new FlotillaException.Invalid("\"@id\" (" + bodyId + ") must equal the template id in the path (" + id + ").");
    }
    doc.put("@id", id);
    checkTypes(doc.get("@type"));
    JsonNode cm = doc.get("capabilityModel");
    if (cm == null || !cm.isObject()) {
      throw new FlotillaException.Invalid("\"capabilityModel\" is required and must be an object (a DTDL v2 Interface).");
    }
    String displayName = Limits.text("displayName", displayName(doc, id), Limits.DISPLAY_NAME);
    Limits.document("The device template", doc, Limits.DOCUMENT);
    TemplateRepository.Stored stored = new TemplateRepository.Stored(id, displayName, doc, Etags.fresh());
    return new Prepared(stored, parse(stored));
  }

  private static DeviceTemplate parse(TemplateRepository.Stored s) {
    CapabilityModel model = CapabilityModel.parse(s.document().get("capabilityModel"));
    return new DeviceTemplate(s.id(), s.displayName(), s.document(), s.etag(), model);
  }

  private static void checkTypes(JsonNode types) {
    if (types == null || !types.isArray() || types.isEmpty()) {
      throw new FlotillaException.Invalid("\"@type\" is required: an array such as [\"ModelDefinition\", \"DeviceModel\"].");
    }
    for (JsonNode t : types) {
      if (!t.isTextual()) {
        throw new FlotillaException.Invalid("\"@type\" must hold only strings.");
      }
    }
  }

  private static String displayName(ObjectNode doc, String id) {
    JsonNode dn = doc.get("displayName");
    if (dn == null || dn.isNull()) {
      return id;
    }
    if (dn.isTextual()) {
      return dn.asText();
    }
    if (dn.isObject() && dn.size() > 0) {
      JsonNode en = dn.get("en");
      return en != null && en.isTextual() ? en.asText() : dn.elements().next().asText();
    }
    throw new FlotillaException.Invalid("\"displayName\" must be a string.");
  }

  private static String text(ObjectNode o, String field) {
    JsonNode n = o.get(field);
    return n != null && n.isTextual() ? n.asText() : null;
  }

  private static FlotillaException.NotFound notFound(String id) {
    return new FlotillaException.NotFound("Device template \"" + id + "\" not found.");
  }

  private record Prepared(TemplateRepository.Stored stored, DeviceTemplate template) {
  }
}
