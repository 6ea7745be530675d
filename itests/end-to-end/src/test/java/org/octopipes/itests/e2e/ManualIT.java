package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The README and the manual in {@code docs/} as a reader follows them: every relative link leads to
 * a file, every anchor to a heading; and the configuration reference lists exactly the properties
 * the bundles describe in their metatypes, each with its default, so that it cannot drift.
 */
class ManualIT {

    private static final Path SOURCES = Path.of(System.getProperty("octopipes.sources"));
    private static final Path LAUNCHER = LauncherServer.LAUNCHER;
    /** Beside the launcher: the routing plugins, which the launcher does not embed. */
    private static final Path PROGRAMS = LAUNCHER.getParent();

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");
    private static final Pattern PID_HEADING = Pattern.compile("^## `([^`]+)`.*");
    private static final Pattern CELL_SEPARATOR = Pattern.compile("(?<!\\\\)\\|");

    @Test
    void everyRelativeLinkAndAnchorInTheReadmeAndTheManualResolves() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(SOURCES.resolve("README.md")));
        try (DirectoryStream<Path> docs = Files.newDirectoryStream(SOURCES.resolve("docs"), "*.md")) {
            docs.forEach(pages::add);
        }
        assertThat(pages).as("the manual's chapters").hasSizeGreaterThan(8);
        SoftAssertions softly = new SoftAssertions();
        int links = 0;
        for (Path page : pages) {
            for (String target : links(page)) {
                links++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path linked = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                String where = SOURCES.relativize(page) + " links to " + target;
                softly.assertThat(linked).as(where).exists();
                if (hash >= 0 && Files.isRegularFile(linked)) {
                    softly.assertThat(anchors(linked)).as(where + ": the headings of " + SOURCES.relativize(linked))
                            .contains(target.substring(hash + 1));
                }
            }
        }
        softly.assertAll();
        assertThat(links).as("relative links checked").isGreaterThan(50);
    }

    @Test
    void theConfigurationReferenceHasEveryPropertyOfEveryMetatypeWithItsDefaultAndNoOther() throws IOException {
        List<Metatypes.Configuration> configurations = new ArrayList<>(Metatypes.ofLauncher(LAUNCHER));
        try (DirectoryStream<Path> plugins = Files.newDirectoryStream(PROGRAMS, "org.octopipes.policy.*.jar")) {
            for (Path plugin : plugins) {
                configurations.addAll(Metatypes.ofBundle(plugin));
            }
        }
        // A PID may be described by several bundles (org.octopipes.server: the FIFO transport and the router).
        Map<String, Map<String, String>> described = new TreeMap<>();
        for (Metatypes.Configuration configuration : configurations) {
            Map<String, String> properties = described.computeIfAbsent(configuration.pid(), pid -> new LinkedHashMap<>());
            configuration.properties().forEach(property -> properties.put(property.id(), property.defaultValue()));
        }
        assertThat(described.keySet()).as("the PIDs described, the plugins' included")
                .contains("org.octopipes.server", "org.octopipes.transport.unix", "org.octopipes.bridge.mqtt", "org.octopipes.policy.acl",
                        "org.octopipes.policy.anycast", "org.octopipes.policy.echo");

        Map<String, Map<String, String>> documented = configurationReference(SOURCES.resolve("docs/configuration.md"));
        assertThat(documented.keySet()).as("the PIDs in docs/configuration.md").containsExactlyInAnyOrderElementsOf(described.keySet());
        SoftAssertions softly = new SoftAssertions();
        int checked = 0;
        for (Map.Entry<String, Map<String, String>> pid : described.entrySet()) {
            Map<String, String> rows = documented.get(pid.getKey());
            softly.assertThat(rows.keySet()).as("the properties of " + pid.getKey() + " in docs/configuration.md")
                    .containsExactlyInAnyOrderElementsOf(pid.getValue().keySet());
            for (Map.Entry<String, String> property : pid.getValue().entrySet()) {
                String defaultCell = rows.get(property.getKey());
                if (defaultCell != null && !property.getValue().isEmpty()) {
                    softly.assertThat(defaultCell).as("the default of " + pid.getKey() + " " + property.getKey())
                            .contains("`" + property.getValue() + "`");
                }
                checked++;
            }
        }
        softly.assertAll();
        assertThat(checked).as("properties checked").isGreaterThan(35);
    }

    /** The relative links of a page, outside code blocks and inline code. */
    private static List<String> links(Path page) throws IOException {
        List<String> links = new ArrayList<>();
        for (String line : prose(page)) {
            Matcher link = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
            while (link.find()) {
                String target = link.group(1);
                if (!target.matches("^[a-z]+:.*")) {
                    links.add(target);
                }
            }
        }
        return links;
    }

    /** The anchors a Markdown renderer such as GitHub's gives the headings of a page. */
    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(page)) {
            if (line.startsWith("#")) {
                String text = line.replaceFirst("^#+\\s*", "").strip();
                String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
        }
        return anchors;
    }

    /** The lines of a page outside fenced code blocks. */
    private static List<String> prose(Path page) throws IOException {
        List<String> prose = new ArrayList<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(page)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced) {
                prose.add(line);
            }
        }
        return prose;
    }

    /**
     * The configuration reference as a map: PID (from its {@code ## `pid`} heading) to the
     * properties of the first table below it, each with its cell in the "default" column.
     */
    private static Map<String, Map<String, String>> configurationReference(Path page) throws IOException {
        Map<String, Map<String, String>> pids = new TreeMap<>();
        String pid = null;
        int defaultColumn = -1;
        for (String line : prose(page)) {
            Matcher heading = PID_HEADING.matcher(line);
            if (heading.matches()) {
                pid = heading.group(1);
                defaultColumn = -1;
                pids.put(pid, new LinkedHashMap<>());
            } else if (line.startsWith("## ")) {
                pid = null;
            } else if (pid != null && line.startsWith("|")) {
                List<String> cells = Stream.of(CELL_SEPARATOR.split(line)).skip(1).map(String::strip).toList();
                if (defaultColumn < 0 && cells.contains("property")) {
                    defaultColumn = cells.indexOf("default");
                } else if (cells.get(0).startsWith("`")) {
                    pids.get(pid).put(cells.get(0).replace("`", ""), defaultColumn < 0 ? null : cells.get(defaultColumn));
                }
            }
        }
        return pids;
    }
}
