package org.octopipes.webconsole.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.octopipes.api.Broker;
import org.octopipes.api.ClientInfo;
import org.octopipes.api.PolicyInfo;
import org.octopipes.api.TrafficCounters;
import org.octopipes.api.UnknownClientException;
import org.octopipes.codec.Name;
import org.octopipes.monitoring.support.BridgeReadings;
import org.octopipes.monitoring.support.BridgeReadings.Bridge;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The "Octopipes" page of the Felix Web Console (and of Karaf's, which is the same console): a
 * plain servlet service with {@code felix.webconsole.label}, so the console puts it in its menu,
 * frames it in its own header and serves it only to whoever passed its authentication. No
 * dependency on the Web Console itself: the bundle runs wherever a servlet API is.
 *
 * <p>Under {@code /system/console/octopipes}: the page (GET), {@code data.json} that the page
 * polls, {@code static/} for its script, style and the chart library, and the actions (POST
 * {@code kick}, {@code subscribe}, {@code unsubscribe}). The console's authentication keeps
 * strangers out; an action also needs this page's token, which only a page the console served
 * holds, so that another site cannot make a logged-in browser post one (CSRF).
 */
@Component(service = Servlet.class, configurationPid = OctopipesConsolePlugin.PID, property = {
    "felix.webconsole.label=" + OctopipesConsolePlugin.LABEL,
    "felix.webconsole.title=Octopipes",
    "felix.webconsole.category=Octopipes"})
@Designate(ocd = ConsoleConfiguration.class)
public final class OctopipesConsolePlugin extends HttpServlet {

    static final String PID = "org.octopipes.webconsole";
    static final String LABEL = "octopipes";
    /** The request header an action carries the page's token in. */
    static final String TOKEN_HEADER = "X-Octopipes-Token";

    private static final long serialVersionUID = 1L;
    /** The Web Console sets this request attribute to the page's own URL path. */
    private static final String PLUGIN_ROOT = "felix.webconsole.pluginRoot";
    private static final Map<String, String> STATIC_TYPES = Map.of(
            "chart.umd.min.js", "text/javascript", "octopipes.js", "text/javascript", "octopipes.css", "text/css",
            "chart.js-LICENSE.md", "text/plain");

    private final transient Broker broker;
    private final transient BridgeReadings bridges = new BridgeReadings(ManagementFactory.getPlatformMBeanServer());
    private final transient TrafficHistory history;
    private final transient ScheduledExecutorService sampler;
    private final transient Logger logger;
    private final int sampleSeconds;
    private final String token;

    @Activate
    public OctopipesConsolePlugin(@Reference(name = "broker") Broker broker,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger, ConsoleConfiguration configuration) {
        if (configuration.sample_seconds() < 1 || configuration.history_minutes() < 1) {
            throw new IllegalArgumentException(PID + ": sample.seconds and history.minutes must be 1 or more, not "
                    + configuration.sample_seconds() + " and " + configuration.history_minutes());
        }
        this.broker = broker;
        this.logger = logger;
        this.sampleSeconds = configuration.sample_seconds();
        this.history = new TrafficHistory(configuration.history_minutes() * 60 / sampleSeconds);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        this.sampler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "octopipes-webconsole-sampler");
            thread.setDaemon(true);
            return thread;
        });
        sampler.scheduleAtFixedRate(this::sample, 0, sampleSeconds, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        sampler.shutdownNow();
    }

    /** A scheduled task that throws is never run again: a failed sample is logged, and the next one tries anew. */
    private void sample() {
        try {
            history.sample(System.currentTimeMillis(), broker.counters());
        } catch (RuntimeException e) {
            logger.warn("Could not sample the server's counters for the Web Console's chart", e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = subPath(request);
        if (path.isEmpty()) {
            page(request, response);
        } else if (path.equals("data.json")) {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-store");
            response.getWriter().write(data());
        } else if (path.startsWith("static/") && STATIC_TYPES.containsKey(path.substring("static/".length()))) {
            staticFile(path.substring("static/".length()), response);
        } else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "no such part of the Octopipes page: " + path);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String action = subPath(request);
        if (!List.of("kick", "subscribe", "unsubscribe").contains(action)) {
            reply(response, HttpServletResponse.SC_NOT_FOUND, false, "no such action: '" + action + "'");
            return;
        }
        String sent = request.getHeader(TOKEN_HEADER);
        if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            // Not this page's own request: another site's form, or a script that never loaded the page.
            reply(response, HttpServletResponse.SC_FORBIDDEN, false, "the request lacks the page's token (" + TOKEN_HEADER
                    + "): reload the Octopipes page and try again");
            return;
        }
        String user = request.getRemoteUser() != null ? request.getRemoteUser() : "a Web Console user";
        try {
            Name client = name(request.getParameter("client"), "client");
            switch (action) {
                case "kick" -> {
                    boolean kicked = broker.kick(client);
                    if (!kicked) {
                        throw new UnknownClientException(client);
                    }
                    logger.info("{} kicked '{}' from the Web Console", user, client);
                    reply(response, HttpServletResponse.SC_OK, true, "kicked '" + client + "'");
                }
                case "subscribe" -> {
                    List<Name> groups = groups(request.getParameter("groups"));
                    broker.subscribe(client, groups);
                    logger.info("{} subscribed '{}' to {} from the Web Console", user, client, groups);
                    reply(response, HttpServletResponse.SC_OK, true, "subscribed '" + client + "' to " + names(groups));
                }
                default -> {
                    List<Name> groups = groups(request.getParameter("groups"));
                    broker.unsubscribe(client, groups);
                    logger.info("{} unsubscribed '{}' from {} from the Web Console", user, client, groups);
                    reply(response, HttpServletResponse.SC_OK, true, "unsubscribed '" + client + "' from " + names(groups));
                }
            }
        } catch (UnknownClientException unknown) {
            reply(response, HttpServletResponse.SC_NOT_FOUND, false, unknown.getMessage());
        } catch (IllegalArgumentException | IllegalStateException refused) {
            // A bad name, too many groups, an attempt to leave one's own group: the server's own words.
            reply(response, HttpServletResponse.SC_BAD_REQUEST, false, refused.getMessage());
        }
    }

    /** The part of the path after the label: "" for the page, "data.json", "static/...", or an action. */
    private static String subPath(HttpServletRequest request) {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        String prefix = "/" + LABEL;
        if (path.startsWith(prefix)) {
            path = path.substring(prefix.length());
        }
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private void page(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object root = request.getAttribute(PLUGIN_ROOT);
        String base = root != null ? root.toString() : request.getContextPath() + request.getServletPath() + "/" + LABEL;
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        String html = """
                <link rel="stylesheet" href="%1$s/static/octopipes.css">
                <div id="octopipes" data-base="%1$s" data-token="%2$s" data-sample-seconds="%3$d">
                  <p class="statline ui-state-highlight" id="octopipes-summary">Loading&hellip;</p>
                  <p id="octopipes-message" role="status"></p>
                  <h2>Traffic</h2>
                  <div class="octopipes-chart"><canvas id="octopipes-chart" aria-label="Deliveries and drops per second"></canvas></div>
                  <h2>Clients</h2>
                  <table class="nicetable" id="octopipes-clients">
                    <thead><tr><th>Name</th><th>Groups</th><th>Transport</th><th>Queued</th><th>Queued bytes</th><th>Received</th>
                    <th>Delivered</th><th>Dropped</th><th>Actions</th></tr></thead>
                    <tbody></tbody>
                  </table>
                  <h2>Groups</h2>
                  <table class="nicetable" id="octopipes-groups"><thead><tr><th>Group</th><th>Members</th></tr></thead><tbody></tbody></table>
                  <h2>Routing policies</h2>
                  <table class="nicetable" id="octopipes-policies">
                    <thead><tr><th>Name</th><th>Ranking</th><th>Bundle</th><th>Service id</th><th>Routes now</th></tr></thead><tbody></tbody>
                  </table>
                  <h2>Access checks</h2>
                  <table class="nicetable" id="octopipes-access-checks">
                    <thead><tr><th>Name</th><th>Ranking</th><th>Bundle</th><th>Service id</th><th>Active</th></tr></thead><tbody></tbody>
                  </table>
                  <h2>MQTT bridges</h2>
                  <table class="nicetable" id="octopipes-bridges">
                    <thead><tr><th>Name</th><th>Broker</th><th>Connected</th><th>Queued</th><th>Queued bytes</th><th>Sent</th>
                    <th>Received</th><th>Dropped</th><th>Importers waited for</th><th>Importers given up</th></tr></thead><tbody></tbody>
                  </table>
                </div>
                <script src="%1$s/static/chart.umd.min.js"></script>
                <script src="%1$s/static/octopipes.js"></script>
                """.formatted(attribute(base), token, sampleSeconds);
        response.getWriter().write(html);
    }

    /** Everything the page shows, as of now. */
    String data() {
        JsonWriter json = new JsonWriter().beginObject();
        TrafficCounters totals = broker.counters();
        json.name("totals").beginObject().name("received").value(totals.received()).name("routed").value(totals.routed())
                .name("delivered").value(totals.delivered()).name("dropped").value(totals.droppedTotal()).endObject();
        json.name("clients").beginArray();
        for (ClientInfo client : broker.clients()) {
            json.beginObject().name("name").value(client.name().toString()).name("groups").beginArray();
            client.groups().stream().sorted().forEach(group -> json.value(group.toString()));
            json.endArray().name("transport").value(client.transport()).name("address").value(client.address())
                    .name("queuedPackets").value(client.queuedPackets()).name("queuedBytes").value(client.queuedBytes())
                    .name("received").value(client.counters().received()).name("delivered").value(client.counters().delivered())
                    .name("dropped").value(client.counters().droppedTotal()).endObject();
        }
        json.endArray().name("groups").beginArray();
        for (Map.Entry<Name, Set<Name>> group : broker.groups().entrySet()) {
            json.beginObject().name("name").value(group.getKey().toString()).name("members").beginArray();
            group.getValue().forEach(member -> json.value(member.toString()));
            json.endArray().endObject();
        }
        json.endArray();
        policies(json.name("policies"), broker.policies());
        policies(json.name("accessChecks"), broker.accessChecks());
        json.name("bridges").beginArray();
        for (Bridge bridge : bridges.read()) {
            json.beginObject().name("name").value(bridge.name()).name("broker").value(bridge.broker()).name("connected").value(bridge.connected())
                    .name("queuedPackets").value(bridge.queuedPackets()).name("queuedBytes").value(bridge.queuedBytes())
                    .name("sent").value(bridge.sent()).name("received").value(bridge.received()).name("dropped").value(bridge.dropped())
                    .name("importersWaitedFor").value(bridge.importersWaitedFor()).name("importersGivenUp").value(bridge.importersGivenUp())
                    .endObject();
        }
        json.endArray().name("rates").beginArray();
        for (TrafficHistory.Rate rate : history.rates()) {
            json.beginObject().name("time").value(rate.epochMillis()).name("delivered").value(rate.deliveredPerSecond())
                    .name("dropped").value(rate.droppedPerSecond()).endObject();
        }
        return json.endArray().endObject().toString();
    }

    private static void policies(JsonWriter json, List<PolicyInfo> policies) {
        json.beginArray();
        for (PolicyInfo policy : policies) {
            json.beginObject().name("name").value(policy.name()).name("ranking").value(policy.ranking()).name("bundle").value(policy.bundle())
                    .name("serviceId").value(policy.serviceId()).name("active").value(policy.active()).endObject();
        }
        json.endArray();
    }

    private void staticFile(String file, HttpServletResponse response) throws IOException {
        try (InputStream in = OctopipesConsolePlugin.class.getResourceAsStream("/static/" + file)) {
            if (in == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND, "the bundle lacks static/" + file);
                return;
            }
            response.setContentType(STATIC_TYPES.get(file));
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "max-age=3600");
            try (OutputStream out = response.getOutputStream()) {
                in.transferTo(out);
            }
        }
    }

    private static void reply(HttpServletResponse response, int status, boolean ok, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(new JsonWriter().beginObject().name("ok").value(ok).name("message").value(message).endObject().toString());
    }

    private static Name name(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a " + what + " name is required");
        }
        return Name.parse(text.strip());
    }

    /** Groups as the shell takes them: separated by commas or blanks. */
    private static List<Name> groups(String text) {
        List<Name> groups = new ArrayList<>();
        if (text != null) {
            for (String group : text.split("[,\\s]+")) {
                if (!group.isEmpty()) {
                    groups.add(name(group, "group"));
                }
            }
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("at least one group is required");
        }
        return groups;
    }

    private static String names(List<Name> names) {
        return String.join(", ", names.stream().map(Name::toString).toList());
    }

    /** Text for an HTML attribute: the plugin root comes from the console, but is escaped all the same. */
    private static String attribute(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
