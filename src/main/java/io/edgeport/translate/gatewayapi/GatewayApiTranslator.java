package io.edgeport.translate.gatewayapi;

import io.edgeport.model.BackendRef;
import io.edgeport.model.ClientRules;
import io.edgeport.model.DiscoveredCertificate;
import io.edgeport.model.Domain;
import io.edgeport.model.HealthCheck;
import io.edgeport.model.HttpsPolicy;
import io.edgeport.model.LoadBalancing;
import io.edgeport.model.PathRule;
import io.edgeport.model.PathRule.PathMatch;
import io.edgeport.model.RequestConditions;
import io.edgeport.model.RequestConditions.NameValue;
import io.edgeport.model.RouteFilters;
import io.edgeport.model.RouteFilters.HeaderEdits;
import io.edgeport.model.RouteFilters.PathReplacement;
import io.edgeport.model.ServiceRef;
import io.edgeport.model.WeightedBackend;
import io.edgeport.net.HostNames;
import io.edgeport.translate.KubernetesTranslator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddressBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantFrom;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantTo;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKindBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Gateway API objects → what edgeport serves, and the status it reports: pure functions of the
 * informers' caches, like {@link KubernetesTranslator} for Ingresses.
 *
 * <p>Readings the spec leaves open, taken here (the README repeats them):
 * <ul>
 *   <li>A listener on port 80 (or edgeport's own HTTP port) is the HTTP listener; 443 (or its HTTPS port) the
 *       HTTPS one. edgeport's ports may differ from the Gateway's where a NAT or port mapping sits between.</li>
 *   <li>A route that uses anything edgeport does not implement (a RegularExpression match, a filter other than
 *       the four core ones, filters on a backendRef) is not served at all, with Accepted False
 *       (UnsupportedValue), rather than served partly. So is a header filter that names a framing, Host,
 *       hop-by-hop or pseudo-header, or a header name or value that is not one.</li>
 *   <li>A backendRef that cannot be used (another kind, not permitted, no port) takes its share of requests and
 *       answers them 500; a Service that does not exist (or has no nodePort) answers 503, like an Ingress
 *       backend, and its ResolvedRefs is False (BackendNotFound).</li>
 * </ul>
 */
public final class GatewayApiTranslator {
  public static final String CONTROLLER = "edgeport.io/gateway-controller";
  public static final String GROUP = "gateway.networking.k8s.io";

  private GatewayApiTranslator() {}

  /** edgeport's listeners: which Gateway listener ports map to them. {@code httpsPort} 0: no HTTPS listener. */
  public record EdgeListeners(int httpPort, int httpsPort) {
    boolean http(int port) {
      return port == 80 || port == httpPort;
    }

    boolean https(int port) {
      return httpsPort > 0 && (port == 443 || port == httpsPort);
    }
  }

  /** The objects the view is built from, as the informers hold them. */
  public record Inputs(List<GatewayClass> classes, List<Gateway> gateways, List<HTTPRoute> routes,
      List<ReferenceGrant> grants, List<Namespace> namespaces, Set<String> services, Map<String, Secret> secrets) {}

  /**
   * @param domains      the hosts that attached routes serve ({@link Domain#gatewayApi()})
   * @param certificates the HTTPS listeners' certificates, from readable Secrets
   * @param secrets      the Secrets ("namespace/name") that HTTPS listeners may use: to read
   * @param classStatus  the conditions of the served GatewayClass, by name
   * @param gatewayStatus the status of each served Gateway, by "namespace/name"
   * @param routeParents  for each HTTPRoute ("namespace/name") with a parent edgeport serves: those parents' status
   * @param notes        why something is not served, for the log
   */
  public record Result(List<Domain> domains, List<DiscoveredCertificate> certificates, Set<String> secrets,
      Map<String, List<Condition>> classStatus, Map<String, GatewayStatus> gatewayStatus,
      Map<String, List<RouteParentStatus>> routeParents, List<String> notes) {
    public static final Result EMPTY = new Result(List.of(), List.of(), Set.of(), Map.of(), Map.of(), Map.of(), List.of());
  }

  /** One listener of a served Gateway, as evaluated. */
  private record Slot(Gateway gateway, Listener listener, boolean https, boolean usable, Set<String> kinds) {
    String hostname() {
      return listener.getHostname() == null ? null : HostNames.canonical(listener.getHostname());
    }
  }

  public static Result build(Inputs in, String className, EdgeListeners edge, String publishAddress) {
    GatewayClass ours = in.classes().stream()
        .filter(c -> c.getMetadata().getName().equals(className) && c.getSpec() != null
            && CONTROLLER.equals(c.getSpec().getControllerName()))
        .findFirst().orElse(null);
    if (ours == null) {
      return Result.EMPTY;
    }
    List<String> notes = new ArrayList<>();
    Map<String, List<Condition>> classStatus = Map.of(className, List.of(condition("Accepted", true, "Accepted",
        "served by edgeport", ours)));
    Map<String, Map<String, String>> nsLabels = new LinkedHashMap<>();
    in.namespaces().forEach(n -> nsLabels.put(n.getMetadata().getName(),
        Objects.requireNonNullElse(n.getMetadata().getLabels(), Map.of())));

    List<Gateway> gateways = oldestFirst(in.gateways().stream()
        .filter(g -> g.getSpec() != null && className.equals(g.getSpec().getGatewayClassName())).toList());
    Map<Listener, ListenerStatusBuilder> listenerStatus = new LinkedHashMap<>();
    Map<Listener, int[]> attached = new LinkedHashMap<>();
    List<Slot> slots = new ArrayList<>();
    Set<String> wantedSecrets = new TreeSet<>();
    List<DiscoveredCertificate> certificates = new ArrayList<>();
    for (Gateway g : gateways) {
      Set<String> seen = new LinkedHashSet<>();
      for (Listener l : listeners(g)) {
        List<Condition> conds = new ArrayList<>();
        int port = l.getPort() == null ? 0 : l.getPort();
        String protocol = Objects.requireNonNullElse(l.getProtocol(), "");
        boolean https = protocol.equals("HTTPS");
        String accepted = null;
        if (!protocol.equals("HTTP") && !https) {
          accepted = "UnsupportedProtocol:edgeport serves HTTP and HTTPS listeners, not " + protocol;
        } else if (!https && !edge.http(port)) {
          accepted = "PortUnavailable:edgeport's HTTP listener is port 80" + (edge.httpPort() != 80 && edge.httpPort() > 0
              ? " (or " + edge.httpPort() + ")" : "") + ", not " + port;
        } else if (https && edge.httpsPort() == 0) {
          accepted = "PortUnavailable:edgeport has no HTTPS listener (set listen.https)";
        } else if (https && !edge.https(port)) {
          accepted = "PortUnavailable:edgeport's HTTPS listener is port 443" + (edge.httpsPort() != 443
              ? " (or " + edge.httpsPort() + ")" : "") + ", not " + port;
        }
        String hostKey = port + "/" + Objects.requireNonNullElse(l.getHostname(), "");
        boolean conflicted = !seen.add(hostKey);
        Set<String> kinds = new LinkedHashSet<>();
        String refsProblem = null;
        if (l.getAllowedRoutes() != null && l.getAllowedRoutes().getKinds() != null
            && !l.getAllowedRoutes().getKinds().isEmpty()) {
          for (RouteGroupKind k : l.getAllowedRoutes().getKinds()) {
            if ("HTTPRoute".equals(k.getKind()) && GROUP.equals(Objects.requireNonNullElse(k.getGroup(), GROUP))) {
              kinds.add("HTTPRoute");
            } else {
              refsProblem = "InvalidRouteKinds:edgeport serves HTTPRoute, not " + k.getKind();
            }
          }
        } else {
          kinds.add("HTTPRoute");
        }
        if (https && accepted == null) {
          String tlsProblem = certificates(g, l, in, wantedSecrets, certificates);
          refsProblem = tlsProblem != null ? tlsProblem : refsProblem;
        }
        boolean usable = accepted == null && !conflicted && !kinds.isEmpty()
            && (refsProblem == null || refsProblem.startsWith("InvalidRouteKinds"));
        conds.add(accepted == null ? condition("Accepted", !conflicted, conflicted ? "HostnameConflict" : "Accepted",
                conflicted ? "another listener has the same port and hostname" : "", g)
            : condition("Accepted", false, accepted, g));
        conds.add(condition("Conflicted", conflicted, conflicted ? "HostnameConflict" : "NoConflicts", "", g));
        conds.add(refsProblem == null ? condition("ResolvedRefs", true, "ResolvedRefs", "", g)
            : condition("ResolvedRefs", false, refsProblem, g));
        conds.add(condition("Programmed", usable, usable ? "Programmed" : "Invalid", "", g));
        listenerStatus.put(l, new ListenerStatusBuilder().withName(l.getName()).withConditions(conds)
            .withSupportedKinds(kinds.stream().map(k -> new RouteGroupKindBuilder().withGroup(GROUP).withKind(k).build())
                .toList()));
        attached.put(l, new int[1]);
        slots.add(new Slot(g, l, https, usable, kinds));
      }
    }

    // routes: oldest first, so that their rules keep that order within the spec's precedence
    Map<String, List<PathRule>> rulesByHost = new LinkedHashMap<>();
    Map<String, Set<String>> origins = new LinkedHashMap<>();
    Map<String, List<RouteParentStatus>> routeParents = new LinkedHashMap<>();
    for (HTTPRoute route : oldestFirst(in.routes())) {
      String routeNs = route.getMetadata().getNamespace();
      String id = routeNs + "/" + route.getMetadata().getName();
      List<RouteParentStatus> parents = new ArrayList<>();
      Map<String, Set<Boolean>> hostSchemes = new LinkedHashMap<>(); // host → served over HTTPS? (true/false)
      Translation rules = translate(route, in);
      for (ParentReference parent : Objects.requireNonNullElse(route.getSpec().getParentRefs(), List.<ParentReference>of())) {
        if (!GROUP.equals(Objects.requireNonNullElse(parent.getGroup(), GROUP))
            || !"Gateway".equals(Objects.requireNonNullElse(parent.getKind(), "Gateway"))) {
          continue;
        }
        String gwNs = Objects.requireNonNullElse(parent.getNamespace(), routeNs);
        Gateway gw = gateways.stream().filter(g -> g.getMetadata().getNamespace().equals(gwNs)
            && g.getMetadata().getName().equals(parent.getName())).findFirst().orElse(null);
        if (gw == null) {
          continue; // another controller's Gateway, or none: not ours to report on
        }
        List<Slot> named = slots.stream().filter(s -> s.gateway() == gw)
            .filter(s -> parent.getSectionName() == null || parent.getSectionName().equals(s.listener().getName()))
            .filter(s -> parent.getPort() == null || parent.getPort().equals(s.listener().getPort()))
            .toList();
        List<Slot> allowed = named.stream().filter(Slot::usable)
            .filter(s -> allows(s, routeNs, gw, nsLabels)).toList();
        String accepted;
        List<Slot> attachedTo = new ArrayList<>();
        if (named.isEmpty()) {
          accepted = "NoMatchingParent:no listener of gateway " + gwNs + "/" + gw.getMetadata().getName() + " has"
              + (parent.getSectionName() != null ? " the name " + parent.getSectionName() : "")
              + (parent.getPort() != null ? " port " + parent.getPort() : "");
        } else if (allowed.isEmpty()) {
          accepted = "NotAllowedByListeners:the listeners do not allow routes from namespace " + routeNs
              + " (allowedRoutes), or cannot serve";
        } else {
          for (Slot s : allowed) {
            List<String> hosts = intersect(s.hostname(), hostnames(route));
            if (!hosts.isEmpty()) {
              attachedTo.add(s);
              hosts.forEach(h -> hostSchemes.computeIfAbsent(h, k -> new LinkedHashSet<>()).add(s.https()));
            }
          }
          accepted = attachedTo.isEmpty() ? "NoMatchingListenerHostname:no listener hostname matches the route's"
              + " hostnames " + hostnames(route) : rules.unsupported();
        }
        attachedTo.forEach(s -> attached.get(s.listener())[0]++);
        List<Condition> conds = new ArrayList<>();
        conds.add(accepted == null ? condition("Accepted", true, "Accepted", "", route)
            : condition("Accepted", false, accepted, route));
        conds.add(rules.refsProblem() == null ? condition("ResolvedRefs", true, "ResolvedRefs", "", route)
            : condition("ResolvedRefs", false, rules.refsProblem(), route));
        parents.add(new RouteParentStatusBuilder().withControllerName(CONTROLLER).withParentRef(
                new ParentReferenceBuilder().withGroup(GROUP).withKind("Gateway").withNamespace(gwNs)
                    .withName(parent.getName()).withSectionName(parent.getSectionName()).withPort(parent.getPort())
                    .build())
            .withConditions(conds).build());
        if (accepted != null && accepted.startsWith("UnsupportedValue")) {
          notes.add("httproute " + id + ": not served: " + accepted.substring(accepted.indexOf(':') + 1));
        }
      }
      if (!parents.isEmpty()) {
        routeParents.put(id, parents);
      }
      if (rules.unsupported() == null) {
        hostSchemes.forEach((host, schemes) -> {
          String scheme = schemes.size() == 2 ? null : schemes.contains(true) ? "https" : "http";
          for (PathRule r : rules.rules()) {
            rulesByHost.computeIfAbsent(host, h -> new ArrayList<>()).add(scheme == null ? r
                : new PathRule(r.match(), r.path(), r.backends(), withScheme(r.conditions(), scheme), r.filters()));
          }
          origins.computeIfAbsent(host, h -> new LinkedHashSet<>()).add("httproute " + id);
        });
      }
    }

    Map<String, GatewayStatus> gatewayStatus = new LinkedHashMap<>();
    for (Gateway g : gateways) {
      List<ListenerStatus> ls = new ArrayList<>();
      boolean anyUsable = false;
      boolean allUsable = true;
      for (Listener l : listeners(g)) {
        ls.add(listenerStatus.get(l).withAttachedRoutes(attached.get(l)[0]).build());
        boolean usable = slots.stream().anyMatch(s -> s.listener() == l && s.usable());
        anyUsable |= usable;
        allUsable &= usable;
      }
      GatewayStatusBuilder status = new GatewayStatusBuilder().withListeners(ls).withConditions(
          condition("Accepted", true, allUsable ? "Accepted" : "ListenersNotValid",
              allUsable ? "" : "some listeners cannot be served; see their conditions", g),
          condition("Programmed", anyUsable, anyUsable ? "Programmed" : "Invalid",
              anyUsable ? "" : "no listener can be served", g));
      if (publishAddress != null) {
        status.withAddresses(new GatewayStatusAddressBuilder()
            .withType(io.edgeport.net.Cidr.IpLiterals.parse(publishAddress) != null ? "IPAddress" : "Hostname")
            .withValue(publishAddress).build());
      }
      gatewayStatus.put(key(g), status.build());
    }

    List<Domain> domains = new ArrayList<>();
    rulesByHost.forEach((host, rules) -> domains.add(new Domain(host, rules,
        String.join(", ", origins.get(host)), HttpsPolicy.NONE, ClientRules.NONE, true)));
    return new Result(domains, certificates, wantedSecrets, classStatus, gatewayStatus, routeParents, notes);
  }

  private static List<Listener> listeners(Gateway g) {
    return Objects.requireNonNullElse(g.getSpec().getListeners(), List.of());
  }

  private static List<String> hostnames(HTTPRoute route) {
    return Objects.requireNonNullElse(route.getSpec().getHostnames(), List.<String>of()).stream()
        .map(HostNames::canonical).toList();
  }

  private static RequestConditions withScheme(RequestConditions c, String scheme) {
    return new RequestConditions(c.method(), c.headers(), c.queryParams(), scheme);
  }

  /** The Secrets of an HTTPS listener, read into certificates; the listener's ResolvedRefs problem, or null. */
  private static String certificates(Gateway g, Listener l, Inputs in, Set<String> wanted,
      List<DiscoveredCertificate> out) {
    if (l.getTls() == null || l.getTls().getCertificateRefs() == null || l.getTls().getCertificateRefs().isEmpty()) {
      return "InvalidCertificateRef:an HTTPS listener needs tls.certificateRefs";
    }
    if (l.getTls().getMode() != null && !l.getTls().getMode().equals("Terminate")) {
      return "InvalidCertificateRef:tls mode " + l.getTls().getMode() + " is not supported (edgeport terminates TLS)";
    }
    String gwNs = g.getMetadata().getNamespace();
    String problem = null;
    for (SecretObjectReference ref : l.getTls().getCertificateRefs()) {
      String ns = Objects.requireNonNullElse(ref.getNamespace(), gwNs);
      if (!Objects.requireNonNullElse(ref.getGroup(), "").isEmpty()
          || !"Secret".equals(Objects.requireNonNullElse(ref.getKind(), "Secret"))) {
        problem = "InvalidCertificateRef:" + ref.getKind() + " is not a Secret";
        continue;
      }
      if (!ns.equals(gwNs) && !granted(in.grants(), GROUP, "Gateway", gwNs, "", "Secret", ns, ref.getName())) {
        problem = "RefNotPermitted:secret " + ns + "/" + ref.getName() + " is in another namespace and no"
            + " ReferenceGrant there allows it";
        continue;
      }
      String id = ns + "/" + ref.getName();
      wanted.add(id);
      Secret secret = in.secrets().get(id);
      Map<String, String> data = secret == null || secret.getData() == null ? Map.of() : secret.getData();
      if (!data.containsKey("tls.crt") || !data.containsKey("tls.key")) {
        problem = "InvalidCertificateRef:secret " + id + (secret == null ? " cannot be read" : " has no tls.crt and tls.key");
        continue;
      }
      List<String> hosts = l.getHostname() == null ? List.of() : List.of(HostNames.canonical(l.getHostname()));
      out.add(new DiscoveredCertificate(hosts, KubernetesTranslator.decode(data.get("tls.crt")),
          KubernetesTranslator.decode(data.get("tls.key")), "gateway " + key(g) + " listener " + l.getName() + " secret " + id));
    }
    return problem;
  }

  /** Does a ReferenceGrant in {@code toNs} let objects of kind {@code fromKind} in {@code fromNs} refer to it? */
  public static boolean granted(List<ReferenceGrant> grants, String fromGroup, String fromKind, String fromNs,
      String toGroup, String toKind, String toNs, String toName) {
    for (ReferenceGrant grant : grants) {
      if (!grant.getMetadata().getNamespace().equals(toNs) || grant.getSpec() == null) {
        continue;
      }
      boolean from = Objects.requireNonNullElse(grant.getSpec().getFrom(), List.<ReferenceGrantFrom>of()).stream()
          .anyMatch(f -> fromGroup.equals(Objects.requireNonNullElse(f.getGroup(), "")) && fromKind.equals(f.getKind())
              && fromNs.equals(f.getNamespace()));
      boolean to = Objects.requireNonNullElse(grant.getSpec().getTo(), List.<ReferenceGrantTo>of()).stream()
          .anyMatch(t -> toGroup.equals(Objects.requireNonNullElse(t.getGroup(), "")) && toKind.equals(t.getKind())
              && (t.getName() == null || t.getName().isEmpty() || t.getName().equals(toName)));
      if (from && to) {
        return true;
      }
    }
    return false;
  }

  /** allowedRoutes.namespaces: Same (the default), All, or Selector (the route's namespace's labels). */
  private static boolean allows(Slot s, String routeNs, Gateway gw, Map<String, Map<String, String>> nsLabels) {
    var ar = s.listener().getAllowedRoutes();
    String from = ar == null || ar.getNamespaces() == null || ar.getNamespaces().getFrom() == null ? "Same"
        : ar.getNamespaces().getFrom();
    return switch (from) {
      case "All" -> true;
      case "Selector" -> nsLabels.containsKey(routeNs)
          && selects(ar.getNamespaces().getSelector(), nsLabels.get(routeNs));
      default -> routeNs.equals(gw.getMetadata().getNamespace());
    };
  }

  /** A label selector against labels: every matchLabels entry and every matchExpressions requirement. */
  public static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    for (LabelSelectorRequirement r : Objects.requireNonNullElse(selector.getMatchExpressions(),
        List.<LabelSelectorRequirement>of())) {
      String value = labels.get(r.getKey());
      List<String> values = Objects.requireNonNullElse(r.getValues(), List.of());
      boolean ok = switch (r.getOperator()) {
        case "In" -> value != null && values.contains(value);
        case "NotIn" -> value == null || !values.contains(value);
        case "Exists" -> labels.containsKey(r.getKey());
        case "DoesNotExist" -> !labels.containsKey(r.getKey());
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * The hostnames a route serves through a listener (Gateway API's intersection): the listener's when the route
   * has none, the route's when the listener has none ({@code *} when neither has), else each route hostname that
   * matches the listener's, the more specific of the two.
   */
  public static List<String> intersect(String listener, List<String> route) {
    if (listener == null) {
      return route.isEmpty() ? List.of(Domain.ANY_HOST) : route;
    }
    if (route.isEmpty()) {
      return List.of(listener);
    }
    List<String> out = new ArrayList<>();
    for (String h : route) {
      if (h.equals(listener) || wildcardCovers(listener, h)) {
        out.add(h);
      } else if (wildcardCovers(h, listener)) {
        out.add(listener);
      }
    }
    return out;
  }

  private static boolean wildcardCovers(String pattern, String host) {
    return pattern.startsWith("*.") && host.endsWith(pattern.substring(1))
        && host.length() > pattern.length() - 1 && !host.equals(pattern);
  }

  /** A route's rules, or why it cannot be served, and the problem with its backendRefs (or null). */
  private record Translation(List<PathRule> rules, String unsupported, String refsProblem) {}

  private static Translation translate(HTTPRoute route, Inputs in) {
    String ns = route.getMetadata().getNamespace();
    List<PathRule> out = new ArrayList<>();
    String refsProblem = null;
    for (HTTPRouteRule rule : Objects.requireNonNullElse(route.getSpec().getRules(), List.<HTTPRouteRule>of())) {
      List<WeightedBackend> backends = new ArrayList<>();
      for (HTTPBackendRef ref : Objects.requireNonNullElse(rule.getBackendRefs(), List.<HTTPBackendRef>of())) {
        if (ref.getFilters() != null && !ref.getFilters().isEmpty()) {
          return unsupported("filters on a backendRef are not supported");
        }
        int weight = ref.getWeight() == null ? 1 : ref.getWeight();
        String refNs = Objects.requireNonNullElse(ref.getNamespace(), ns);
        String problem = null;
        if (!Objects.requireNonNullElse(ref.getGroup(), "").isEmpty()
            || !"Service".equals(Objects.requireNonNullElse(ref.getKind(), "Service"))) {
          problem = "InvalidKind:backendRef " + ref.getKind() + " " + ref.getName() + " is not a Service";
        } else if (!refNs.equals(ns) && !granted(in.grants(), GROUP, "HTTPRoute", ns, "", "Service", refNs,
            ref.getName())) {
          problem = "RefNotPermitted:service " + refNs + "/" + ref.getName() + " is in another namespace and no"
              + " ReferenceGrant there allows it";
        } else if (ref.getPort() == null) {
          problem = "BackendNotFound:backendRef " + refNs + "/" + ref.getName() + " has no port";
        }
        if (problem != null) {
          backends.add(new WeightedBackend(null, weight));
          refsProblem = refsProblem == null ? problem : refsProblem;
          continue;
        }
        if (!in.services().contains(refNs + "/" + ref.getName()) && refsProblem == null) {
          refsProblem = "BackendNotFound:service " + refNs + "/" + ref.getName() + " not found";
        }
        backends.add(new WeightedBackend(new BackendRef(0, new ServiceRef(refNs, ref.getName(),
            String.valueOf(ref.getPort())), LoadBalancing.ROUND_ROBIN, HealthCheck.DEFAULT), weight));
      }
      FilterResult filters = filters(rule);
      if (filters.unsupported() != null) {
        return unsupported(filters.unsupported());
      }
      List<HTTPRouteMatch> matches = rule.getMatches() == null || rule.getMatches().isEmpty()
          ? List.of(new HTTPRouteMatch()) : rule.getMatches();
      for (HTTPRouteMatch m : matches) {
        PathMatch type = PathMatch.PREFIX;
        String path = "/";
        if (m.getPath() != null) {
          String t = Objects.requireNonNullElse(m.getPath().getType(), "PathPrefix");
          if (!t.equals("PathPrefix") && !t.equals("Exact")) {
            return unsupported("path match type " + t + " is not supported");
          }
          type = t.equals("Exact") ? PathMatch.EXACT : PathMatch.PREFIX;
          path = Objects.requireNonNullElse(m.getPath().getValue(), "/");
          if (!path.startsWith("/")) {
            return unsupported("path " + path + " does not start with /");
          }
          if (type == PathMatch.PREFIX && path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1); // "/foo/" matches as "/foo" does: element-wise
          }
        }
        if (type == PathMatch.EXACT && filters.prefixRewrite()) {
          return unsupported("ReplacePrefixMatch needs a PathPrefix match");
        }
        List<NameValue> headers = new ArrayList<>();
        Set<String> headerNames = new LinkedHashSet<>();
        for (HTTPHeaderMatch h : Objects.requireNonNullElse(m.getHeaders(), List.<HTTPHeaderMatch>of())) {
          if (!"Exact".equals(Objects.requireNonNullElse(h.getType(), "Exact"))) {
            return unsupported("header match type " + h.getType() + " is not supported");
          }
          if (headerNames.add(h.getName().toLowerCase(Locale.ROOT))) { // the first of equal names counts
            headers.add(new NameValue(h.getName().toLowerCase(Locale.ROOT), h.getValue()));
          }
        }
        List<NameValue> query = new ArrayList<>();
        Set<String> queryNames = new LinkedHashSet<>();
        for (HTTPQueryParamMatch q : Objects.requireNonNullElse(m.getQueryParams(), List.<HTTPQueryParamMatch>of())) {
          if (!"Exact".equals(Objects.requireNonNullElse(q.getType(), "Exact"))) {
            return unsupported("query parameter match type " + q.getType() + " is not supported");
          }
          if (queryNames.add(q.getName())) {
            query.add(new NameValue(q.getName(), q.getValue()));
          }
        }
        out.add(new PathRule(type, path, filters.filters().redirect() != null ? List.of() : backends,
            new RequestConditions(m.getMethod(), headers, query, null), filters.filters()));
      }
    }
    return new Translation(out, null, refsProblem);
  }

  private static Translation unsupported(String why) {
    return new Translation(List.of(), "UnsupportedValue:" + why, null);
  }

  private record FilterResult(RouteFilters filters, String unsupported, boolean prefixRewrite) {}

  private static FilterResult filters(HTTPRouteRule rule) {
    HeaderEdits request = HeaderEdits.NONE;
    HeaderEdits response = HeaderEdits.NONE;
    RouteFilters.Redirect redirect = null;
    RouteFilters.Rewrite rewrite = null;
    boolean prefixRewrite = false;
    for (HTTPRouteFilter f : Objects.requireNonNullElse(rule.getFilters(), List.<HTTPRouteFilter>of())) {
      String type = Objects.requireNonNullElse(f.getType(), "");
      switch (type) {
        case "RequestHeaderModifier", "ResponseHeaderModifier" -> {
          boolean onRequest = type.equals("RequestHeaderModifier");
          HTTPHeaderFilter h = onRequest ? f.getRequestHeaderModifier() : f.getResponseHeaderModifier();
          String refused = refusedHeaderEdit(h);
          if (refused != null) {
            return new FilterResult(null, type + " " + refused, false);
          }
          if (onRequest) {
            request = edits(h);
          } else {
            response = edits(h);
          }
        }
        case "RequestRedirect" -> {
          var r = f.getRequestRedirect();
          if (r == null) {
            return new FilterResult(null, "RequestRedirect without its settings", false);
          }
          PathReplacement path = replacement(r.getPath());
          prefixRewrite |= path != null && !path.wholePath();
          redirect = new RouteFilters.Redirect(r.getScheme() == null ? null : r.getScheme().toLowerCase(Locale.ROOT),
              r.getHostname(), r.getPort() == null ? 0 : r.getPort(), path,
              r.getStatusCode() == null ? 302 : r.getStatusCode());
        }
        case "URLRewrite" -> {
          var r = f.getUrlRewrite();
          if (r == null) {
            return new FilterResult(null, "URLRewrite without its settings", false);
          }
          PathReplacement path = replacement(r.getPath());
          prefixRewrite |= path != null && !path.wholePath();
          rewrite = new RouteFilters.Rewrite(r.getHostname(), path);
        }
        default -> {
          return new FilterResult(null, "filter " + type + " is not supported", false);
        }
      }
    }
    if (redirect != null && rewrite != null) {
      return new FilterResult(null, "RequestRedirect and URLRewrite cannot be used together", false);
    }
    return new FilterResult(new RouteFilters(request, response, redirect, rewrite), null, prefixRewrite);
  }

  private static PathReplacement replacement(HTTPPathModifier m) {
    if (m == null) {
      return null;
    }
    return "ReplacePrefixMatch".equals(m.getType()) ? new PathReplacement(false, m.getReplacePrefixMatch())
        : new PathReplacement(true, m.getReplaceFullPath());
  }

  /**
   * Headers that no filter may set, add or remove: the framing of the message, its Host, and what belongs to one
   * hop. edgeport sets them itself; one set by a filter would make the two sides read the message differently
   * (Envoy refuses to let header mutations touch them, for the same reason).
   */
  private static final Set<String> PROTECTED_HEADERS = Set.of("content-length", "transfer-encoding", "connection",
      "host", "upgrade", "te", "trailer", "keep-alive", "proxy-connection");

  /** Why a header filter cannot be served (what it names, and why), or null. */
  private static String refusedHeaderEdit(HTTPHeaderFilter f) {
    if (f == null) {
      return null;
    }
    List<String> names = new ArrayList<>();
    List<HTTPHeader> values = new ArrayList<>();
    values.addAll(Objects.requireNonNullElse(f.getSet(), List.of()));
    values.addAll(Objects.requireNonNullElse(f.getAdd(), List.of()));
    values.forEach(h -> names.add(h.getName()));
    names.addAll(Objects.requireNonNullElse(f.getRemove(), List.of()));
    for (String name : names) {
      String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
      if (lower.startsWith(":") || PROTECTED_HEADERS.contains(lower)) {
        return "cannot change " + lower + ": edgeport sets the framing, Host, hop-by-hop and pseudo-headers itself";
      }
      if (lower.isEmpty() || HttpHeaderValidationUtil.validateToken(lower) >= 0) {
        return "names '" + lower + "', which is not a header name";
      }
    }
    for (HTTPHeader h : values) {
      if (h.getValue() == null || HttpHeaderValidationUtil.validateValidHeaderValue(h.getValue()) >= 0) {
        return "gives " + h.getName().toLowerCase(Locale.ROOT) + " a value that is not a header value"
            + " (a control character, or none)";
      }
    }
    return null;
  }

  private static HeaderEdits edits(HTTPHeaderFilter f) {
    if (f == null) {
      return HeaderEdits.NONE;
    }
    return new HeaderEdits(pairs(f.getSet()), pairs(f.getAdd()),
        Objects.requireNonNullElse(f.getRemove(), List.<String>of()).stream()
            .map(n -> n.toLowerCase(Locale.ROOT)).toList());
  }

  private static List<NameValue> pairs(List<HTTPHeader> headers) {
    return Objects.requireNonNullElse(headers, List.<HTTPHeader>of()).stream()
        .map(h -> new NameValue(h.getName().toLowerCase(Locale.ROOT), h.getValue())).toList();
  }

  public static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  /** Oldest first, then by namespace/name: the spec's order for conflicts and ties. */
  public static <T extends HasMetadata> List<T> oldestFirst(List<T> objects) {
    return objects.stream().sorted(Comparator.comparing((T o) ->
            Objects.requireNonNullElse(o.getMetadata().getCreationTimestamp(), ""))
        .thenComparing(GatewayApiTranslator::key)).toList();
  }

  /** @param reasonAndMessage "Reason:message" */
  private static Condition condition(String type, boolean status, String reasonAndMessage, HasMetadata of) {
    int colon = reasonAndMessage.indexOf(':');
    return condition(type, status, reasonAndMessage.substring(0, colon), reasonAndMessage.substring(colon + 1), of);
  }

  /** Without lastTransitionTime: the writer keeps the old one while the condition stays the same. */
  private static Condition condition(String type, boolean status, String reason, String message, HasMetadata of) {
    return new ConditionBuilder().withType(type).withStatus(status ? "True" : "False").withReason(reason)
        .withMessage(message).withObservedGeneration(of.getMetadata().getGeneration()).build();
  }
}
