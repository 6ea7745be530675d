package org.octopipes.shell.internal;

import static org.octopipes.shell.internal.Table.Column.left;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.felix.service.command.Descriptor;
import org.octopipes.api.ServerConfiguration;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The {@code config} command: the server's effective configuration, each property with its value,
 * where that value came from (Config Admin or the default its metatype declares), and the bundle
 * whose metatype describes it, the one that reads it.
 */
@Component(service = ConfigCommand.class, property = {
    ShellScope.PROPERTY,
    ShellScope.FUNCTION + "config"})
public final class ConfigCommand {

    /** The server's configuration PID, whose parts the FIFO transport's and the router's metatypes describe. */
    static final String SERVER_PID = ServerConfiguration.PID;

    private static final String FROM_CONFIGURATION = "configuration";
    private static final String FROM_DEFAULT = "default";

    /** Properties Config Admin adds to every configuration; they say nothing about the server. */
    private static final Set<String> BOOKKEEPING = Set.of(Constants.SERVICE_PID, ConfigurationAdmin.SERVICE_FACTORYPID,
            ConfigurationAdmin.SERVICE_BUNDLELOCATION);

    private final BundleContext context;
    private final Supplier<PrintStream> out;

    // Both optional and dynamic: the command still tells what it can while either is missing,
    // and picks one up as soon as it is installed, without a restart.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configurationAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile MetaTypeService metaTypeService;

    @Activate
    public ConfigCommand(BundleContext context) {
        // Looked up at each call: Gogo and Karaf route System.out to the session running the command.
        this(context, () -> System.out);
    }

    ConfigCommand(BundleContext context, Supplier<PrintStream> out) {
        this.context = context;
        this.out = out;
    }

    @Descriptor("shows the effective configuration of PID " + SERVER_PID
            + ": each property, its value, whether it comes from Config Admin or is the metatype's default, and the bundle that reads it")
    public void config() throws IOException, InvalidSyntaxException {
        config(SERVER_PID);
    }

    @Descriptor("shows the effective configuration of a PID, e.g. org.octopipes.transport.unix: each property, its value, "
            + "whether it comes from Config Admin or is the metatype's default, and the bundle that reads it")
    public void config(@Descriptor("the configuration's PID") String pid) throws IOException, InvalidSyntaxException {
        ConfigurationAdmin admin = configurationAdmin;
        MetaTypeService metaType = metaTypeService;
        Dictionary<String, Object> configured = admin == null ? null : configuredProperties(admin, pid);
        List<Declared> declared = metaType == null ? List.of() : declaredAttributes(metaType, pid);

        Table table = new Table(left("PROPERTY"), left("VALUE"), left("SOURCE"), left("READ BY"));
        TreeMap<String, Object> configuredNotShown = new TreeMap<>();
        if (configured != null) {
            for (Enumeration<String> keys = configured.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                if (!BOOKKEEPING.contains(key)) {
                    configuredNotShown.put(key, configured.get(key));
                }
            }
        }
        for (Declared each : declared) {
            String id = each.attribute().getID();
            Object value = configuredNotShown.remove(id);
            if (value != null) {
                table.row(id, valueText(value), FROM_CONFIGURATION, each.bundle());
            } else {
                table.row(id, valueText(each.attribute().getDefaultValue()), FROM_DEFAULT, each.bundle());
            }
        }
        // Set in Config Admin but described by no metatype (a misspelt name, say): shown too, after the declared ones.
        configuredNotShown.forEach((key, value) -> table.row(key, valueText(value), FROM_CONFIGURATION, Display.NONE));

        PrintStream console = out.get();
        if (!table.isEmpty()) {
            table.print(console);
        }
        if (admin == null) {
            console.println("Config Admin is not available: the server runs on its defaults");
        } else if (configured == null) {
            console.println("PID " + pid + " has no configuration in Config Admin: every value is a default");
        }
        if (metaType == null) {
            console.println("the Metatype service is not available: the defaults cannot be shown");
        } else if (declared.isEmpty()) {
            console.println("no bundle declares a metatype for PID " + pid + ": the defaults cannot be shown");
        }
    }

    private static Dictionary<String, Object> configuredProperties(ConfigurationAdmin admin, String pid) throws IOException, InvalidSyntaxException {
        // Listed rather than got: getConfiguration would create an empty configuration as a side effect.
        Configuration[] found = admin.listConfigurations("(" + Constants.SERVICE_PID + "=" + filterValue(pid) + ")");
        return found == null || found.length == 0 ? null : found[0].getProperties();
    }

    /** A property some bundle's metatype describes, and that bundle: the one that reads it. */
    record Declared(AttributeDefinition attribute, String bundle) {
    }

    /**
     * The attributes of the PID's metatypes, in bundle order: each bundle that reads part of the
     * PID (the FIFO transport, the router) describes that part. Should two describe the same
     * property, the first one's description is shown.
     */
    private List<Declared> declaredAttributes(MetaTypeService metaType, String pid) {
        List<Declared> declared = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Bundle bundle : context.getBundles()) {
            MetaTypeInformation information = metaType.getMetaTypeInformation(bundle);
            if (information == null || !List.of(information.getPids()).contains(pid)) {
                continue;
            }
            AttributeDefinition[] attributes = information.getObjectClassDefinition(pid, null)
                    .getAttributeDefinitions(ObjectClassDefinition.ALL);
            for (AttributeDefinition attribute : attributes == null ? new AttributeDefinition[0] : attributes) {
                if (seen.add(attribute.getID())) {
                    declared.add(new Declared(attribute, bundle.getSymbolicName()));
                }
            }
        }
        return declared;
    }

    /** {@code pid} as the value of an LDAP filter: the characters a filter gives a meaning escaped. */
    static String filterValue(String pid) {
        return pid.replaceAll("([\\\\*()])", "\\\\$1");
    }

    /** A value as one line: arrays and collections comma-separated, the empty string as {@code ""}. */
    static String valueText(Object value) {
        if (value == null) {
            return Display.NONE;
        }
        if (value.getClass().isArray()) {
            List<Object> elements = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                elements.add(Array.get(value, i));
            }
            return elements.size() == 1 ? valueText(elements.get(0)) : valueText(elements);
        }
        if (value instanceof Iterable<?> elements) {
            StringJoiner joined = new StringJoiner(", ");
            elements.forEach(element -> joined.add(valueText(element)));
            return joined.toString();
        }
        String text = value.toString();
        return text.isEmpty() ? "\"\"" : Display.escaped(text.getBytes(StandardCharsets.UTF_8));
    }
}
