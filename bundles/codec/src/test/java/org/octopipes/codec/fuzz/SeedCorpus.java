package org.octopipes.codec.fuzz;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fuzzers' seed corpus, made from the protocol vectors ({@code vectors/packets.json}). Jazzer
 * reads a {@code @FuzzTest}'s seeds from the test resources at
 * {@code <package>/<TestClass>Inputs/<method>/}, one file per input. The files are committed;
 * {@link SeedCorpusTest} fails when they drift from the vectors; {@link #main} writes them again
 * (run it from the module folder with the test classpath).
 */
public final class SeedCorpus {

    static final String RESOURCES = "src/test/resources/org/octopipes/codec/fuzz/";

    private SeedCorpus() {
    }

    /** Every seed file: path below {@link #RESOURCES} to contents. */
    static Map<String, byte[]> seeds() {
        JsonObject vectors = load();
        HexFormat hex = HexFormat.of();
        Map<String, byte[]> seeds = new TreeMap<>();
        StringBuilder allValid = new StringBuilder();
        for (JsonElement element : vectors.getAsJsonArray("valid")) {
            JsonObject vector = element.getAsJsonObject();
            String name = vector.get("name").getAsString();
            byte[] packet = hex.parseHex(vector.get("packet_hex").getAsString());
            allValid.append(vector.get("packet_hex").getAsString());
            seeds.put(decoder("anyBytesInAnyChunks", "valid_" + name), packet);
            if (vector.has("cap")) {
                seeds.put("CapMessageFuzzTestInputs/anyPayloadParsesCanonicallyOrIsMalformed/valid_" + name,
                        hex.parseHex(vector.get("payload_hex").getAsString()));
            }
        }
        seeds.put(decoder("anyBytesInAnyChunks", "valid_all_in_one_stream"), hex.parseHex(allValid));
        for (JsonElement element : vectors.getAsJsonArray("malformed")) {
            JsonObject vector = element.getAsJsonObject();
            String name = "malformed_" + vector.get("name").getAsString();
            byte[] bytes = hex.parseHex(vector.get("packet_hex").getAsString());
            seeds.put(decoder("anyBytesInAnyChunks", name), bytes);
            seeds.put(decoder("aPacketAfterGarbageAndPaddingIsRecovered", name), bytes);
            seeds.put(decoder("aPacketAfterGarbageWithoutSohIsTheOnlyFrame", name), bytes);
        }
        // Malformed CAP payloads the parser must refuse: each truncation of a valid one, and extras.
        String cap = "CapMessageFuzzTestInputs/anyPayloadParsesCanonicallyOrIsMalformed/";
        seeds.put(cap + "malformed_subscription_truncated_group", hex.parseHex("0102034142"));
        seeds.put(cap + "malformed_subscription_trailing_byte", hex.parseHex("010141" + "41" + "00"));
        seeds.put(cap + "malformed_unsubscription_trailing_byte", hex.parseHex("0200"));
        seeds.put(cap + "malformed_assignment_unknown_error", hex.parseHex("ff070000"));
        seeds.put(cap + "malformed_assignment_success_without_paths", hex.parseHex("ff000000"));
        seeds.put(cap + "malformed_unknown_object", hex.parseHex("7f"));
        seeds.put(cap + "malformed_empty", new byte[0]);
        return seeds;
    }

    private static String decoder(String method, String name) {
        return "StreamDecoderFuzzTestInputs/" + method + "/" + name;
    }

    private static JsonObject load() {
        try (InputStream in = SeedCorpus.class.getResourceAsStream("/vectors/packets.json")) {
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the seed files below the module folder given as the argument (default: the current folder). */
    public static void main(String[] args) throws IOException {
        Path module = Path.of(args.length > 0 ? args[0] : ".");
        for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
            Path file = module.resolve(RESOURCES).resolve(seed.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, seed.getValue());
        }
        System.out.println(seeds().size() + " seed files written below " + module.resolve(RESOURCES));
    }
}
